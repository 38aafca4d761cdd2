//! (ssr) QR inspections (巡检): checkpoints with their codes and printable sheets, patrol
//! routes with daily rounds, the form a scanned code opens, and the results phones send — at
//! most once per `client_id`, counted for the round open when the phone recorded them, and
//! opening a repair ticket (through the service area, in the same transaction) when abnormal.
use super::model::*;
use super::photos::{self, PHOTO_INSPECTION};
use super::qr;
use super::scope::{self, MANAGE, RECORD};
use crate::access::model::{Authed, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{checkpoints, equipment, inspection_results, inspection_rounds, patrol_routes};
use crate::db::page::{keyset, Keyset};
use crate::db::{map_unique, AppCtx};
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::shared::pagination::Page;
use crate::shared::time::{format_local, shanghai, today_cn};
use crate::with_txn;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use sea_orm::{
    prelude::*,
    sea_query::{OnConflict, Query},
    ActiveValue::Set,
    QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};

/// How far a phone's clock may run ahead of the server's.
const CLOCK_AHEAD_MINUTES: i64 = 10;
/// How long a phone may keep a result before sending it.
const KEEP_DAYS: i64 = 7;

/// Local (China) time of an instant.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&shanghai()).naive_local()
}

/// The instant of a local (China) time.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    match shanghai().from_local_datetime(&t).single() {
        Some(x) => x.with_timezone(&Utc),
        // A fixed offset has exactly one instant per local time.
        None => Utc.from_utc_datetime(&(t - Duration::hours(8))),
    }
}

fn list_of<T: serde::de::DeserializeOwned>(json: &str) -> Vec<T> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A route's checkpoints, start times and window.
pub(super) struct RoutePlan {
    pub stops: Vec<i64>,
    pub slots: Vec<Slot>,
    pub window: u32,
}

pub(super) fn plan_of(r: &patrol_routes::Model) -> RoutePlan {
    RoutePlan {
        stops: list_of(&r.checkpoints),
        slots: list_of::<String>(&r.slots)
            .iter()
            .filter_map(|s| Slot::parse(s))
            .collect(),
        window: r.window_minutes.max(1) as u32,
    }
}

// ---------------------------------------------------------------- checkpoints

/// Checkpoints as lists show them, with their equipment and routes.
pub(super) async fn checkpoint_rows(
    ctx: &AppCtx,
    list: Vec<checkpoints::Model>,
) -> Result<Vec<CheckpointRow>, AppError> {
    let eq_ids: Vec<i64> = list.iter().filter_map(|c| c.equipment_id).collect();
    let eq_names: HashMap<i64, String> = equipment::Entity::find()
        .filter(equipment::Column::Id.is_in(eq_ids))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|e| (e.id, format!("{} {}", e.code, e.name)))
        .collect();
    let mut communities: Vec<i64> = list.iter().map(|c| c.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = crate::org::service::org_names(&ctx.db, &communities).await?;
    let mut routes: HashMap<i64, Vec<String>> = HashMap::new();
    for r in patrol_routes::Entity::find()
        .filter(patrol_routes::Column::CommunityId.is_in(communities))
        .filter(patrol_routes::Column::Active.eq(true))
        .order_by_asc(patrol_routes::Column::Id)
        .all(&ctx.db)
        .await?
    {
        for s in plan_of(&r).stops {
            routes.entry(s).or_default().push(r.name.clone());
        }
    }
    Ok(list
        .into_iter()
        .map(|c| CheckpointRow {
            id: CheckpointId(c.id),
            community_id: OrgId(c.community_id),
            community: names.get(&c.community_id).cloned().unwrap_or_default(),
            equipment_id: c.equipment_id.map(EquipmentId),
            equipment: c.equipment_id.and_then(|e| eq_names.get(&e).cloned()),
            checklist: list_of(&c.checklist),
            routes: routes.remove(&c.id).unwrap_or_default(),
            name: c.name,
            location: c.location,
            qr_token: c.qr_token,
            active: c.active,
        })
        .collect())
}

/// The checkpoints of the caller's scope, or of one community in it.
pub async fn list_checkpoints(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: Option<OrgId>,
) -> Result<Vec<CheckpointRow>, AppError> {
    let scope = scope::view_scope(ctx, meta, auth).await?;
    let mut q = scope.filter_org_column(checkpoints::Entity::find(), checkpoints::Column::CommunityId, false);
    if let Some(c) = community {
        access::within(ctx, meta, auth, RECORD, &scope, c).await?;
        q = q.filter(checkpoints::Column::CommunityId.eq(c.0));
    }
    let list = q
        .order_by_asc(checkpoints::Column::CommunityId)
        .order_by_asc(checkpoints::Column::Id)
        .limit(1_000)
        .all(&ctx.db)
        .await?;
    checkpoint_rows(ctx, list).await
}

struct CheckedCheckpoint {
    name: String,
    location: String,
    checklist: Vec<String>,
}

