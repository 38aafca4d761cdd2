//! What pages and the API show of service tickets, and the pure rules: the ticket state
//! machine ([`transition`]) and SLA clocks ([`due_at`]). No I/O here; everything is unit-tested.
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// What a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 户内维修: inside a home; may be chargeable.
    RepairHome,
    /// 公共维修: a public area (lift, corridor light, gate).
    RepairPublic,
    Complaint,
    Inquiry,
    Praise,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::RepairHome,
        Kind::RepairPublic,
        Kind::Complaint,
        Kind::Inquiry,
        Kind::Praise,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Kind::RepairHome => "repair_home",
            Kind::RepairPublic => "repair_public",
            Kind::Complaint => "complaint",
            Kind::Inquiry => "inquiry",
            Kind::Praise => "praise",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn key(self) -> String {
        format!("service.kind_{}", self.code())
    }
    /// Repairs go to a technician on site; the others are answered by customer service.
    pub fn is_repair(self) -> bool {
        matches!(self, Kind::RepairHome | Kind::RepairPublic)
    }
    /// The categories offered for this kind.
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            Kind::RepairHome => &[
                "plumbing",
                "electrical",
                "doors_windows",
                "walls",
                "appliance",
                "gas",
                "other",
            ],
            Kind::RepairPublic => &[
                "lift",
                "lighting",
                "plumbing",
                "doors_gates",
                "fire",
                "greenery",
                "cleaning",
                "other",
            ],
            Kind::Complaint => &[
                "service",
                "noise",
                "hygiene",
                "parking",
                "security",
                "neighbour",
                "other",
            ],
            Kind::Inquiry => &["fees", "procedures", "other"],
            Kind::Praise => &["staff", "other"],
        }
    }
}

/// Label key of a category code.
pub fn category_key(code: &str) -> String {
    format!("service.cat_{code}")
}

/// Every category code of every kind, once.
pub fn all_categories() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = vec![];
    for k in Kind::ALL {
        for c in k.categories() {
            if !v.contains(c) {
                v.push(c);
            }
        }
    }
    v
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 2] = [Priority::Normal, Priority::Urgent];
    pub fn code(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Urgent => "urgent",
        }
    }
    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn key(self) -> String {
        format!("service.prio_{}", self.code())
    }
}

/// Where a ticket came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The resident, in the app.
    App,
    /// 客服 on a caller's behalf (hotline, front desk).
    Hotline,
    /// An abnormal inspection result.
    Inspection,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::App => "app",
            Source::Hotline => "hotline",
            Source::Inspection => "inspection",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        [Source::App, Source::Hotline, Source::Inspection]
            .into_iter()
            .find(|k| k.code() == s)
    }
}

/// submitted → accepted → dispatched → in progress → done → verified → closed; or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    Accepted,
    Dispatched,
    InProgress,
    Done,
    Verified,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Submitted,
        Status::Accepted,
        Status::Dispatched,
        Status::InProgress,
        Status::Done,
        Status::Verified,
        Status::Closed,
        Status::Cancelled,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Dispatched => "dispatched",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Verified => "verified",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn key(self) -> String {
        format!("service.status_{}", self.code())
    }
    /// Still someone's work (the handling clock runs).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Submitted | Status::Accepted | Status::Dispatched | Status::InProgress
        )
    }
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Cancelled)
    }
}

/// Who is acting on a ticket, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// The household that reported it.
    Reporter,
    /// 客服 / supervisor with `service.dispatch` over the ticket's community.
    Desk,
    /// The technician it is assigned to (or, for a pool ticket, any technician in scope).
    Technician,
}

/// What can happen to a ticket. Each is one event on its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// 受理.
    Accept,
    /// 派工: to a technician, or to the office's pool for technicians to grab.
    Dispatch {
        to: Option<i64>,
        pool: bool,
    },
    /// A technician takes a pool ticket.
    Grab,
    /// The assigned technician confirms (接单).
    TakeOn,
    /// The technician hands it back (e.g. not their trade); goes back to the desk.
    HandBack {
        reason: String,
    },
    /// 到场签到.
    CheckIn,
    /// 完工: work note, materials, labour, chargeable items, after photos.
    Complete,
    /// 答复: customer service closes the handling of a complaint, inquiry or praise.
    Resolve {
        reply: String,
    },
    /// 验收 passed.
    Verify,
    /// 验收 failed: back to the technician.
    Rework {
        reason: String,
    },
    /// The resident confirms and rates; closes the ticket.
    Rate {
        stars: u8,
        comment: String,
    },
    /// The desk closes after a callback when the resident does not rate.
    Close,
    /// The resident reopens within the window.
    Reopen {
        reason: String,
    },
    /// Before dispatch (resident), or any time before completion (desk, with a reason).
    Cancel {
        reason: String,
    },
    SetPriority {
        priority: Priority,
    },
    /// 升级: complaints and overdue work go up to the supervisor.
    Escalate {
        reason: String,
    },
    /// 回访.
    Callback {
        note: String,
        satisfied: bool,
    },
    Comment {
        text: String,
    },
}

impl Action {
    pub fn code(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Dispatch { .. } => "dispatch",
            Action::Grab => "grab",
            Action::TakeOn => "take_on",
            Action::HandBack { .. } => "hand_back",
            Action::CheckIn => "check_in",
            Action::Complete => "complete",
            Action::Resolve { .. } => "resolve",
            Action::Verify => "verify",
            Action::Rework { .. } => "rework",
            Action::Rate { .. } => "rate",
            Action::Close => "close",
            Action::Reopen { .. } => "reopen",
            Action::Cancel { .. } => "cancel",
            Action::SetPriority { .. } => "set_priority",
            Action::Escalate { .. } => "escalate",
            Action::Callback { .. } => "callback",
            Action::Comment { .. } => "comment",
        }
    }
}

