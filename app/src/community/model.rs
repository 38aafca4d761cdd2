//! Community notices' wire types and their pure rules: categories, kinds and audiences, who an
//! audience reaches, how a resident's list is ordered, and how staff's inputs are read.
use crate::code_enum;
use crate::estate::model::Relation;
use crate::shared::ids::OrgId;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    /// What a notice is about (the resident's filter).
    pub enum NoticeCategory {
        /// 通知
        Notice = "notice",
        /// 公示 (fees, accounts, decisions put up for owners to see)
        Publicity = "publicity",
        /// 停水停电
        Outage = "outage",
        /// 活动
        Activity = "activity",
        /// 温馨提示
        Tip = "tip",
    }
}

impl NoticeCategory {
    /// The message key of its name.
    pub fn key(self) -> String {
        format!("cm.cat.{}", self.code())
    }
}

code_enum! {
    /// How loudly a notice stands out.
    pub enum NoticeKind {
        Normal = "normal",
        /// Kept above the others in the resident's list.
        Pinned = "pinned",
        /// Pushed to everyone targeted whatever their settings, and on top until it ends.
        Emergency = "emergency",
    }
}

impl NoticeKind {
    pub fn key(self) -> String {
        format!("cm.kind.{}", self.code())
    }
}

code_enum! {
    /// Whom of a targeted unit's household a notice is for.
    pub enum Audience {
        Everyone = "everyone",
        /// Owners, co-owners and their family.
        Owners = "owners",
        /// Tenants and the residents they house.
        Tenants = "tenants",
    }
}

impl Audience {
    pub fn key(self) -> String {
        format!("cm.aud.{}", self.code())
    }

    /// Whether someone living in a unit as `r` is among this audience.
    pub fn reaches(self, r: Relation) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Owners => matches!(r, Relation::Owner | Relation::CoOwner | Relation::Family),
            Audience::Tenants => matches!(r, Relation::Tenant | Relation::Resident),
        }
    }
}

code_enum! {
    /// Where a notice stands. An end time past makes a published notice archived (not a state:
    /// nothing has to run for it).
    pub enum NoticeState {
        /// Waiting for its time; the job sends it then.
        Scheduled = "scheduled",
        Published = "published",
        /// Taken back by staff: residents no longer see it.
        Withdrawn = "withdrawn",
    }
}

impl NoticeState {
    pub fn key(self) -> String {
        format!("cm.state.{}", self.code())
    }
}

/// A notice as staff write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewNotice {
    pub community_id: OrgId,
    /// At most 120 characters.
    pub title: String,
    /// Rich text: HTML limited to paragraphs, line breaks, bold, italic, underline, headings
    /// (h3, h4), lists, quotes, links and images uploaded to Linli (anything else is removed), or
    /// plain text, whose blank lines separate paragraphs. At most 20 000 characters.
    pub body: String,
    pub category: NoticeCategory,
    pub kind: NoticeKind,
    pub audience: Audience,
    /// Buildings of the community it is limited to.
    #[serde(default)]
    pub buildings: Vec<i64>,
    /// Unit numbers (`1-1-0101`) it is limited to, separated by commas, spaces or new lines.
    /// With `buildings`, it reaches both; with neither, the whole community.
    #[serde(default)]
    pub units: String,
    /// When to send it, local time (Asia/Shanghai) `YYYY-MM-DDTHH:MM`; empty: now.
    #[serde(default)]
    pub publish_at: String,
    /// When it is archived, local time `YYYY-MM-DDTHH:MM`; empty: never.
    #[serde(default)]
    pub ends_at: String,
}

/// A notice in staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeSummary {
    pub id: i64,
    pub community_id: OrgId,
    pub community: String,
    pub title: String,
    pub category: NoticeCategory,
    pub kind: NoticeKind,
    pub audience: Audience,
    pub state: NoticeState,
    /// Scheduled for a time already come: the job is sending it.
    pub sending: bool,
    /// The codes of the buildings and the numbers of the units it is limited to (both empty:
    /// the whole community).
    pub buildings: Vec<String>,
    pub units: Vec<String>,
    /// Local time it goes (or went) out.
    pub publish_at: String,
    pub ends_at: Option<String>,
    /// Published and past its end time.
    pub archived: bool,
    /// Households (units) it reached, and how many of them opened it.
    pub households: i64,
    pub read: i64,
}

/// A household that has not opened a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Unread {
    pub unit_id: i64,
    pub number: String,
}

/// One notice for staff: its text, its counts and who has not read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeDetail {
    pub notice: NoticeSummary,
    /// Sanitised HTML.
    pub body: String,
    /// The first households (by unit number) that have not opened it; `unread_total` counts all.
    pub unread: Vec<Unread>,
    pub unread_total: i64,
    pub reminders: i32,
    pub reminded_at: Option<String>,
}