async fn check_checkpoint(ctx: &AppCtx, i: &CheckpointInput) -> Result<CheckedCheckpoint, AppError> {
    let v = |field: &'static str| move |c: &str| AppError::validation(field, c);
    let c = CheckedCheckpoint {
        name: check_text(&i.name, 60, true).map_err(v("name"))?,
        location: check_text(&i.location, 100, false).map_err(v("location"))?,
        checklist: check_checklist(&i.checklist).map_err(v("checklist"))?,
    };
    if let Some(e) = i.equipment_id {
        equipment::Entity::find_by_id(e.0)
            .filter(equipment::Column::CommunityId.eq(i.community_id.0))
            .one(&ctx.db)
            .await?
            .ok_or_else(|| AppError::validation("equipment_id", "err.eng_equipment_elsewhere"))?;
    }
    Ok(c)
}

/// Adds a checkpoint with a fresh QR code. Errors: `Forbidden` without `service.dispatch`
/// over the community; `Validation` naming the field (an empty checklist: `checklist`).
pub async fn create_checkpoint(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    i: CheckpointInput,
) -> Result<CheckpointRow, AppError> {
    scope::require_community(ctx, meta, auth, MANAGE, i.community_id).await?;
    let c = check_checkpoint(ctx, &i).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let json = serde_json::to_string(&c.checklist).map_err(|_| AppError::Internal)?;
    let row = with_txn!(ctx.db, |txn| {
        let row = checkpoints::ActiveModel {
            community_id: Set(i.community_id.0),
            name: Set(c.name.clone()),
            location: Set(c.location.clone()),
            equipment_id: Set(i.equipment_id.map(|e| e.0)),
            checklist: Set(json.clone()),
            qr_token: Set(qr::new_token()),
            active: Set(true),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.checkpoint.create", "checkpoint", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(i.community_id))
                .summary(serde_json::json!({ "name": c.name, "location": c.location, "equipment": i.equipment_id, "checklist": c.checklist })),
        )
        .await?;
        Ok(row)
    })?;
    checkpoint_rows(ctx, vec![row]).await?.pop().ok_or(AppError::Internal)
}

async fn checkpoint_in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: crate::access::model::Permission,
    id: CheckpointId,
) -> Result<checkpoints::Model, AppError> {
    access::record_within(ctx, meta, auth, perm, checkpoints::Entity::find_by_id(id.0), |c| {
        OrgId(c.community_id)
    })
    .await
}

/// Changes a checkpoint's name, place, equipment, checklist or whether it is in use (its code
/// stays). Results already sent keep the items they answered. Errors as [`create_checkpoint`];
/// `NotFound` outside the scope.
pub async fn update_checkpoint(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: CheckpointId,
    i: CheckpointInput,
    active: bool,
) -> Result<CheckpointRow, AppError> {
    let before = checkpoint_in_scope(ctx, meta, auth, MANAGE, id).await?;
    if i.community_id.0 != before.community_id {
        return Err(AppError::validation("community_id", "err.eng_community_fixed"));
    }
    let c = check_checkpoint(ctx, &i).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let json = serde_json::to_string(&c.checklist).map_err(|_| AppError::Internal)?;
    let row = with_txn!(ctx.db, |txn| {
        let mut am: checkpoints::ActiveModel = before.clone().into();
        am.name = Set(c.name.clone());
        am.location = Set(c.location.clone());
        am.equipment_id = Set(i.equipment_id.map(|e| e.0));
        am.checklist = Set(json.clone());
        am.active = Set(active);
        let row = am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.checkpoint.update", "checkpoint", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(row.community_id)))
                .summary(serde_json::json!({
                    "before": { "name": before.name, "location": before.location, "checklist": list_of::<String>(&before.checklist), "active": before.active },
                    "after": { "name": c.name, "location": c.location, "checklist": c.checklist, "active": active },
                })),
        )
        .await?;
        Ok(row)
    })?;
    checkpoint_rows(ctx, vec![row]).await?.pop().ok_or(AppError::Internal)
}

// ---------------------------------------------------------------- routes

async fn route_rows(ctx: &AppCtx, list: Vec<patrol_routes::Model>) -> Result<Vec<RouteRow>, AppError> {
    let stop_ids: Vec<i64> = list.iter().flat_map(|r| plan_of(r).stops).collect();
    let stops: HashMap<i64, checkpoints::Model> = checkpoints::Entity::find()
        .filter(checkpoints::Column::Id.is_in(stop_ids))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let names =
        crate::org::service::org_names(&ctx.db, &list.iter().map(|r| r.community_id).collect::<Vec<_>>()).await?;
    Ok(list
        .into_iter()
        .map(|r| {
            let plan = plan_of(&r);
            RouteRow {
                id: RouteId(r.id),
                community_id: OrgId(r.community_id),
                community: names.get(&r.community_id).cloned().unwrap_or_default(),
                stops: plan
                    .stops
                    .iter()
                    .filter_map(|s| stops.get(s))
                    .map(|c| RouteStop {
                        id: CheckpointId(c.id),
                        name: c.name.clone(),
                        location: c.location.clone(),
                    })
                    .collect(),
                slots: plan.slots.iter().map(|s| s.to_string()).collect(),
                window_minutes: plan.window,
                active: r.active,
                name: r.name,
            }
        })
        .collect())
}

