//! (ssr) Property records use cases: buildings, units, people and their homes. Every staff
//! query is filtered by the caller's org scope (from `access::service::require`); a resident
//! reaches only the units their own phone is on record for.
use super::model::*;
use crate::access::model::{mask_phone, Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{buildings, occupancies, org_units, persons, units, users, vehicles};
use crate::db::page::{keyset, Keyset};
use crate::db::{map_unique, AppCtx};
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::ids::{BuildingId, OccupancyId, OrgId, PersonId, UnitId};
use crate::shared::pagination::Page;
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};
use std::collections::HashMap;

/// What a generated building came to.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BuildingCreated {
    pub id: BuildingId,
    pub units: usize,
}

/// Creates a building and all its units in one step (all or nothing).
/// Errors: `Forbidden` outside the caller's `org.write` scope, `Validation` naming the bad
/// field, `Conflict` when the building code or a unit number already exists.
pub async fn create_building(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    plan: BuildingPlan,
) -> Result<BuildingCreated, AppError> {
    access::require_over(ctx, meta, auth, Permission::OrgWrite, plan.community_id).await?;
    let community = org_units::Entity::find_by_id(plan.community_id.0)
        .one(&ctx.db)
        .await?
        .filter(|o| o.kind == OrgKind::Community.code())
        .ok_or_else(|| AppError::validation("community_id", "err.org_invalid"))?;
    let planned = plan_units(&plan).map_err(|(f, c)| AppError::validation(f, c))?;
    let area = match plan.area.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => Some(Area::parse(a).ok_or_else(|| AppError::validation("area", "err.area_invalid"))?),
        None => None,
    };
    let layout = plan.layout.as_deref().unwrap_or("").trim().to_string();
    if layout.chars().count() > 40 {
        return Err(AppError::validation("layout", "err.too_long"));
    }
    let code = plan.code.trim().to_string();
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let n = planned.len();
    let id = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let b = buildings::ActiveModel {
            community_id: Set(community.id),
            code: Set(code.clone()),
            name: Set(format!("{code}栋")),
            floors: Set(plan.floors as i32),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "code", "err.building_taken"))?;
        let rows: Vec<units::ActiveModel> = planned
            .iter()
            .map(|u| units::ActiveModel {
                community_id: Set(community.id),
                building_id: Set(b.id),
                cell: Set(u.cell.to_string()),
                number: Set(u.number.clone()),
                floor: Set(u.floor as i32),
                layout: Set(layout.clone()),
                use_type: Set(UnitUse::Residential.code().into()),
                area_registered: Set(None),
                area_measured: Set(None),
                area_contract: Set(area.map(|a| a.0)),
                shared_area: Set(None),
                status: Set(UnitStatus::Unsold.code().into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        // Chunks keep each statement under SQLite's bound-parameter limit.
        for chunk in rows.chunks(500) {
            units::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .map_err(|e| map_unique(e, "code", "err.unit_taken"))?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("building.create", "building", b.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(community.id)))
                .summary(serde_json::json!({
                    "code": code, "cells": plan.cells, "floors": plan.floors,
                    "per_floor": plan.per_floor, "skip_floors": plan.skip_floors, "units": n,
                })),
        )
        .await?;
        Ok(b.id)
    })?;
    Ok(BuildingCreated {
        id: BuildingId(id),
        units: n,
    })
}

/// Filters of the unit list.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    /// Only this community (must be in scope).
    pub community_id: Option<i64>,
    /// Unit number prefix, e.g. `1-2-` for 1栋2单元.
    pub q: Option<String>,
    /// Keyset: the `next` of the previous page.
    pub after: Option<i64>,
    pub limit: Option<u64>,
}

/// A keyset page of units within the caller's `org.read` scope, in id order.
pub async fn list_units(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: &UnitFilter,
) -> Result<Page<UnitRow>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::OrgRead).await?;
    let mut q = scope.filter_org_column(units::Entity::find(), units::Column::CommunityId, false);
    if let Some(c) = f.community_id {
        q = q.filter(units::Column::CommunityId.eq(c));
    }
    if let Some(p) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if p.chars().count() > 40 {
            return Err(AppError::validation("q", "err.too_long"));
        }
        q = q.filter(units::Column::Number.starts_with(p));
    }
    let page = keyset(&ctx.db, q, units::Column::Id, Keyset::After(f.after), f.limit, |u| u.id).await?;
    let items = unit_rows(&ctx.db, page.items).await?;
    Ok(Page { items, next: page.next })
}

