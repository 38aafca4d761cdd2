//! (ssr) Bookings (预订): a household books whole slots of a venue within its rules; the staff
//! desk books for a household or a walk-in customer, approves or rejects what waits for
//! approval, checks bookings in by their code and cancels them. Each booked slot is a row whose
//! primary key is (venue, start): the database, not this code, decides which of two bookings
//! racing for a slot gets it. A price is a bill line of the household's, raised with the booking
//! and reversed when it is cancelled unpaid. A confirmed booking not checked in by
//! [`NO_SHOW_GRACE_MINUTES`] after its start is a no-show (the periodic task), which counts
//! towards the venue's suspension rule.
use super::model::*;
use super::venues::{self, rules_of, week_of, PERM};
use crate::access::model::{Authed, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{am_booking_slots as slots, am_bookings as bookings, am_closures as closures, am_venues};
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::notify::model::Category;
use crate::notify::service::{raise, Notice};
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{OrgId, UserId};
use crate::shared::money::Money;
use crate::shared::time::{format_local, shanghai};
use crate::with_txn;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use sea_orm::{prelude::*, sea_query::Expr, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};

/// After this long past its start, a confirmed booking not checked in is a no-show.
pub const NO_SHOW_GRACE_MINUTES: i64 = 15;
/// Check-in opens this long before the start.
const CHECK_IN_EARLY_MINUTES: i64 = 30;

fn utc(t: NaiveDateTime) -> Result<DateTime<Utc>, AppError> {
    shanghai()
        .from_local_datetime(&t)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(AppError::Internal)
}

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&shanghai()).naive_local()
}

fn now_local() -> NaiveDateTime {
    local(Utc::now())
}

fn parse_start(s: &str) -> Result<NaiveDateTime, AppError> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s.trim(), f).ok())
        .ok_or_else(|| AppError::validation("start", "am.err.time"))
}

fn parse_date(s: Option<&str>) -> Result<Option<NaiveDate>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::validation("date", "am.err.date")),
    }
}

fn refuse(r: Refusal) -> AppError {
    let (field, key, args) = r.parts();
    AppError::validation(field, key).with_args(&args)
}

fn status_of(b: &bookings::Model) -> BookingStatus {
    BookingStatus::parse(&b.status).unwrap_or(BookingStatus::Cancelled)
}

/// The slot starts a booking of `n` slots from `start` takes, local.
fn starts_from(start: NaiveDateTime, n: u32, len: u16) -> Vec<NaiveDateTime> {
    (0..n)
        .map(|k| start + Duration::minutes(i64::from(k) * i64::from(len)))
        .collect()
}