/// The patrol routes of the caller's scope, or of one community in it.
pub async fn list_routes(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: Option<OrgId>,
) -> Result<Vec<RouteRow>, AppError> {
    let scope = scope::view_scope(ctx, meta, auth).await?;
    let mut q = scope.filter_org_column(patrol_routes::Entity::find(), patrol_routes::Column::CommunityId, false);
    if let Some(c) = community {
        access::within(ctx, meta, auth, RECORD, &scope, c).await?;
        q = q.filter(patrol_routes::Column::CommunityId.eq(c.0));
    }
    let list = q
        .order_by_asc(patrol_routes::Column::CommunityId)
        .order_by_desc(patrol_routes::Column::Active)
        .order_by_asc(patrol_routes::Column::Id)
        .all(&ctx.db)
        .await?;
    route_rows(ctx, list).await
}

/// Adds a patrol route: checkpoints of the community in walking order, daily start times and
/// a window. Errors: `Forbidden` without `service.dispatch` over the community; `Validation`
/// naming the field (`slots` for `25:00`, `window_minutes` when a round would run into the
/// next); `Conflict` on `name` when the community has a route of that name.
pub async fn create_route(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    i: RouteInput,
) -> Result<RouteRow, AppError> {
    scope::require_community(ctx, meta, auth, MANAGE, i.community_id).await?;
    let CheckedRoute {
        name,
        stops,
        slots: slot_codes,
    } = check_route(ctx, &i).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let row = patrol_routes::ActiveModel {
            community_id: Set(i.community_id.0),
            name: Set(name.clone()),
            checkpoints: Set(serde_json::to_string(&stops).map_err(|_| AppError::Internal)?),
            slots: Set(serde_json::to_string(&slot_codes).map_err(|_| AppError::Internal)?),
            window_minutes: Set(i.window_minutes as i32),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "name", "err.eng_route_name_taken"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.route.create", "patrol_route", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(i.community_id))
                .summary(serde_json::json!({ "name": name, "checkpoints": stops, "slots": slot_codes, "window": i.window_minutes })),
        )
        .await?;
        Ok(row)
    })?;
    route_rows(ctx, vec![row]).await?.pop().ok_or(AppError::Internal)
}

/// Checked values of a [`RouteInput`].
struct CheckedRoute {
    name: String,
    stops: Vec<i64>,
    slots: Vec<String>,
}

/// Checks a route's name, slots, window and stops (each once, active, of its community).
async fn check_route(ctx: &AppCtx, i: &RouteInput) -> Result<CheckedRoute, AppError> {
    let name = check_text(&i.name, 60, true).map_err(|c| AppError::validation("name", c))?;
    let slots = parse_slots(&i.slots).map_err(|c| AppError::validation("slots", c))?;
    check_window(&slots, i.window_minutes).map_err(|c| AppError::validation("window_minutes", c))?;
    let mut stops: Vec<i64> = vec![];
    for c in &i.checkpoints {
        if stops.contains(&c.0) {
            return Err(AppError::validation("checkpoints", "err.eng_stop_twice"));
        }
        stops.push(c.0);
    }
    if stops.is_empty() {
        return Err(AppError::validation("checkpoints", "err.eng_no_stops"));
    }
    let found = checkpoints::Entity::find()
        .filter(checkpoints::Column::Id.is_in(stops.clone()))
        .filter(checkpoints::Column::CommunityId.eq(i.community_id.0))
        .filter(checkpoints::Column::Active.eq(true))
        .count(&ctx.db)
        .await?;
    if found as usize != stops.len() {
        return Err(AppError::validation("checkpoints", "err.eng_stop_elsewhere"));
    }
    Ok(CheckedRoute {
        name,
        stops,
        slots: slots.iter().map(|s| s.to_string()).collect(),
    })
}

/// A route of the caller's `service.dispatch` scope; outside it, `NotFound`.
async fn route_in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: RouteId,
) -> Result<patrol_routes::Model, AppError> {
    access::record_within(ctx, meta, auth, MANAGE, patrol_routes::Entity::find_by_id(id.0), |r| {
        OrgId(r.community_id)
    })
    .await
}

