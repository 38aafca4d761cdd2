use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub number: String,
    pub office_id: i64,
    pub community_id: i64,
    pub unit_id: Option<i64>,
    pub kind: String,
    pub category: String,
    pub priority: String,
    pub source: String,
    pub status: String,
    pub spot: String,
    pub description: String,
    pub preferred_time: String,
    pub reporter_id: Option<i64>,
    pub caller_name: String,
    pub caller_phone: String,
    pub team_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub pool: bool,
    pub taken_on: bool,
    pub respond_due: DateTimeUtc,
    pub handle_due: DateTimeUtc,
    pub responded_at: Option<DateTimeUtc>,
    pub handled_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub respond_breached: bool,
    pub handle_breached: bool,
    pub escalated: i32,
    pub stars: Option<i32>,
    pub rating_comment: String,
    pub labour_minutes: Option<i64>,
    /// JSON list of `MaterialLine`.
    pub materials: String,
    pub charge: Option<i64>,
    pub bill_line_id: Option<i64>,
    pub reopened: i32,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
