use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "am_venues")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub capacity: i32,
    pub slot_minutes: i32,
    pub hours: String,
    pub who: String,
    pub window_days: i32,
    pub lead_minutes: i32,
    pub max_per_day: i32,
    pub max_per_week: i32,
    pub max_slots: i32,
    pub cancel_minutes: i32,
    pub price_fen: i64,
    pub guest_price_fen: i64,
    pub approval: bool,
    pub noshow_limit: i32,
    pub noshow_days: i32,
    pub suspend_days: i32,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
