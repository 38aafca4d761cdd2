use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gov_ballot_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub seq: i64,
    pub kind: String,
    pub voter_idx: i32,
    pub source: String,
    pub answers: String,
    pub at: String,
    pub prev_hash: String,
    pub hash: String,
    pub scan: Option<String>,
    pub area: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
