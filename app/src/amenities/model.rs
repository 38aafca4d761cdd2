//! The clubhouse's shapes and pure rules: opening hours and the slots they make, who may book,
//! and the booking rules with the refusal each one gives. WASM-safe; times are Asia/Shanghai
//! wall-clock (UTC+8 all year, so a day is always 24 hours and no slot is skipped or doubled).
use crate::code_enum;
use crate::estate::model::Relation;
use crate::shared::ids::OrgId;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

code_enum! {
    /// What a venue is, for its icon and the residents' list.
    pub enum VenueKind {
        Court = "court",
        Pool = "pool",
        Hall = "hall",
        Gym = "gym",
        Meeting = "meeting",
        Bbq = "bbq",
        Other = "other",
    }
}

impl VenueKind {
    pub fn key(self) -> String {
        format!("am.kind.{}", self.code())
    }

    pub fn icon(self) -> &'static str {
        match self {
            VenueKind::Court => "🏸",
            VenueKind::Pool => "🏊",
            VenueKind::Hall => "🎉",
            VenueKind::Gym => "🏋",
            VenueKind::Meeting => "💼",
            VenueKind::Bbq => "🔥",
            VenueKind::Other => "◇",
        }
    }
}

code_enum! {
    /// Who may book a venue, by their relation to their home.
    pub enum Booker {
        /// Owners and co-owners.
        Owners = "owners",
        /// Tenants and the residents they house.
        Tenants = "tenants",
        /// Owners' family.
        Family = "family",
    }
}

impl Booker {
    pub fn key(self) -> String {
        format!("am.who.{}", self.code())
    }

    pub fn covers(self, r: Relation) -> bool {
        match self {
            Booker::Owners => matches!(r, Relation::Owner | Relation::CoOwner),
            Booker::Tenants => matches!(r, Relation::Tenant | Relation::Resident),
            Booker::Family => r == Relation::Family,
        }
    }

    /// `owners,tenants` → the bookers, unknown codes dropped.
    pub fn parse_list(s: &str) -> Vec<Booker> {
        Booker::ALL
            .iter()
            .copied()
            .filter(|b| s.split(',').any(|c| c.trim() == b.code()))
            .collect()
    }

    pub fn list_code(who: &[Booker]) -> String {
        Booker::ALL
            .iter()
            .filter(|b| who.contains(b))
            .map(|b| b.code())
            .collect::<Vec<_>>()
            .join(",")
    }
}

code_enum! {
    /// Where a booking stands.
    pub enum BookingStatus {
        /// Waiting for staff approval; its slots are held.
        Pending = "pending",
        Confirmed = "confirmed",
        CheckedIn = "checked_in",
        /// Not checked in by the time the grace after its start ran out.
        NoShow = "no_show",
        Cancelled = "cancelled",
        Rejected = "rejected",
    }
}

impl BookingStatus {
    pub fn key(self) -> String {
        format!("am.status.{}", self.code())
    }

    /// Holds its slots.
    pub fn live(self) -> bool {
        matches!(
            self,
            BookingStatus::Pending | BookingStatus::Confirmed | BookingStatus::CheckedIn | BookingStatus::NoShow
        )
    }

    /// Counts against the household's limits per day and week.
    pub const COUNTED: [BookingStatus; 4] = [
        BookingStatus::Pending,
        BookingStatus::Confirmed,
        BookingStatus::CheckedIn,
        BookingStatus::NoShow,
    ];
}

/// The longest a day's opening runs: until 24:00 the next day.
pub const CLOSE_MAX: u16 = 48 * 60;
/// The slot lengths staff choose from, in minutes.
pub const SLOT_LENGTHS: [u16; 7] = [30, 60, 90, 120, 180, 240, 480];

/// One day's opening, in minutes after that day's midnight. `close` may pass midnight (a BBQ
/// place open 18:00–02:00 closes at 26 × 60): its late slots belong to the day it opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub open: u16,
    pub close: u16,
}

/// `HH:MM` → minutes; `24:00` allowed.
fn minutes(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h <= 24 && m < 60 && (h < 24 || m == 0)).then_some(h * 60 + m)
}

/// Opening hours that are not hours (`早上八点`, `25:00-26:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadHours;

