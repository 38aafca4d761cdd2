use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub office_id: i64,
    pub dispatch_mode: String,
    pub reopen_days: i32,
    pub hours: Option<String>,
    pub sla: String,
    pub last_assignee: Option<i64>,
    pub photo_required: bool,
    pub labour_required: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
