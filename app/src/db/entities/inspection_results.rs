use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_results")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub checkpoint_id: i64,
    pub community_id: i64,
    pub round_id: Option<i64>,
    pub user_id: i64,
    pub client_id: String,
    pub answers: String,
    pub abnormal: bool,
    pub note: String,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub recorded_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