/// Bookings as the wire shows them. `caller_units`: the homes whose bookings the caller may
/// cancel (a resident's); staff pass none.
async fn views<C: ConnectionTrait>(
    c: &C,
    rows: Vec<bookings::Model>,
    caller_units: &[i64],
) -> Result<Vec<Booking>, AppError> {
    let mut venue_ids: Vec<i64> = rows.iter().map(|b| b.venue_id).collect();
    venue_ids.sort_unstable();
    venue_ids.dedup();
    let vs: HashMap<i64, am_venues::Model> = am_venues::Entity::find()
        .filter(am_venues::Column::Id.is_in(venue_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut communities: Vec<i64> = rows.iter().map(|b| b.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = org::org_names(c, &communities).await?;
    let units: Vec<i64> = rows.iter().filter_map(|b| b.unit_id).collect();
    let numbers = estate::unit_numbers(c, &units).await?;
    let lines: Vec<i64> = rows.iter().filter_map(|b| b.bill_line_id).collect();
    let paid: HashSet<i64> = crate::billing::service::line_rows_of(c, &lines)
        .await?
        .into_iter()
        .filter(|l| l.paid.0 > 0)
        .map(|l| l.id.0)
        .collect();
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|b| {
            let v = vs.get(&b.venue_id);
            let status = status_of(&b);
            let cancel_until = b.starts_at - Duration::minutes(i64::from(v.map_or(0, |v| v.cancel_minutes)));
            let mine = b.unit_id.is_some_and(|u| caller_units.contains(&u));
            Booking {
                id: b.id,
                venue_id: b.venue_id,
                venue: v.map(|v| v.name.clone()).unwrap_or_default(),
                kind: v.and_then(|v| VenueKind::parse(&v.kind)).unwrap_or(VenueKind::Other),
                community: names.get(&b.community_id).cloned().unwrap_or_default(),
                who: match b.unit_id {
                    Some(u) => numbers.get(&u).map(|n| n.0.clone()).unwrap_or_default(),
                    None => b.guest_name.clone(),
                },
                unit_id: b.unit_id,
                starts_at: format_local(b.starts_at),
                ends_at: local(b.ends_at).format("%H:%M").to_string(),
                slots: b.slots,
                status,
                amount: (b.amount_fen > 0).then(|| Money(b.amount_fen).plain()),
                paid: b.bill_line_id.is_some_and(|l| paid.contains(&l)),
                reason: b.reason.clone(),
                can_cancel: mine
                    && matches!(status, BookingStatus::Pending | BookingStatus::Confirmed)
                    && now < cancel_until,
                cancel_until: format_local(cancel_until),
                code: b.code,
            }
        })
        .collect())
}

/// The caller's homes in `community` with their relations there.
async fn homes_in<C: ConnectionTrait>(
    c: &C,
    user: UserId,
    community: i64,
) -> Result<Vec<(i64, Vec<crate::estate::model::Relation>)>, AppError> {
    let places = estate::my_places(c, user).await?;
    let order = estate::my_unit_ids_current_first(c, user).await?;
    let mut out: Vec<(i64, Vec<crate::estate::model::Relation>)> = vec![];
    for u in order {
        let rel: Vec<_> = places
            .iter()
            .filter(|p| p.unit == u && p.community.0 == community)
            .map(|p| p.relation)
            .collect();
        if !rel.is_empty() {
            out.push((u.0, rel));
        }
    }
    Ok(out)
}

/// A venue the caller may see as a resident: active, in a community they live in.
async fn venue_for_resident(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<am_venues::Model, AppError> {
    let v = am_venues::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|v| v.active)
        .ok_or(AppError::NotFound)?;
    let places = estate::my_places(&ctx.db, auth.user_id).await?;
    if !places.iter().any(|p| p.community.0 == v.community_id) {
        return Err(AppError::NotFound);
    }
    Ok(v)
}

/// The venues of the communities the caller lives in (active ones), current home's first.
pub async fn resident_venues(ctx: &AppCtx, auth: &Authed) -> Result<Vec<Venue>, AppError> {
    let current = estate::current_places(&ctx.db, auth.user_id).await?;
    let places = estate::my_places(&ctx.db, auth.user_id).await?;
    let mut communities: Vec<i64> = places.iter().map(|p| p.community.0).collect();
    communities.sort_unstable();
    communities.dedup();
    let here: Vec<i64> = current.iter().map(|p| p.community.0).collect();
    let mut rows = am_venues::Entity::find()
        .filter(am_venues::Column::CommunityId.is_in(communities))
        .filter(am_venues::Column::Active.eq(true))
        .order_by_asc(am_venues::Column::Id)
        .all(&ctx.db)
        .await?;
    rows.sort_by_key(|v| !here.contains(&v.community_id));
    venues::views(&ctx.db, rows).await
}

/// The closures of `venue` overlapping `[from, to)`.
async fn closures_between<C: ConnectionTrait>(
    c: &C,
    venue: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<closures::Model>, AppError> {
    Ok(closures::Entity::find()
        .filter(closures::Column::VenueId.eq(venue))
        .filter(closures::Column::StartsAt.lt(to))
        .filter(closures::Column::EndsAt.gt(from))
        .all(c)
        .await?)
}

/// A day of a venue's slots, each free, taken, past or closed. `lead`: a slot within the
/// venue's lead time counts as past (for residents; the desk books until a slot ends).
async fn slots_of_day<C: ConnectionTrait>(
    c: &C,
    v: &am_venues::Model,
    day: NaiveDate,
    caller_units: &[i64],
    lead: bool,
) -> Result<(Vec<Slot>, Vec<String>, Vec<(NaiveDateTime, Option<i64>)>), AppError> {
    let len = v.slot_minutes.clamp(1, i32::from(u16::MAX)) as u16;
    let starts = slot_starts(&week_of(v), day, len);
    let (Some(first), Some(last)) = (starts.first(), starts.last()) else {
        return Ok((vec![], vec![], vec![]));
    };
    let from = utc(*first)?;
    let to = utc(*last + Duration::minutes(i64::from(len)))?;
    let taken: HashMap<DateTime<Utc>, i64> = slots::Entity::find()
        .filter(slots::Column::VenueId.eq(v.id))
        .filter(slots::Column::StartsAt.gte(from))
        .filter(slots::Column::StartsAt.lt(to))
        .all(c)
        .await?
        .into_iter()
        .map(|s| (s.starts_at, s.booking_id))
        .collect();
    let mut ids: Vec<i64> = taken.values().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let mine: HashSet<i64> = if caller_units.is_empty() || ids.is_empty() {
        HashSet::new()
    } else {
        bookings::Entity::find()
            .select_only()
            .column(bookings::Column::Id)
            .filter(bookings::Column::Id.is_in(ids))
            .filter(bookings::Column::UnitId.is_in(caller_units.to_vec()))
            .into_tuple::<i64>()
            .all(c)
            .await?
            .into_iter()
            .collect()
    };
    let closed = closures_between(c, v.id, from, to).await?;
    let soonest = if lead {
        now_local() + Duration::minutes(i64::from(v.lead_minutes.max(0)))
    } else {
        now_local() - Duration::minutes(i64::from(len))
    };
    let mut out = vec![];
    let mut holders = vec![];
    for s in &starts {
        let at = utc(*s)?;
        let end = at + Duration::minutes(i64::from(len));
        let holder = taken.get(&at).copied();
        let state = if closed.iter().any(|x| x.starts_at < end && x.ends_at > at) {
            SlotState::Closed
        } else if holder.is_some() {
            SlotState::Taken
        } else if *s < soonest {
            SlotState::Past
        } else {
            SlotState::Free
        };
        out.push(Slot {
            start: s.format("%Y-%m-%dT%H:%M").to_string(),
            label: s.format("%H:%M").to_string(),
            state,
            mine: holder.is_some_and(|b| mine.contains(&b)),
        });
        holders.push((*s, holder));
    }
    let mut reasons: Vec<String> = closed.into_iter().map(|x| x.reason).collect();
    reasons.dedup();
    Ok((out, reasons, holders))
}

/// A venue's day for a resident: its slots (`date` empty: today), the bookable days and the
/// homes they may book for. Errors: `NotFound` for a venue not of their communities,
/// `Validation{date}` for a date that is not one.
pub async fn day(ctx: &AppCtx, auth: &Authed, venue: i64, date: Option<&str>) -> Result<DaySlots, AppError> {
    let v = venue_for_resident(ctx, auth, venue).await?;
    let today = now_local().date();
    let day = parse_date(date)?.unwrap_or(today);
    let rules = rules_of(&v);
    let homes = homes_in(&ctx.db, auth.user_id, v.community_id).await?;
    let allowed: Vec<i64> = homes
        .iter()
        .filter(|(_, rel)| rel.iter().any(|r| rules.who.iter().any(|b| b.covers(*r))))
        .map(|(u, _)| *u)
        .collect();
    let all_mine: Vec<i64> = homes.iter().map(|(u, _)| *u).collect();
    let (slots, closures, _) = slots_of_day(&ctx.db, &v, day, &all_mine, true).await?;
    let numbers = estate::unit_numbers(&ctx.db, &allowed).await?;
    let days = (0..=i64::from(rules.window_days))
        .map(|k| (today + Duration::days(k)).format("%Y-%m-%d").to_string())
        .collect();
    Ok(DaySlots {
        venue: venues::views(&ctx.db, vec![v]).await?.pop().ok_or(AppError::Internal)?,
        date: day.format("%Y-%m-%d").to_string(),
        days,
        slots,
        closures,
        homes: allowed
            .iter()
            .map(|u| (*u, numbers.get(u).map(|n| n.0.clone()).unwrap_or_default()))
            .collect(),
    })
}

/// What a household has booked at `v` around the week of `start`, for the limits.
async fn household<C: ConnectionTrait>(
    c: &C,
    v: &am_venues::Model,
    unit: i64,
    relations: Vec<crate::estate::model::Relation>,
    start: NaiveDateTime,
) -> Result<Household, AppError> {
    let len = v.slot_minutes.clamp(1, i32::from(u16::MAX)) as u16;
    let week = week_of(v);
    let day = opening_day(&week, len, start);
    let monday = week_start(day);
    let from = utc(monday.and_time(chrono::NaiveTime::MIN))?;
    let to = from + Duration::days(8);
    let counted: Vec<&str> = BookingStatus::COUNTED.iter().map(|s| s.code()).collect();
    let near = bookings::Entity::find()
        .filter(bookings::Column::VenueId.eq(v.id))
        .filter(bookings::Column::UnitId.eq(unit))
        .filter(bookings::Column::StartsAt.gte(from))
        .filter(bookings::Column::StartsAt.lt(to))
        .filter(bookings::Column::Status.is_in(counted))
        .all(c)
        .await?;
    let mut hh = Household {
        relations,
        ..Default::default()
    };
    for b in &near {
        let d = opening_day(&week, len, local(b.starts_at));
        if d == day {
            hh.on_day += 1;
        }
        if week_start(d) == monday {
            hh.in_week += 1;
        }
    }
    if v.noshow_limit > 0 {
        let since = Utc::now() - Duration::days(i64::from(v.noshow_days.max(0)));
        hh.no_shows = bookings::Entity::find()
            .filter(bookings::Column::VenueId.eq(v.id))
            .filter(bookings::Column::UnitId.eq(unit))
            .filter(bookings::Column::Status.eq(BookingStatus::NoShow.code()))
            .filter(bookings::Column::StartsAt.gte(since))
            .order_by_desc(bookings::Column::StartsAt)
            .all(c)
            .await?
            .into_iter()
            .map(|b| local(b.starts_at))
            .collect();
    }
    Ok(hh)
}

/// A fresh eight-digit code no booking holds.
async fn new_code<C: ConnectionTrait>(c: &C) -> Result<String, AppError> {
    use rand::Rng;
    for _ in 0..20 {
        let code = format!("{:08}", rand::thread_rng().gen_range(0..100_000_000u32));
        let used = bookings::Entity::find()
            .filter(bookings::Column::Code.eq(code.clone()))
            .count(c)
            .await?;
        if used == 0 {
            return Ok(code);
        }
    }
    Err(AppError::Internal)
}

/// What [`insert`] stores.
struct Insert<'a> {
    v: &'a am_venues::Model,
    unit: Option<i64>,
    guest: (String, String),
    start: NaiveDateTime,
    n: u32,
    status: BookingStatus,
    amount: i64,
    by: UserId,
}

/// Stores a booking and its slot rows, and raises its charge: the slot rows' key refuses a slot
/// another booking holds (`Conflict{start}`), whatever raced to it.
async fn insert<C: ConnectionTrait>(c: &C, i: Insert<'_>) -> Result<bookings::Model, AppError> {
    let len = i.v.slot_minutes.clamp(1, i32::from(u16::MAX)) as u16;
    let starts = starts_from(i.start, i.n, len);
    let begin = utc(i.start)?;
    let end = begin + Duration::minutes(i64::from(len) * i64::from(i.n));
    if let Some(x) = closures_between(c, i.v.id, begin, end).await?.first() {
        return Err(AppError::validation("start", "am.err.closed").with_args(&[("reason", x.reason.clone())]));
    }
    let now = Utc::now();
    let row = bookings::ActiveModel {
        venue_id: Set(i.v.id),
        community_id: Set(i.v.community_id),
        unit_id: Set(i.unit),
        user_id: Set(i.by.0),
        guest_name: Set(i.guest.0),
        guest_phone: Set(i.guest.1),
        starts_at: Set(begin),
        ends_at: Set(end),
        slots: Set(i.n as i32),
        status: Set(i.status.code().into()),
        code: Set(new_code(c).await?),
        amount_fen: Set(i.amount),
        bill_line_id: Set(None),
        reason: Set(String::new()),
        checked_in_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let mut rows = vec![];
    for s in &starts {
        rows.push(slots::ActiveModel {
            venue_id: Set(i.v.id),
            starts_at: Set(utc(*s)?),
            booking_id: Set(row.id),
        });
    }
    slots::Entity::insert_many(rows)
        .exec(c)
        .await
        .map_err(|e| crate::db::map_unique(e, "start", "am.err.taken"))?;
    match (i.unit, i.amount > 0) {
        (Some(unit), true) => {
            let office = org::office_of(c, OrgId(i.v.community_id)).await?;
            let line = crate::billing::service::charge_once(
                c,
                office.0,
                unit,
                "AMENITY",
                "会所预订",
                Money(i.amount),
                &format!("{} {} × {}", i.v.name, i.start.format("%m-%d %H:%M"), i.n),
                &format!("amenity:{}", row.id),
                i.by,
            )
            .await?;
            bookings::Entity::update_many()
                .col_expr(bookings::Column::BillLineId, Expr::value(line))
                .filter(bookings::Column::Id.eq(row.id))
                .exec(c)
                .await?;
            Ok(bookings::Model {
                bill_line_id: Some(line),
                ..row
            })
        }
        _ => Ok(row),
    }
}

/// Books `n` slots from `start` for the caller's household (`unit_id`, or their first home
/// there the venue admits, current home first): confirmed at once, or pending when the venue
/// wants approval; a price goes on the household's bills. Errors: `NotFound` for a venue not of
/// their communities; `Validation` naming the broken rule with its figures (`am.err.week_limit`:
/// 本周已预订 2 次，上限 2 次); `Conflict{start}` when the slot was taken first. Nothing is stored
/// when refused.
pub async fn book(ctx: &AppCtx, auth: &Authed, b: NewBooking) -> Result<Booking, AppError> {
    let v = venue_for_resident(ctx, auth, b.venue_id).await?;
    let start = parse_start(&b.start)?;
    let rules = rules_of(&v);
    let homes = homes_in(&ctx.db, auth.user_id, v.community_id).await?;
    let (unit, relations) = match b.unit_id {
        Some(u) => homes
            .into_iter()
            .find(|(h, _)| *h == u)
            .ok_or_else(|| AppError::validation("unit_id", "am.err.home"))?,
        None => homes
            .iter()
            .find(|(_, rel)| rel.iter().any(|r| rules.who.iter().any(|w| w.covers(*r))))
            .or(homes.first())
            .cloned()
            .ok_or(AppError::NotFound)?,
    };
    let len = v.slot_minutes.clamp(1, i32::from(u16::MAX)) as u16;
    let hh = household(&ctx.db, &v, unit, relations, start).await?;
    check(
        &rules,
        &week_of(&v),
        len,
        &hh,
        Ask {
            start,
            slots: b.slots,
            now: now_local(),
        },
    )
    .map_err(refuse)?;
    let status = if v.approval {
        BookingStatus::Pending
    } else {
        BookingStatus::Confirmed
    };
    let amount = v.price_fen * i64::from(b.slots);
    let row = with_txn!(ctx.db, |txn| {
        // Counted again inside the write transaction, so two bookings of one household at once
        // cannot both pass a limit (SQLite queues writers; PostgreSQL locks the venue row).
        lock_venue(&txn, v.id).await?;
        let again = household(&txn, &v, unit, hh.relations.clone(), start).await?;
        check(
            &rules,
            &week_of(&v),
            len,
            &again,
            Ask {
                start,
                slots: b.slots,
                now: now_local(),
            },
        )
        .map_err(refuse)?;
        insert(
            &txn,
            Insert {
                v: &v,
                unit: Some(unit),
                guest: Default::default(),
                start,
                n: b.slots,
                status,
                amount,
                by: auth.user_id,
            },
        )
        .await
    })?;
    let units: Vec<i64> = vec![unit];
    views(&ctx.db, vec![row], &units).await?.pop().ok_or(AppError::Internal)
}

/// Takes the venue's row lock on PostgreSQL (a no-op write; SQLite's `BEGIN IMMEDIATE` already
/// serializes writers), so limits are counted by one booking at a time per venue.
async fn lock_venue<C: ConnectionTrait>(c: &C, venue: i64) -> Result<(), AppError> {
    am_venues::Entity::update_many()
        .col_expr(am_venues::Column::Id, Expr::col(am_venues::Column::Id))
        .filter(am_venues::Column::Id.eq(venue))
        .exec(c)
        .await?;
    Ok(())
}

/// Ends a live booking (`Cancelled` or `Rejected`) with `reason`: its slots go back, its
/// unpaid charge is reversed. A paid charge: `strict` refuses (`Conflict`, the resident is sent
/// to the desk), otherwise it stays on the bill for the desk to refund. `tell` notifies the
/// household. A booking no longer live is left alone (`Conflict{state}`).
pub(super) async fn end<C: ConnectionTrait>(
    c: &C,
    b: &bookings::Model,
    to: BookingStatus,
    reason: &str,
    by: UserId,
    tell: bool,
) -> Result<(), AppError> {
    end_strict(c, b, to, reason, by, tell, false).await
}

async fn end_strict<C: ConnectionTrait>(
    c: &C,
    b: &bookings::Model,
    to: BookingStatus,
    reason: &str,
    by: UserId,
    tell: bool,
    strict: bool,
) -> Result<(), AppError> {
    let done = bookings::Entity::update_many()
        .col_expr(bookings::Column::Status, Expr::value(to.code()))
        .col_expr(
            bookings::Column::Reason,
            Expr::value(reason.chars().take(200).collect::<String>()),
        )
        .col_expr(bookings::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(bookings::Column::Id.eq(b.id))
        .filter(bookings::Column::Status.is_in([BookingStatus::Pending.code(), BookingStatus::Confirmed.code()]))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(AppError::conflict("state", "am.err.not_live"));
    }
    slots::Entity::delete_many()
        .filter(slots::Column::BookingId.eq(b.id))
        .exec(c)
        .await?;
    if let Some(line) = b.bill_line_id {
        match crate::billing::service::reverse_unpaid(c, line, reason, by).await {
            Ok(()) => {}
            Err(AppError::Conflict { .. }) if !strict => {}
            Err(AppError::Conflict { .. }) => return Err(AppError::conflict("state", "am.err.paid")),
            Err(e) => return Err(e),
        }
    }
    if tell {
        let users = venues::household_of(c, b).await?;
        let v = am_venues::Entity::find_by_id(b.venue_id).one(c).await?;
        let what = format!(
            "{} {}",
            v.map(|v| v.name).unwrap_or_default(),
            format_local(b.starts_at)
        );
        let note = Notice {
            category: Category::Bookings,
            title: Msg::key(match to {
                BookingStatus::Rejected => "am.note_rejected",
                _ => "am.note_cancelled",
            })
            .then(Msg::text(what)),
            body: Msg::text(reason.to_string()),
            link: format!("/community/clubhouse/bookings/{}", b.id),
            dedupe: Some(format!("am-booking:{}:end", b.id)),
            ttl: Duration::days(2),
            broadcast: None,
            replace: false,
            urgent: false,
        };
        raise(c, &users, &note).await?;
    }
    Ok(())
}

/// The caller's households' bookings: upcoming live ones first (soonest first), then the rest
/// (newest first); at most 100.
pub async fn mine(ctx: &AppCtx, auth: &Authed) -> Result<Vec<Booking>, AppError> {
    let units: Vec<i64> = estate::my_unit_ids(&ctx.db, auth.user_id)
        .await?
        .into_iter()
        .map(|u| u.0)
        .collect();
    if units.is_empty() {
        return Ok(vec![]);
    }
    let rows = bookings::Entity::find()
        .filter(bookings::Column::UnitId.is_in(units.clone()))
        .order_by_desc(bookings::Column::StartsAt)
        .limit(100)
        .all(&ctx.db)
        .await?;
    let now = Utc::now();
    let mut out = views(&ctx.db, rows.clone(), &units).await?;
    let rank: HashMap<i64, (bool, i64)> = rows
        .iter()
        .map(|b| {
            let upcoming = b.ends_at > now && status_of(b).live() && status_of(b) != BookingStatus::NoShow;
            let t = b.starts_at.timestamp();
            (b.id, (!upcoming, if upcoming { t } else { -t }))
        })
        .collect();
    out.sort_by_key(|b| rank.get(&b.id).copied().unwrap_or((true, 0)));
    Ok(out)
}

/// The caller's household's booking with its QR code (an SVG of its code). Errors: `NotFound`
/// for anyone else's.
pub async fn open_mine(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<(Booking, String), AppError> {
    let units: Vec<i64> = estate::my_unit_ids(&ctx.db, auth.user_id)
        .await?
        .into_iter()
        .map(|u| u.0)
        .collect();
    let b = bookings::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|b| b.unit_id.is_some_and(|u| units.contains(&u)))
        .ok_or(AppError::NotFound)?;
    let qr = qr_svg(&b.code)?;
    let view = views(&ctx.db, vec![b], &units).await?.pop().ok_or(AppError::Internal)?;
    Ok((view, qr))
}

/// The code as a QR code (SVG), for the desk's scanner.
fn qr_svg(code: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    let q = qrcode::QrCode::with_error_correction_level(code.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| AppError::Internal)?;
    Ok(q.render::<svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build())
}

/// Cancels the caller's household's booking before the venue's deadline: its slots free up
/// and an unpaid charge is reversed. Errors: `NotFound` for anyone else's booking,
/// `Conflict{state}` past the deadline (naming it), when it is no longer live, or when its
/// charge is paid (the desk cancels and refunds it).
pub async fn cancel_mine(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<Booking, AppError> {
    let (view, _) = open_mine(ctx, auth, id).await?;
    let b = bookings::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(status_of(&b), BookingStatus::Pending | BookingStatus::Confirmed) {
        return Err(AppError::conflict("state", "am.err.not_live"));
    }
    if !view.can_cancel {
        return Err(AppError::conflict("state", "am.err.cancel_deadline").with_args(&[("at", view.cancel_until)]));
    }
    with_txn!(ctx.db, |txn| {
        end_strict(
            &txn,
            &b,
            BookingStatus::Cancelled,
            "住户取消",
            auth.user_id,
            false,
            true,
        )
        .await
    })?;
    let units = b.unit_id.into_iter().collect::<Vec<_>>();
    let fresh = bookings::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    views(&ctx.db, vec![fresh], &units)
        .await?
        .pop()
        .ok_or(AppError::Internal)
}

// ---------------------------------------------------------------- the staff desk

async fn load(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<bookings::Model, AppError> {
    access::record_within(ctx, meta, auth, PERM, bookings::Entity::find_by_id(id), |b| {
        OrgId(b.community_id)
    })
    .await
}

/// The desk books for a household (`unit_id` of the venue's community) or a walk-in customer
/// (`guest_name`, `guest_phone`): the venue's hours, closures and slots apply, its household
/// rules do not (the desk decides). Confirmed at once. Errors: `NotFound` outside the scope,
/// `Validation` naming the field, `Conflict{start}` for a taken slot.
pub async fn book_at_desk(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, b: NewBooking) -> Result<Booking, AppError> {
    let v = venues::load(ctx, meta, auth, b.venue_id).await?;
    let start = parse_start(&b.start)?;
    let len = v.slot_minutes.clamp(1, i32::from(u16::MAX)) as u16;
    let week = week_of(&v);
    let day = opening_day(&week, len, start);
    let starts = slot_starts(&week, day, len);
    let Some(first) = starts.iter().position(|s| *s == start) else {
        return Err(refuse(Refusal::NotASlot));
    };
    if b.slots == 0 || b.slots > 16 {
        return Err(refuse(Refusal::TooManySlots { max: 16 }));
    }
    if first + b.slots as usize > starts.len() {
        return Err(refuse(Refusal::NotASlot));
    }
    if start + Duration::minutes(i64::from(len)) <= now_local() {
        return Err(refuse(Refusal::Past));
    }
    let (unit, guest, amount) = match b.unit_id {
        Some(u) => {
            let brief = estate::unit_briefs(&ctx.db, &[u]).await?;
            if brief.first().is_none_or(|x| x.community_id != v.community_id) {
                return Err(AppError::validation("unit_id", "am.err.unit"));
            }
            (
                Some(u),
                (String::new(), String::new()),
                v.price_fen * i64::from(b.slots),
            )
        }
        None => {
            let name: String = b.guest_name.split_whitespace().collect::<Vec<_>>().join(" ");
            if name.is_empty() || name.chars().count() > 40 {
                return Err(AppError::validation("guest_name", "am.err.guest_name"));
            }
            let phone = crate::access::model::Phone::try_from(b.guest_phone.as_str())
                .map_err(|_| AppError::validation("guest_phone", "err.phone_invalid"))?;
            (
                None,
                (name, phone.as_str().to_string()),
                v.guest_price_fen * i64::from(b.slots),
            )
        }
    };
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let row = insert(
            &txn,
            Insert {
                v: &v,
                unit,
                guest: guest.clone(),
                start,
                n: b.slots,
                status: BookingStatus::Confirmed,
                amount,
                by: auth.user_id,
            },
        )
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("amenities.desk_booking", "booking", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(v.community_id)))
                .summary(serde_json::json!({
                    "venue": v.id, "start": format_local(row.starts_at), "slots": b.slots, "unit": unit,
                    "guest": guest.0, "amount": amount,
                })),
        )
        .await?;
        Ok(row)
    })?;
    views(&ctx.db, vec![row], &[]).await?.pop().ok_or(AppError::Internal)
}

