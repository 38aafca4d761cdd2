use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cm_surveys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub intro: String,
    pub questions: String,
    pub audience: String,
    pub buildings: String,
    pub units: String,
    pub anonymous: bool,
    pub per_person: bool,
    pub replace: bool,
    pub state: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub households: i64,
    pub author_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
