use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "billing_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub office_id: i64,
    pub late_fee_mode: String,
    pub late_fee_rate: i32,
    pub grace_days: i32,
    pub due_day: i32,
    pub receipt_prefix: String,
    pub vacant_relief_bp: i32,
    pub prepay_months: i32,
    pub prepay_discount_bp: i32,
    pub updated_by: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
