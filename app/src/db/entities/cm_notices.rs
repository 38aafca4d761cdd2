use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cm_notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub body: String,
    pub category: String,
    pub kind: String,
    pub audience: String,
    pub buildings: String,
    pub units: String,
    pub state: String,
    pub publish_at: DateTimeUtc,
    pub ends_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub households: i64,
    pub reminders: i32,
    pub reminded_at: Option<DateTimeUtc>,
    pub author_id: i64,
    pub created_at: DateTimeUtc,
    pub by_committee: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
