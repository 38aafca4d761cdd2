use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub office_id: i64,
    pub community_id: i64,
    pub unit_id: i64,
    pub receipt_no: String,
    pub method: String,
    pub amount: i64,
    pub principal: i64,
    pub late_fee: i64,
    pub to_prepaid: i64,
    pub from_prepaid: i64,
    pub cashier_id: Option<i64>,
    pub payer_name: String,
    pub provider: Option<String>,
    pub provider_ref: Option<String>,
    pub reverses_id: Option<i64>,
    pub note: String,
    pub booked_period: i32,
    pub paid_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
