use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "online_checkouts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub provider: String,
    pub unit_id: i64,
    pub office_id: i64,
    pub user_id: i64,
    pub lines: String,
    pub amount: i64,
    pub idempotency_key: String,
    pub session_ref: Option<String>,
    pub payment_ref: Option<String>,
    pub status: String,
    pub payment_id: Option<i64>,
    pub url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