/// Changes a route: its name, checkpoints (in walking order), start times and window, checked
/// as [`create_route`]. Planned rounds whose window has ended are first settled under the old
/// plan (done or missed, as they were walked); rounds done or missed keep their record; a
/// planned round at a removed start time that nobody has walked yet is dropped (one with
/// results stays, to be settled); the others count the new stops.
/// Errors as [`create_route`]; `NotFound` outside the caller's scope; `Validation` on
/// `community_id` when it names another community.
pub async fn update_route(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: RouteId,
    i: RouteInput,
) -> Result<RouteRow, AppError> {
    let before = route_in_scope(ctx, meta, auth, id).await?;
    if i.community_id.0 != before.community_id {
        return Err(AppError::validation("community_id", "err.eng_community_fixed"));
    }
    let CheckedRoute { name, stops, slots } = check_route(ctx, &i).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let old = plan_of(&before);
    let row = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let planned = inspection_rounds::Entity::find()
            .filter(inspection_rounds::Column::RouteId.eq(before.id))
            .filter(inspection_rounds::Column::Status.eq(RoundStatus::Planned.code()))
            .all(&txn)
            .await?;
        for round in &planned {
            if Slot::parse(&round.slot).is_some() {
                settle_round(&txn, round, &old, now).await?;
            }
        }
        let mut am: patrol_routes::ActiveModel = before.clone().into();
        am.name = Set(name.clone());
        am.checkpoints = Set(serde_json::to_string(&stops).map_err(|_| AppError::Internal)?);
        am.slots = Set(serde_json::to_string(&slots).map_err(|_| AppError::Internal)?);
        am.window_minutes = Set(i.window_minutes as i32);
        am.updated_at = Set(now);
        let row = am
            .update(&txn)
            .await
            .map_err(|e| map_unique(e, "name", "err.eng_route_name_taken"))?;
        let dropped = inspection_rounds::Entity::delete_many()
            .filter(inspection_rounds::Column::RouteId.eq(row.id))
            .filter(inspection_rounds::Column::Status.eq(RoundStatus::Planned.code()))
            .filter(inspection_rounds::Column::Slot.is_not_in(slots.clone()))
            // Results point at their round.
            .filter(
                inspection_rounds::Column::Id.not_in_subquery(
                    Query::select()
                        .column(inspection_results::Column::RoundId)
                        .from(inspection_results::Entity)
                        .and_where(inspection_results::Column::RoundId.is_not_null())
                        .to_owned(),
                ),
            )
            .exec(&txn)
            .await?
            .rows_affected;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.route.update", "patrol_route", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(row.community_id)))
                .summary(serde_json::json!({
                    "before": {
                        "name": before.name,
                        "checkpoints": old.stops,
                        "slots": old.slots.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                        "window": old.window,
                    },
                    "after": { "name": name, "checkpoints": stops, "slots": slots, "window": i.window_minutes },
                    "rounds_dropped": dropped,
                })),
        )
        .await?;
        Ok(row)
    })?;
    route_rows(ctx, vec![row]).await?.pop().ok_or(AppError::Internal)
}

/// Stops or restarts a route's rounds. Restarting owes no round that ended while it was
/// stopped. Errors: `NotFound` outside the caller's `service.dispatch` scope.
pub async fn set_route_active(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: RouteId,
    active: bool,
) -> Result<RouteRow, AppError> {
    let r = route_in_scope(ctx, meta, auth, id).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let mut am: patrol_routes::ActiveModel = r.clone().into();
        am.active = Set(active);
        am.updated_at = Set(Utc::now());
        let row = am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.route.active", "patrol_route", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(row.community_id)))
                .summary(serde_json::json!({ "active": active })),
        )
        .await?;
        Ok(row)
    })?;
    route_rows(ctx, vec![row]).await?.pop().ok_or(AppError::Internal)
}

// ---------------------------------------------------------------- rounds

