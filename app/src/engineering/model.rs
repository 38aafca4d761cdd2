//! Engineering: wasm-safe types and the pure rules — when a maintenance plan falls due next,
//! the start times and windows of patrol rounds (which may run past midnight), when a round
//! counts as missed, checklists and answers, and which repair category a fault opens.
use crate::shared::ids::OrgId;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

crate::typed_id!(
    /// A piece of equipment (工程设备) of a community.
    EquipmentId
);
crate::typed_id!(
    /// A maintenance plan of a piece of equipment.
    PlanId
);
crate::typed_id!(
    /// An inspection checkpoint (巡检点) with its QR code.
    CheckpointId
);
crate::typed_id!(
    /// A patrol route (巡检路线).
    RouteId
);
crate::typed_id!(
    /// One planned round of a route: a date and a start time.
    RoundId
);
crate::typed_id!(
    /// One inspection result sent by a phone.
    ResultId
);

// ---------------------------------------------------------------- equipment

/// Equipment categories, in the order pickers show them.
pub const CATEGORIES: [&str; 10] = [
    "lift", "pump", "fire", "power", "hvac", "lighting", "access", "cctv", "water", "other",
];

pub fn category_ok(c: &str) -> bool {
    CATEGORIES.contains(&c)
}

/// The public-repair category a fault found on equipment of `category` opens a ticket in
/// (a checkpoint without equipment: `other`).
pub fn ticket_category(category: Option<&str>) -> &'static str {
    match category {
        Some("lift") => "lift",
        Some("pump") | Some("water") => "plumbing",
        Some("fire") => "fire",
        Some("lighting") => "lighting",
        Some("access") => "doors_gates",
        _ => "other",
    }
}

/// Faults on lifts and fire systems are urgent: people may be trapped or unprotected.
pub fn ticket_urgent(category: Option<&str>) -> bool {
    matches!(category, Some("lift") | Some("fire"))
}

/// An equipment code: 1–30 of `A-Z 0-9 - _ .`, upper-cased.
pub fn check_code(s: &str) -> Result<String, &'static str> {
    let s = s.trim().to_uppercase();
    if s.is_empty() {
        return Err("err.required");
    }
    if s.len() > 30
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("err.eng_code");
    }
    Ok(s)
}

/// A required short text: trimmed, 1..=`max` characters, no control characters.
pub fn check_text(s: &str, max: usize, required: bool) -> Result<String, &'static str> {
    let s = s.trim();
    if required && s.is_empty() {
        return Err("err.required");
    }
    if s.chars().count() > max {
        return Err("err.too_long");
    }
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err("err.invalid_chars");
    }
    Ok(s.to_string())
}

/// An optional date typed as `YYYY-MM-DD` (empty: none).
pub fn parse_opt_date(s: &str) -> Result<Option<NaiveDate>, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| "err.date")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EquipmentStatus {
    Active,
    Retired,
}