/// The facts of a ticket that the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub kind: Kind,
    pub status: Status,
    /// Assigned technician (none: unassigned or in the pool).
    pub assignee: Option<i64>,
    pub pool: bool,
    /// The technician confirmed (接单).
    pub taken_on: bool,
    pub rated: bool,
    /// When it was closed (for the reopen window).
    pub closed_at: Option<DateTime<Utc>>,
    /// Days after closing within which the resident may reopen.
    pub reopen_days: i64,
}

/// Why a transition is refused; each has a message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This action is not possible in the ticket's current status.
    WrongStatus,
    /// The actor's role may not do this.
    NotYours,
    /// Not for this kind of ticket (e.g. a technician on a complaint).
    WrongKind,
    /// Rating must be 1–5.
    BadStars,
    /// A reason or text is required.
    ReasonRequired,
    /// The reopen window has passed.
    ReopenExpired,
    AlreadyRated,
    /// Dispatch needs a technician or the pool.
    NoAssignee,
    /// The technician must confirm before checking in.
    NotTakenOn,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Refusal::WrongStatus => "err.ticket_wrong_status",
            Refusal::NotYours => "err.ticket_not_yours",
            Refusal::WrongKind => "err.ticket_wrong_kind",
            Refusal::BadStars => "err.ticket_bad_stars",
            Refusal::ReasonRequired => "err.ticket_reason_required",
            Refusal::ReopenExpired => "err.ticket_reopen_expired",
            Refusal::AlreadyRated => "err.ticket_already_rated",
            Refusal::NoAssignee => "err.ticket_no_assignee",
            Refusal::NotTakenOn => "err.ticket_not_taken_on",
        }
    }
    /// The form field the refusal is about.
    pub fn field(self) -> &'static str {
        match self {
            Refusal::BadStars => "stars",
            Refusal::ReasonRequired => "reason",
            Refusal::NoAssignee => "assignee",
            _ => "status",
        }
    }
}

/// What a permitted action does to the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub assignee: Option<i64>,
    pub pool: bool,
    pub taken_on: bool,
    /// The response clock stops (accepted or dispatched for the first time).
    pub responds: bool,
    /// The handling clock stops.
    pub handles: bool,
    /// Clocks restart (reopen).
    pub restarts: bool,
}

/// The state machine. `actor` is the acting user's id (for a technician's own tickets).
/// Pure: the caller loads [`Facts`], checks permissions to decide the [`Role`], and stores the
/// [`Outcome`] guarded by the status it read.
pub fn transition(f: &Facts, role: Role, actor: i64, action: &Action, now: DateTime<Utc>) -> Result<Outcome, Refusal> {
    use Status::*;
    let same = Outcome {
        status: f.status,
        assignee: f.assignee,
        pool: f.pool,
        taken_on: f.taken_on,
        responds: false,
        handles: false,
        restarts: false,
    };
    let to = |status: Status| Outcome { status, ..same.clone() };
    let need = |ok: bool, r: Refusal| if ok { Ok(()) } else { Err(r) };
    let text = |s: &str| need(!s.trim().is_empty(), Refusal::ReasonRequired);
    match action {
        Action::Comment { text: t } => {
            text(t)?;
            Ok(same)
        }
        Action::Accept => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(f.status == Submitted, Refusal::WrongStatus)?;
            Ok(Outcome {
                responds: true,
                ..to(Accepted)
            })
        }
        Action::Dispatch { to: who, pool } => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(f.kind.is_repair(), Refusal::WrongKind)?;
            // Re-dispatch is allowed until work has started on site.
            need(
                matches!(f.status, Submitted | Accepted | Dispatched),
                Refusal::WrongStatus,
            )?;
            need(who.is_some() != *pool, Refusal::NoAssignee)?;
            Ok(Outcome {
                status: Dispatched,
                assignee: *who,
                pool: *pool,
                taken_on: false,
                responds: true,
                ..same
            })
        }
        Action::Grab => {
            need(role == Role::Technician, Refusal::NotYours)?;
            need(
                f.status == Dispatched && f.pool && f.assignee.is_none(),
                Refusal::WrongStatus,
            )?;
            Ok(Outcome {
                assignee: Some(actor),
                pool: false,
                taken_on: true,
                ..same
            })
        }
        Action::TakeOn => {
            need(role == Role::Technician && f.assignee == Some(actor), Refusal::NotYours)?;
            need(f.status == Dispatched && !f.taken_on, Refusal::WrongStatus)?;
            Ok(Outcome { taken_on: true, ..same })
        }
        Action::HandBack { reason } => {
            need(role == Role::Technician && f.assignee == Some(actor), Refusal::NotYours)?;
            need(f.status == Dispatched, Refusal::WrongStatus)?;
            text(reason)?;
            Ok(Outcome {
                status: Accepted,
                assignee: None,
                pool: false,
                taken_on: false,
                ..same
            })
        }
        Action::CheckIn => {
            need(role == Role::Technician && f.assignee == Some(actor), Refusal::NotYours)?;
            need(f.status == Dispatched, Refusal::WrongStatus)?;
            need(f.taken_on, Refusal::NotTakenOn)?;
            Ok(to(InProgress))
        }
        Action::Complete => {
            need(role == Role::Technician && f.assignee == Some(actor), Refusal::NotYours)?;
            need(f.status == InProgress, Refusal::WrongStatus)?;
            Ok(Outcome {
                handles: true,
                ..to(Done)
            })
        }
        Action::Resolve { reply } => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(!f.kind.is_repair(), Refusal::WrongKind)?;
            need(matches!(f.status, Submitted | Accepted), Refusal::WrongStatus)?;
            text(reply)?;
            Ok(Outcome {
                responds: true,
                handles: true,
                ..to(Done)
            })
        }
        Action::Verify => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(f.status == Done, Refusal::WrongStatus)?;
            Ok(to(Verified))
        }
        Action::Rework { reason } => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(f.kind.is_repair(), Refusal::WrongKind)?;
            need(f.status == Done, Refusal::WrongStatus)?;
            text(reason)?;
            Ok(to(InProgress))
        }
        Action::Rate { stars, comment: _ } => {
            need(role == Role::Reporter, Refusal::NotYours)?;
            need((1..=5).contains(stars), Refusal::BadStars)?;
            need(!f.rated, Refusal::AlreadyRated)?;
            need(matches!(f.status, Verified | Closed), Refusal::WrongStatus)?;
            Ok(to(Closed))
        }
        Action::Close => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(f.status == Verified, Refusal::WrongStatus)?;
            Ok(to(Closed))
        }
        Action::Reopen { reason } => {
            need(role == Role::Reporter, Refusal::NotYours)?;
            need(matches!(f.status, Done | Verified | Closed), Refusal::WrongStatus)?;
            text(reason)?;
            if f.status == Closed {
                let closed = f.closed_at.unwrap_or(now);
                need(now - closed <= Duration::days(f.reopen_days), Refusal::ReopenExpired)?;
            }
            Ok(Outcome {
                status: Submitted,
                assignee: None,
                pool: false,
                taken_on: false,
                responds: false,
                handles: false,
                restarts: true,
            })
        }
        Action::Cancel { reason } => {
            match role {
                Role::Reporter => need(matches!(f.status, Submitted | Accepted), Refusal::WrongStatus)?,
                Role::Desk => {
                    need(f.status.is_open(), Refusal::WrongStatus)?;
                    text(reason)?;
                }
                Role::Technician => return Err(Refusal::NotYours),
            }
            Ok(to(Cancelled))
        }
        Action::SetPriority { .. } => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(f.status.is_open(), Refusal::WrongStatus)?;
            Ok(same)
        }
        Action::Escalate { reason } => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(!f.status.is_final(), Refusal::WrongStatus)?;
            text(reason)?;
            Ok(same)
        }
        Action::Callback { note, .. } => {
            need(role == Role::Desk, Refusal::NotYours)?;
            need(matches!(f.status, Done | Verified | Closed), Refusal::WrongStatus)?;
            text(note)?;
            Ok(same)
        }
    }
}

