use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bill_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub office_id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub unit_id: i64,
    pub item_id: i64,
    pub standard_id: i64,
    pub period: i32,
    pub payer_person_id: Option<i64>,
    pub payer_name: String,
    pub quantity: String,
    pub detail: String,
    pub gross: i64,
    pub discount: i64,
    pub amount: i64,
    pub paid: i64,
    pub adjusted: i64,
    pub due_date: Date,
    pub run_id: Option<i64>,
    pub late_fee_waived: bool,
    /// Empty for bill-run lines; `ticket:{id}` for a repair charge.
    pub source: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