impl EquipmentStatus {
    pub fn code(self) -> &'static str {
        match self {
            EquipmentStatus::Active => "active",
            EquipmentStatus::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<EquipmentStatus> {
        match s {
            "active" => Some(EquipmentStatus::Active),
            "retired" => Some(EquipmentStatus::Retired),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------- maintenance plans

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EveryUnit {
    Day,
    Week,
    Month,
}

impl EveryUnit {
    pub fn code(self) -> &'static str {
        match self {
            EveryUnit::Day => "day",
            EveryUnit::Week => "week",
            EveryUnit::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<EveryUnit> {
        match s {
            "day" => Some(EveryUnit::Day),
            "week" => Some(EveryUnit::Week),
            "month" => Some(EveryUnit::Month),
            _ => None,
        }
    }

    /// The longest interval a plan may have in this unit (two years).
    pub fn max_n(self) -> u32 {
        match self {
            EveryUnit::Day => 730,
            EveryUnit::Week => 104,
            EveryUnit::Month => 24,
        }
    }
}

/// `d` plus `months` calendar months; a day past the end of the target month becomes its last
/// day (Jan 31 + 1 month = Feb 28, or 29 in a leap year).
pub fn add_months_clamped(d: NaiveDate, months: u32) -> Option<NaiveDate> {
    let total = d.year() as i64 * 12 + d.month0() as i64 + months as i64;
    let (y, m0) = (total.div_euclid(12) as i32, total.rem_euclid(12) as u32);
    let first = NaiveDate::from_ymd_opt(y, m0 + 1, 1)?;
    let next_first = if m0 == 11 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, m0 + 2, 1)?
    };
    let last_day = (next_first - first).num_days() as u32;
    NaiveDate::from_ymd_opt(y, m0 + 1, d.day().min(last_day))
}

/// The `k`-th due date of a plan that starts on `start` and repeats every `n` `unit`s
/// (`k = 0` is `start`). Counted from `start`, never from the previous due date, so a plan
/// that starts on a month's last day stays on month ends (Jan 31, Feb 28, Mar 31 …).
pub fn occurrence(start: NaiveDate, k: u32, n: u32, unit: EveryUnit) -> Option<NaiveDate> {
    match unit {
        EveryUnit::Day => start.checked_add_signed(Duration::days(k as i64 * n as i64)),
        EveryUnit::Week => start.checked_add_signed(Duration::days(k as i64 * n as i64 * 7)),
        EveryUnit::Month => add_months_clamped(start, k.checked_mul(n)?),
    }
}

/// The due date after work is done on `done_on` against a plan now due on `current_due`:
/// the first occurrence after both. Work done early settles the current due date; work done
/// late settles every due date it passed.
pub fn next_due(start: NaiveDate, n: u32, unit: EveryUnit, current_due: NaiveDate, done_on: NaiveDate) -> NaiveDate {
    let n = n.max(1);
    let after = current_due.max(done_on);
    if after < start {
        return start;
    }
    // A first guess at or just below the answer, then step forward.
    let mut k = match unit {
        EveryUnit::Day => ((after - start).num_days() / n as i64) as u32,
        EveryUnit::Week => ((after - start).num_days() / (7 * n as i64)) as u32,
        EveryUnit::Month => {
            let months = (after.year() - start.year()) * 12 + after.month() as i32 - start.month() as i32;
            (months.max(0) as u32 / n).saturating_sub(1)
        }
    };
    loop {
        match occurrence(start, k, n, unit) {
            Some(d) if d > after => return d,
            Some(_) => k += 1,
            // Past chrono's last date: nothing later exists; keep the plan where it is.
            None => return after,
        }
    }
}

/// How close a plan is to its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    Overdue,
    /// Due within the next [`DUE_SOON_DAYS`] days (or today).
    DueSoon,
    Scheduled,
}

pub const DUE_SOON_DAYS: i64 = 7;

pub fn due_state(next_due: NaiveDate, today: NaiveDate) -> DueState {
    let days = (next_due - today).num_days();
    if days < 0 {
        DueState::Overdue
    } else if days <= DUE_SOON_DAYS {
        DueState::DueSoon
    } else {
        DueState::Scheduled
    }
}

impl DueState {
    pub fn code(self) -> &'static str {
        match self {
            DueState::Overdue => "overdue",
            DueState::DueSoon => "due_soon",
            DueState::Scheduled => "scheduled",
        }
    }
}

// ---------------------------------------------------------------- checklists and answers

pub const CHECKLIST_MAX_ITEMS: usize = 30;
pub const CHECKLIST_ITEM_MAX: usize = 40;

/// Checks a checklist: at least one item, at most 30 of at most 40 characters each, no
/// duplicates. Blank items are dropped, the rest trimmed.
pub fn check_checklist<S: AsRef<str>>(items: &[S]) -> Result<Vec<String>, &'static str> {
    let items: Vec<String> = items
        .iter()
        .map(|s| s.as_ref().trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err("err.eng_checklist_empty");
    }
    if items.len() > CHECKLIST_MAX_ITEMS
        || items
            .iter()
            .any(|s| s.chars().count() > CHECKLIST_ITEM_MAX || s.chars().any(char::is_control))
    {
        return Err("err.eng_checklist_long");
    }
    for (i, s) in items.iter().enumerate() {
        if items[..i].contains(s) {
            return Err("err.eng_checklist_dup");
        }
    }
    Ok(items)
}

