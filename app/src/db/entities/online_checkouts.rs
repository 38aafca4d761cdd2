use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "online_checkouts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub office_id: i64,
    pub community_id: i64,
    pub unit_id: i64,
    pub user_id: i64,
    pub provider: String,
    pub provider_ref: Option<String>,
    pub payment_ref: Option<String>,
    pub url: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub as_of: Date,
    pub payment_id: Option<i64>,
    pub note: String,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    pub dispute: Option<String>,
    pub disputed_amount: Option<i64>,
    pub disputed_currency: Option<String>,
    pub disputed_ref: Option<String>,
    pub resolution: Option<String>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