/// Turns unit models into list rows (community names and current owners in two queries).
pub(crate) async fn unit_rows<C: ConnectionTrait>(c: &C, rows: Vec<units::Model>) -> Result<Vec<UnitRow>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|u| u.id).collect();
    let mut cids: Vec<i64> = rows.iter().map(|u| u.community_id).collect();
    cids.sort_unstable();
    cids.dedup();
    let names: HashMap<i64, String> = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(cids))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let occ = current_occupancies(c, occupancies::Column::UnitId.is_in(ids)).await?;
    let mut owners: HashMap<i64, Vec<String>> = HashMap::new();
    for (o, p) in &occ {
        if matches!(Relation::parse(&o.relation), Some(Relation::Owner | Relation::CoOwner)) {
            owners.entry(o.unit_id).or_default().push(p.name.clone());
        }
    }
    Ok(rows
        .into_iter()
        .map(|u| {
            let legal = legal_area(u.area_registered, u.area_measured, u.area_contract);
            UnitRow {
                id: UnitId(u.id),
                community_id: OrgId(u.community_id),
                community: names.get(&u.community_id).cloned().unwrap_or_default(),
                building_id: BuildingId(u.building_id),
                owners: owners.get(&u.id).map(|v| v.join("、")).unwrap_or_default(),
                number: u.number,
                floor: u.floor,
                layout: u.layout,
                use_type: UnitUse::parse(&u.use_type).unwrap_or(UnitUse::Residential),
                status: UnitStatus::parse(&u.status).unwrap_or(UnitStatus::Unsold),
                area: legal.map(|l| l.0),
                area_source: legal.map(|l| l.1),
            }
        })
        .collect())
}

/// Current (not ended) occupancies matching `cond`, with their persons.
pub(crate) async fn current_occupancies<C: ConnectionTrait>(
    c: &C,
    cond: sea_orm::sea_query::SimpleExpr,
) -> Result<Vec<(occupancies::Model, persons::Model)>, AppError> {
    occupancies_of(
        c,
        sea_orm::Condition::all()
            .add(cond)
            .add(occupancies::Column::EndDate.is_null()),
    )
    .await
}

/// Occupancies (current and past) matching `cond`, with their persons, in id order.
pub(crate) async fn occupancies_of<C: ConnectionTrait>(
    c: &C,
    cond: impl sea_orm::sea_query::IntoCondition,
) -> Result<Vec<(occupancies::Model, persons::Model)>, AppError> {
    let occ = occupancies::Entity::find()
        .filter(cond)
        .order_by_asc(occupancies::Column::Id)
        .all(c)
        .await?;
    let mut pids: Vec<i64> = occ.iter().map(|o| o.person_id).collect();
    pids.sort_unstable();
    pids.dedup();
    let people: HashMap<i64, persons::Model> = persons::Entity::find()
        .filter(persons::Column::Id.is_in(pids))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(occ
        .into_iter()
        .filter_map(|o| people.get(&o.person_id).cloned().map(|p| (o, p)))
        .collect())
}

pub(crate) fn occupant(o: &occupancies::Model, p: &persons::Model) -> Occupant {
    Occupant {
        occupancy_id: OccupancyId(o.id),
        person_id: PersonId(p.id),
        name: p.name.clone(),
        phone_masked: p.phone.as_deref().map(mask_phone),
        relation: Relation::parse(&o.relation).unwrap_or(Relation::Resident),
        since: o.start_date.to_string(),
        until: o.end_date.map(|d| d.to_string()),
        lease_end: o.lease_end.map(|d| d.to_string()),
        share_bp: o.share_bp,
    }
}

/// Loads a unit the caller may act on with `perm`. Outside the scope a unit does not exist
/// (404, no hint that the id is taken) and the denial is audited.
pub(crate) async fn unit_in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    id: UnitId,
) -> Result<units::Model, AppError> {
    access::record_within(ctx, meta, auth, perm, units::Entity::find_by_id(id.0), |u| {
        OrgId(u.community_id)
    })
    .await
}