// ---------------------------------------------------------------- SLA clocks

/// Minutes to respond (受理/派工) and to handle (完工), for one kind × category × priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaMinutes {
    pub respond: i64,
    pub handle: i64,
}

/// The service standard's defaults: 15 min / 4 h, urgent 5 min / 30 min.
pub fn default_sla(p: Priority) -> SlaMinutes {
    match p {
        Priority::Normal => SlaMinutes {
            respond: 15,
            handle: 240,
        },
        Priority::Urgent => SlaMinutes { respond: 5, handle: 30 },
    }
}

/// An office's working hours (Asia/Shanghai). When set, ordinary tickets' clocks only run
/// inside them; urgent tickets run around the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BusinessHours {
    /// Minutes after local midnight.
    pub open: u32,
    pub close: u32,
    /// Working weekdays, bit 0 = Monday … bit 6 = Sunday.
    pub days: u8,
    /// Holidays (no work that day even if a working weekday).
    pub closed_dates: Vec<NaiveDate>,
}

impl BusinessHours {
    fn works_on(&self, d: NaiveDate) -> bool {
        self.days & (1 << d.weekday().num_days_from_monday()) != 0 && !self.closed_dates.contains(&d)
    }
    pub fn is_valid(&self) -> bool {
        self.open < self.close && self.close <= 24 * 60 && self.days & 0x7f != 0
    }
}

/// When `minutes` of clock time have passed after `start`: plain wall-clock minutes, or
/// working minutes when business hours apply. Works across midnight, weekends, holidays.
pub fn due_at(start: DateTime<Utc>, minutes: i64, hours: Option<&BusinessHours>) -> DateTime<Utc> {
    let Some(h) = hours.filter(|h| h.is_valid()) else {
        return start + Duration::minutes(minutes);
    };
    let tz = crate::shared::time::shanghai();
    let mut local = start.with_timezone(&tz).naive_local();
    let mut left = minutes.max(0);
    // At most ~10 years of searching for a working day: a calendar with every day closed
    // ends the search rather than looping for ever.
    for _ in 0..3_660 {
        let day = local.date();
        if h.works_on(day) {
            let open = day.and_time(NaiveTime::from_num_seconds_from_midnight_opt(h.open * 60, 0).unwrap_or_default());
            let close_time = if h.close >= 24 * 60 {
                day.succ_opt().unwrap_or(day).and_hms_opt(0, 0, 0).unwrap_or(open)
            } else {
                day.and_time(NaiveTime::from_num_seconds_from_midnight_opt(h.close * 60, 0).unwrap_or_default())
            };
            let from = local.max(open);
            if from < close_time {
                let avail = (close_time - from).num_minutes();
                if left <= avail {
                    let t = from + Duration::minutes(left);
                    return tz
                        .from_local_datetime(&t)
                        .single()
                        .map(|d| d.with_timezone(&Utc))
                        .unwrap_or(start);
                }
                left -= avail;
            }
        }
        local = day.succ_opt().unwrap_or(day).and_hms_opt(0, 0, 0).unwrap_or(local);
    }
    start + Duration::minutes(minutes)
}

/// Minutes left until `due` (negative when overdue), for the countdown pages show.
pub fn minutes_left(due: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let s = (due - now).num_seconds();
    if s >= 0 {
        (s + 59) / 60
    } else {
        s / 60 - i64::from(s % 60 != 0)
    }
}