impl Hours {
    /// `08:00-22:00` (also with `–`, `~` or `至`); a close at or before the open passes
    /// midnight (`18:00-02:00`). Empty: closed that day (`Ok(None)`).
    pub fn parse(s: &str) -> Result<Option<Hours>, BadHours> {
        let s = s.trim();
        if s.is_empty() || s == "休息" || s.eq_ignore_ascii_case("closed") {
            return Ok(None);
        }
        let (a, b) = ['-', '–', '~', '至']
            .iter()
            .find_map(|d| s.split_once(*d))
            .ok_or(BadHours)?;
        let (open, close) = (minutes(a).ok_or(BadHours)?, minutes(b).ok_or(BadHours)?);
        if open >= 24 * 60 {
            return Err(BadHours);
        }
        let close = if close <= open { close + 24 * 60 } else { close };
        if close > CLOSE_MAX || close - open > 24 * 60 {
            return Err(BadHours);
        }
        Ok(Some(Hours { open, close }))
    }

    /// `08:00-22:00`; past midnight as `18:00-次日02:00` (`18:00-02:00+1` in English).
    pub fn show(self, next_day: &str) -> String {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        if self.close > 24 * 60 {
            format!("{}-{next_day}{}", hm(self.open), hm(self.close - 24 * 60))
        } else {
            format!("{}-{}", hm(self.open), hm(self.close))
        }
    }
}

/// A week's opening, Monday first.
pub type Week = [Option<Hours>; 7];

/// The starts of a day's slots of `len` minutes, as local wall-clock times: from the opening,
/// one after another while a whole slot fits before the close.
pub fn slot_starts(week: &Week, day: NaiveDate, len: u16) -> Vec<NaiveDateTime> {
    let Some(h) = week[day.weekday().num_days_from_monday() as usize] else {
        return vec![];
    };
    if len == 0 {
        return vec![];
    }
    let midnight = day.and_time(NaiveTime::MIN);
    (0..)
        .map(|k| h.open + k * len)
        .take_while(|m| m + len <= h.close)
        .map(|m| midnight + Duration::minutes(i64::from(m)))
        .collect()
}

/// The Monday that starts `day`'s week (weeks run Monday to Sunday, as in China).
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// A venue's booking rules, as staff set them and residents read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rules {
    pub who: Vec<Booker>,
    /// Bookable from today to this many days ahead (today is day 0).
    pub window_days: u32,
    /// A slot must be booked at least this long before it starts.
    pub lead_minutes: u32,
    /// Per household (0: no limit).
    pub max_per_day: u32,
    pub max_per_week: u32,
    /// Slots one booking may take, one after another.
    pub max_slots: u32,
    /// Residents cancel until this long before the start.
    pub cancel_minutes: u32,
    /// Per slot, in fen, for residents.
    pub price_fen: i64,
    /// Per slot, in fen, for walk-in customers at the desk.
    pub guest_price_fen: i64,
    pub approval: bool,
    /// This many no-shows (0: no policy) within `noshow_days` suspend booking for `suspend_days`.
    pub noshow_limit: u32,
    pub noshow_days: u32,
    pub suspend_days: u32,
}

/// What the household has booked, for the limits: live bookings on the day and in the week
/// of the slot asked for, and its recent no-shows (their start times, newest first).
#[derive(Debug, Clone, Default)]
pub struct Household {
    pub relations: Vec<Relation>,
    pub on_day: u32,
    pub in_week: u32,
    pub no_shows: Vec<NaiveDateTime>,
}

/// A booking asked for, in local wall-clock time.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub start: NaiveDateTime,
    pub slots: u32,
    pub now: NaiveDateTime,
}

/// Why a booking is refused, with the figures the message names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The household's relation is not among who may book.
    NotForYou,
    Past,
    TooLate {
        minutes: u32,
    },
    TooFarAhead {
        days: u32,
    },
    /// Not a slot of that day's opening (closed that day, or outside the hours).
    NotASlot,
    TooManySlots {
        max: u32,
    },
    DayLimit {
        n: u32,
        max: u32,
    },
    WeekLimit {
        n: u32,
        max: u32,
    },
    Suspended {
        until: NaiveDate,
    },
}