/// A checklist typed one item per line (a textarea).
pub fn checklist_lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// The verdict on one checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 正常
    Ok,
    /// 异常
    Abnormal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Answer {
    pub item: String,
    pub result: Verdict,
}

/// Checks that `answers` answer every item of `checklist` exactly once (in any order) and
/// returns them in checklist order, with whether any is abnormal.
pub fn check_answers(checklist: &[String], answers: &[Answer]) -> Result<(Vec<Answer>, bool), &'static str> {
    if answers.len() != checklist.len() {
        return Err("err.eng_answers_mismatch");
    }
    let mut out = Vec::with_capacity(checklist.len());
    for item in checklist {
        let mut found = answers.iter().filter(|a| a.item.trim() == item);
        match (found.next(), found.next()) {
            (Some(a), None) => out.push(Answer {
                item: item.clone(),
                result: a.result,
            }),
            _ => return Err("err.eng_answers_mismatch"),
        }
    }
    let abnormal = out.iter().any(|a| a.result == Verdict::Abnormal);
    Ok((out, abnormal))
}

/// The items found abnormal, joined for a ticket's description.
pub fn abnormal_items(answers: &[Answer]) -> Vec<&str> {
    answers
        .iter()
        .filter(|a| a.result == Verdict::Abnormal)
        .map(|a| a.item.as_str())
        .collect()
}

