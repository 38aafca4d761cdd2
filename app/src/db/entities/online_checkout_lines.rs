use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "online_checkout_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub checkout_id: i64,
    pub line_id: i64,
    pub principal: i64,
    pub late_fee: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