/// Staff decide on a pending booking: approved (confirmed, the household told) or rejected
/// with a reason (slots freed, charge reversed, told). Errors: `NotFound` outside the scope,
/// `Conflict{state}` when it is not pending, `Validation{reason}` for a rejection without one.
pub async fn decide(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    approve: bool,
    reason: &str,
) -> Result<Booking, AppError> {
    let b = load(ctx, meta, auth, id).await?;
    if status_of(&b) != BookingStatus::Pending {
        return Err(AppError::conflict("state", "am.err.not_pending"));
    }
    let reason = reason.trim();
    if !approve && (reason.is_empty() || reason.chars().count() > 200) {
        return Err(AppError::validation("reason", "am.err.reason"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        if approve {
            let done = bookings::Entity::update_many()
                .col_expr(bookings::Column::Status, Expr::value(BookingStatus::Confirmed.code()))
                .col_expr(bookings::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(bookings::Column::Id.eq(id))
                .filter(bookings::Column::Status.eq(BookingStatus::Pending.code()))
                .exec(&txn)
                .await?;
            if done.rows_affected == 0 {
                return Err(AppError::conflict("state", "am.err.not_pending"));
            }
            let users = venues::household_of(&txn, &b).await?;
            let note = Notice {
                category: Category::Bookings,
                title: Msg::key("am.note_approved").then(Msg::text(format_local(b.starts_at))),
                body: Msg::text(b.code.clone()),
                link: format!("/community/clubhouse/bookings/{id}"),
                dedupe: Some(format!("am-booking:{id}:approved")),
                ttl: Duration::days(2),
                broadcast: None,
                replace: false,
                urgent: false,
            };
            raise(&txn, &users, &note).await?;
        } else {
            end(&txn, &b, BookingStatus::Rejected, reason, auth.user_id, true).await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new(
                if approve {
                    "amenities.approve"
                } else {
                    "amenities.reject"
                },
                "booking",
                id,
            )
            .actor(Some(auth.user_id), &actor)
            .org(Some(OrgId(b.community_id)))
            .summary(serde_json::json!({ "reason": reason })),
        )
        .await?;
        Ok(())
    })?;
    let fresh = load(ctx, meta, auth, id).await?;
    views(&ctx.db, vec![fresh], &[]).await?.pop().ok_or(AppError::Internal)
}

/// The desk cancels a live booking with a reason: slots freed, an unpaid charge reversed (a
/// paid one stays for the desk to refund), the household told. Errors as [`decide`].
pub async fn cancel_at_desk(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    reason: &str,
) -> Result<Booking, AppError> {
    let b = load(ctx, meta, auth, id).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "am.err.reason"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        end(&txn, &b, BookingStatus::Cancelled, reason, auth.user_id, true).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("amenities.desk_cancel", "booking", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(b.community_id)))
                .summary(serde_json::json!({ "reason": reason })),
        )
        .await?;
        Ok(())
    })?;
    let fresh = load(ctx, meta, auth, id).await?;
    views(&ctx.db, vec![fresh], &[]).await?.pop().ok_or(AppError::Internal)
}

