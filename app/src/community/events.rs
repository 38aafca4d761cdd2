//! (ssr) Community events (社区活动): staff put one on for a community, some of its buildings or
//! units, and its owners, tenants or everyone, with a time, a place, a capacity, a limit per
//! household, a sign-up deadline and an optional fee per person. The job publishes it at its
//! time (the households reached, told) and reminds the confirmed households the day before.
//! A household signs up with a headcount: confirmed while seats last (a guarded counter on the
//! event decides, so two last sign-ups at once cannot both get the last seats), otherwise in
//! line; a cancellation frees seats for the line, first come first served. A fee is a bill line
//! of the household's, raised when its seats are confirmed and reversed when it cancels unpaid.
//! Staff check households in at the door and may cancel the event.
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{cm_event_signups as signups, cm_event_targets as targets, cm_events as events};
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::jobs::{queue, JobResult, NewJob};
use crate::notify::model::Category;
use crate::notify::service::{raise, Notice};
use crate::org::model::OrgKind;
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{OrgId, UserId};
use crate::shared::money::Money;
use crate::shared::time::{format_local, parse_local_minute};
use crate::with_txn;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{prelude::*, sea_query::ExprTrait, ActiveValue::Set, QueryOrder, QuerySelect};

/// Putting on events is part of talking to residents: the notices permission.
const PERM: Permission = Permission::NoticesPublish;
const TITLE_MAX: usize = 120;
const BODY_MAX: usize = 5_000;
const PER_HOUSEHOLD_MAX: u32 = 20;
const CAPACITY_MAX: u32 = 100_000;
/// The reminder goes this long before the start.
const REMIND_BEFORE_HOURS: i64 = 24;
/// The files area's kind for an event's photos.
const PHOTO_KIND: &str = "cm_event_photo";

fn time(field: &str, s: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    parse_local_minute(s).map_err(|_| AppError::validation(field, "cm.err.time"))
}

fn fee_of(e: &events::Model) -> Option<String> {
    (e.fee_fen > 0).then(|| Money(e.fee_fen).to_string())
}

/// Saves an event and queues its publishing (now, or at `publish_at`) and its reminder.
/// Errors: `Forbidden` without `notices.publish`, `NotFound` for a community outside the scope,
/// `Validation` naming the field.
pub async fn create(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, n: NewEvent) -> Result<EventSummary, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    access::within(ctx, meta, auth, PERM, &scope, n.community_id).await?;
    if !org::get(&ctx.db, n.community_id)
        .await?
        .is_some_and(|c| c.kind == OrgKind::Community)
    {
        return Err(AppError::validation("community_id", "cm.err.community"));
    }
    let title = n.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(AppError::validation("title", "cm.err.title"));
    }
    let body = n.body.trim();
    if body.chars().count() > BODY_MAX {
        return Err(AppError::validation("body", "cm.err.body_long"));
    }
    let place = n.place.trim();
    if place.is_empty() || place.chars().count() > 120 {
        return Err(AppError::validation("place", "cm.err.place"));
    }
    let now = queue::now();
    let starts_at =
        time("starts_at", &n.starts_at)?.ok_or_else(|| AppError::validation("starts_at", "cm.err.starts_missing"))?;
    if starts_at <= now {
        return Err(AppError::validation("starts_at", "cm.err.starts_past"));
    }
    let ends_at = time("ends_at", &n.ends_at)?.ok_or_else(|| AppError::validation("ends_at", "cm.err.ends_missing"))?;
    if ends_at <= starts_at {
        return Err(AppError::validation("ends_at", "cm.err.event_ends_before"));
    }
    let publish_at = time("publish_at", &n.publish_at)?.map_or(now, |t| std::cmp::max(t, now));
    if publish_at >= starts_at {
        return Err(AppError::validation("publish_at", "cm.err.publish_after_start"));
    }
    let signup_until = time("signup_until", &n.signup_until)?.unwrap_or(starts_at);
    if signup_until > starts_at || signup_until <= publish_at {
        return Err(AppError::validation("signup_until", "cm.err.signup_until"));
    }
    if n.capacity > CAPACITY_MAX {
        return Err(AppError::validation("capacity", "cm.err.capacity"));
    }
    if n.per_household == 0 || n.per_household > PER_HOUSEHOLD_MAX {
        return Err(AppError::validation("per_household", "cm.err.per_household"));
    }
    let fee = match n.fee.trim() {
        "" => Money(0),
        s => Money::parse_yuan(s).map_err(|e| AppError::validation("fee", e.key()))?,
    };
    if fee.0 < 0 {
        return Err(AppError::validation("fee", "err.amount_invalid"));
    }
    let (buildings, units) = super::target::check(&ctx.db, n.community_id, &n.buildings, &n.units).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let row = events::ActiveModel {
            community_id: Set(n.community_id.0),
            title: Set(title.into()),
            body: Set(body.into()),
            place: Set(place.into()),
            starts_at: Set(starts_at),
            ends_at: Set(ends_at),
            signup_until: Set(signup_until),
            capacity: Set(n.capacity as i32),
            taken: Set(0),
            per_household: Set(n.per_household as i32),
            fee_fen: Set(fee.0),
            audience: Set(n.audience.code().into()),
            buildings: Set(serde_json::to_string(&buildings).unwrap_or_default()),
            units: Set(serde_json::to_string(&units).unwrap_or_default()),
            state: Set(EventState::Scheduled.code().into()),
            publish_at: Set(publish_at),
            households: Set(0),
            author_id: Set(auth.user_id.0),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut jobs = vec![NewJob {
            run_at: publish_at,
            ..NewJob::now(super::jobs::EVENT_PUBLISH, serde_json::json!({ "e": row.id }))
        }];
        let remind_at = starts_at - Duration::hours(REMIND_BEFORE_HOURS);
        if remind_at > publish_at {
            jobs.push(NewJob {
                run_at: remind_at,
                ..NewJob::now(super::jobs::EVENT_REMIND, serde_json::json!({ "e": row.id }))
            });
        }
        queue::enqueue(&txn, &jobs).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.event", "event", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(n.community_id))
                .summary(serde_json::json!({
                    "title": title, "starts_at": format_local(starts_at), "capacity": n.capacity,
                    "fee": fee.0, "audience": n.audience.code(),
                })),
        )
        .await?;
        Ok(row)
    })?;
    let mut rows = rows_of(&ctx.db, vec![row]).await?;
    rows.pop().ok_or(AppError::Internal)
}