/// One unit on one page (联查): current occupants, who moved out, vehicles; within the
/// caller's `people.read` scope.
pub async fn unit_detail(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: UnitId) -> Result<UnitCard, AppError> {
    let u = unit_in_scope(ctx, meta, auth, Permission::PeopleRead, id).await?;
    let all = occupancies_of(&ctx.db, occupancies::Column::UnitId.eq(u.id)).await?;
    let (current, mut past): (Vec<_>, Vec<_>) = all.iter().partition(|(o, _)| o.end_date.is_none());
    past.sort_by(|a, b| b.0.end_date.cmp(&a.0.end_date).then(b.0.id.cmp(&a.0.id)));
    let vehicles = super::people::vehicle_rows(&ctx.db, vehicles::Column::UnitId.eq(u.id)).await?;
    let areas = UnitAreas {
        registered: u.area_registered.map(Area),
        measured: u.area_measured.map(Area),
        contract: u.area_contract.map(Area),
        shared: u.shared_area.map(Area),
    };
    let handovers = super::handover::handovers_of(&ctx.db, u.id).await?;
    let checklist = super::handover::checklist(&ctx.db, u.community_id).await?;
    let unit = unit_rows(&ctx.db, vec![u]).await?.remove(0);
    Ok(UnitCard {
        unit,
        areas,
        handovers,
        checklist,
        occupants: current.into_iter().map(|(o, p)| occupant(o, p)).collect(),
        history: past.into_iter().map(|(o, p)| occupant(o, p)).collect(),
        vehicles,
    })
}

/// Input for putting a person on record at a unit.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NewOccupant {
    pub name: String,
    pub phone: String,
    pub relation: Relation,
    /// A tenant's lease end, `YYYY-MM-DD` (optional).
    #[serde(default)]
    pub lease_end: Option<String>,
}

/// A checked name: trimmed, 1..=64 characters.
pub(crate) fn person_name(s: &str) -> Result<String, AppError> {
    let name = s.trim().to_string();
    if name.is_empty() {
        return Err(AppError::validation("name", "err.required"));
    }
    if name.chars().count() > 64 {
        return Err(AppError::validation("name", "err.too_long"));
    }
    Ok(name)
}

/// Parses an optional `YYYY-MM-DD` date field.
pub(crate) fn optional_date(field: &str, s: Option<&str>) -> Result<Option<chrono::NaiveDate>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::validation(field, "err.date")),
    }
}

