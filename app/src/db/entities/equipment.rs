use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "equipment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub code: String,
    pub name: String,
    pub category: String,
    pub location: String,
    pub model: String,
    pub supplier: String,
    pub installed_on: Option<Date>,
    pub warranty_until: Option<Date>,
    pub status: String,
    pub notes: String,
    pub qr_token: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