impl Refusal {
    /// The field, message key and figures for the error.
    pub fn parts(&self) -> (&'static str, &'static str, Vec<(&'static str, String)>) {
        match self {
            Refusal::NotForYou => ("venue_id", "am.err.not_for_you", vec![]),
            Refusal::Past => ("start", "am.err.past", vec![]),
            Refusal::TooLate { minutes } => ("start", "am.err.too_late", vec![("n", minutes.to_string())]),
            Refusal::TooFarAhead { days } => ("date", "am.err.too_far", vec![("n", days.to_string())]),
            Refusal::NotASlot => ("start", "am.err.not_a_slot", vec![]),
            Refusal::TooManySlots { max } => ("slots", "am.err.too_many_slots", vec![("max", max.to_string())]),
            Refusal::DayLimit { n, max } => (
                "date",
                "am.err.day_limit",
                vec![("n", n.to_string()), ("max", max.to_string())],
            ),
            Refusal::WeekLimit { n, max } => (
                "date",
                "am.err.week_limit",
                vec![("n", n.to_string()), ("max", max.to_string())],
            ),
            Refusal::Suspended { until } => ("venue_id", "am.err.suspended", vec![("until", until.to_string())]),
        }
    }
}

/// Checks a resident's booking against the venue's hours and rules, in the order a resident
/// would want to hear them. Closures and slots already taken are the caller's (they need the
/// database); everything else is here.
pub fn check(rules: &Rules, week: &Week, len: u16, hh: &Household, ask: Ask) -> Result<(), Refusal> {
    if !hh.relations.iter().any(|r| rules.who.iter().any(|b| b.covers(*r))) {
        return Err(Refusal::NotForYou);
    }
    if rules.noshow_limit > 0 && hh.no_shows.len() as u32 >= rules.noshow_limit {
        let window = Duration::days(i64::from(rules.noshow_days));
        let recent: Vec<&NaiveDateTime> = hh.no_shows.iter().filter(|t| **t > ask.now - window).collect();
        if recent.len() as u32 >= rules.noshow_limit {
            // Suspended from the no-show that reached the limit (the newest one).
            if let Some(last) = recent.iter().max() {
                let until = last.date() + Duration::days(i64::from(rules.suspend_days));
                if ask.now.date() < until {
                    return Err(Refusal::Suspended { until });
                }
            }
        }
    }
    if ask.start <= ask.now {
        return Err(Refusal::Past);
    }
    if ask.start < ask.now + Duration::minutes(i64::from(rules.lead_minutes)) {
        return Err(Refusal::TooLate {
            minutes: rules.lead_minutes,
        });
    }
    let day = ask.start.date();
    let starts = slot_starts(week, day, len);
    // A slot after midnight may belong to the day before (a late opening).
    let (day, starts) = match starts.iter().position(|s| *s == ask.start) {
        Some(_) => (day, starts),
        None => {
            let prev = day - Duration::days(1);
            (prev, slot_starts(week, prev, len))
        }
    };
    let Some(first) = starts.iter().position(|s| *s == ask.start) else {
        return Err(Refusal::NotASlot);
    };
    if (day - ask.now.date()).num_days() > i64::from(rules.window_days) {
        return Err(Refusal::TooFarAhead {
            days: rules.window_days,
        });
    }
    if ask.slots == 0 || ask.slots > rules.max_slots {
        return Err(Refusal::TooManySlots { max: rules.max_slots });
    }
    if first + ask.slots as usize > starts.len() {
        return Err(Refusal::NotASlot);
    }
    if rules.max_per_day > 0 && hh.on_day >= rules.max_per_day {
        return Err(Refusal::DayLimit {
            n: hh.on_day,
            max: rules.max_per_day,
        });
    }
    if rules.max_per_week > 0 && hh.in_week >= rules.max_per_week {
        return Err(Refusal::WeekLimit {
            n: hh.in_week,
            max: rules.max_per_week,
        });
    }
    Ok(())
}

/// The day a slot starting at `start` belongs to (its opening's day): the day before for a
/// slot after midnight in a late opening.
pub fn opening_day(week: &Week, len: u16, start: NaiveDateTime) -> NaiveDate {
    let day = start.date();
    if slot_starts(week, day, len).contains(&start) {
        day
    } else {
        day - Duration::days(1)
    }
}

/// A venue as staff and residents list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Venue {
    pub id: i64,
    pub community_id: OrgId,
    pub community: String,
    pub name: String,
    pub kind: VenueKind,
    pub description: String,
    pub capacity: i32,
    pub slot_minutes: u16,
    /// Monday first, `08:00-22:00` or empty for closed.
    pub hours: Vec<String>,
    pub rules: Rules,
    /// `20.00` per slot, or `None` when free.
    pub price: Option<String>,
    pub guest_price: Option<String>,
    pub active: bool,
}

