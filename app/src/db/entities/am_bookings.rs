use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "am_bookings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub venue_id: i64,
    pub community_id: i64,
    pub unit_id: Option<i64>,
    pub user_id: i64,
    pub guest_name: String,
    pub guest_phone: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub slots: i32,
    pub status: String,
    pub code: String,
    pub amount_fen: i64,
    pub bill_line_id: Option<i64>,
    pub reason: String,
    pub checked_in_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