/// "2 h 05 min" style text for a number of minutes (sign dropped).
pub fn span_text(minutes: i64, h: &str, m: &str, d: &str) -> String {
    let a = minutes.abs();
    if a >= 24 * 60 {
        format!("{} {d} {} {h}", a / (24 * 60), (a % (24 * 60)) / 60)
    } else if a >= 60 {
        format!("{} {h} {:02} {m}", a / 60, a % 60)
    } else {
        format!("{a} {m}")
    }
}

// ---------------------------------------------------------------- shared types

/// How an office hands out repair tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DispatchMode {
    /// The desk picks the technician.
    Manual,
    /// Accepted tickets go to the next technician of the office in turn.
    RoundRobin,
    /// Accepted tickets go to a pool that technicians grab from.
    Pool,
}

impl DispatchMode {
    pub fn code(self) -> &'static str {
        match self {
            DispatchMode::Manual => "manual",
            DispatchMode::RoundRobin => "round_robin",
            DispatchMode::Pool => "pool",
        }
    }
    pub fn parse(s: &str) -> Option<DispatchMode> {
        [DispatchMode::Manual, DispatchMode::RoundRobin, DispatchMode::Pool]
            .into_iter()
            .find(|k| k.code() == s)
    }
}

/// A ticket in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub kind: Kind,
    pub category: String,
    pub priority: Priority,
    pub status: Status,
    pub title: String,
    /// Unit number or the public spot.
    pub location: String,
    pub community: String,
    pub assignee: Option<String>,
    pub pool: bool,
    pub created_at: String,
    /// The running SLA clock: minutes left (negative: overdue); none when it has stopped.
    pub respond_left: Option<i64>,
    pub handle_left: Option<i64>,
    pub breached: bool,
    pub escalated: bool,
    pub stars: Option<i32>,
}

/// A page of tickets, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketPage {
    pub items: Vec<TicketRow>,
    /// Pass as `before` for the next page.
    pub next: Option<i64>,
}

/// One step on a ticket's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub id: i64,
    /// The action code ("submit", "accept", "dispatch", … "comment", "breach").
    pub action: String,
    pub actor: String,
    pub text: String,
    pub status: Status,
    pub at: String,
    pub photos: Vec<i64>,
}

/// Materials used on a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MaterialLine {
    pub name: String,
    /// Decimal text as entered ("2", "1.5").
    pub quantity: String,
}

/// A chargeable item of the office's price list, with how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChargeLine {
    pub price_id: i64,
    pub quantity: i64,
}

/// An item of an office's repair price list (fen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PriceItem {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub price: i64,
    pub active: bool,
}

/// A ticket with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketDetail {
    pub row: TicketRow,
    pub description: String,
    pub reporter: String,
    /// Masked unless the viewer is staff.
    pub contact_phone: String,
    pub preferred_time: String,
    pub timeline: Vec<TimelineEntry>,
    pub materials: Vec<MaterialLine>,
    pub labour_minutes: Option<i64>,
    /// Total charged to the household (fen); the bill line id when raised.
    pub charge: Option<i64>,
    pub bill_line: Option<i64>,
    pub rating_comment: String,
    pub respond_due: String,
    pub handle_due: String,
    /// What the viewer may do now (action codes), so pages show only real buttons.
    pub can: Vec<String>,
    pub taken_on: bool,
    pub reopen_until: Option<String>,
    pub community_id: i64,
    /// What a 完工 record must hold in this office (when the viewer may complete it).
    #[serde(default)]
    pub needs: CompletionNeeds,
}

/// What the submit form needs: the caller's homes and the categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmitForm {
    /// (unit id, label).
    pub units: Vec<(i64, String)>,
}

/// A new ticket from a resident or the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTicket {
    pub kind: Kind,
    pub category: String,
    /// The home it is about; for public-area tickets the community is taken from it.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Community (org id) for a public-area ticket opened by the desk without a unit.
    #[serde(default)]
    pub community_id: Option<i64>,
    /// Desk only: the caller's home by its number in `community_id` ("1-2-301").
    #[serde(default)]
    pub unit_number: String,
    /// Public spot ("3 号楼电梯").
    #[serde(default)]
    pub spot: String,
    pub description: String,
    #[serde(default)]
    pub preferred_time: String,
    /// Uploaded photo ids (at most 9).
    #[serde(default)]
    pub photos: Vec<i64>,
    /// Desk only: the caller's name and phone, and priority.
    #[serde(default)]
    pub caller_name: String,
    #[serde(default)]
    pub caller_phone: String,
    #[serde(default)]
    pub priority: Option<Priority>,
}

pub const MAX_PHOTOS: usize = 9;
/// Longest timeline text (a reason, reply, comment or completion note), in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Longest material name on a completion, in characters.
pub const MAX_MATERIAL_NAME_CHARS: usize = 60;
/// Most labour a completion may record: a week.
pub const MAX_LABOUR_MINUTES: i64 = 7 * 24 * 60;
/// Quantities of one priced item on a completion.
pub const CHARGE_QUANTITY: std::ops::RangeInclusive<i64> = 1..=1_000;
/// Longest rating comment kept, in characters.
pub const MAX_RATING_COMMENT_CHARS: usize = 500;

/// The timeline text an action writes (dispatch names its technician elsewhere). `tr` words
/// the parts the system adds, in the language timelines are stored in.
pub fn event_text(action: &Action, work_note: &str, tr: impl Fn(&str) -> String) -> String {
    match action {
        Action::HandBack { reason }
        | Action::Rework { reason }
        | Action::Reopen { reason }
        | Action::Cancel { reason }
        | Action::Escalate { reason } => reason.trim().to_string(),
        Action::Resolve { reply } => reply.trim().to_string(),
        Action::Comment { text } => text.trim().to_string(),
        Action::Callback { note, satisfied } => {
            let verdict = if *satisfied {
                "service.callback_satisfied"
            } else {
                "service.callback_unsatisfied"
            };
            format!("{}{}", tr(verdict), note.trim()).trim().to_string()
        }
        Action::Rate { stars, comment } => format!("{}★ {}", stars, comment.trim()).trim().to_string(),
        Action::Complete => work_note.trim().to_string(),
        Action::SetPriority { priority } => tr(&priority.key()),
        _ => String::new(),
    }
}