/// A venue as staff save it (hours as typed; prices in yuan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VenueInput {
    pub community_id: OrgId,
    pub name: String,
    pub kind: VenueKind,
    #[serde(default)]
    pub description: String,
    pub capacity: u32,
    pub slot_minutes: u16,
    /// Monday to Friday, e.g. `08:00-22:00` (empty: closed).
    pub hours_weekday: String,
    /// Saturday and Sunday.
    pub hours_weekend: String,
    pub who: Vec<Booker>,
    pub window_days: u32,
    #[serde(default)]
    pub lead_minutes: u32,
    #[serde(default)]
    pub max_per_day: u32,
    #[serde(default)]
    pub max_per_week: u32,
    pub max_slots: u32,
    #[serde(default)]
    pub cancel_minutes: u32,
    /// Per slot in yuan (`20`, `12.50`; empty or 0: free).
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub guest_price: String,
    #[serde(default)]
    pub approval: bool,
    #[serde(default)]
    pub noshow_limit: u32,
    #[serde(default)]
    pub noshow_days: u32,
    #[serde(default)]
    pub suspend_days: u32,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// One slot of a day as a booking page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Slot {
    /// `2026-12-08T19:00`, local.
    pub start: String,
    /// `19:00`.
    pub label: String,
    pub state: SlotState,
    /// Set when the caller's household holds it.
    pub mine: bool,
}

code_enum! {
    pub enum SlotState {
        Free = "free",
        Taken = "taken",
        /// Started, or within the lead time.
        Past = "past",
        Closed = "closed",
    }
}

/// A venue's day: its slots, and the closures that fall on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DaySlots {
    pub venue: Venue,
    /// `2026-12-08`.
    pub date: String,
    /// The bookable days, today first (`2026-12-08`), for the day strip.
    pub days: Vec<String>,
    pub slots: Vec<Slot>,
    /// Why slots of the day are closed (`设备检修`).
    pub closures: Vec<String>,
    /// The caller's homes that may book here, as (unit id, number); empty for staff.
    pub homes: Vec<(i64, String)>,
}

/// A booking as its household and staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Booking {
    pub id: i64,
    pub venue_id: i64,
    pub venue: String,
    pub kind: VenueKind,
    pub community: String,
    /// The home's number, or the walk-in customer's name.
    pub who: String,
    pub unit_id: Option<i64>,
    /// `2026-12-08 19:00`.
    pub starts_at: String,
    /// `21:00`.
    pub ends_at: String,
    pub slots: i32,
    pub status: BookingStatus,
    pub code: String,
    /// `40.00`, or `None` when free.
    pub amount: Option<String>,
    /// Whether its charge is paid.
    pub paid: bool,
    pub reason: String,
    /// The household may still cancel it (live, not started, before the deadline).
    pub can_cancel: bool,
    /// The cancellation deadline, `2026-12-08 17:00`.
    pub cancel_until: String,
}

/// A booking asked for: a venue, a slot's start and how many slots. Staff also name the home
/// (`unit_id`) or a walk-in customer (`guest_name`, `guest_phone`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewBooking {
    pub venue_id: i64,
    /// `2026-12-08T19:00`, local.
    pub start: String,
    pub slots: u32,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub guest_name: String,
    #[serde(default)]
    pub guest_phone: String,
}

/// One venue's row of the staff day grid: each slot with the booking holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GridRow {
    pub venue: Venue,
    pub cells: Vec<GridCell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GridCell {
    pub start: String,
    pub label: String,
    pub state: SlotState,
    pub booking: Option<Booking>,
}