fn event_notice(e: &events::Model, dedupe: String, title: Msg) -> Notice {
    Notice {
        category: Category::Announcements,
        title,
        body: Msg::text(format!("{} · {}", format_local(e.starts_at), e.place)),
        link: format!("/community/events/{}", e.id),
        dedupe: Some(dedupe),
        ttl: Duration::days(1),
        broadcast: None,
        replace: false,
        urgent: false,
    }
}

/// Job `community.event_publish` `{"e": id}`: writes the households the event reached, tells
/// their people, and marks it published. A rerun adds nothing; a cancelled one stays unsent.
pub async fn publish_job(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    let Some(id) = payload["e"].as_i64() else {
        return JobResult::Failed("bad payload".into());
    };
    let r = async {
        let Some(e) = events::Entity::find_by_id(id).one(&ctx.db).await? else {
            return Ok(());
        };
        if e.state != EventState::Scheduled.code() {
            return Ok(());
        }
        let audience = Audience::parse(&e.audience).unwrap_or(Audience::Everyone);
        let note = event_notice(
            &e,
            format!("cm-event:{}", e.id),
            Msg::key("cm.event_new").then(Msg::text(e.title.clone())),
        );
        let homes = super::target::send_out(
            ctx,
            e.community_id,
            &e.buildings,
            &e.units,
            audience,
            [targets::Column::EventId, targets::Column::UnitId],
            |u| targets::ActiveModel {
                event_id: Set(e.id),
                unit_id: Set(u),
            },
            &note,
        )
        .await?;
        events::Entity::update_many()
            .col_expr(events::Column::State, Expr::value(EventState::Published.code()))
            .col_expr(events::Column::Households, Expr::value(homes as i64))
            .filter(events::Column::Id.eq(e.id))
            .filter(events::Column::State.eq(EventState::Scheduled.code()))
            .exec(&ctx.db)
            .await?;
        Ok::<_, AppError>(())
    }
    .await;
    r.into()
}

