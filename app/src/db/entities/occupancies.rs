use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "occupancies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    pub person_id: i64,
    pub community_id: i64,
    pub relation: String,
    pub share_bp: Option<i32>,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub lease_end: Option<Date>,
    pub pays_fees: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