/// The staff view of a day: every venue of a community with its slots, and the bookings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayGrid {
    pub community_id: OrgId,
    pub date: String,
    pub rows: Vec<GridRow>,
    pub bookings: Vec<Booking>,
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
    fn daily(h: &str) -> Week {
        [Hours::parse(h).unwrap(); 7]
    }
    fn rules() -> Rules {
        Rules {
            who: vec![Booker::Owners, Booker::Tenants],
            window_days: 7,
            lead_minutes: 60,
            max_per_day: 1,
            max_per_week: 2,
            max_slots: 2,
            cancel_minutes: 120,
            price_fen: 2000,
            guest_price_fen: 3000,
            approval: false,
            noshow_limit: 2,
            noshow_days: 30,
            suspend_days: 7,
        }
    }
    fn owner() -> Household {
        Household {
            relations: vec![Relation::Owner],
            ..Default::default()
        }
    }

    #[test]
    fn hours_are_read_as_typed_and_may_pass_midnight() {
        assert_eq!(Hours::parse("08:00-22:00"), Ok(Some(Hours { open: 480, close: 1320 })));
        assert_eq!(
            Hours::parse(" 8:00 ~ 22:30 "),
            Ok(Some(Hours { open: 480, close: 1350 }))
        );
        assert_eq!(
            Hours::parse("18:00至02:00"),
            Ok(Some(Hours {
                open: 1080,
                close: 1560
            }))
        );
        assert_eq!(Hours::parse("00:00-24:00"), Ok(Some(Hours { open: 0, close: 1440 })));
        assert_eq!(Hours::parse(""), Ok(None));
        for bad in [
            "8-22",
            "25:00-26:00",
            "08:61-09:00",
            "24:00-02:00",
            "早上",
            "08:00-24:30",
        ] {
            assert_eq!(Hours::parse(bad), Err(BadHours), "{bad}");
        }
        assert_eq!(
            Hours {
                open: 1080,
                close: 1560
            }
            .show("次日"),
            "18:00-次日02:00"
        );
        assert_eq!(Hours { open: 480, close: 1320 }.show("次日"), "08:00-22:00");
    }

    #[test]
    fn a_day_is_cut_into_whole_slots_and_a_late_opening_runs_past_midnight() {
        let week = daily("08:00-22:30");
        let s = slot_starts(&week, d("2026-12-08"), 60);
        assert_eq!(
            s.len(),
            14,
            "08:00 … 21:00; 21:30-22:30 is no whole slot after 21:00-22:00"
        );
        assert_eq!(s[0], t("2026-12-08 08:00"));
        assert_eq!(s[13], t("2026-12-08 21:00"));
        let bbq = daily("18:00-02:00");
        let s = slot_starts(&bbq, d("2026-12-31"), 120);
        assert_eq!(
            s,
            vec![
                t("2026-12-31 18:00"),
                t("2026-12-31 20:00"),
                t("2026-12-31 22:00"),
                t("2027-01-01 00:00")
            ]
        );
        assert_eq!(opening_day(&bbq, 120, t("2027-01-01 00:00")), d("2026-12-31"));
        assert_eq!(opening_day(&bbq, 120, t("2027-01-01 18:00")), d("2027-01-01"));
        // Closed on Sundays.
        let mut week = daily("09:00-17:00");
        week[6] = None;
        assert!(slot_starts(&week, d("2026-12-13"), 60).is_empty());
        assert_eq!(week_start(d("2026-12-13")), d("2026-12-07"));
        assert_eq!(week_start(d("2026-12-07")), d("2026-12-07"));
    }

    #[test]
    fn each_rule_refuses_with_its_figures() {
        let week = daily("08:00-22:00");
        let now = t("2026-12-08 10:00");
        let ask = |s: &str, slots| Ask {
            start: t(s),
            slots,
            now,
        };
        let r = rules();
        assert_eq!(check(&r, &week, 60, &owner(), ask("2026-12-08 19:00", 2)), Ok(()));
        assert_eq!(
            check(&r, &week, 60, &owner(), ask("2026-12-08 09:00", 1)),
            Err(Refusal::Past)
        );
        assert_eq!(
            check(&r, &week, 60, &owner(), ask("2026-12-08 12:30", 1)),
            Err(Refusal::NotASlot),
            "not a slot start"
        );
        let late = Rules {
            lead_minutes: 90,
            ..r.clone()
        };
        assert_eq!(
            check(&late, &week, 60, &owner(), ask("2026-12-08 11:00", 1)),
            Err(Refusal::TooLate { minutes: 90 }),
            "within the lead time"
        );
        assert_eq!(
            check(&r, &week, 60, &owner(), ask("2026-12-15 08:00", 1)),
            Ok(()),
            "day 7"
        );
        assert_eq!(
            check(&r, &week, 60, &owner(), ask("2026-12-16 08:00", 1)),
            Err(Refusal::TooFarAhead { days: 7 })
        );
        assert_eq!(
            check(&r, &week, 60, &owner(), ask("2026-12-08 19:00", 3)),
            Err(Refusal::TooManySlots { max: 2 })
        );
        assert_eq!(
            check(&r, &week, 60, &owner(), ask("2026-12-08 21:00", 2)),
            Err(Refusal::NotASlot),
            "the second slot runs past the close"
        );
        let busy = Household {
            on_day: 1,
            in_week: 1,
            ..owner()
        };
        assert_eq!(
            check(&r, &week, 60, &busy, ask("2026-12-08 19:00", 1)),
            Err(Refusal::DayLimit { n: 1, max: 1 })
        );
        let week_full = Household { in_week: 2, ..owner() };
        let e = check(&r, &week, 60, &week_full, ask("2026-12-09 19:00", 1));
        assert_eq!(e, Err(Refusal::WeekLimit { n: 2, max: 2 }));
        assert_eq!(
            e.unwrap_err().parts(),
            (
                "date",
                "am.err.week_limit",
                vec![("n", "2".to_string()), ("max", "2".to_string())]
            )
        );
        let family = Household {
            relations: vec![Relation::Family],
            ..Default::default()
        };
        assert_eq!(
            check(&r, &week, 60, &family, ask("2026-12-08 19:00", 1)),
            Err(Refusal::NotForYou)
        );
    }

    #[test]
    fn two_no_shows_in_thirty_days_suspend_booking_for_seven() {
        let week = daily("08:00-22:00");
        let r = rules();
        let hh = Household {
            no_shows: vec![t("2026-12-05 19:00"), t("2026-11-20 19:00")],
            ..owner()
        };
        let at = |now: &str| Ask {
            start: t(now) + Duration::days(1) - Duration::hours(1),
            slots: 1,
            now: t(now),
        };
        assert_eq!(
            check(&r, &week, 60, &hh, at("2026-12-08 10:00")),
            Err(Refusal::Suspended { until: d("2026-12-12") })
        );
        assert_eq!(check(&r, &week, 60, &hh, at("2026-12-12 10:00")), Ok(()));
        // One of them too old: no suspension.
        let old = Household {
            no_shows: vec![t("2026-12-05 19:00"), t("2026-10-20 19:00")],
            ..owner()
        };
        assert_eq!(check(&r, &week, 60, &old, at("2026-12-08 10:00")), Ok(()));
    }

    #[test]
    fn a_slot_after_midnight_is_booked_on_the_evening_it_belongs_to() {
        let bbq = daily("18:00-02:00");
        let r = Rules {
            max_slots: 2,
            ..rules()
        };
        let ask = Ask {
            start: t("2027-01-01 00:00"),
            slots: 1,
            now: t("2026-12-31 20:00"),
        };
        assert_eq!(check(&r, &bbq, 120, &owner(), ask), Ok(()));
        let two = Ask {
            start: t("2026-12-31 22:00"),
            slots: 2,
            now: t("2026-12-31 12:00"),
        };
        assert_eq!(
            check(&r, &bbq, 120, &owner(), two),
            Ok(()),
            "22:00 to 02:00 across midnight"
        );
    }

    #[test]
    fn who_may_book_is_kept_as_codes() {
        assert_eq!(
            Booker::parse_list("tenants, owners,x"),
            vec![Booker::Owners, Booker::Tenants]
        );
        assert_eq!(Booker::list_code(&[Booker::Family, Booker::Owners]), "owners,family");
        assert!(Booker::Tenants.covers(Relation::Resident));
        assert!(!Booker::Owners.covers(Relation::Family));
    }
}