/// A notice in a resident's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyNoticeRow {
    pub id: i64,
    pub title: String,
    pub category: NoticeCategory,
    pub kind: NoticeKind,
    pub community: String,
    pub published_at: String,
    /// The start of its text, without markup.
    pub excerpt: String,
    pub read: bool,
}

/// A resident's notices: emergencies, then pinned, then unread, then the rest, newest first in
/// each; archived ones left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyNotices {
    pub items: Vec<MyNoticeRow>,
    pub unread: i64,
}

/// One notice as a resident reads it (reading it marks it read for their household).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyNotice {
    pub id: i64,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
    pub category: NoticeCategory,
    pub kind: NoticeKind,
    pub community: String,
    pub published_at: String,
    pub ends_at: Option<String>,
}

/// Where a notice stands in a resident's list (smaller first): an emergency, a pinned one, an
/// unread one, the rest; newer before older within each.
pub fn resident_rank(kind: NoticeKind, read: bool, published: DateTime<Utc>) -> (u8, i64) {
    let band = match (kind, read) {
        (NoticeKind::Emergency, _) => 0,
        (NoticeKind::Pinned, _) => 1,
        (_, false) => 2,
        (_, true) => 3,
    };
    (band, -published.timestamp())
}

/// The unit numbers of staff's free-form list (`1-1-0101, 1-1-0102` or one per line), each once,
/// in the order written.
pub fn unit_numbers(s: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for n in s.split(|c: char| c == ',' || c == '，' || c == '、' || c == ';' || c.is_whitespace()) {
        let n = n.trim();
        if !n.is_empty() && !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

/// A time that is not one (`明天`, `2026-13-08T09:30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadTime;

/// A local (Asia/Shanghai) minute as a form's `datetime-local` sends it (`2026-12-08T09:30`,
/// seconds allowed), in UTC; `Ok(None)` for an empty field.
pub fn parse_local_minute(s: &str) -> Result<Option<DateTime<Utc>>, BadTime> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or(BadTime)?;
    crate::shared::time::shanghai()
        .from_local_datetime(&naive)
        .single()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or(BadTime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audience_reaches_exactly_its_relations() {
        use Relation::*;
        let reached = |a: Audience| -> Vec<Relation> { Relation::ALL.into_iter().filter(|r| a.reaches(*r)).collect() };
        assert_eq!(reached(Audience::Everyone), Relation::ALL.to_vec());
        assert_eq!(reached(Audience::Owners), vec![Owner, CoOwner, Family]);
        assert_eq!(reached(Audience::Tenants), vec![Tenant, Resident]);
    }

    #[test]
    fn emergencies_then_pinned_then_unread_then_the_rest_newest_first() {
        let t = |h: u32| Utc.with_ymd_and_hms(2026, 12, 7, h, 0, 0).unwrap();
        let mut v = [
            ("read old", resident_rank(NoticeKind::Normal, true, t(1))),
            ("unread old", resident_rank(NoticeKind::Normal, false, t(2))),
            ("pinned read", resident_rank(NoticeKind::Pinned, true, t(3))),
            ("unread new", resident_rank(NoticeKind::Normal, false, t(5))),
            ("emergency read", resident_rank(NoticeKind::Emergency, true, t(0))),
            ("read new", resident_rank(NoticeKind::Normal, true, t(6))),
        ];
        v.sort_by_key(|x| x.1);
        let order: Vec<&str> = v.iter().map(|x| x.0).collect();
        assert_eq!(
            order,
            [
                "emergency read",
                "pinned read",
                "unread new",
                "unread old",
                "read new",
                "read old"
            ]
        );
    }

    #[test]
    fn unit_lists_split_on_any_separator_and_keep_each_number_once() {
        assert_eq!(
            unit_numbers(" 1-1-0101,1-1-0102，1-1-0101\n2-1-0301、2-1-0302; 3-1-0101 "),
            ["1-1-0101", "1-1-0102", "2-1-0301", "2-1-0302", "3-1-0101"]
        );
        assert!(unit_numbers(" ,\n ").is_empty());
    }

    #[test]
    fn local_minutes_are_read_in_shanghai_time() {
        assert_eq!(parse_local_minute(""), Ok(None));
        assert_eq!(
            parse_local_minute("2026-12-08T09:30"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 8, 1, 30, 0).unwrap()))
        );
        assert_eq!(
            parse_local_minute("2026-12-08T09:30:15"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 8, 1, 30, 15).unwrap()))
        );
        assert_eq!(parse_local_minute("明天"), Err(BadTime));
        assert_eq!(parse_local_minute("2026-13-08T09:30"), Err(BadTime));
    }
}