/// A technician a ticket can be dispatched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Technician {
    pub id: i64,
    pub name: String,
    /// Tickets open on them now.
    pub open: i64,
}

/// Who a ticket can be dispatched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DispatchChoices {
    pub technicians: Vec<Technician>,
    /// (team id, name).
    pub teams: Vec<(i64, String)>,
    pub mode: DispatchMode,
}

/// A team of technicians in an office (派工到班组，组内轮派).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: i64,
    pub name: String,
    /// (user id, name).
    pub members: Vec<(i64, String)>,
}

/// An office's service setup as the settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OfficeSetup {
    pub settings: ServiceSettings,
    pub prices: Vec<PriceItem>,
    pub teams: Vec<Team>,
}

/// An office's service settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceSettings {
    pub office_id: i64,
    pub dispatch_mode: DispatchMode,
    pub reopen_days: i64,
    pub hours: Option<BusinessHours>,
    /// Overrides: (kind code or "*", category code or "*", priority) → minutes.
    pub sla: Vec<SlaRule>,
    /// 完工 needs an after photo (the default) …
    #[serde(default = "yes")]
    pub photo_required: bool,
    /// … and the time spent (not by default). A work note is always needed.
    #[serde(default)]
    pub labour_required: bool,
}

fn yes() -> bool {
    true
}

/// What a 完工 record must hold in the ticket's office, for the form to say so up front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompletionNeeds {
    pub photo: bool,
    pub labour: bool,
}

/// Whether a completion holds what the office asks for: a note always, an after photo and the
/// time spent as configured. The first thing missing, as its field and message.
pub fn completion_missing(
    needs: CompletionNeeds,
    note: &str,
    photos: usize,
    labour: Option<i64>,
) -> Option<(&'static str, &'static str)> {
    if note.trim().is_empty() {
        Some(("work_note", "err.ticket_note_required"))
    } else if needs.photo && photos == 0 {
        Some(("photos", "err.ticket_after_photo"))
    } else if needs.labour && labour.is_none() {
        Some(("labour_minutes", "err.ticket_labour_required"))
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaRule {
    pub kind: String,
    pub category: String,
    pub priority: Priority,
    pub respond: i64,
    pub handle: i64,
}

/// The clock for a ticket: the most specific rule wins (kind+category, kind, any), else the
/// defaults.
pub fn sla_for(rules: &[SlaRule], kind: Kind, category: &str, p: Priority) -> SlaMinutes {
    let score = |r: &SlaRule| -> Option<u8> {
        if r.priority != p {
            return None;
        }
        let k = if r.kind == kind.code() {
            2
        } else if r.kind == "*" {
            0
        } else {
            return None;
        };
        let c = if r.category == category {
            1
        } else if r.category == "*" {
            0
        } else {
            return None;
        };
        Some(k + c)
    };
    rules
        .iter()
        .filter_map(|r| score(r).map(|s| (s, r)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, r)| SlaMinutes {
            respond: r.respond,
            handle: r.handle,
        })
        .unwrap_or_else(|| default_sla(p))
}

/// Ticket numbers: `R` + local date + a daily sequence, e.g. R20261126-0042.
pub fn ticket_number(local_date: NaiveDate, seq: i64) -> String {
    format!("R{}-{:04}", local_date.format("%Y%m%d"), seq)
}

/// Daily report figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DailyReport {
    pub date: String,
    pub created: i64,
    pub closed: i64,
    /// Open now and past their handling due time.
    pub overdue: i64,
    /// Tickets handled that day, and how many of them within their clock.
    pub handled: i64,
    pub handled_in_time: i64,
    pub responded: i64,
    pub responded_in_time: i64,
    pub by_kind: Vec<(Kind, i64)>,
}

/// Work done by one technician in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TechMonth {
    pub technician: String,
    pub completed: i64,
    pub labour_minutes: i64,
    pub in_time: i64,
    /// Average stars ×100 (exact integer), none when nothing was rated.
    pub avg_stars_x100: Option<i64>,
    pub charged: i64,
}

/// Satisfaction by kind/category and office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SatisfactionRow {
    pub office: String,
    pub kind: Kind,
    pub category: String,
    pub rated: i64,
    /// Rated 4 or 5.
    pub satisfied: i64,
    pub avg_stars_x100: i64,
}

/// The report page's three reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportBundle {
    pub daily: DailyReport,
    pub technicians: Vec<TechMonth>,
    pub satisfaction: Vec<SatisfactionRow>,
}

/// Percent with one decimal from exact counts ("97.5"); "—" for none.
pub use crate::shared::percent::rounded as percent;

/// What a staff list shows.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ListFilter {
    /// A status code, `open` (not yet done), `overdue` (open and past its handling time) or
    /// empty for all.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub kind: String,
    /// Community (org id); empty: the whole scope.
    #[serde(default)]
    pub community: Option<i64>,
    /// Only tickets assigned to the caller (technicians' "my tasks").
    #[serde(default)]
    pub mine: bool,
    /// A ticket number.
    #[serde(default)]
    pub number: String,
    /// Keyset: tickets with a smaller id.
    #[serde(default)]
    pub before: Option<i64>,
}

/// An action with what some actions carry besides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActInput {
    #[serde(flatten)]
    pub action: Action,
    /// Photos for this step (before photos at check-in, after photos at completion).
    #[serde(default)]
    pub photos: Vec<i64>,
    /// Dispatch: a team to round-robin within (instead of a technician).
    #[serde(default)]
    pub team: Option<i64>,
    /// Completion: what was done.
    #[serde(default)]
    pub work_note: String,
    #[serde(default)]
    pub materials: Vec<MaterialLine>,
    #[serde(default)]
    pub labour_minutes: Option<i64>,
    /// Chargeable in-home work from the office's price list.
    #[serde(default)]
    pub charges: Vec<ChargeLine>,
}