/// Job `community.event_remind` `{"e": id}`: the day before, a push to the people of the
/// households with confirmed seats.
pub async fn remind_job(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    let Some(id) = payload["e"].as_i64() else {
        return JobResult::Failed("bad payload".into());
    };
    let r = async {
        let Some(e) = events::Entity::find_by_id(id).one(&ctx.db).await? else {
            return Ok(());
        };
        if e.state != EventState::Published.code() {
            return Ok(());
        }
        let units: Vec<i64> = signups::Entity::find()
            .select_only()
            .column(signups::Column::UnitId)
            .filter(signups::Column::EventId.eq(id))
            .filter(signups::Column::Status.eq(SignupStatus::Confirmed.code()))
            .into_tuple()
            .all(&ctx.db)
            .await?;
        let audience = Audience::parse(&e.audience).unwrap_or(Audience::Everyone);
        let (_, users) = super::target::reach(&ctx.db, &units, audience).await?;
        let note = event_notice(
            &e,
            format!("cm-event:{id}:remind"),
            Msg::key("cm.event_tomorrow").then(Msg::text(e.title.clone())),
        );
        for chunk in users.chunks(1_000) {
            with_txn!(ctx.db, |txn| { raise(&txn, chunk, &note).await })?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    r.into()
}

/// Staff rows for `rows`: community names, targets, sign-up counts.
async fn rows_of<C: ConnectionTrait>(c: &C, rows: Vec<events::Model>) -> Result<Vec<EventSummary>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|e| e.id).collect();
    let counts: Vec<(i64, String, bool, i64)> = signups::Entity::find()
        .select_only()
        .column(signups::Column::EventId)
        .column(signups::Column::Status)
        .expr_as(Expr::col(signups::Column::CheckedInAt).is_not_null(), "checked")
        .column_as(signups::Column::Id.count(), "n")
        .filter(signups::Column::EventId.is_in(ids))
        .group_by(signups::Column::EventId)
        .group_by(signups::Column::Status)
        .group_by(Expr::col(signups::Column::CheckedInAt).is_not_null())
        .into_tuple()
        .all(c)
        .await?;
    let count = |id: i64, status: SignupStatus, checked: Option<bool>| -> i64 {
        counts
            .iter()
            .filter(|x| x.0 == id && x.1 == status.code() && checked.is_none_or(|k| k == x.2))
            .map(|x| x.3)
            .sum()
    };
    let mut communities: Vec<i64> = rows.iter().map(|e| e.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = org::org_names(c, &communities).await?;
    let labels = super::target::labels(c, rows.iter().map(|e| (e.buildings.as_str(), e.units.as_str()))).await?;
    let now = Utc::now();
    Ok(rows
        .into_iter()
        .zip(labels)
        .map(|(e, (buildings, units))| EventSummary {
            id: e.id,
            community_id: OrgId(e.community_id),
            community: names.get(&e.community_id).cloned().unwrap_or_default(),
            fee: fee_of(&e),
            title: e.title,
            place: e.place,
            starts_at: format_local(e.starts_at),
            ends_at: format_local(e.ends_at),
            signup_until: format_local(e.signup_until),
            capacity: e.capacity,
            taken: e.taken,
            per_household: e.per_household,
            audience: Audience::parse(&e.audience).unwrap_or(Audience::Everyone),
            buildings,
            units,
            state: EventState::at(&e.state, e.ends_at, now),
            households: e.households,
            confirmed: count(e.id, SignupStatus::Confirmed, None),
            waitlisted: count(e.id, SignupStatus::Waitlisted, None),
            checked_in: count(e.id, SignupStatus::Confirmed, Some(true)),
        })
        .collect())
}

/// Events of the communities in the caller's scope, newest first (at most 100).
pub async fn list(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<EventSummary>, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    let rows = scope
        .filter_org_column(events::Entity::find(), events::Column::CommunityId, false)
        .order_by_desc(events::Column::Id)
        .limit(100)
        .all(&ctx.db)
        .await?;
    rows_of(&ctx.db, rows).await
}

async fn load(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<events::Model, AppError> {
    access::record_within(ctx, meta, auth, PERM, events::Entity::find_by_id(id), |e| {
        OrgId(e.community_id)
    })
    .await
}

/// One event with its sign-ups: confirmed ones by unit, then the line in order. Errors:
/// `NotFound` outside the caller's scope.
pub async fn detail(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<EventDetail, AppError> {
    let e = load(ctx, meta, auth, id).await?;
    let rows = signups::Entity::find()
        .filter(signups::Column::EventId.eq(id))
        .filter(signups::Column::Status.ne(SignupStatus::Cancelled.code()))
        .order_by_asc(signups::Column::Id)
        .all(&ctx.db)
        .await?;
    let units: Vec<i64> = rows.iter().map(|s| s.unit_id).collect();
    let users: Vec<i64> = rows.iter().map(|s| s.user_id).collect();
    let numbers = estate::unit_numbers(&ctx.db, &units).await?;
    // Unit numbers are what the door needs; names only for staff who may read people there,
    // the same rule as a named survey's answers.
    let names = if super::target::may_see_people(&ctx.db, auth.user_id, e.community_id).await? {
        access::display_names(&ctx.db, &users).await?
    } else {
        Default::default()
    };
    let mut line = 0;
    let mut out: Vec<SignupRow> = rows
        .iter()
        .map(|s| {
            let status = SignupStatus::parse(&s.status).unwrap_or(SignupStatus::Cancelled);
            let position = (status == SignupStatus::Waitlisted).then(|| {
                line += 1;
                line
            });
            SignupRow {
                id: s.id,
                unit: numbers.get(&s.unit_id).map(|n| n.0.clone()).unwrap_or_default(),
                name: names.get(&s.user_id).cloned().unwrap_or_default(),
                headcount: s.headcount,
                status,
                position,
                checked_in: s.checked_in_at.is_some(),
                signed_up_at: format_local(s.created_at),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (
            a.status != SignupStatus::Confirmed,
            a.position,
            estate::natural_key(&a.unit),
        )
            .cmp(&(
                b.status != SignupStatus::Confirmed,
                b.position,
                estate::natural_key(&b.unit),
            ))
    });
    let body = e.body.clone();
    let begun = begun(&e, Utc::now());
    let event = rows_of(&ctx.db, vec![e]).await?.pop().ok_or(AppError::Internal)?;
    Ok(EventDetail {
        event,
        body,
        signups: out,
        begun,
        photos: photos_of(&ctx.db, id).await?,
    })
}

/// Published and under way or over (photos may be added).
fn begun(e: &events::Model, now: DateTime<Utc>) -> bool {
    e.state == EventState::Published.code() && now >= e.starts_at
}

async fn photos_of<C: ConnectionTrait>(c: &C, id: i64) -> Result<Vec<crate::files::model::FileRef>, AppError> {
    Ok(crate::files::service::attached(c, PHOTO_KIND, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default())
}

/// Adds photos taken at the event, once it has begun (at most [`EVENT_PHOTOS_MAX`]); everyone
/// it reached sees them on its page. Errors: `NotFound` outside the scope, `Conflict` before
/// it begins or when it was cancelled, `Validation{photos}` for none, too many, or an upload
/// not the caller's.
pub async fn add_photos(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    photos: &[i64],
) -> Result<EventDetail, AppError> {
    let e = load(ctx, meta, auth, id).await?;
    if e.state == EventState::Cancelled.code() {
        return Err(AppError::conflict("state", "cm.err.event_cancelled"));
    }
    if !begun(&e, Utc::now()) {
        return Err(AppError::conflict("photos", "cm.err.photos_before"));
    }
    if photos.is_empty() {
        return Err(AppError::validation("photos", "cm.err.photos_none"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        crate::files::service::attach(&txn, auth.user_id, photos, PHOTO_KIND, id, EVENT_PHOTOS_MAX).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.event_photos", "event", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(e.community_id)))
                .summary(serde_json::json!({ "photos": photos.len() })),
        )
        .await?;
        Ok(())
    })?;
    detail(ctx, meta, auth, id).await
}

/// One of an event's photos (or its thumbnail), for a household it reached and for staff
/// whose scope holds it. Errors: `NotFound` for anyone else.
pub async fn photo(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    file: i64,
    thumb: bool,
) -> Result<Vec<u8>, AppError> {
    if load_mine(ctx, auth, id).await.is_err() {
        load(ctx, meta, auth, id).await.map_err(|_| AppError::NotFound)?;
    }
    crate::files::service::read(ctx, file, PHOTO_KIND, id, thumb).await
}

/// Marks a household with confirmed seats as arrived. Errors: `NotFound` outside the scope or
/// for a sign-up not of the event, `Conflict` when it is not confirmed or already checked in.
pub async fn check_in(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    signup: i64,
) -> Result<EventDetail, AppError> {
    let e = load(ctx, meta, auth, id).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let s = signups::Entity::find_by_id(signup)
            .filter(signups::Column::EventId.eq(id))
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if s.status != SignupStatus::Confirmed.code() {
            return Err(AppError::conflict("state", "cm.err.not_confirmed"));
        }
        let done = signups::Entity::update_many()
            .col_expr(signups::Column::CheckedInAt, Expr::value(queue::now()))
            .filter(signups::Column::Id.eq(signup))
            .filter(signups::Column::CheckedInAt.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::conflict("state", "cm.err.checked_in"));
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.event_check_in", "event", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(e.community_id)))
                .summary(serde_json::json!({ "signup": signup, "unit": s.unit_id, "headcount": s.headcount })),
        )
        .await?;
        Ok(())
    })?;
    detail(ctx, meta, auth, id).await
}

/// Reverses the fee of sign-up `s` if one was raised and nothing is paid on it. Errors:
/// `Conflict` when it is paid (the property refunds it at the counter).
async fn drop_fee<C: ConnectionTrait>(c: &C, s: &signups::Model, reason: &str, by: UserId) -> Result<(), AppError> {
    let Some(line) = s.bill_line_id else { return Ok(()) };
    crate::billing::service::reverse_unpaid(c, line, reason, by)
        .await
        .map_err(|e| match e {
            AppError::Conflict { .. } => AppError::conflict("state", "cm.err.event_paid"),
            other => other,
        })
}

/// Confirms sign-up `s` (its seats already counted): its status, a new version, and its fee.
async fn confirm<C: ConnectionTrait>(c: &C, e: &events::Model, s: &signups::Model, by: UserId) -> Result<(), AppError> {
    let version = s.version + 1;
    let line = if e.fee_fen > 0 {
        let office = org::office_of(c, OrgId(e.community_id)).await?;
        Some(
            crate::billing::service::charge_once(
                c,
                office.0,
                s.unit_id,
                "EVENT",
                "社区活动",
                Money(e.fee_fen * i64::from(s.headcount)),
                &format!("{} × {}", e.title, s.headcount),
                &format!("event:{}:{}:{}", e.id, s.id, version),
                by,
            )
            .await?,
        )
    } else {
        None
    };
    signups::Entity::update_many()
        .col_expr(signups::Column::Status, Expr::value(SignupStatus::Confirmed.code()))
        .col_expr(signups::Column::Version, Expr::value(version))
        .col_expr(signups::Column::BillLineId, Expr::value(line))
        .col_expr(signups::Column::UpdatedAt, Expr::value(queue::now()))
        .filter(signups::Column::Id.eq(s.id))
        .exec(c)
        .await?;
    Ok(())
}

/// Takes `n` seats of event `e` if they are left (always with no limit): one guarded update.
async fn take_seats<C: ConnectionTrait>(c: &C, e: &events::Model, n: i32) -> Result<bool, AppError> {
    let mut q = events::Entity::update_many()
        .col_expr(events::Column::Taken, Expr::col(events::Column::Taken).add(n))
        .filter(events::Column::Id.eq(e.id));
    if e.capacity > 0 {
        q = q.filter(Expr::col(events::Column::Taken).add(n).lte(e.capacity));
    }
    Ok(q.exec(c).await?.rows_affected == 1)
}

/// Gives freed seats to the line, in order, to the parties that fit; tells each one.
async fn promote<C: ConnectionTrait>(c: &C, id: i64, by: UserId) -> Result<(), AppError> {
    let e = events::Entity::find_by_id(id).one(c).await?.ok_or(AppError::NotFound)?;
    let waiting = signups::Entity::find()
        .filter(signups::Column::EventId.eq(id))
        .filter(signups::Column::Status.eq(SignupStatus::Waitlisted.code()))
        .order_by_asc(signups::Column::Id)
        .all(c)
        .await?;
    let free = if e.capacity > 0 {
        i64::from(e.capacity - e.taken)
    } else {
        i64::MAX
    };
    let lucky = promotions(free, &waiting.iter().map(|s| (s.id, s.headcount)).collect::<Vec<_>>());
    for s in waiting.iter().filter(|s| lucky.contains(&s.id)) {
        if !take_seats(c, &e, s.headcount).await? {
            break;
        }
        confirm(c, &e, s, by).await?;
        if s.user_id == by.0 {
            continue;
        }
        let note = event_notice(
            &e,
            format!("cm-event:{id}:in:{}", s.id),
            Msg::key("cm.event_promoted").then(Msg::text(e.title.clone())),
        );
        raise(c, &[UserId(s.user_id)], &note).await?;
    }
    Ok(())
}

/// Cancels the event: residents see it cancelled, confirmed households are told, unpaid fees
/// reversed (paid ones stay for the counter to refund). Errors: `NotFound` outside the scope,
/// `Conflict` when already cancelled or over.
pub async fn cancel(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<EventDetail, AppError> {
    let e = load(ctx, meta, auth, id).await?;
    if EventState::at(&e.state, e.ends_at, Utc::now()) == EventState::Ended {
        return Err(AppError::conflict("state", "cm.err.event_over"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let done = events::Entity::update_many()
            .col_expr(events::Column::State, Expr::value(EventState::Cancelled.code()))
            .filter(events::Column::Id.eq(id))
            .filter(events::Column::State.ne(EventState::Cancelled.code()))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::conflict("state", "cm.err.event_cancelled"));
        }
        let live = signups::Entity::find()
            .filter(signups::Column::EventId.eq(id))
            .filter(signups::Column::Status.ne(SignupStatus::Cancelled.code()))
            .all(&txn)
            .await?;
        let mut told = vec![];
        for s in &live {
            // A paid fee stays on the bill for the counter to refund; an unpaid one goes.
            if let Err(err) = drop_fee(&txn, s, "活动取消", auth.user_id).await {
                if !matches!(err, AppError::Conflict { .. }) {
                    return Err(err);
                }
            }
            told.push(UserId(s.user_id));
        }
        crate::notify::service::retract(&txn, &format!("cm-event:{id}")).await?;
        let note = Notice {
            link: "/community/events".into(),
            ..event_notice(
                &e,
                format!("cm-event-cancelled:{id}"),
                Msg::key("cm.event_cancelled_title").then(Msg::text(e.title.clone())),
            )
        };
        raise(&txn, &told, &note).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.event_cancel", "event", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(e.community_id)))
                .summary(serde_json::json!({ "title": e.title, "signups": live.len() })),
        )
        .await?;
        Ok(())
    })?;
    detail(ctx, meta, auth, id).await
}

/// The caller's homes event `e` reached (units it targeted where their relation is in its
/// audience), with their numbers.
async fn my_homes<C: ConnectionTrait>(c: &C, user: UserId, e: &events::Model) -> Result<Vec<EventHome>, AppError> {
    let places = estate::my_places(c, user).await?;
    let audience = Audience::parse(&e.audience).unwrap_or(Audience::Everyone);
    let mine: Vec<i64> = places
        .iter()
        .filter(|p| audience.reaches(p.relation))
        .map(|p| p.unit.0)
        .collect();
    if mine.is_empty() {
        return Ok(vec![]);
    }
    let mut reached: Vec<i64> = targets::Entity::find()
        .select_only()
        .column(targets::Column::UnitId)
        .filter(targets::Column::EventId.eq(e.id))
        .filter(targets::Column::UnitId.is_in(mine))
        .into_tuple()
        .all(c)
        .await?;
    reached.sort_unstable();
    reached.dedup();
    let numbers = estate::unit_numbers(c, &reached).await?;
    Ok(reached
        .into_iter()
        .map(|u| EventHome {
            unit_id: u,
            number: numbers.get(&u).map(|n| n.0.clone()).unwrap_or_default(),
        })
        .collect())
}

fn seats_left(e: &events::Model) -> Option<i64> {
    (e.capacity > 0).then(|| i64::from(std::cmp::max(e.capacity - e.taken, 0)))
}

async fn position<C: ConnectionTrait>(c: &C, s: &signups::Model) -> Result<Option<i64>, AppError> {
    if s.status != SignupStatus::Waitlisted.code() {
        return Ok(None);
    }
    let ahead = signups::Entity::find()
        .filter(signups::Column::EventId.eq(s.event_id))
        .filter(signups::Column::Status.eq(SignupStatus::Waitlisted.code()))
        .filter(signups::Column::Id.lt(s.id))
        .count(c)
        .await?;
    Ok(Some(ahead as i64 + 1))
}

/// The events that reached the caller's current home (当前房屋): upcoming ones first (soonest first), then past
/// and cancelled ones (newest first); at most 100.
pub async fn mine(ctx: &AppCtx, auth: &Authed) -> Result<Vec<MyEventRow>, AppError> {
    let places = estate::current_places(&ctx.db, auth.user_id).await?;
    if places.is_empty() {
        return Ok(vec![]);
    }
    let units: Vec<i64> = places.iter().map(|p| p.unit.0).collect();
    let ts = targets::Entity::find()
        .filter(targets::Column::UnitId.is_in(units.clone()))
        .order_by_desc(targets::Column::EventId)
        .limit(500)
        .all(&ctx.db)
        .await?;
    let mut ids: Vec<i64> = ts.iter().map(|t| t.event_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let es = events::Entity::find()
        .filter(events::Column::Id.is_in(ids.clone()))
        .filter(events::Column::State.ne(EventState::Scheduled.code()))
        .all(&ctx.db)
        .await?;
    let ss = signups::Entity::find()
        .filter(signups::Column::EventId.is_in(ids))
        .filter(signups::Column::UnitId.is_in(units))
        .filter(signups::Column::Status.ne(SignupStatus::Cancelled.code()))
        .all(&ctx.db)
        .await?;
    let mut communities: Vec<i64> = es.iter().map(|e| e.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = org::org_names(&ctx.db, &communities).await?;
    let now = Utc::now();
    let mut out: Vec<((u8, i64), MyEventRow)> = vec![];
    for e in es {
        let audience = Audience::parse(&e.audience).unwrap_or(Audience::Everyone);
        let reached = ts.iter().any(|t| {
            t.event_id == e.id
                && places
                    .iter()
                    .any(|p| p.unit.0 == t.unit_id && audience.reaches(p.relation))
        });
        if !reached {
            continue;
        }
        let state = EventState::at(&e.state, e.ends_at, now);
        let rank = if state == EventState::Published {
            (0, e.starts_at.timestamp())
        } else {
            (1, -e.starts_at.timestamp())
        };
        out.push((
            rank,
            MyEventRow {
                id: e.id,
                community: names.get(&e.community_id).cloned().unwrap_or_default(),
                fee: fee_of(&e),
                seats_left: seats_left(&e),
                mine: ss
                    .iter()
                    .find(|s| s.event_id == e.id)
                    .and_then(|s| SignupStatus::parse(&s.status)),
                title: e.title,
                place: e.place,
                starts_at: format_local(e.starts_at),
                state,
            },
        ));
    }
    out.sort_by_key(|x| x.0);
    Ok(out.into_iter().take(100).map(|x| x.1).collect())
}

async fn load_mine(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<(events::Model, Vec<EventHome>), AppError> {
    let e = events::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|e| e.state != EventState::Scheduled.code())
        .ok_or(AppError::NotFound)?;
    let homes = my_homes(&ctx.db, auth.user_id, &e).await?;
    if homes.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((e, homes))
}

/// An event that reached the caller, with their household's sign-up. Errors: `NotFound` for
/// one that did not reach them or is not yet published.
pub async fn open(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<MyEvent, AppError> {
    let (e, homes) = load_mine(ctx, auth, id).await?;
    let units: Vec<i64> = homes.iter().map(|h| h.unit_id).collect();
    let s = signups::Entity::find()
        .filter(signups::Column::EventId.eq(id))
        .filter(signups::Column::UnitId.is_in(units))
        .filter(signups::Column::Status.ne(SignupStatus::Cancelled.code()))
        .order_by_asc(signups::Column::Id)
        .one(&ctx.db)
        .await?;
    let mine = match s {
        Some(s) => Some(MySignup {
            unit_id: s.unit_id,
            number: homes
                .iter()
                .find(|h| h.unit_id == s.unit_id)
                .map(|h| h.number.clone())
                .unwrap_or_default(),
            headcount: s.headcount,
            status: SignupStatus::parse(&s.status).unwrap_or(SignupStatus::Cancelled),
            position: position(&ctx.db, &s).await?,
            checked_in: s.checked_in_at.is_some(),
        }),
        None => None,
    };
    let community = org::get(&ctx.db, OrgId(e.community_id))
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let now = Utc::now();
    let state = EventState::at(&e.state, e.ends_at, now);
    let photos = photos_of(&ctx.db, e.id).await?;
    Ok(MyEvent {
        id: e.id,
        open: state == EventState::Published && now < e.signup_until,
        fee: fee_of(&e),
        seats_left: seats_left(&e),
        title: e.title,
        body: e.body,
        community,
        place: e.place,
        starts_at: format_local(e.starts_at),
        ends_at: format_local(e.ends_at),
        signup_until: format_local(e.signup_until),
        capacity: e.capacity,
        per_household: e.per_household,
        state,
        homes,
        mine,
        photos,
    })
}

/// Signs the caller's household (`unit`, or the first home the event reached) up for
/// `headcount` people: confirmed while seats last, otherwise in line. Errors: `NotFound` for an
/// event that did not reach them, `Validation` on `headcount` or `unit_id`, `Conflict` when
/// sign-ups are closed or the household is already signed up.
pub async fn sign_up(
    ctx: &AppCtx,
    auth: &Authed,
    id: i64,
    unit: Option<i64>,
    headcount: u32,
) -> Result<MyEvent, AppError> {
    let (e, homes) = load_mine(ctx, auth, id).await?;
    let unit = match unit {
        Some(u) if homes.iter().any(|h| h.unit_id == u) => u,
        Some(_) => return Err(AppError::validation("unit_id", "cm.err.event_home")),
        None => homes[0].unit_id,
    };
    let now = queue::now();
    if e.state != EventState::Published.code() || now >= e.signup_until {
        return Err(AppError::conflict("state", "cm.err.signups_closed"));
    }
    if headcount == 0 || headcount > e.per_household as u32 {
        return Err(AppError::validation("headcount", "cm.err.headcount"));
    }
    let n = headcount as i32;
    with_txn!(ctx.db, |txn| {
        let existing = signups::Entity::find()
            .filter(signups::Column::EventId.eq(id))
            .filter(signups::Column::UnitId.eq(unit))
            .one(&txn)
            .await?;
        if existing
            .as_ref()
            .is_some_and(|s| s.status != SignupStatus::Cancelled.code())
        {
            return Err(AppError::conflict("state", "cm.err.signed_up"));
        }
        let line = signups::Entity::find()
            .filter(signups::Column::EventId.eq(id))
            .filter(signups::Column::Status.eq(SignupStatus::Waitlisted.code()))
            .count(&txn)
            .await?;
        let row = match existing {
            Some(s) => {
                signups::Entity::update_many()
                    .col_expr(signups::Column::Headcount, Expr::value(n))
                    .col_expr(signups::Column::UserId, Expr::value(auth.user_id.0))
                    .col_expr(signups::Column::Status, Expr::value(SignupStatus::Waitlisted.code()))
                    .col_expr(signups::Column::BillLineId, Expr::value(Option::<i64>::None))
                    .col_expr(signups::Column::CheckedInAt, Expr::value(Option::<DateTime<Utc>>::None))
                    .col_expr(signups::Column::CreatedAt, Expr::value(now))
                    .col_expr(signups::Column::UpdatedAt, Expr::value(now))
                    .filter(signups::Column::Id.eq(s.id))
                    .filter(signups::Column::Status.eq(SignupStatus::Cancelled.code()))
                    .exec(&txn)
                    .await?;
                signups::Entity::find_by_id(s.id)
                    .one(&txn)
                    .await?
                    .ok_or(AppError::Internal)?
            }
            None => signups::ActiveModel {
                event_id: Set(id),
                unit_id: Set(unit),
                user_id: Set(auth.user_id.0),
                headcount: Set(n),
                status: Set(SignupStatus::Waitlisted.code().into()),
                version: Set(0),
                bill_line_id: Set(None),
                checked_in_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(|err| crate::db::map_unique(err, "state", "cm.err.signed_up"))?,
        };
        if line == 0 {
            if take_seats(&txn, &e, n).await? {
                confirm(&txn, &e, &row, auth.user_id).await?;
            }
        } else {
            // Others are waiting: the household joins the end of the line and the free seats
            // go in line order to the parties that fit, this one included.
            promote(&txn, id, auth.user_id).await?;
        }
        Ok(())
    })?;
    open(ctx, auth, id).await
}

/// Cancels the caller's household's sign-up (before sign-ups close): its seats go to the line
/// and an unpaid fee is reversed. Errors: `NotFound` when the household is not signed up,
/// `Conflict` after sign-ups closed or when the fee is paid (the property refunds it).
pub async fn cancel_signup(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<MyEvent, AppError> {
    let (e, homes) = load_mine(ctx, auth, id).await?;
    let now = queue::now();
    if e.state != EventState::Published.code() || now >= e.signup_until {
        return Err(AppError::conflict("state", "cm.err.cancel_closed"));
    }
    let units: Vec<i64> = homes.iter().map(|h| h.unit_id).collect();
    with_txn!(ctx.db, |txn| {
        let s = signups::Entity::find()
            .filter(signups::Column::EventId.eq(id))
            .filter(signups::Column::UnitId.is_in(units.clone()))
            .filter(signups::Column::Status.ne(SignupStatus::Cancelled.code()))
            .order_by_asc(signups::Column::Id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        let done = signups::Entity::update_many()
            .col_expr(signups::Column::Status, Expr::value(SignupStatus::Cancelled.code()))
            .col_expr(signups::Column::UpdatedAt, Expr::value(now))
            .filter(signups::Column::Id.eq(s.id))
            .filter(signups::Column::Status.eq(s.status.clone()))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::conflict("state", "cm.err.signed_up"));
        }
        if s.status == SignupStatus::Confirmed.code() {
            drop_fee(&txn, &s, "住户取消报名", auth.user_id).await?;
            events::Entity::update_many()
                .col_expr(events::Column::Taken, Expr::col(events::Column::Taken).sub(s.headcount))
                .filter(events::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            promote(&txn, id, auth.user_id).await?;
        }
        Ok(())
    })?;
    open(ctx, auth, id).await
}
