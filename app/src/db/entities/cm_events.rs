use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cm_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub body: String,
    pub place: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub signup_until: DateTimeUtc,
    pub capacity: i32,
    pub taken: i32,
    pub per_household: i32,
    pub fee_fen: i64,
    pub audience: String,
    pub buildings: String,
    pub units: String,
    pub state: String,
    pub publish_at: DateTimeUtc,
    pub households: i64,
    pub author_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