/// The round row of (route, date, slot), made if missing. Several servers and phones may ask
/// at once: the unique key decides, and everyone reads the one row back.
pub(super) async fn ensure_round<C: ConnectionTrait>(
    c: &C,
    route: i64,
    date: NaiveDate,
    slot: Slot,
) -> Result<(inspection_rounds::Model, bool), AppError> {
    let r = inspection_rounds::Entity::insert(inspection_rounds::ActiveModel {
        route_id: Set(route),
        date: Set(date),
        slot: Set(slot.to_string()),
        status: Set(RoundStatus::Planned.code().into()),
        done_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            inspection_rounds::Column::RouteId,
            inspection_rounds::Column::Date,
            inspection_rounds::Column::Slot,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec(c)
    .await;
    let fresh = match r {
        Ok(_) => true,
        Err(DbErr::RecordNotInserted) => false,
        Err(e) => return Err(e.into()),
    };
    let row = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::RouteId.eq(route))
        .filter(inspection_rounds::Column::Date.eq(date))
        .filter(inspection_rounds::Column::Slot.eq(slot.to_string()))
        .one(c)
        .await?
        .ok_or(AppError::Internal)?;
    Ok((row, fresh))
}

/// How many of a route's checkpoints have a result recorded inside the round's window.
pub(super) async fn round_progress<C: ConnectionTrait>(
    c: &C,
    plan: &RoutePlan,
    date: NaiveDate,
    slot: Slot,
) -> Result<(u32, u32), AppError> {
    let (start, end) = round_span(date, slot, plan.window);
    let done: Vec<i64> = inspection_results::Entity::find()
        .select_only()
        .column(inspection_results::Column::CheckpointId)
        .distinct()
        .filter(inspection_results::Column::CheckpointId.is_in(plan.stops.clone()))
        .filter(inspection_results::Column::RecordedAt.gte(utc(start)))
        .filter(inspection_results::Column::RecordedAt.lt(utc(end)))
        .into_tuple()
        .all(c)
        .await?;
    Ok((done.len() as u32, plan.stops.len() as u32))
}

/// Brings a round's status up to date at `now` (see [`settle`]); a done round stays done.
/// Guarded updates: two servers settling the same round write it once.
pub(super) async fn settle_round<C: ConnectionTrait>(
    c: &C,
    round: &inspection_rounds::Model,
    plan: &RoutePlan,
    now: DateTime<Utc>,
) -> Result<RoundStatus, AppError> {
    let stored = RoundStatus::parse(&round.status);
    if stored == RoundStatus::Done {
        return Ok(stored);
    }
    let slot = Slot::parse(&round.slot).ok_or(AppError::Internal)?;
    let (done, total) = round_progress(c, plan, round.date, slot).await?;
    let (_, end) = round_span(round.date, slot, plan.window);
    let target = settle(total > 0 && done >= total, local(now) >= end);
    match target {
        RoundStatus::Done => {
            inspection_rounds::Entity::update_many()
                .col_expr(inspection_rounds::Column::Status, Expr::value(RoundStatus::Done.code()))
                .col_expr(inspection_rounds::Column::DoneAt, Expr::value(now))
                .filter(inspection_rounds::Column::Id.eq(round.id))
                .filter(inspection_rounds::Column::Status.ne(RoundStatus::Done.code()))
                .exec(c)
                .await?;
        }
        RoundStatus::Missed if stored == RoundStatus::Planned => {
            inspection_rounds::Entity::update_many()
                .col_expr(
                    inspection_rounds::Column::Status,
                    Expr::value(RoundStatus::Missed.code()),
                )
                .filter(inspection_rounds::Column::Id.eq(round.id))
                .filter(inspection_rounds::Column::Status.eq(RoundStatus::Planned.code()))
                .exec(c)
                .await?;
        }
        _ => {}
    }
    Ok(if target == RoundStatus::Planned { stored } else { target })
}

/// The rounds of a day (default today, China time) of the active routes in the caller's
/// scope (or one community): done, planned or missed, with how many checkpoints have a
/// result. A round still planned whose window has ended shows as missed even before the
/// background pass marks it.
pub async fn rounds(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: Option<OrgId>,
    date: Option<String>,
) -> Result<Vec<RoundRow>, AppError> {
    let scope = scope::view_scope(ctx, meta, auth).await?;
    let date = match date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| AppError::validation("date", "err.date"))?,
        None => today_cn(),
    };
    let mut q = scope
        .filter_org_column(patrol_routes::Entity::find(), patrol_routes::Column::CommunityId, false)
        .filter(patrol_routes::Column::Active.eq(true));
    if let Some(c) = community {
        access::within(ctx, meta, auth, RECORD, &scope, c).await?;
        q = q.filter(patrol_routes::Column::CommunityId.eq(c.0));
    }
    let routes = q
        .order_by_asc(patrol_routes::Column::CommunityId)
        .order_by_asc(patrol_routes::Column::Id)
        .all(&ctx.db)
        .await?;
    let route_ids: Vec<i64> = routes.iter().map(|r| r.id).collect();
    let stored: HashMap<(i64, String), inspection_rounds::Model> = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::RouteId.is_in(route_ids))
        .filter(inspection_rounds::Column::Date.eq(date))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| ((r.route_id, r.slot.clone()), r))
        .collect();
    // Every result that could fall in one of the day's windows (a window is at most 12 hours).
    let all_stops: Vec<i64> = routes.iter().flat_map(|r| plan_of(r).stops).collect();
    let from = utc(date.and_time(chrono::NaiveTime::MIN));
    let results: Vec<(i64, DateTime<Utc>)> = inspection_results::Entity::find()
        .select_only()
        .column(inspection_results::Column::CheckpointId)
        .column(inspection_results::Column::RecordedAt)
        .filter(inspection_results::Column::CheckpointId.is_in(all_stops))
        .filter(inspection_results::Column::RecordedAt.gte(from))
        .filter(inspection_results::Column::RecordedAt.lt(from + Duration::hours(36)))
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let names =
        crate::org::service::org_names(&ctx.db, &routes.iter().map(|r| r.community_id).collect::<Vec<_>>()).await?;
    let now = local(Utc::now());
    let mut out = vec![];
    for r in &routes {
        let plan = plan_of(r);
        let since = local(r.updated_at);
        for slot in &plan.slots {
            let (start, end) = round_span(date, *slot, plan.window);
            let row = stored.get(&(r.id, slot.to_string()));
            if end <= since && row.is_none() {
                continue;
            }
            let done: HashSet<i64> = results
                .iter()
                .filter(|(cp, at)| plan.stops.contains(cp) && (start..end).contains(&local(*at)))
                .map(|(cp, _)| *cp)
                .collect();
            let total = plan.stops.len() as u32;
            let live = settle(done.len() as u32 >= total, now >= end);
            let status = match row.map(|r| RoundStatus::parse(&r.status)) {
                Some(RoundStatus::Done) => RoundStatus::Done,
                _ => live,
            };
            out.push(RoundRow {
                id: row.map(|r| RoundId(r.id)),
                route_id: RouteId(r.id),
                route: r.name.clone(),
                community: names.get(&r.community_id).cloned().unwrap_or_default(),
                date: date.to_string(),
                slot: slot.to_string(),
                ends: end.format("%H:%M").to_string(),
                status,
                done: done.len() as u32,
                total,
                done_at: row.and_then(|r| r.done_at).map(format_local),
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- scanning and results

/// What a scanned code leads to: a checkpoint's form (for staff who may record inspections
/// there) or a piece of equipment's card. Errors: `Forbidden` without either permission;
/// `NotFound` for an unknown code or one outside the caller's scope.
pub async fn scan(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, token: &str) -> Result<Scan, AppError> {
    let scope = scope::view_scope(ctx, meta, auth).await?;
    let token = token.trim();
    if token.is_empty() || token.len() > 40 {
        return Err(AppError::NotFound);
    }
    if let Some(c) = checkpoints::Entity::find()
        .filter(checkpoints::Column::QrToken.eq(token))
        .one(&ctx.db)
        .await?
    {
        access::within(ctx, meta, auth, RECORD, &scope, OrgId(c.community_id)).await?;
        // A manager who may see the checkpoint but not record there is told so.
        if !access::scope_for(&ctx.db, auth.user_id, RECORD)
            .await?
            .covers(OrgId(c.community_id))
        {
            access::deny(ctx, meta, auth, RECORD.code(), Some(OrgId(c.community_id))).await;
            return Err(AppError::Forbidden);
        }
        let now = local(Utc::now());
        let round = routes_through(&ctx.db, &c).await?.into_iter().find_map(|r| {
            let plan = plan_of(&r);
            round_at(&plan.slots, plan.window, now).map(|(d, s)| {
                let (start, end) = round_span(d, s, plan.window);
                (r.name, format!("{}–{}", start.format("%H:%M"), end.format("%H:%M")))
            })
        });
        let equipment = match c.equipment_id {
            Some(e) => equipment::Entity::find_by_id(e)
                .one(&ctx.db)
                .await?
                .map(|e| format!("{} {}", e.code, e.name)),
            None => None,
        };
        let community = crate::org::service::org_names(&ctx.db, &[c.community_id])
            .await?
            .remove(&c.community_id)
            .unwrap_or_default();
        return Ok(Scan::Checkpoint(ScanCheckpoint {
            id: CheckpointId(c.id),
            checklist: list_of(&c.checklist),
            name: c.name,
            location: c.location,
            community,
            equipment,
            round,
            active: c.active,
        }));
    }
    let e = equipment::Entity::find()
        .filter(equipment::Column::QrToken.eq(token))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    access::within(ctx, meta, auth, RECORD, &scope, OrgId(e.community_id)).await?;
    let d = super::ledger::detail_of(ctx, auth, e).await?;
    Ok(Scan::Equipment(d.equipment))
}

/// The active routes of a checkpoint's community that pass it, oldest first.
async fn routes_through<C: ConnectionTrait>(
    c: &C,
    cp: &checkpoints::Model,
) -> Result<Vec<patrol_routes::Model>, AppError> {
    Ok(patrol_routes::Entity::find()
        .filter(patrol_routes::Column::CommunityId.eq(cp.community_id))
        .filter(patrol_routes::Column::Active.eq(true))
        .order_by_asc(patrol_routes::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .filter(|r| plan_of(r).stops.contains(&cp.id))
        .collect())
}

/// Opens the repair ticket for an abnormal result, inside the caller's transaction, through
/// the service area's facade. Returns (ticket id, ticket number).
async fn open_ticket<C: ConnectionTrait>(
    c: &C,
    auth: &Authed,
    cp: &checkpoints::Model,
    category: Option<&str>,
    answers: &[Answer],
    note: &str,
) -> Result<(i64, String), AppError> {
    let spot = if cp.location.is_empty() {
        cp.name.clone()
    } else {
        format!("{}（{}）", cp.name, cp.location)
    };
    let mut description = format!("巡检发现异常：{}。", abnormal_items(answers).join("、"));
    if !note.is_empty() {
        description.push_str(&format!("备注：{note}"));
    }
    crate::tickets::service::open_from_inspection(
        c,
        crate::tickets::service::SystemTicket {
            community_id: cp.community_id,
            category: ticket_category(category).to_string(),
            spot: spot.chars().take(100).collect(),
            description,
            urgent: ticket_urgent(category),
            opened_by: auth.user_id,
        },
    )
    .await
}

/// Stores an inspection result the phone recorded (perhaps while offline), once per
/// `client_id`: a re-send returns the stored result (`duplicate`). The result counts for the
/// round of each route through the checkpoint that was open when the phone recorded it; a
/// round whose checkpoints all have a result in its window is done. An abnormal result opens
/// one repair ticket in the same transaction.
///
/// Errors: `Forbidden` without `inspection.work`; `NotFound` for a checkpoint outside the
/// caller's scope; `Validation` naming the field (`client_id`, `answers`, `note`,
/// `recorded_at` off by more than 10 minutes ahead or 7 days behind, `photos`); `Conflict`
/// on `client_id` when another user sent that id.
pub async fn record_result(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    n: NewResult,
) -> Result<ResultRow, AppError> {
    let scope = access::require(ctx, meta, auth, RECORD).await?;
    let client_id = n.client_id.trim().to_string();
    if !client_id_ok(&client_id) {
        return Err(AppError::validation("client_id", "err.invalid"));
    }
    let cp = checkpoints::Entity::find_by_id(n.checkpoint_id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    access::within(ctx, meta, auth, RECORD, &scope, OrgId(cp.community_id)).await?;
    let checklist: Vec<String> = list_of(&cp.checklist);
    let note = check_text(&n.note, 500, false).map_err(|c| AppError::validation("note", c))?;
    if n.photos.len() > photos::MAX_PHOTOS {
        return Err(AppError::validation("photos", "err.photo_too_many"));
    }
    let now = Utc::now();
    let recorded_at = match n.recorded_at {
        None => now,
        Some(ms) => DateTime::<Utc>::from_timestamp_millis(ms)
            .filter(|t| *t <= now + Duration::minutes(CLOCK_AHEAD_MINUTES) && *t >= now - Duration::days(KEEP_DAYS))
            .ok_or_else(|| AppError::validation("recorded_at", "err.eng_recorded_at"))?,
    };
    // Microseconds: SQLite keeps text, PostgreSQL microseconds; both compare the same.
    let recorded_at = recorded_at - Duration::nanoseconds(i64::from(recorded_at.timestamp_subsec_nanos() % 1000));
    let category = match cp.equipment_id {
        Some(e) => equipment::Entity::find_by_id(e).one(&ctx.db).await?.map(|e| e.category),
        None => None,
    };
    let routes = routes_through(&ctx.db, &cp).await?;
    let at = local(recorded_at);
    let actor = actor_label(&ctx.db, auth.user_id).await;

    enum Stored {
        Fresh(inspection_results::Model),
        Again(inspection_results::Model),
    }
    let stored = with_txn!(ctx.db, |txn| {
        // Inside the transaction: two sends of one result race to the unique key, and the
        // loser's retry finds the winner's row here.
        if let Some(old) = inspection_results::Entity::find()
            .filter(inspection_results::Column::ClientId.eq(client_id.clone()))
            .one(&txn)
            .await?
        {
            if old.user_id != auth.user_id.0 || old.checkpoint_id != cp.id {
                return Err(AppError::conflict("client_id", "err.eng_client_id_taken"));
            }
            return Ok(Stored::Again(old));
        }
        let (answers, abnormal) =
            check_answers(&checklist, &n.answers).map_err(|c| AppError::validation("answers", c))?;
        let mut open = vec![];
        for r in &routes {
            let plan = plan_of(r);
            if let Some((date, slot)) = round_at(&plan.slots, plan.window, at) {
                let (round, _) = ensure_round(&txn, r.id, date, slot).await?;
                open.push((round, plan));
            }
        }
        let row = inspection_results::ActiveModel {
            checkpoint_id: Set(cp.id),
            community_id: Set(cp.community_id),
            round_id: Set(open.first().map(|(r, _)| r.id)),
            user_id: Set(auth.user_id.0),
            client_id: Set(client_id.clone()),
            answers: Set(serde_json::to_string(&answers).map_err(|_| AppError::Internal)?),
            abnormal: Set(abnormal),
            note: Set(note.clone()),
            ticket_id: Set(None),
            ticket_number: Set(None),
            recorded_at: Set(recorded_at),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        // A unique violation on `client_id` becomes `busy`: the retry finds the other row.
        .await?;
        let row = if abnormal {
            let (ticket, number) = open_ticket(&txn, auth, &cp, category.as_deref(), &answers, &note).await?;
            let mut am: inspection_results::ActiveModel = row.into();
            am.ticket_id = Set(Some(ticket));
            am.ticket_number = Set(Some(number));
            am.update(&txn).await?
        } else {
            row
        };
        for (round, plan) in &open {
            settle_round(&txn, round, plan, now).await?;
        }
        photos::attach_photos(&txn, auth, &n.photos, PHOTO_INSPECTION, row.id).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.inspection.record", "checkpoint", cp.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(cp.community_id)))
                .summary(serde_json::json!({
                    "result": row.id, "abnormal": abnormal, "ticket": row.ticket_number,
                    "round": row.round_id, "recorded_at": recorded_at, "photos": n.photos,
                })),
        )
        .await?;
        Ok(Stored::Fresh(row))
    })?;
    let (row, duplicate) = match stored {
        Stored::Fresh(r) => (r, false),
        Stored::Again(r) => (r, true),
    };
    let mut out = result_rows(ctx, vec![row]).await?.pop().ok_or(AppError::Internal)?;
    out.duplicate = duplicate;
    Ok(out)
}

async fn result_rows(ctx: &AppCtx, list: Vec<inspection_results::Model>) -> Result<Vec<ResultRow>, AppError> {
    let cps: HashMap<i64, checkpoints::Model> = checkpoints::Entity::find()
        .filter(checkpoints::Column::Id.is_in(list.iter().map(|r| r.checkpoint_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let rounds: HashMap<i64, String> = inspection_rounds::Entity::find()
        .filter(inspection_rounds::Column::Id.is_in(list.iter().filter_map(|r| r.round_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.slot))
        .collect();
    let who = access::display_names(&ctx.db, &list.iter().map(|r| r.user_id).collect::<Vec<_>>()).await?;
    let names =
        crate::org::service::org_names(&ctx.db, &list.iter().map(|r| r.community_id).collect::<Vec<_>>()).await?;
    let photos = photos::photos_of(
        &ctx.db,
        PHOTO_INSPECTION,
        &list.iter().map(|r| r.id).collect::<Vec<_>>(),
    )
    .await?;
    Ok(list
        .into_iter()
        .map(|r| {
            let cp = cps.get(&r.checkpoint_id);
            ResultRow {
                id: ResultId(r.id),
                checkpoint_id: CheckpointId(r.checkpoint_id),
                checkpoint: cp.map(|c| c.name.clone()).unwrap_or_default(),
                location: cp.map(|c| c.location.clone()).unwrap_or_default(),
                community: names.get(&r.community_id).cloned().unwrap_or_default(),
                by: who.get(&r.user_id).cloned().unwrap_or_default(),
                answers: list_of(&r.answers),
                abnormal: r.abnormal,
                note: r.note,
                ticket_id: r.ticket_id,
                ticket_number: r.ticket_number,
                recorded_at: format_local(r.recorded_at),
                round: r.round_id.and_then(|id| rounds.get(&id).cloned()),
                photos: photos.get(&r.id).cloned().unwrap_or_default(),
                duplicate: false,
            }
        })
        .collect())
}

/// Filters of the results list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultFilter {
    pub community: Option<i64>,
    pub checkpoint: Option<i64>,
    /// Only abnormal results.
    #[serde(default)]
    pub abnormal: bool,
    /// Results older than this id (the previous page's `next`).
    pub before: Option<i64>,
    pub limit: Option<u64>,
}

/// Inspection results of the caller's scope, newest first.
pub async fn list_results(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: ResultFilter,
) -> Result<Page<ResultRow>, AppError> {
    let scope = scope::view_scope(ctx, meta, auth).await?;
    let mut q = scope.filter_org_column(
        inspection_results::Entity::find(),
        inspection_results::Column::CommunityId,
        false,
    );
    if let Some(c) = f.community {
        access::within(ctx, meta, auth, RECORD, &scope, OrgId(c)).await?;
        q = q.filter(inspection_results::Column::CommunityId.eq(c));
    }
    if let Some(c) = f.checkpoint {
        q = q.filter(inspection_results::Column::CheckpointId.eq(c));
    }
    if f.abnormal {
        q = q.filter(inspection_results::Column::Abnormal.eq(true));
    }
    let page = keyset(
        &ctx.db,
        q,
        inspection_results::Column::Id,
        Keyset::Before(f.before),
        f.limit,
        |r| r.id,
    )
    .await?;
    Ok(Page {
        items: result_rows(ctx, page.items).await?,
        next: page.next,
    })
}

/// The bytes of a photo of an inspection result, for anyone who may see the result.
pub async fn result_photo(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: ResultId,
    file: i64,
    thumb: bool,
) -> Result<Vec<u8>, AppError> {
    let scope = scope::view_scope(ctx, meta, auth).await?;
    let r = inspection_results::Entity::find_by_id(id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    access::within(ctx, meta, auth, RECORD, &scope, OrgId(r.community_id)).await?;
    crate::files::service::read(ctx, file, PHOTO_INSPECTION, r.id, thumb).await
}

/// The printable sheet of a community's codes: every checkpoint in use, then every piece of
/// equipment in service. Errors: `Forbidden` without `service.dispatch` over the community.
pub async fn qr_sheet(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
    base: &str,
) -> Result<QrSheet, AppError> {
    scope::require_community(ctx, meta, auth, MANAGE, community).await?;
    let mut cards = vec![];
    for c in checkpoints::Entity::find()
        .filter(checkpoints::Column::CommunityId.eq(community.0))
        .filter(checkpoints::Column::Active.eq(true))
        .order_by_asc(checkpoints::Column::Id)
        .all(&ctx.db)
        .await?
    {
        let url = qr::scan_url(base, &c.qr_token);
        cards.push(QrCard {
            kind: "checkpoint".into(),
            title: c.name,
            location: c.location,
            code: String::new(),
            svg: qr::qr_svg(&url)?,
            url,
        });
    }
    for e in equipment::Entity::find()
        .filter(equipment::Column::CommunityId.eq(community.0))
        .filter(equipment::Column::Status.eq(EquipmentStatus::Active.code()))
        .order_by_asc(equipment::Column::Code)
        .all(&ctx.db)
        .await?
    {
        let url = qr::scan_url(base, &e.qr_token);
        cards.push(QrCard {
            kind: "equipment".into(),
            title: e.name,
            location: e.location,
            code: e.code,
            svg: qr::qr_svg(&url)?,
            url,
        });
    }
    let name = crate::org::service::org_names(&ctx.db, &[community.0])
        .await?
        .remove(&community.0)
        .unwrap_or_default();
    let audit_actor = actor_label(&ctx.db, auth.user_id).await;
    audit::record_now(
        &ctx.db,
        meta,
        AuditEntry::new("engineering.qr.print", "org", community.0)
            .actor(Some(auth.user_id), &audit_actor)
            .org(Some(community))
            .summary(serde_json::json!({ "codes": cards.len() })),
    )
    .await?;
    Ok(QrSheet { community: name, cards })
}