/// Checks a booking in by its eight-digit code (typed, or read from its QR code), from half an
/// hour before its start until its end. Errors: `Validation{code}` for a code that is not
/// eight digits, `NotFound` for an unknown code or one outside the caller's scope,
/// `Conflict{code}` naming why it cannot be checked in now (already in, not yet time, over,
/// cancelled, pending).
pub async fn check_in(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, code: &str) -> Result<Booking, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 8 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::validation("code", "am.err.code"));
    }
    let b = access::record_within(
        ctx,
        meta,
        auth,
        PERM,
        bookings::Entity::find().filter(bookings::Column::Code.eq(code.clone())),
        |b| OrgId(b.community_id),
    )
    .await?;
    let now = Utc::now();
    match status_of(&b) {
        BookingStatus::Confirmed | BookingStatus::NoShow => {}
        BookingStatus::CheckedIn => {
            return Err(AppError::conflict("code", "am.err.checked_in")
                .with_args(&[("at", b.checked_in_at.map(format_local).unwrap_or_default())]))
        }
        BookingStatus::Pending => return Err(AppError::conflict("code", "am.err.not_approved")),
        BookingStatus::Cancelled | BookingStatus::Rejected => {
            return Err(AppError::conflict("code", "am.err.cancelled"))
        }
    }
    if now < b.starts_at - Duration::minutes(CHECK_IN_EARLY_MINUTES) {
        return Err(AppError::conflict("code", "am.err.too_early").with_args(&[("at", format_local(b.starts_at))]));
    }
    if now >= b.ends_at {
        return Err(AppError::conflict("code", "am.err.over"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let done = bookings::Entity::update_many()
            .col_expr(bookings::Column::Status, Expr::value(BookingStatus::CheckedIn.code()))
            .col_expr(bookings::Column::CheckedInAt, Expr::value(now))
            .col_expr(bookings::Column::UpdatedAt, Expr::value(now))
            .filter(bookings::Column::Id.eq(b.id))
            .filter(bookings::Column::Status.is_in([BookingStatus::Confirmed.code(), BookingStatus::NoShow.code()]))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::conflict("code", "am.err.checked_in").with_args(&[("at", format_local(now))]));
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("amenities.check_in", "booking", b.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(b.community_id)))
                .summary(serde_json::json!({ "code": code })),
        )
        .await?;
        Ok(())
    })?;
    let fresh = load(ctx, meta, auth, b.id).await?;
    views(&ctx.db, vec![fresh], &[]).await?.pop().ok_or(AppError::Internal)
}