/// A result's id as the phone made it: 8–64 of `A-Z a-z 0-9 - _`.
pub fn client_id_ok(s: &str) -> bool {
    (8..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ---------------------------------------------------------------- rounds

/// A round's start time of day (Asia/Shanghai), in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(u16);

impl Slot {
    /// `HH:MM` (or `H:MM`), 00:00 to 23:59; full-width colons are accepted.
    pub fn parse(s: &str) -> Option<Slot> {
        let s = s.trim().replace('：', ":");
        let (h, m) = s.split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        if !h.bytes().all(|b| b.is_ascii_digit()) || !m.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60).then_some(Slot(h * 60 + m))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn time(self) -> NaiveTime {
        NaiveTime::from_hms_opt((self.0 / 60) as u32, (self.0 % 60) as u32, 0).unwrap_or(NaiveTime::MIN)
    }
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

pub const WINDOW_MIN: u32 = 10;
pub const WINDOW_MAX: u32 = 720;
pub const SLOTS_MAX: usize = 24;

/// Parses a route's start times: at least one, at most 24, no repeats; sorted.
pub fn parse_slots<S: AsRef<str>>(items: &[S]) -> Result<Vec<Slot>, &'static str> {
    let mut out = vec![];
    for s in items.iter().map(|s| s.as_ref().trim()).filter(|s| !s.is_empty()) {
        let slot = Slot::parse(s).ok_or("err.eng_slot")?;
        if out.contains(&slot) {
            return Err("err.eng_slot_dup");
        }
        out.push(slot);
    }
    if out.is_empty() {
        return Err("err.eng_slots_empty");
    }
    if out.len() > SLOTS_MAX {
        return Err("err.eng_slots_many");
    }
    out.sort();
    Ok(out)
}

/// Start times typed in one line: `08:00, 14:00 20:00`.
pub fn slot_words(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；', ' ', '、', '\n'])
        .map(str::to_string)
        .collect()
}

/// A route's window must be 10–720 minutes and end before its next round starts (counting
/// across midnight), so that a result belongs to one round of the route at most.
pub fn check_window(slots: &[Slot], window: u32) -> Result<(), &'static str> {
    if !(WINDOW_MIN..=WINDOW_MAX).contains(&window) {
        return Err("err.eng_window");
    }
    let mut sorted = slots.to_vec();
    sorted.sort();
    for (i, s) in sorted.iter().enumerate() {
        let next = sorted
            .get(i + 1)
            .map(|n| n.0 as u32)
            .unwrap_or(sorted[0].0 as u32 + 24 * 60);
        let gap = next - s.0 as u32;
        if sorted.len() > 1 && window > gap {
            return Err("err.eng_window_overlap");
        }
    }
    Ok(())
}

/// The local start and end of the round of `date` at `slot`; the end may fall on the next day.
pub fn round_span(date: NaiveDate, slot: Slot, window: u32) -> (NaiveDateTime, NaiveDateTime) {
    let start = date.and_time(slot.time());
    (start, start + Duration::minutes(window as i64))
}

/// The round of a route open at local time `t`, if any: today's or (past midnight)
/// yesterday's. A valid route (see [`check_window`]) has at most one.
pub fn round_at(slots: &[Slot], window: u32, t: NaiveDateTime) -> Option<(NaiveDate, Slot)> {
    let today = t.date();
    [today.pred_opt(), Some(today)]
        .into_iter()
        .flatten()
        .flat_map(|d| slots.iter().map(move |s| (d, *s)))
        .find(|(d, s)| {
            let (start, end) = round_span(*d, *s, window);
            start <= t && t < end
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Planned,
    Done,
    Missed,
}

impl RoundStatus {
    pub fn code(self) -> &'static str {
        match self {
            RoundStatus::Planned => "planned",
            RoundStatus::Done => "done",
            RoundStatus::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> RoundStatus {
        match s {
            "done" => RoundStatus::Done,
            "missed" => RoundStatus::Missed,
            _ => RoundStatus::Planned,
        }
    }
}

/// What a round becomes: done once every checkpoint has a result in its window (even a
/// result that arrives after the round was marked missed: it was walked, the phone was
/// offline), missed once the window has ended without that, planned until then.
pub fn settle(complete: bool, ended: bool) -> RoundStatus {
    if complete {
        RoundStatus::Done
    } else if ended {
        RoundStatus::Missed
    } else {
        RoundStatus::Planned
    }
}

/// The rounds of a route to hold at local time `now`: every round starting today, and
/// yesterday's rounds that end after `since` (a round that ended before the route existed, or
/// before it last changed, is not owed). Each comes with whether its window has ended.
pub fn rounds_due(
    slots: &[Slot],
    window: u32,
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> Vec<(NaiveDate, Slot, bool)> {
    let today = now.date();
    let mut out = vec![];
    for d in [today.pred_opt(), Some(today)].into_iter().flatten() {
        for s in slots {
            let (_, end) = round_span(d, *s, window);
            if end > since {
                out.push((d, *s, now >= end));
            }
        }
    }
    out
}

// ---------------------------------------------------------------- what crosses the wire

/// A community the caller may work in (for pickers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Community {
    pub id: OrgId,
    pub name: String,
}

/// What the caller may do here, decided on the server (pages show their forms by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Abilities {
    /// Edit the ledger, plans, checkpoints and routes; print QR sheets (`service.dispatch`).
    pub manage: bool,
    /// Record inspections and maintenance (`inspection.work`).
    pub record: bool,
}

/// A piece of equipment as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EquipmentRow {
    pub id: EquipmentId,
    pub community_id: OrgId,
    pub community: String,
    pub code: String,
    pub name: String,
    pub category: String,
    pub location: String,
    pub model: String,
    pub supplier: String,
    /// `YYYY-MM-DD`.
    pub installed_on: Option<String>,
    pub warranty_until: Option<String>,
    /// The warranty has run out (today is after `warranty_until`).
    pub out_of_warranty: bool,
    pub status: EquipmentStatus,
    pub notes: String,
    /// The earliest due date of its active plans.
    pub next_due: Option<String>,
    pub due_state: Option<DueState>,
}

/// A piece of equipment as typed into the form (dates `YYYY-MM-DD` or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EquipmentInput {
    pub community_id: OrgId,
    pub code: String,
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub supplier: String,
    #[serde(default)]
    pub installed_on: String,
    #[serde(default)]
    pub warranty_until: String,
    #[serde(default)]
    pub notes: String,
    /// `active` (the default) or `retired`.
    #[serde(default = "active")]
    pub status: String,
    /// Uploaded photo ids (`POST /api/v1/files/photos`) to attach.
    #[serde(default)]
    pub photos: Vec<i64>,
    /// Uploaded document ids (`POST /api/v1/files/documents`: manuals, warranty cards) to
    /// attach.
    #[serde(default)]
    pub documents: Vec<i64>,
}

fn active() -> String {
    "active".into()
}

/// A maintenance plan with its next due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanRow {
    pub id: PlanId,
    pub equipment_id: EquipmentId,
    pub name: String,
    pub every_n: u32,
    pub every_unit: EveryUnit,
    pub checklist: Vec<String>,
    pub starts_on: String,
    pub next_due: String,
    pub due_state: DueState,
    pub active: bool,
}