impl ActInput {
    pub fn of(action: Action) -> ActInput {
        ActInput {
            action,
            photos: vec![],
            team: None,
            work_note: String::new(),
            materials: vec![],
            labour_minutes: None,
            charges: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completion_needs_a_note_always_and_the_rest_as_the_office_asks() {
        let all = CompletionNeeds {
            photo: true,
            labour: true,
        };
        let none = CompletionNeeds::default();
        assert_eq!(
            completion_missing(none, "  ", 3, Some(5)),
            Some(("work_note", "err.ticket_note_required"))
        );
        assert_eq!(completion_missing(none, "换了阀芯", 0, None), None);
        assert_eq!(
            completion_missing(all, "换了阀芯", 0, Some(5)),
            Some(("photos", "err.ticket_after_photo"))
        );
        assert_eq!(
            completion_missing(all, "换了阀芯", 1, None),
            Some(("labour_minutes", "err.ticket_labour_required"))
        );
        assert_eq!(completion_missing(all, "换了阀芯", 1, Some(0)), None);
        // An old client that sends no setting gets the default: photo on, time off.
        let s: ServiceSettings =
            serde_json::from_str(r#"{"office_id":1,"dispatch_mode":"manual","reopen_days":7,"hours":null,"sla":[]}"#)
                .unwrap();
        assert!(s.photo_required && !s.labour_required);
    }

    #[test]
    fn each_action_writes_its_own_timeline_text() {
        let tr = |k: &str| format!("<{k}>");
        let cb = |satisfied| Action::Callback {
            note: " 已回访 ".into(),
            satisfied,
        };
        assert_eq!(event_text(&cb(true), "", tr), "<service.callback_satisfied>已回访");
        assert_eq!(event_text(&cb(false), "", tr), "<service.callback_unsatisfied>已回访");
        let rate = Action::Rate {
            stars: 4,
            comment: "  ".into(),
        };
        assert_eq!(event_text(&rate, "", tr), "4★");
        assert_eq!(event_text(&Action::Complete, "  换了灯管 ", tr), "换了灯管");
        assert_eq!(
            event_text(
                &Action::Cancel {
                    reason: " 不修了 ".into()
                },
                "x",
                tr
            ),
            "不修了"
        );
        assert_eq!(event_text(&Action::Accept, "x", tr), "");
    }
    use chrono::TimeZone;

    fn facts(kind: Kind, status: Status) -> Facts {
        Facts {
            kind,
            status,
            assignee: None,
            pool: false,
            taken_on: false,
            rated: false,
            closed_at: None,
            reopen_days: 7,
        }
    }
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
    }
    fn cn(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        crate::shared::time::shanghai()
            .with_ymd_and_hms(y, m, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Every action, for exhaustive checks.
    fn all_actions() -> Vec<Action> {
        vec![
            Action::Accept,
            Action::Dispatch {
                to: Some(7),
                pool: false,
            },
            Action::Dispatch { to: None, pool: true },
            Action::Grab,
            Action::TakeOn,
            Action::HandBack { reason: "r".into() },
            Action::CheckIn,
            Action::Complete,
            Action::Resolve { reply: "r".into() },
            Action::Verify,
            Action::Rework { reason: "r".into() },
            Action::Rate {
                stars: 5,
                comment: String::new(),
            },
            Action::Close,
            Action::Reopen { reason: "r".into() },
            Action::Cancel { reason: "r".into() },
            Action::SetPriority {
                priority: Priority::Urgent,
            },
            Action::Escalate { reason: "r".into() },
            Action::Callback {
                note: "r".into(),
                satisfied: true,
            },
            Action::Comment { text: "r".into() },
        ]
    }

    #[test]
    fn happy_path_of_a_repair() {
        let mut f = facts(Kind::RepairHome, Status::Submitted);
        let step = |f: &mut Facts, role, actor, a: Action| {
            let o = transition(f, role, actor, &a, now()).unwrap_or_else(|r| panic!("{a:?} refused: {r:?}"));
            f.status = o.status;
            f.assignee = o.assignee;
            f.pool = o.pool;
            f.taken_on = o.taken_on;
            o
        };
        assert!(step(&mut f, Role::Desk, 1, Action::Accept).responds);
        step(
            &mut f,
            Role::Desk,
            1,
            Action::Dispatch {
                to: Some(7),
                pool: false,
            },
        );
        assert_eq!((f.status, f.assignee), (Status::Dispatched, Some(7)));
        // Someone else's ticket is not mine to take on.
        assert_eq!(
            transition(&f, Role::Technician, 8, &Action::TakeOn, now()),
            Err(Refusal::NotYours)
        );
        // Checking in before confirming is refused with its own reason.
        assert_eq!(
            transition(&f, Role::Technician, 7, &Action::CheckIn, now()),
            Err(Refusal::NotTakenOn)
        );
        step(&mut f, Role::Technician, 7, Action::TakeOn);
        step(&mut f, Role::Technician, 7, Action::CheckIn);
        assert_eq!(f.status, Status::InProgress);
        assert!(step(&mut f, Role::Technician, 7, Action::Complete).handles);
        step(&mut f, Role::Desk, 1, Action::Verify);
        step(
            &mut f,
            Role::Reporter,
            2,
            Action::Rate {
                stars: 4,
                comment: "快".into(),
            },
        );
        assert_eq!(f.status, Status::Closed);
    }

    #[test]
    fn pool_tickets_are_grabbed_once() {
        let mut f = facts(Kind::RepairPublic, Status::Accepted);
        let o = transition(&f, Role::Desk, 1, &Action::Dispatch { to: None, pool: true }, now()).unwrap();
        f.status = o.status;
        f.pool = o.pool;
        let g = transition(&f, Role::Technician, 9, &Action::Grab, now()).unwrap();
        assert_eq!((g.assignee, g.pool, g.taken_on), (Some(9), false, true));
        f.assignee = g.assignee;
        f.pool = g.pool;
        assert_eq!(
            transition(&f, Role::Technician, 10, &Action::Grab, now()),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn dispatch_needs_exactly_one_target_and_a_repair() {
        let f = facts(Kind::RepairHome, Status::Accepted);
        assert_eq!(
            transition(&f, Role::Desk, 1, &Action::Dispatch { to: None, pool: false }, now()),
            Err(Refusal::NoAssignee)
        );
        assert_eq!(
            transition(
                &f,
                Role::Desk,
                1,
                &Action::Dispatch {
                    to: Some(3),
                    pool: true
                },
                now()
            ),
            Err(Refusal::NoAssignee)
        );
        let c = facts(Kind::Complaint, Status::Accepted);
        assert_eq!(
            transition(
                &c,
                Role::Desk,
                1,
                &Action::Dispatch {
                    to: Some(3),
                    pool: false
                },
                now()
            ),
            Err(Refusal::WrongKind)
        );
        assert!(transition(
            &c,
            Role::Desk,
            1,
            &Action::Resolve {
                reply: "已处理".into()
            },
            now()
        )
        .is_ok());
        assert_eq!(
            transition(&c, Role::Desk, 1, &Action::Resolve { reply: "  ".into() }, now()),
            Err(Refusal::ReasonRequired)
        );
    }

    #[test]
    fn residents_cancel_only_before_dispatch() {
        for s in Status::ALL {
            let f = facts(Kind::RepairHome, s);
            let r = transition(&f, Role::Reporter, 2, &Action::Cancel { reason: String::new() }, now());
            let ok = matches!(s, Status::Submitted | Status::Accepted);
            assert_eq!(r.is_ok(), ok, "{s:?}");
            if !ok {
                assert_eq!(r, Err(Refusal::WrongStatus));
            }
        }
        // The desk needs a reason.
        let f = facts(Kind::RepairHome, Status::Dispatched);
        assert_eq!(
            transition(&f, Role::Desk, 1, &Action::Cancel { reason: "".into() }, now()),
            Err(Refusal::ReasonRequired)
        );
    }

    #[test]
    fn reopen_window_and_rating_rules() {
        let mut f = facts(Kind::RepairHome, Status::Closed);
        f.closed_at = Some(now() - Duration::days(7));
        let r = transition(
            &f,
            Role::Reporter,
            2,
            &Action::Reopen {
                reason: "又漏了".into(),
            },
            now(),
        )
        .unwrap();
        assert!(r.restarts);
        assert_eq!((r.status, r.assignee), (Status::Submitted, None));
        f.closed_at = Some(now() - Duration::days(7) - Duration::seconds(1));
        assert_eq!(
            transition(&f, Role::Reporter, 2, &Action::Reopen { reason: "x".into() }, now()),
            Err(Refusal::ReopenExpired)
        );
        let mut v = facts(Kind::RepairHome, Status::Verified);
        for stars in [0u8, 6] {
            assert_eq!(
                transition(
                    &v,
                    Role::Reporter,
                    2,
                    &Action::Rate {
                        stars,
                        comment: String::new()
                    },
                    now()
                ),
                Err(Refusal::BadStars)
            );
        }
        v.rated = true;
        v.status = Status::Closed;
        assert_eq!(
            transition(
                &v,
                Role::Reporter,
                2,
                &Action::Rate {
                    stars: 5,
                    comment: String::new()
                },
                now()
            ),
            Err(Refusal::AlreadyRated)
        );
    }

    /// Exhaustive: every (status, action, role) is either allowed by the table below or
    /// refused with a reason; and nothing at all moves a cancelled ticket except comments.
    #[test]
    fn every_illegal_transition_is_refused() {
        use Status::*;
        let allowed = |s: Status, a: &Action, role: Role| -> bool {
            match (a, role) {
                (Action::Comment { .. }, _) => true,
                (Action::Accept, Role::Desk) => s == Submitted,
                (Action::Dispatch { .. }, Role::Desk) => matches!(s, Submitted | Accepted | Dispatched),
                (Action::Grab, Role::Technician) => false, // needs a pool ticket
                (Action::TakeOn, Role::Technician) => s == Dispatched,
                (Action::HandBack { .. }, Role::Technician) => s == Dispatched,
                (Action::CheckIn, Role::Technician) => false, // needs take-on first
                (Action::Complete, Role::Technician) => s == InProgress,
                (Action::Verify, Role::Desk) => s == Done,
                (Action::Rework { .. }, Role::Desk) => s == Done,
                (Action::Rate { .. }, Role::Reporter) => matches!(s, Verified | Closed),
                (Action::Close, Role::Desk) => s == Verified,
                (Action::Reopen { .. }, Role::Reporter) => matches!(s, Done | Verified | Closed),
                (Action::Cancel { .. }, Role::Reporter) => matches!(s, Submitted | Accepted),
                (Action::Cancel { .. }, Role::Desk) => s.is_open(),
                (Action::SetPriority { .. }, Role::Desk) => s.is_open(),
                (Action::Escalate { .. }, Role::Desk) => !s.is_final(),
                (Action::Callback { .. }, Role::Desk) => matches!(s, Done | Verified | Closed),
                _ => false,
            }
        };
        let mut checked = 0;
        for s in Status::ALL {
            for a in all_actions() {
                for role in [Role::Reporter, Role::Desk, Role::Technician] {
                    let mut f = facts(Kind::RepairHome, s);
                    f.assignee = Some(7);
                    let r = transition(&f, role, 7, &a, now());
                    assert_eq!(r.is_ok(), allowed(s, &a, role), "{s:?} {a:?} {role:?}: {r:?}");
                    if let Err(e) = r {
                        assert!(e.key().starts_with("err.ticket_"));
                    }
                    if s == Cancelled && !matches!(a, Action::Comment { .. }) {
                        assert!(r.is_err());
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 19 * 3);
    }

    #[test]
    fn sla_defaults_and_most_specific_rule() {
        assert_eq!(
            default_sla(Priority::Normal),
            SlaMinutes {
                respond: 15,
                handle: 240
            }
        );
        assert_eq!(default_sla(Priority::Urgent), SlaMinutes { respond: 5, handle: 30 });
        let rules = vec![
            SlaRule {
                kind: "*".into(),
                category: "*".into(),
                priority: Priority::Normal,
                respond: 30,
                handle: 480,
            },
            SlaRule {
                kind: "repair_home".into(),
                category: "plumbing".into(),
                priority: Priority::Normal,
                respond: 10,
                handle: 120,
            },
        ];
        assert_eq!(
            sla_for(&rules, Kind::RepairHome, "plumbing", Priority::Normal).handle,
            120
        );
        assert_eq!(sla_for(&rules, Kind::RepairHome, "gas", Priority::Normal).handle, 480);
        assert_eq!(sla_for(&rules, Kind::RepairHome, "gas", Priority::Urgent).handle, 30);
    }

    #[test]
    fn due_times_across_midnight_without_a_calendar() {
        // 23:50 Shanghai + 4 h = 03:50 the next day.
        let start = cn(2026, 11, 26, 23, 50);
        assert_eq!(due_at(start, 240, None), cn(2026, 11, 27, 3, 50));
        assert_eq!(due_at(start, 15, None), cn(2026, 11, 27, 0, 5));
    }

    #[test]
    fn due_times_inside_business_hours() {
        // 08:30–17:30 Monday to Friday; 2026-11-27 is a Friday, 2026-11-30 a Monday.
        let h = BusinessHours {
            open: 8 * 60 + 30,
            close: 17 * 60 + 30,
            days: 0b0011111,
            closed_dates: vec![],
        };
        // Friday 16:30 + 4 h: 1 h on Friday, then 3 h from Monday 08:30 → 11:30.
        assert_eq!(
            due_at(cn(2026, 11, 27, 16, 30), 240, Some(&h)),
            cn(2026, 11, 30, 11, 30)
        );
        // Submitted at night (22:10 Thursday): the clock starts at 08:30 Friday.
        assert_eq!(due_at(cn(2026, 11, 26, 22, 10), 15, Some(&h)), cn(2026, 11, 27, 8, 45));
        // Submitted early morning: same day's opening.
        assert_eq!(due_at(cn(2026, 11, 26, 6, 0), 60, Some(&h)), cn(2026, 11, 26, 9, 30));
        // Exactly at closing: lands on closing time, not the next morning.
        assert_eq!(due_at(cn(2026, 11, 26, 16, 30), 60, Some(&h)), cn(2026, 11, 26, 17, 30));
        // A holiday Monday pushes to Tuesday.
        let mut hol = h.clone();
        hol.closed_dates.push(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(
            due_at(cn(2026, 11, 27, 16, 30), 240, Some(&hol)),
            cn(2026, 12, 1, 11, 30)
        );
        // Hours open until midnight carry across it.
        let late = BusinessHours {
            open: 20 * 60,
            close: 24 * 60,
            days: 0x7f,
            closed_dates: vec![],
        };
        assert_eq!(
            due_at(cn(2026, 11, 26, 23, 0), 120, Some(&late)),
            cn(2026, 11, 27, 21, 0)
        );
        // An invalid calendar falls back to wall-clock minutes rather than looping.
        let bad = BusinessHours {
            open: 600,
            close: 500,
            days: 0x7f,
            closed_dates: vec![],
        };
        assert_eq!(
            due_at(cn(2026, 11, 26, 10, 0), 30, Some(&bad)),
            cn(2026, 11, 26, 10, 30)
        );
    }

    #[test]
    fn countdown_and_percent_text() {
        let n = now();
        assert_eq!(minutes_left(n + Duration::seconds(61), n), 2);
        assert_eq!(minutes_left(n, n), 0);
        assert_eq!(minutes_left(n - Duration::seconds(61), n), -2);
        assert_eq!(span_text(125, "小时", "分钟", "天"), "2 小时 05 分钟");
        assert_eq!(span_text(-1500, "h", "min", "d"), "1 d 1 h");
        assert_eq!(percent(39, 40), "97.5");
        assert_eq!(percent(0, 0), "—");
        assert_eq!(percent(2, 3), "66.7");
        assert_eq!(
            ticket_number(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), 42),
            "R20261126-0042"
        );
    }

    /// Action fields and the input's own fields share one JSON object: none may collide.
    #[test]
    fn act_input_reads_every_action_from_flat_json() {
        let a: ActInput =
            serde_json::from_str(r#"{"action":"callback","note":"好","satisfied":true,"work_note":"换管"}"#).unwrap();
        assert_eq!(
            a.action,
            Action::Callback {
                note: "好".into(),
                satisfied: true
            }
        );
        assert_eq!(a.work_note, "换管");
        for action in all_actions() {
            let mut input = ActInput::of(action.clone());
            input.photos = vec![1, 2];
            input.team = Some(3);
            let back: ActInput = serde_json::from_str(&serde_json::to_string(&input).unwrap()).unwrap();
            assert_eq!(back, input);
        }
    }

    #[test]
    fn every_category_and_kind_has_a_code_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
            assert!(!k.categories().is_empty());
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
        assert!(all_categories().contains(&"lift"));
    }
}
