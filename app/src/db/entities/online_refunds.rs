use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "online_refunds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub checkout_id: i64,
    pub payment_id: i64,
    pub provider: String,
    pub provider_ref: Option<String>,
    pub amount: i64,
    pub status: String,
    pub reason: String,
    pub requested_by: i64,
    pub error: Option<String>,
    pub reversal_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub done_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