/// A new maintenance plan: every `every_n` `every_unit`s from `starts_on` (the first due date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanInput {
    pub name: String,
    pub every_n: u32,
    /// `day`, `week` or `month`.
    pub every_unit: String,
    pub checklist: Vec<String>,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
}

/// Maintenance work done on a piece of equipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MaintenanceRow {
    pub id: i64,
    pub plan_id: Option<PlanId>,
    pub plan: Option<String>,
    pub done_by: String,
    /// `YYYY-MM-DD HH:MM`, China time.
    pub done_at: String,
    pub results: Vec<Answer>,
    pub abnormal: bool,
    pub note: String,
    pub photos: Vec<i64>,
}

/// Maintenance to record: against a plan (its checklist answered, and its due date moves
/// on) or, without a plan, ad-hoc work described in the note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewMaintenance {
    #[serde(default)]
    pub plan_id: Option<PlanId>,
    #[serde(default)]
    pub results: Vec<Answer>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub photos: Vec<i64>,
}

/// A checkpoint as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckpointRow {
    pub id: CheckpointId,
    pub community_id: OrgId,
    pub community: String,
    pub name: String,
    pub location: String,
    pub equipment_id: Option<EquipmentId>,
    pub equipment: Option<String>,
    pub checklist: Vec<String>,
    /// Its QR code opens `/i/{qr_token}`.
    pub qr_token: String,
    pub active: bool,
    /// The routes that pass it.
    pub routes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckpointInput {
    pub community_id: OrgId,
    pub name: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub equipment_id: Option<EquipmentId>,
    pub checklist: Vec<String>,
}

/// One stop of a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RouteStop {
    pub id: CheckpointId,
    pub name: String,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RouteRow {
    pub id: RouteId,
    pub community_id: OrgId,
    pub community: String,
    pub name: String,
    pub stops: Vec<RouteStop>,
    /// `HH:MM`, China time.
    pub slots: Vec<String>,
    pub window_minutes: u32,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RouteInput {
    pub community_id: OrgId,
    pub name: String,
    /// In walking order.
    pub checkpoints: Vec<CheckpointId>,
    /// `HH:MM` start times, China time.
    pub slots: Vec<String>,
    pub window_minutes: u32,
}

/// One round of a route on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoundRow {
    pub id: Option<RoundId>,
    pub route_id: RouteId,
    pub route: String,
    pub community: String,
    pub date: String,
    pub slot: String,
    /// `HH:MM` the window closes (possibly the next day).
    pub ends: String,
    pub status: RoundStatus,
    /// Checkpoints with a result in the window, of `total`.
    pub done: u32,
    pub total: u32,
    pub done_at: Option<String>,
}

/// One inspection result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResultRow {
    pub id: ResultId,
    pub checkpoint_id: CheckpointId,
    pub checkpoint: String,
    pub location: String,
    pub community: String,
    pub by: String,
    pub answers: Vec<Answer>,
    pub abnormal: bool,
    pub note: String,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    /// When the phone recorded it, `YYYY-MM-DD HH:MM` China time.
    pub recorded_at: String,
    /// The round it counted for (`08:00`), if any.
    pub round: Option<String>,
    pub photos: Vec<i64>,
    /// True when this answer was already stored under the same `client_id` (a re-send).
    pub duplicate: bool,
}

/// A result as the phone sends it (also what it keeps while offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewResult {
    pub checkpoint_id: CheckpointId,
    /// Made by the phone (8–64 of `A-Z a-z 0-9 - _`); a re-sent result is stored once.
    pub client_id: String,
    pub answers: Vec<Answer>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub photos: Vec<i64>,
    /// When the phone recorded it: milliseconds since 1970 (the phone's clock). Empty: now.
    #[serde(default)]
    pub recorded_at: Option<i64>,
}

/// The phone form a QR code opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanCheckpoint {
    pub id: CheckpointId,
    pub name: String,
    pub location: String,
    pub community: String,
    pub equipment: Option<String>,
    pub checklist: Vec<String>,
    /// The round open now that a result counts for: (route, `08:00–09:00`).
    pub round: Option<(String, String)>,
    pub active: bool,
}