/// A community's day at the desk: every venue with its slots and who holds each, and the day's
/// bookings (pending ones first). Errors: `NotFound` for a community outside the scope.
pub async fn grid(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
    date: Option<&str>,
) -> Result<DayGrid, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    access::within(ctx, meta, auth, PERM, &scope, community).await?;
    let day = parse_date(date)?.unwrap_or(now_local().date());
    let vs = am_venues::Entity::find()
        .filter(am_venues::Column::CommunityId.eq(community.0))
        .filter(am_venues::Column::Active.eq(true))
        .order_by_asc(am_venues::Column::Id)
        .all(&ctx.db)
        .await?;
    let mut rows = vec![];
    let mut held: Vec<i64> = vec![];
    let mut cells_of = vec![];
    for v in &vs {
        let (slots, _, holders) = slots_of_day(&ctx.db, v, day, &[], false).await?;
        held.extend(holders.iter().filter_map(|h| h.1));
        cells_of.push((slots, holders));
    }
    held.sort_unstable();
    held.dedup();
    let from = utc(day.and_time(chrono::NaiveTime::MIN))?;
    let mut day_rows = bookings::Entity::find()
        .filter(bookings::Column::CommunityId.eq(community.0))
        .filter(
            sea_orm::Condition::any()
                .add(bookings::Column::Id.is_in(held.clone()))
                .add(
                    sea_orm::Condition::all()
                        .add(bookings::Column::StartsAt.gte(from))
                        .add(bookings::Column::StartsAt.lt(from + Duration::days(1))),
                ),
        )
        .order_by_asc(bookings::Column::StartsAt)
        .all(&ctx.db)
        .await?;
    day_rows.sort_by_key(|b| (status_of(b) != BookingStatus::Pending, b.starts_at));
    let bookings = views(&ctx.db, day_rows, &[]).await?;
    let by_id: HashMap<i64, &Booking> = bookings.iter().map(|b| (b.id, b)).collect();
    for (v, (slots, holders)) in venues::views(&ctx.db, vs).await?.into_iter().zip(cells_of) {
        let cells = slots
            .into_iter()
            .zip(holders)
            .map(|(s, (_, h))| GridCell {
                start: s.start,
                label: s.label,
                state: s.state,
                booking: h.and_then(|id| by_id.get(&id).map(|b| (*b).clone())),
            })
            .collect();
        rows.push(GridRow { venue: v, cells });
    }
    Ok(DayGrid {
        community_id: community,
        date: day.format("%Y-%m-%d").to_string(),
        rows,
        bookings,
    })
}

/// One booking for staff. Errors: `NotFound` outside the scope.
pub async fn staff_booking(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<Booking, AppError> {
    let b = load(ctx, meta, auth, id).await?;
    views(&ctx.db, vec![b], &[]).await?.pop().ok_or(AppError::Internal)
}

/// Periodic: confirmed bookings not checked in by [`NO_SHOW_GRACE_MINUTES`] after their start
/// become no-shows (their slots stay taken: the time was held). Returns how many.
pub async fn mark_no_shows(ctx: &AppCtx) -> Result<u64, AppError> {
    let cutoff = Utc::now() - Duration::minutes(NO_SHOW_GRACE_MINUTES);
    let r = bookings::Entity::update_many()
        .col_expr(bookings::Column::Status, Expr::value(BookingStatus::NoShow.code()))
        .col_expr(bookings::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(bookings::Column::Status.eq(BookingStatus::Confirmed.code()))
        .filter(bookings::Column::StartsAt.lt(cutoff))
        .exec(&ctx.db)
        .await?;
    Ok(r.rows_affected)
}
