use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gov_register_fixes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub voter_idx: i32,
    pub numbers: String,
    pub old_area: i64,
    pub new_area: i64,
    pub old_owners: String,
    pub new_owners: String,
    pub reason: String,
    pub fixed_by: i64,
    pub fixed_at: DateTimeUtc,
    pub seq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