/// What a scanned code leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scan {
    Checkpoint(ScanCheckpoint),
    Equipment(EquipmentRow),
}

/// Documents (manuals, warranty cards) one piece of equipment may have.
pub const MAX_DOCS: usize = 10;

/// A piece of equipment with its plans, records, photos and checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EquipmentDetail {
    pub equipment: EquipmentRow,
    pub plans: Vec<PlanRow>,
    pub records: Vec<MaintenanceRow>,
    pub checkpoints: Vec<CheckpointRow>,
    pub photos: Vec<i64>,
    /// Manuals and warranty cards, downloaded from `/api/v1/equipment/{id}/documents/{file}`.
    pub documents: Vec<crate::files::model::DocRef>,
    pub qr_token: String,
    pub can: Abilities,
}

/// One code of a printable QR sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrCard {
    /// `checkpoint` or `equipment`.
    pub kind: String,
    pub title: String,
    pub location: String,
    pub code: String,
    pub url: String,
    /// The code as inline SVG markup (made on the server from `url`).
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrSheet {
    pub community: String,
    pub cards: Vec<QrCard>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn months_clamp_to_the_end_of_shorter_months() {
        assert_eq!(add_months_clamped(d("2026-01-31"), 1), Some(d("2026-02-28")));
        assert_eq!(add_months_clamped(d("2028-01-31"), 1), Some(d("2028-02-29")));
        assert_eq!(add_months_clamped(d("2026-03-31"), 1), Some(d("2026-04-30")));
        assert_eq!(add_months_clamped(d("2026-11-30"), 3), Some(d("2027-02-28")));
        assert_eq!(add_months_clamped(d("2026-12-15"), 1), Some(d("2027-01-15")));
        assert_eq!(add_months_clamped(d("2026-08-31"), 12), Some(d("2027-08-31")));
    }

    #[test]
    fn a_month_end_plan_stays_on_month_ends() {
        let start = d("2026-01-31");
        let dues: Vec<NaiveDate> = (0..5)
            .map(|k| occurrence(start, k, 1, EveryUnit::Month).unwrap())
            .collect();
        assert_eq!(
            dues,
            vec![
                d("2026-01-31"),
                d("2026-02-28"),
                d("2026-03-31"),
                d("2026-04-30"),
                d("2026-05-31")
            ]
        );
        // Done on the due date each time: the next is the following month's end, never the 28th.
        let mut due = start;
        for want in ["2026-02-28", "2026-03-31", "2026-04-30"] {
            due = next_due(start, 1, EveryUnit::Month, due, due);
            assert_eq!(due, d(want));
        }
        // Quarterly from Nov 30: Feb 28, then May 30 (not May 28).
        let q = d("2026-11-30");
        assert_eq!(next_due(q, 3, EveryUnit::Month, q, q), d("2027-02-28"));
        assert_eq!(
            next_due(q, 3, EveryUnit::Month, d("2027-02-28"), d("2027-02-28")),
            d("2027-05-30")
        );
    }

    #[test]
    fn early_work_settles_the_current_due_date_and_late_work_every_one_it_passed() {
        let start = d("2026-01-31");
        // Due Mar 31, done early on Mar 25: next is Apr 30.
        assert_eq!(
            next_due(start, 1, EveryUnit::Month, d("2026-03-31"), d("2026-03-25")),
            d("2026-04-30")
        );
        // Due Mar 31, done late on May 10 (April skipped): next is May 31.
        assert_eq!(
            next_due(start, 1, EveryUnit::Month, d("2026-03-31"), d("2026-05-10")),
            d("2026-05-31")
        );
        // Done on May 31 itself: June 30.
        assert_eq!(
            next_due(start, 1, EveryUnit::Month, d("2026-03-31"), d("2026-05-31")),
            d("2026-06-30")
        );
    }

    #[test]
    fn daily_and_weekly_plans_count_from_their_start() {
        let start = d("2026-12-30");
        assert_eq!(next_due(start, 1, EveryUnit::Day, start, start), d("2026-12-31"));
        assert_eq!(
            next_due(start, 3, EveryUnit::Day, start, d("2027-01-04")),
            d("2027-01-05")
        );
        assert_eq!(next_due(start, 2, EveryUnit::Week, start, start), d("2027-01-13"));
        // A week late on a weekly plan: the next due date keeps the weekday.
        assert_eq!(
            next_due(start, 1, EveryUnit::Week, d("2027-01-06"), d("2027-01-14")),
            d("2027-01-20")
        );
        // Leap day.
        let s = d("2028-02-28");
        assert_eq!(next_due(s, 1, EveryUnit::Day, s, s), d("2028-02-29"));
    }

    #[test]
    fn due_states() {
        let today = d("2026-11-26");
        assert_eq!(due_state(d("2026-11-25"), today), DueState::Overdue);
        assert_eq!(due_state(today, today), DueState::DueSoon);
        assert_eq!(due_state(d("2026-12-03"), today), DueState::DueSoon);
        assert_eq!(due_state(d("2026-12-04"), today), DueState::Scheduled);
    }

    #[test]
    fn codes_checklists_and_answers() {
        assert_eq!(check_code(" dt-01 "), Ok("DT-01".into()));
        assert_eq!(check_code(""), Err("err.required"));
        assert_eq!(check_code("电梯1"), Err("err.eng_code"));
        assert_eq!(check_code("A B"), Err("err.eng_code"));
        assert_eq!(check_code(&"A".repeat(31)), Err("err.eng_code"));

        assert_eq!(
            check_checklist(&checklist_lines("  \n\n")),
            Err("err.eng_checklist_empty")
        );
        assert_eq!(check_checklist(&["a", "b", "a"]), Err("err.eng_checklist_dup"));
        assert_eq!(check_checklist(&["长".repeat(41)]), Err("err.eng_checklist_long"));
        let list = check_checklist(&checklist_lines("运行声音\n 油位 \n\n门锁")).unwrap();
        assert_eq!(list, vec!["运行声音", "油位", "门锁"]);

        let ans = |item: &str, r: Verdict| Answer {
            item: item.into(),
            result: r,
        };
        let (ordered, abnormal) = check_answers(
            &list,
            &[
                ans("门锁", Verdict::Ok),
                ans("运行声音", Verdict::Abnormal),
                ans("油位", Verdict::Ok),
            ],
        )
        .unwrap();
        assert!(abnormal);
        assert_eq!(ordered[0].item, "运行声音");
        assert_eq!(abnormal_items(&ordered), vec!["运行声音"]);
        assert_eq!(
            check_answers(&list, &[ans("门锁", Verdict::Ok)]),
            Err("err.eng_answers_mismatch")
        );
        assert_eq!(
            check_answers(
                &list,
                &[
                    ans("门锁", Verdict::Ok),
                    ans("门锁", Verdict::Ok),
                    ans("油位", Verdict::Ok)
                ]
            ),
            Err("err.eng_answers_mismatch")
        );
        assert!(client_id_ok("a1b2c3d4-e5f6"));
        assert!(!client_id_ok("short"));
        assert!(!client_id_ok("has space in it"));
    }

    #[test]
    fn ticket_categories() {
        assert_eq!(ticket_category(Some("lift")), "lift");
        assert_eq!(ticket_category(Some("pump")), "plumbing");
        assert_eq!(ticket_category(Some("access")), "doors_gates");
        assert_eq!(ticket_category(Some("cctv")), "other");
        assert_eq!(ticket_category(None), "other");
        assert!(ticket_urgent(Some("fire")) && !ticket_urgent(Some("pump")) && !ticket_urgent(None));
        for c in CATEGORIES {
            assert!(category_ok(c));
        }
    }

    #[test]
    fn slots_parse_and_refuse_impossible_times() {
        assert_eq!(Slot::parse("08:00").map(|s| s.to_string()), Some("08:00".into()));
        assert_eq!(Slot::parse("8:05").map(|s| s.to_string()), Some("08:05".into()));
        assert_eq!(Slot::parse("20：30").map(|s| s.to_string()), Some("20:30".into()));
        for bad in ["25:00", "24:00", "12:60", "1200", "", "ab:cd", "-1:00", "123:00", "8:5"] {
            assert_eq!(Slot::parse(bad), None, "{bad}");
        }
        let s = parse_slots(&slot_words("20:00, 08:00，14:00")).unwrap();
        assert_eq!(
            s.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            vec!["08:00", "14:00", "20:00"]
        );
        assert_eq!(parse_slots(&["08:00", "25:00"]), Err("err.eng_slot"));
        assert_eq!(parse_slots(&["08:00", "8:00"]), Err("err.eng_slot_dup"));
        assert_eq!(parse_slots::<&str>(&[]), Err("err.eng_slots_empty"));
    }

    #[test]
    fn windows_may_not_reach_the_next_round_even_across_midnight() {
        let s = parse_slots(&["22:00", "00:30"]).unwrap();
        assert_eq!(check_window(&s, 150), Ok(()));
        assert_eq!(check_window(&s, 151), Err("err.eng_window_overlap"));
        // 00:30 → 22:00 is the long gap; 22:00 → 00:30 (next day) the short one.
        let one = parse_slots(&["23:00"]).unwrap();
        assert_eq!(check_window(&one, 720), Ok(()));
        assert_eq!(check_window(&one, 721), Err("err.eng_window"));
        assert_eq!(check_window(&one, 5), Err("err.eng_window"));
    }

    #[test]
    fn a_round_that_starts_before_midnight_ends_the_next_day() {
        let slots = parse_slots(&["08:00", "23:00"]).unwrap();
        let (start, end) = round_span(d("2026-12-31"), slots[1], 120);
        assert_eq!((start, end), (t("2026-12-31 23:00"), t("2027-01-01 01:00")));
        // 00:30 on New Year's Day belongs to the 23:00 round of Dec 31.
        assert_eq!(
            round_at(&slots, 120, t("2027-01-01 00:30")),
            Some((d("2026-12-31"), slots[1]))
        );
        assert_eq!(round_at(&slots, 120, t("2027-01-01 01:00")), None);
        assert_eq!(
            round_at(&slots, 120, t("2027-01-01 08:00")),
            Some((d("2027-01-01"), slots[0]))
        );
        assert_eq!(round_at(&slots, 120, t("2027-01-01 07:59")), None);
    }

    #[test]
    fn missed_only_once_the_window_has_ended_without_every_checkpoint() {
        assert_eq!(settle(false, false), RoundStatus::Planned);
        assert_eq!(settle(false, true), RoundStatus::Missed);
        assert_eq!(settle(true, false), RoundStatus::Done);
        // Results kept by a phone in a basement arrive after the window: still done.
        assert_eq!(settle(true, true), RoundStatus::Done);
    }

    #[test]
    fn rounds_due_today_and_the_night_round_still_running_from_yesterday() {
        let slots = parse_slots(&["08:00", "14:00", "23:00"]).unwrap();
        let created = t("2026-01-01 00:00");
        // At 00:30 on Jan 10: yesterday's three (the 23:00 one still open), today's three ahead.
        let due = rounds_due(&slots, 120, created, t("2026-01-10 00:30"));
        let shown: Vec<(String, String, bool)> = due
            .iter()
            .map(|(d, s, ended)| (d.to_string(), s.to_string(), *ended))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("2026-01-09".into(), "08:00".into(), true),
                ("2026-01-09".into(), "14:00".into(), true),
                ("2026-01-09".into(), "23:00".into(), false),
                ("2026-01-10".into(), "08:00".into(), false),
                ("2026-01-10".into(), "14:00".into(), false),
                ("2026-01-10".into(), "23:00".into(), false),
            ]
        );
        // A route created at 15:30 owes nothing for the rounds that ended before it existed;
        // the 14:00 round was still open then.
        let due = rounds_due(&slots, 120, t("2026-01-10 15:30"), t("2026-01-10 16:00"));
        let shown: Vec<String> = due.iter().map(|(d, s, e)| format!("{d} {s} {e}")).collect();
        assert_eq!(shown, vec!["2026-01-10 14:00 true", "2026-01-10 23:00 false"]);
        // Created at 08:30, during the 08:00 round: that round is owed (and still open).
        let due = rounds_due(&slots, 120, t("2026-01-10 08:30"), t("2026-01-10 08:45"));
        assert_eq!(due[0], (d("2026-01-10"), slots[0], false));
    }
}
