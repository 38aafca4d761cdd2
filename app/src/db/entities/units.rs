use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub cell: String,
    pub number: String,
    pub floor: i32,
    pub layout: String,
    pub use_type: String,
    pub area_registered: Option<i64>,
    pub area_measured: Option<i64>,
    pub area_contract: Option<i64>,
    pub shared_area: Option<i64>,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