/// Inside a transaction: finds or creates the person with `phone` (one phone is one person;
/// an existing name is kept) and records them at `u` from today. An owner makes an unsold
/// unit `delivered`. `Conflict` when they are already there.
pub(crate) async fn record_occupancy<C: ConnectionTrait>(
    txn: &C,
    u: &units::Model,
    name: &str,
    phone: &crate::access::model::Phone,
    relation: Relation,
    lease_end: Option<chrono::NaiveDate>,
) -> Result<(occupancies::Model, persons::Model), AppError> {
    let now = Utc::now();
    let p = match persons::Entity::find()
        .filter(persons::Column::Phone.eq(phone.as_str()))
        .one(txn)
        .await?
    {
        Some(p) => p,
        None => persons::ActiveModel {
            name: Set(name.to_string()),
            phone: Set(Some(phone.as_str().to_string())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| map_unique(e, "phone", "err.busy"))?,
    };
    let already = occupancies::Entity::find()
        .filter(occupancies::Column::UnitId.eq(u.id))
        .filter(occupancies::Column::PersonId.eq(p.id))
        .filter(occupancies::Column::EndDate.is_null())
        .one(txn)
        .await?;
    if already.is_some() {
        return Err(AppError::conflict("phone", "err.already_occupant"));
    }
    let o = occupancies::ActiveModel {
        unit_id: Set(u.id),
        person_id: Set(p.id),
        community_id: Set(u.community_id),
        relation: Set(relation.code().into()),
        share_bp: Set((relation == Relation::Owner).then_some(10_000)),
        start_date: Set(now.date_naive()),
        end_date: Set(None),
        lease_end: Set(lease_end.filter(|_| relation == Relation::Tenant)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if relation == Relation::Owner && u.status == UnitStatus::Unsold.code() {
        let mut am: units::ActiveModel = u.clone().into();
        am.status = Set(UnitStatus::Delivered.code().into());
        am.updated_at = Set(now);
        am.update(txn).await?;
    }
    Ok((o, p))
}

/// Records `who` at unit `id` from today (see [`record_occupancy`]).
/// Errors: `NotFound` outside scope, `Validation`, `Conflict` when already there.
pub async fn add_occupant(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: UnitId,
    who: NewOccupant,
) -> Result<Occupant, AppError> {
    let u = unit_in_scope(ctx, meta, auth, Permission::PeopleWrite, id).await?;
    let name = person_name(&who.name)?;
    let phone = crate::access::model::Phone::try_from(who.phone.trim())?;
    let lease_end = optional_date("lease_end", who.lease_end.as_deref())?;
    if let Some(d) = lease_end {
        if d < Utc::now().date_naive() {
            return Err(AppError::validation("lease_end", "err.lease_past"));
        }
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let (o, p) = with_txn!(ctx.db, |txn| {
        let (o, p) = record_occupancy(&txn, &u, &name, &phone, who.relation, lease_end).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("occupancy.create", "unit", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(serde_json::json!({
                    "unit": u.number, "person_id": p.id, "name": name,
                    "phone": phone.masked(), "relation": who.relation.code(),
                    "lease_end": lease_end.map(|d| d.to_string()),
                })),
        )
        .await?;
        Ok((o, p))
    })?;
    Ok(occupant(&o, &p))
}

/// Ends an occupancy (move-out) on `date` (default today). The row stays as history.
/// Errors: `NotFound` outside scope, `Validation` for a date before move-in or in the future,
/// `Conflict` when already ended.
pub async fn move_out(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: OccupancyId,
    date: Option<String>,
) -> Result<Occupant, AppError> {
    let o = occupancies::Entity::find_by_id(id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let u = unit_in_scope(ctx, meta, auth, Permission::PeopleWrite, UnitId(o.unit_id)).await?;
    let today = Utc::now().date_naive();
    let end = optional_date("date", date.as_deref())?.unwrap_or(today);
    if end < o.start_date || end > today {
        return Err(AppError::validation("date", "err.move_out_date"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let (o, p) = with_txn!(ctx.db, |txn| {
        let fresh = occupancies::Entity::find_by_id(o.id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if fresh.end_date.is_some() {
            return Err(AppError::conflict("date", "err.already_moved_out"));
        }
        let mut am: occupancies::ActiveModel = fresh.into();
        am.end_date = Set(Some(end));
        let o = am.update(&txn).await?;
        let p = persons::Entity::find_by_id(o.person_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("occupancy.end", "unit", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(serde_json::json!({
                    "unit": u.number, "person_id": p.id, "relation": o.relation, "end_date": end.to_string(),
                })),
        )
        .await?;
        Ok((o, p))
    })?;
    Ok(occupant(&o, &p))
}

/// The caller's homes and the one they are looking at (当前房屋).
pub async fn current_home(ctx: &AppCtx, auth: &Authed) -> Result<CurrentHome, AppError> {
    super::service::home_choices(&ctx.db, auth.user_id).await
}

/// Makes `unit` the caller's current home. Errors: `NotFound` unless the caller holds it now.
pub async fn choose_home(ctx: &AppCtx, auth: &Authed, unit: UnitId) -> Result<CurrentHome, AppError> {
    super::service::set_current_home(&ctx.db, auth.user_id, unit).await?;
    current_home(ctx, auth).await
}

/// The caller's homes: every unit where a person with the caller's phone is on record now,
/// with the household there. Residents see nothing else; no staff permission is involved.
pub async fn my_homes(ctx: &AppCtx, auth: &Authed) -> Result<Vec<Home>, AppError> {
    let Some(phone) = users::Entity::find_by_id(auth.user_id.0)
        .one(&ctx.db)
        .await?
        .and_then(|u| u.phone)
    else {
        return Ok(vec![]);
    };
    let Some(me) = persons::Entity::find()
        .filter(persons::Column::Phone.eq(phone))
        .one(&ctx.db)
        .await?
    else {
        return Ok(vec![]);
    };
    let mine = current_occupancies(&ctx.db, occupancies::Column::PersonId.eq(me.id)).await?;
    let unit_ids: Vec<i64> = mine.iter().map(|(o, _)| o.unit_id).collect();
    let us = units::Entity::find()
        .filter(units::Column::Id.is_in(unit_ids.clone()))
        .order_by_asc(units::Column::Id)
        .all(&ctx.db)
        .await?;
    let rows = unit_rows(&ctx.db, us).await?;
    let all = current_occupancies(&ctx.db, occupancies::Column::UnitId.is_in(unit_ids.clone())).await?;
    let invites = super::binding::pending_invites_of(&ctx.db, &unit_ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|unit| {
            let relation = mine
                .iter()
                .find(|(o, _)| o.unit_id == unit.id.0)
                .and_then(|(o, _)| Relation::parse(&o.relation))?;
            let household = all
                .iter()
                .filter(|(o, _)| o.unit_id == unit.id.0)
                .map(|(o, p)| occupant(o, p))
                .collect();
            let invites = invites.iter().filter(|i| i.unit_id == unit.id).cloned().collect();
            Some(Home {
                unit,
                relation,
                household,
                invites,
            })
        })
        .collect())
}

/// What the `persons` row stores for an ID number: the sealed value, the keyed index that
/// finds the same number again, and the masked form pages show.
pub struct SealedId {
    pub cipher: String,
    pub index: String,
    pub masked: String,
}

pub fn seal_id_number(key: &crate::shared::sealed::DataKey, id: &IdNumber) -> SealedId {
    SealedId {
        cipher: key.seal(id.as_str()),
        index: key.index("id_number", id.as_str()),
        masked: id.masked(),
    }
}

/// Changes to a unit's facts. Absent fields stay as they are; an empty area clears it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UnitPatch {
    pub layout: Option<String>,
    pub use_type: Option<UnitUse>,
    pub status: Option<UnitStatus>,
    /// 不动产登记 area in ㎡, e.g. `89.57`; `""` clears it.
    pub area_registered: Option<String>,
    /// 实测 area.
    pub area_measured: Option<String>,
    /// 合同 area.
    pub area_contract: Option<String>,
    /// 公摊 (shared) area.
    pub shared_area: Option<String>,
}

fn patch_area(field: &str, v: Option<&str>, old: Option<i64>) -> Result<Option<i64>, AppError> {
    match v.map(str::trim) {
        None => Ok(old),
        Some("") => Ok(None),
        Some(s) => Area::parse(s)
            .map(|a| Some(a.0))
            .ok_or_else(|| AppError::validation(field, "err.area_invalid")),
    }
}

/// Edits a unit within the caller's `org.write` scope; the audit row lists each changed field
/// as `[before, after]`. Errors: `NotFound` outside scope, `Validation` naming the field.
pub async fn update_unit(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: UnitId,
    p: UnitPatch,
) -> Result<UnitRow, AppError> {
    let u = unit_in_scope(ctx, meta, auth, Permission::OrgWrite, id).await?;
    let layout = match p.layout.as_deref().map(str::trim) {
        Some(l) if l.chars().count() > 40 => return Err(AppError::validation("layout", "err.too_long")),
        Some(l) => l.to_string(),
        None => u.layout.clone(),
    };
    let reg = patch_area("area_registered", p.area_registered.as_deref(), u.area_registered)?;
    let mea = patch_area("area_measured", p.area_measured.as_deref(), u.area_measured)?;
    let con = patch_area("area_contract", p.area_contract.as_deref(), u.area_contract)?;
    let shared = patch_area("shared_area", p.shared_area.as_deref(), u.shared_area)?;
    let use_type = p.use_type.map(|x| x.code().to_string()).unwrap_or(u.use_type.clone());
    let status = p.status.map(|x| x.code().to_string()).unwrap_or(u.status.clone());
    let area = |a: Option<i64>| a.map(|v| Area(v).to_string());
    let mut changed = serde_json::Map::new();
    let mut note = |k: &str, before: serde_json::Value, after: serde_json::Value| {
        if before != after {
            changed.insert(k.into(), serde_json::json!([before, after]));
        }
    };
    note("layout", u.layout.clone().into(), layout.clone().into());
    note("use_type", u.use_type.clone().into(), use_type.clone().into());
    note("status", u.status.clone().into(), status.clone().into());
    note("area_registered", area(u.area_registered).into(), area(reg).into());
    note("area_measured", area(u.area_measured).into(), area(mea).into());
    note("area_contract", area(u.area_contract).into(), area(con).into());
    note("shared_area", area(u.shared_area).into(), area(shared).into());
    if changed.is_empty() {
        return Ok(unit_rows(&ctx.db, vec![u]).await?.remove(0));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let number = u.number.clone();
    let community = u.community_id;
    let saved = with_txn!(ctx.db, |txn| {
        let mut am: units::ActiveModel = u.clone().into();
        am.layout = Set(layout.clone());
        am.use_type = Set(use_type.clone());
        am.status = Set(status.clone());
        am.area_registered = Set(reg);
        am.area_measured = Set(mea);
        am.area_contract = Set(con);
        am.shared_area = Set(shared);
        am.updated_at = Set(Utc::now());
        let saved = am.update(&txn).await?;
        let mut summary = changed.clone();
        summary.insert("unit".into(), number.clone().into());
        audit::record(
            &txn,
            meta,
            AuditEntry::new("unit.update", "unit", saved.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(community)))
                .summary(serde_json::Value::Object(summary)),
        )
        .await?;
        Ok(saved)
    })?;
    Ok(unit_rows(&ctx.db, vec![saved]).await?.remove(0))
}

/// A building as lists show it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BuildingRow {
    pub id: BuildingId,
    pub community_id: OrgId,
    pub code: String,
    pub name: String,
    pub floors: i32,
}

/// Filters of the building list.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuildingFilter {
    pub community_id: Option<i64>,
    pub after: Option<i64>,
    pub limit: Option<u64>,
}

/// A keyset page of buildings within the caller's `org.read` scope.
pub async fn list_buildings(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: &BuildingFilter,
) -> Result<Page<BuildingRow>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::OrgRead).await?;
    let mut q = scope.filter_org_column(buildings::Entity::find(), buildings::Column::CommunityId, false);
    if let Some(c) = f.community_id {
        q = q.filter(buildings::Column::CommunityId.eq(c));
    }
    let page = keyset(
        &ctx.db,
        q,
        buildings::Column::Id,
        Keyset::After(f.after),
        f.limit,
        |b| b.id,
    )
    .await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|b| BuildingRow {
                id: BuildingId(b.id),
                community_id: OrgId(b.community_id),
                code: b.code,
                name: b.name,
                floors: b.floors,
            })
            .collect(),
        next: page.next,
    })
}

/// Renames a building within the caller's `org.write` scope (its code stays: unit numbers
/// carry it). Errors: `NotFound` outside scope, `Validation` for an empty or long name.
pub async fn rename_building(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: BuildingId,
    name: &str,
) -> Result<BuildingRow, AppError> {
    let b = access::record_within(
        ctx,
        meta,
        auth,
        Permission::OrgWrite,
        buildings::Entity::find_by_id(id.0),
        |b| OrgId(b.community_id),
    )
    .await?;
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(AppError::validation("name", "err.required"));
    }
    if name.chars().count() > 60 {
        return Err(AppError::validation("name", "err.too_long"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let b = with_txn!(ctx.db, |txn| {
        let before = b.name.clone();
        let mut am: buildings::ActiveModel = b.clone().into();
        am.name = Set(name.clone());
        let b = am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("building.rename", "building", b.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(b.community_id)))
                .summary(serde_json::json!({ "code": b.code, "name": [before, name] })),
        )
        .await?;
        Ok(b)
    })?;
    Ok(BuildingRow {
        id: BuildingId(b.id),
        community_id: OrgId(b.community_id),
        code: b.code,
        name: b.name,
        floors: b.floors,
    })
}
