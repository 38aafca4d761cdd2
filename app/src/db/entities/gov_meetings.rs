use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gov_meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub title: String,
    pub body: String,
    pub status: String,
    pub allow_change: bool,
    pub open_ballot: bool,
    pub notice_days: i32,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub noticed_at: Option<DateTimeUtc>,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub total_area: i64,
    pub total_persons: i64,
    pub units: i64,
    pub result: Option<String>,
    pub result_head: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub remind_days: i32,
    pub reminded_at: Option<DateTimeUtc>,
    pub proxy_max: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
