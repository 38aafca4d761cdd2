//! (ssr) People on record (客户管理): search within the caller's scope, the person page, ID
//! numbers (sealed at rest, masked everywhere, revealed only with a permission and an audit
//! row), vehicles and parking spaces.
//!
//! A person belongs to no org; staff reach a person through the units in their scope (now or
//! in the past). A person with no such unit does not exist for them.
use super::model::*;
use super::records::{occupancies_of, seal_id_number, unit_in_scope};
use crate::access::model::{mask_phone, Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label, Scope};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{occupancies, org_units, parking_spaces, persons, units, vehicles};
use crate::db::page::{keyset, Keyset};
use crate::db::{map_unique, AppCtx};
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, PersonId, SpaceId, UnitId, VehicleId};
use crate::shared::pagination::{page_from, page_size, Page};
use crate::with_txn;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{prelude::*, ActiveValue::Set, Condition, QueryOrder, QuerySelect};
use std::collections::HashMap;

// ---------------------------------------------------------------- scope of a person

/// `EXISTS` an occupancy (current or past) of `persons.id` in one of the scope's orgs: the one
/// rule that puts a person inside a staff member's scope. Vehicles are recorded only for a
/// unit's occupants, so they need no rule of their own. A single `EXISTS` (no `OR`) lets both
/// databases run it as an index semi-join (an `OR` of two made PostgreSQL hash every
/// occupancy in scope: 50 ms instead of 1 ms at 150 000 persons).
pub(crate) fn person_scope_cond(scope: &Scope) -> Condition {
    let occ = Query::select()
        .expr(Expr::val(1))
        .from(occupancies::Entity)
        .and_where(
            Expr::col((occupancies::Entity, occupancies::Column::PersonId))
                .equals((persons::Entity, persons::Column::Id)),
        )
        .and_where(Expr::col((occupancies::Entity, occupancies::Column::CommunityId)).is_in(scope.org_ids.clone()))
        .to_owned();
    Condition::all().add(Expr::exists(occ))
}

/// Loads a person the caller may act on with `perm`; 404 (audited) outside the scope. To edit
/// (`people.write`), every current home of the person must be in the scope: `Conflict{person}`
/// (audited) for a person shared with another office.
async fn person_in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    id: PersonId,
) -> Result<(persons::Model, Scope), AppError> {
    let scope = access::require(ctx, meta, auth, perm).await?;
    let p = persons::Entity::find_by_id(id.0)
        .filter(person_scope_cond(&scope))
        .one(&ctx.db)
        .await?;
    match p {
        // A person who also lives where the caller has no say (added here by phone while on
        // record at another office) is shared: only someone over all their homes edits them.
        Some(p) if perm == Permission::PeopleWrite => {
            let elsewhere = occupancies::Entity::find()
                .filter(occupancies::Column::PersonId.eq(p.id))
                .filter(occupancies::Column::EndDate.is_null())
                .filter(occupancies::Column::CommunityId.is_not_in(scope.org_ids.clone()))
                .count(&ctx.db)
                .await?;
            if elsewhere > 0 {
                access::deny(ctx, meta, auth, perm.code(), None).await;
                return Err(AppError::conflict("person", "err.person_shared"));
            }
            Ok((p, scope))
        }
        Some(p) => Ok((p, scope)),
        None => {
            if persons::Entity::find_by_id(id.0).one(&ctx.db).await?.is_some() {
                access::deny(ctx, meta, auth, perm.code(), None).await;
            }
            Err(AppError::NotFound)
        }
    }
}

// ---------------------------------------------------------------- search

/// What a search string is taken to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonQuery {
    All,
    Phone(String),
    Plate(String),
    UnitPrefix(String),
    NamePrefix(String),
}

impl PersonQuery {
    /// 11 digits: a phone; a valid plate: a plate; starts with a digit or holds `-`: a unit
    /// number prefix; anything else: the start of a name.
    pub fn classify(q: &str) -> PersonQuery {
        let q = q.trim();
        if q.is_empty() {
            PersonQuery::All
        } else if q.len() == 11 && q.bytes().all(|b| b.is_ascii_digit()) {
            PersonQuery::Phone(q.into())
        } else if let Ok(p) = Plate::parse(q) {
            PersonQuery::Plate(p.text)
        } else if q.starts_with(|c: char| c.is_ascii_digit()) || q.contains('-') {
            PersonQuery::UnitPrefix(q.into())
        } else {
            PersonQuery::NamePrefix(q.into())
        }
    }
}

/// The smallest string greater than every string that starts with `p` (an index range end).
fn prefix_end(p: &str) -> String {
    format!("{p}\u{10FFFF}")
}

/// People within the caller's `people.read` scope matching `q` (phone, plate, unit number or
/// name; see [`PersonQuery::classify`]), a keyset page in id order.
pub async fn search_people(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    q: Option<&str>,
    after: Option<i64>,
    limit: Option<u64>,
) -> Result<Page<PersonRow>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::PeopleRead).await?;
    let q = q.unwrap_or("");
    if q.chars().count() > 40 {
        return Err(AppError::validation("q", "err.too_long"));
    }
    let mut find = persons::Entity::find().filter(person_scope_cond(&scope));
    match PersonQuery::classify(q) {
        PersonQuery::All => {}
        PersonQuery::Phone(p) => find = find.filter(persons::Column::Phone.eq(p)),
        PersonQuery::Plate(p) => {
            let ids: Vec<i64> = vehicles::Entity::find()
                .filter(vehicles::Column::Plate.eq(p))
                .filter(vehicles::Column::CommunityId.is_in(scope.org_ids.clone()))
                .all(&ctx.db)
                .await?
                .into_iter()
                .map(|v| v.person_id)
                .collect();
            find = find.filter(persons::Column::Id.is_in(ids));
        }
        PersonQuery::UnitPrefix(p) => {
            let unit_ids: Vec<i64> = units::Entity::find()
                .select_only()
                .column(units::Column::Id)
                .filter(units::Column::CommunityId.is_in(scope.org_ids.clone()))
                .filter(units::Column::Number.gte(p.as_str()))
                .filter(units::Column::Number.lt(prefix_end(&p)))
                .limit(500)
                .into_tuple()
                .all(&ctx.db)
                .await?;
            let occ = occupancies::Entity::find()
                .select_only()
                .column(occupancies::Column::PersonId)
                .filter(occupancies::Column::UnitId.is_in(unit_ids))
                .filter(occupancies::Column::EndDate.is_null())
                .into_tuple::<i64>()
                .all(&ctx.db)
                .await?;
            find = find.filter(persons::Column::Id.is_in(occ));
        }
        PersonQuery::NamePrefix(p) => {
            find = find
                .filter(persons::Column::Name.gte(p.as_str()))
                .filter(persons::Column::Name.lt(prefix_end(&p)));
        }
    }
    let page = keyset(&ctx.db, find, persons::Column::Id, Keyset::After(after), limit, |p| {
        p.id
    })
    .await?;
    let items = person_rows(&ctx.db, &scope, page.items).await?;
    Ok(Page { items, next: page.next })
}

/// Person rows with their homes and vehicles inside `scope` (a few queries per page).
async fn person_rows<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    people: Vec<persons::Model>,
) -> Result<Vec<PersonRow>, AppError> {
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let occ = occupancies_of(
        c,
        Condition::all()
            .add(occupancies::Column::PersonId.is_in(ids.clone()))
            .add(occupancies::Column::CommunityId.is_in(scope.org_ids.clone())),
    )
    .await?;
    let us = units::Entity::find()
        .filter(units::Column::Id.is_in(occ.iter().map(|(o, _)| o.unit_id).collect::<Vec<_>>()))
        .all(c)
        .await?;
    let unit_no: HashMap<i64, (String, i64)> = us.iter().map(|u| (u.id, (u.number.clone(), u.community_id))).collect();
    let names = crate::org::service::org_names(c, &us.iter().map(|u| u.community_id).collect::<Vec<_>>()).await?;
    let vs = vehicle_rows(
        c,
        Condition::all()
            .add(vehicles::Column::PersonId.is_in(ids))
            .add(vehicles::Column::CommunityId.is_in(scope.org_ids.clone())),
    )
    .await?;
    Ok(people
        .into_iter()
        .map(|p| {
            let mut homes: Vec<PersonHome> = occ
                .iter()
                .filter(|(o, _)| o.person_id == p.id)
                .filter_map(|(o, _)| {
                    let (number, cid) = unit_no.get(&o.unit_id)?.clone();
                    Some(PersonHome {
                        occupancy_id: crate::shared::ids::OccupancyId(o.id),
                        unit_id: UnitId(o.unit_id),
                        community: names.get(&cid).cloned().unwrap_or_default(),
                        number,
                        relation: Relation::parse(&o.relation).unwrap_or(Relation::Resident),
                        since: o.start_date.to_string(),
                        until: o.end_date.map(|d| d.to_string()),
                    })
                })
                .collect();
            homes.sort_by(|a, b| a.until.is_some().cmp(&b.until.is_some()).then(b.since.cmp(&a.since)));
            PersonRow {
                id: PersonId(p.id),
                phone_masked: p.phone.as_deref().map(mask_phone),
                id_masked: p.id_masked.clone(),
                id_consent_at: p.id_consent_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
                vehicles: vs.iter().filter(|v| v.person_id.0 == p.id).cloned().collect(),
                name: p.name,
                homes,
            }
        })
        .collect())
}

/// One person, with every home and vehicle inside the caller's `people.read` scope.
pub async fn person_detail(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: PersonId,
) -> Result<PersonRow, AppError> {
    let (p, scope) = person_in_scope(ctx, meta, auth, Permission::PeopleRead, id).await?;
    Ok(person_rows(&ctx.db, &scope, vec![p]).await?.remove(0))
}

// ---------------------------------------------------------------- ID numbers

/// Stores a person's ID number, sealed. `consent` must say the person agreed to it being
/// stored (PIPL: sensitive personal information); the consent time and the staff member are
/// recorded. Errors: `Validation` (field `id_number` naming the rule, or `consent`),
/// `Conflict` when another person in the caller's scope already has this number (one outside
/// it is not revealed), `NotFound` outside scope.
pub async fn set_id_number(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: PersonId,
    id_number: &str,
    consent: bool,
) -> Result<PersonRow, AppError> {
    let (p, scope) = person_in_scope(ctx, meta, auth, Permission::PeopleWrite, id).await?;
    let number =
        IdNumber::parse(id_number, Utc::now().date_naive()).map_err(|code| AppError::validation("id_number", code))?;
    if !consent {
        return Err(AppError::validation("consent", "err.id_consent"));
    }
    let sealed = seal_id_number(&ctx.cfg.data_key, &number);
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let p = with_txn!(ctx.db, |txn| {
        // Unique within what the caller sees: a holder at another office is not revealed (the
        // same person may be on record there under another phone).
        let holder = persons::Entity::find()
            .filter(persons::Column::IdIndex.eq(sealed.index.clone()))
            .filter(persons::Column::Id.ne(p.id))
            .filter(person_scope_cond(&scope))
            .count(&txn)
            .await?;
        if holder > 0 {
            return Err(AppError::conflict("id_number", "err.id_taken"));
        }
        let now = Utc::now();
        let mut am: persons::ActiveModel = p.clone().into();
        am.id_cipher = Set(Some(sealed.cipher.clone()));
        am.id_index = Set(Some(sealed.index.clone()));
        am.id_masked = Set(Some(sealed.masked.clone()));
        am.id_consent_at = Set(Some(now));
        am.id_consent_by = Set(Some(auth.user_id.0));
        am.updated_at = Set(now);
        let p = am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("person.id_set", "person", p.id)
                .actor(Some(auth.user_id), &actor)
                .summary(serde_json::json!({ "id_number": sealed.masked, "consent": true })),
        )
        .await?;
        Ok(p)
    })?;
    Ok(person_rows(&ctx.db, &scope, vec![p]).await?.remove(0))
}

/// The full ID number, for a caller holding `people.reveal_id` over the person. Every reveal
/// writes an audit row. Errors: `Forbidden` without the permission, `NotFound` outside scope
/// or when no number is on record.
pub async fn reveal_id_number(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: PersonId,
) -> Result<String, AppError> {
    let (p, _) = person_in_scope(ctx, meta, auth, Permission::PeopleRevealId, id).await?;
    let sealed = p.id_cipher.ok_or(AppError::NotFound)?;
    let plain = ctx.cfg.data_key.open(&sealed).map_err(|e| {
        tracing::error!(person = p.id, error = %e, "a stored ID number cannot be opened");
        AppError::Internal
    })?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    audit::record_now(
        &ctx.db,
        meta,
        AuditEntry::new("person.id_reveal", "person", p.id)
            .actor(Some(auth.user_id), &actor)
            .summary(serde_json::json!({ "id_number": p.id_masked })),
    )
    .await?;
    Ok(plain)
}

// ---------------------------------------------------------------- vehicles

/// Vehicle rows matching `cond`, with owner names, unit numbers and space codes.
pub(crate) async fn vehicle_rows<C: ConnectionTrait>(
    c: &C,
    cond: impl sea_orm::sea_query::IntoCondition,
) -> Result<Vec<VehicleRow>, AppError> {
    let vs = vehicles::Entity::find()
        .filter(cond)
        .order_by_asc(vehicles::Column::Id)
        .all(c)
        .await?;
    let people: HashMap<i64, String> = persons::Entity::find()
        .filter(persons::Column::Id.is_in(vs.iter().map(|v| v.person_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let unit_no: HashMap<i64, String> = units::Entity::find()
        .filter(units::Column::Id.is_in(vs.iter().filter_map(|v| v.unit_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.number))
        .collect();
    let spaces: HashMap<i64, String> = parking_spaces::Entity::find()
        .filter(parking_spaces::Column::Id.is_in(vs.iter().filter_map(|v| v.parking_space_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect();
    Ok(vs
        .into_iter()
        .map(|v| VehicleRow {
            id: VehicleId(v.id),
            person_id: PersonId(v.person_id),
            person_name: people.get(&v.person_id).cloned().unwrap_or_default(),
            unit_id: v.unit_id.map(UnitId),
            unit_number: v.unit_id.and_then(|u| unit_no.get(&u).cloned()),
            space_id: v.parking_space_id.map(SpaceId),
            space_code: v.parking_space_id.and_then(|s| spaces.get(&s).cloned()),
            plate: v.plate,
            new_energy: v.new_energy,
            note: v.note,
        })
        .collect())
}

/// A vehicle to put on record at a unit.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NewVehicle {
    /// e.g. `京A12345`, `粤BD12345` (new energy). Spaces and `·` are ignored.
    pub plate: String,
    /// A current occupant of the unit.
    pub person_id: PersonId,
    /// Code of a parking space of the same community (optional).
    #[serde(default)]
    pub space_code: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records a vehicle of a unit's occupant, optionally on a parking space of the community.
/// Errors: `Validation` (`plate`, `person_id` not living there, unknown `space_code`),
/// `Conflict` when the plate is on record already, `NotFound` outside scope.
pub async fn add_vehicle(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    unit: UnitId,
    v: NewVehicle,
) -> Result<VehicleRow, AppError> {
    let u = unit_in_scope(ctx, meta, auth, Permission::PeopleWrite, unit).await?;
    let plate = Plate::parse(&v.plate).map_err(|c| AppError::validation("plate", c))?;
    let note = v.note.as_deref().unwrap_or("").trim().to_string();
    if note.chars().count() > 60 {
        return Err(AppError::validation("note", "err.too_long"));
    }
    let lives_there = occupancies::Entity::find()
        .filter(occupancies::Column::UnitId.eq(u.id))
        .filter(occupancies::Column::PersonId.eq(v.person_id.0))
        .filter(occupancies::Column::EndDate.is_null())
        .one(&ctx.db)
        .await?
        .is_some();
    if !lives_there {
        return Err(AppError::validation("person_id", "err.not_occupant"));
    }
    let space = match v.space_code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(
            parking_spaces::Entity::find()
                .filter(parking_spaces::Column::CommunityId.eq(u.community_id))
                .filter(parking_spaces::Column::Code.eq(code))
                .one(&ctx.db)
                .await?
                .ok_or_else(|| AppError::validation("space_code", "err.space_unknown"))?,
        ),
    };
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let id = with_txn!(ctx.db, |txn| {
        let row = vehicles::ActiveModel {
            community_id: Set(u.community_id),
            person_id: Set(v.person_id.0),
            unit_id: Set(Some(u.id)),
            plate: Set(plate.text.clone()),
            new_energy: Set(plate.new_energy),
            parking_space_id: Set(space.as_ref().map(|s| s.id)),
            note: Set(note.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "plate", "err.plate_taken"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("vehicle.create", "vehicle", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(serde_json::json!({
                    "plate": plate.text, "unit": u.number, "person_id": v.person_id.0,
                    "space": space.as_ref().map(|s| s.code.clone()),
                })),
        )
        .await?;
        Ok(row.id)
    })?;
    Ok(vehicle_rows(&ctx.db, vehicles::Column::Id.eq(id)).await?.remove(0))
}

/// Takes a vehicle off record (the audit log keeps what it was).
pub async fn remove_vehicle(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: VehicleId) -> Result<(), AppError> {
    let v = access::record_within(
        ctx,
        meta,
        auth,
        Permission::PeopleWrite,
        vehicles::Entity::find_by_id(id.0),
        |v| OrgId(v.community_id),
    )
    .await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        vehicles::Entity::delete_by_id(v.id).exec(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("vehicle.delete", "vehicle", v.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(v.community_id)))
                .summary(serde_json::json!({ "plate": v.plate, "person_id": v.person_id })),
        )
        .await?;
        Ok(())
    })
}

/// Filters of the vehicle list.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VehicleFilter {
    pub community_id: Option<i64>,
    /// Plate prefix, e.g. `浙A`.
    pub q: Option<String>,
    pub after: Option<i64>,
    pub limit: Option<u64>,
}

/// A keyset page of vehicles within the caller's `people.read` scope.
pub async fn list_vehicles(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: &VehicleFilter,
) -> Result<Page<VehicleRow>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::PeopleRead).await?;
    let limit = page_size(f.limit);
    let mut cond = Condition::all().add(vehicles::Column::CommunityId.is_in(scope.org_ids.clone()));
    if let Some(c) = f.community_id {
        cond = cond.add(vehicles::Column::CommunityId.eq(c));
    }
    if let Some(p) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if p.chars().count() > 10 {
            return Err(AppError::validation("q", "err.too_long"));
        }
        let p = p.to_uppercase();
        cond = cond
            .add(vehicles::Column::Plate.gte(p.as_str()))
            .add(vehicles::Column::Plate.lt(prefix_end(&p)));
    }
    if let Some(a) = f.after {
        cond = cond.add(vehicles::Column::Id.gt(a));
    }
    let ids: Vec<i64> = vehicles::Entity::find()
        .select_only()
        .column(vehicles::Column::Id)
        .filter(cond)
        .order_by_asc(vehicles::Column::Id)
        .limit(limit + 1)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let page = page_from(ids, limit, |i| *i);
    Ok(Page {
        items: vehicle_rows(&ctx.db, vehicles::Column::Id.is_in(page.items)).await?,
        next: page.next,
    })
}

/// Changes to a vehicle: its parking space (`""` frees it) and note.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VehiclePatch {
    pub space_code: Option<String>,
    pub note: Option<String>,
}

/// Moves a vehicle to another space of its community (or none) or edits its note.
pub async fn update_vehicle(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: VehicleId,
    p: VehiclePatch,
) -> Result<VehicleRow, AppError> {
    let v = access::record_within(
        ctx,
        meta,
        auth,
        Permission::PeopleWrite,
        vehicles::Entity::find_by_id(id.0),
        |v| OrgId(v.community_id),
    )
    .await?;
    let space = match p.space_code.as_deref().map(str::trim) {
        None => v.parking_space_id,
        Some("") => None,
        Some(code) => Some(
            parking_spaces::Entity::find()
                .filter(parking_spaces::Column::CommunityId.eq(v.community_id))
                .filter(parking_spaces::Column::Code.eq(code))
                .one(&ctx.db)
                .await?
                .ok_or_else(|| AppError::validation("space_code", "err.space_unknown"))?
                .id,
        ),
    };
    let note = match p.note.as_deref().map(str::trim) {
        Some(n) if n.chars().count() > 60 => return Err(AppError::validation("note", "err.too_long")),
        Some(n) => n.to_string(),
        None => v.note.clone(),
    };
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let mut am: vehicles::ActiveModel = v.clone().into();
        am.parking_space_id = Set(space);
        am.note = Set(note.clone());
        am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("vehicle.update", "vehicle", v.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(v.community_id)))
                .summary(serde_json::json!({ "plate": v.plate, "space": [v.parking_space_id, space] })),
        )
        .await?;
        Ok(())
    })?;
    Ok(vehicle_rows(&ctx.db, vehicles::Column::Id.eq(v.id)).await?.remove(0))
}

/// Corrects a person's name (the phone is who they are and is changed by the person).
pub async fn rename_person(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: PersonId,
    name: &str,
) -> Result<PersonRow, AppError> {
    let (p, scope) = person_in_scope(ctx, meta, auth, Permission::PeopleWrite, id).await?;
    let name = super::records::person_name(name)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let before = p.name.clone();
    let p = with_txn!(ctx.db, |txn| {
        let mut am: persons::ActiveModel = p.clone().into();
        am.name = Set(name.clone());
        am.updated_at = Set(Utc::now());
        let p = am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("person.rename", "person", p.id)
                .actor(Some(auth.user_id), &actor)
                .summary(serde_json::json!({ "name": [before, name] })),
        )
        .await?;
        Ok(p)
    })?;
    Ok(person_rows(&ctx.db, &scope, vec![p]).await?.remove(0))
}

// ---------------------------------------------------------------- parking spaces

/// A run of parking spaces to create: `prefix` + a number from `from` to `to`, zero-padded
/// to the width of `to` (`B1-` 1..120 → `B1-001` … `B1-120`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SpaceRun {
    pub community_id: OrgId,
    pub prefix: String,
    pub from: u32,
    pub to: u32,
    pub kind: SpaceKind,
    /// Area of each space in ㎡ (optional).
    #[serde(default)]
    pub area: Option<String>,
}

/// The codes a run produces, or the field that is wrong.
pub fn space_codes(run: &SpaceRun) -> Result<Vec<String>, (&'static str, &'static str)> {
    let prefix = run.prefix.trim();
    if prefix.chars().count() > 12 || prefix.chars().any(char::is_whitespace) {
        return Err(("prefix", "err.space_prefix"));
    }
    if run.from == 0 || run.from > run.to {
        return Err(("from", "err.out_of_range"));
    }
    if run.to - run.from >= 2000 {
        return Err(("to", "err.too_many_spaces"));
    }
    let width = run.to.to_string().len().max(3);
    Ok((run.from..=run.to).map(|n| format!("{prefix}{n:0width$}")).collect())
}

/// Creates a run of spaces in one step (all or nothing). `Conflict` when a code exists.
pub async fn create_spaces(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, run: SpaceRun) -> Result<usize, AppError> {
    access::require_over(ctx, meta, auth, Permission::OrgWrite, run.community_id).await?;
    let community = org_units::Entity::find_by_id(run.community_id.0)
        .one(&ctx.db)
        .await?
        .filter(|o| o.kind == OrgKind::Community.code())
        .ok_or_else(|| AppError::validation("community_id", "err.org_invalid"))?;
    let codes = space_codes(&run).map_err(|(f, c)| AppError::validation(f, c))?;
    let area = match run.area.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => Some(Area::parse(a).ok_or_else(|| AppError::validation("area", "err.area_invalid"))?),
        None => None,
    };
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let n = codes.len();
    with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let rows: Vec<parking_spaces::ActiveModel> = codes
            .iter()
            .map(|code| parking_spaces::ActiveModel {
                community_id: Set(community.id),
                code: Set(code.clone()),
                kind: Set(run.kind.code().into()),
                area: Set(area.map(|a| a.0)),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(500) {
            parking_spaces::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .map_err(|e| map_unique(e, "prefix", "err.space_taken"))?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("parking.create", "org", community.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(community.id)))
                .summary(serde_json::json!({
                    "first": codes.first(), "last": codes.last(), "count": n, "kind": run.kind.code(),
                })),
        )
        .await?;
        Ok(())
    })?;
    Ok(n)
}

/// Changes to a parking space: its kind and area (`""` clears the area).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SpacePatch {
    pub kind: Option<SpaceKind>,
    pub area: Option<String>,
}

/// Edits a parking space within the caller's `org.write` scope.
pub async fn update_space(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: SpaceId,
    p: SpacePatch,
) -> Result<SpaceRow, AppError> {
    let s = access::record_within(
        ctx,
        meta,
        auth,
        Permission::OrgWrite,
        parking_spaces::Entity::find_by_id(id.0),
        |s| OrgId(s.community_id),
    )
    .await?;
    let area = match p.area.as_deref().map(str::trim) {
        None => s.area,
        Some("") => None,
        Some(a) => Some(
            Area::parse(a)
                .ok_or_else(|| AppError::validation("area", "err.area_invalid"))?
                .0,
        ),
    };
    let kind = p.kind.map(|k| k.code().to_string()).unwrap_or(s.kind.clone());
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let mut am: parking_spaces::ActiveModel = s.clone().into();
        am.kind = Set(kind.clone());
        am.area = Set(area);
        am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("parking.update", "parking_space", s.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(s.community_id)))
                .summary(serde_json::json!({ "code": s.code, "kind": [s.kind, kind], "area": [s.area, area] })),
        )
        .await?;
        Ok(())
    })?;
    let saved = parking_spaces::Entity::find_by_id(s.id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(space_rows(&ctx.db, vec![saved]).await?.remove(0))
}

/// Filters of the parking-space list.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpaceFilter {
    pub community_id: Option<i64>,
    /// Space code prefix.
    pub q: Option<String>,
    pub after: Option<i64>,
    pub limit: Option<u64>,
}

/// A keyset page of parking spaces within the caller's `org.read` scope.
pub async fn list_spaces(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: &SpaceFilter,
) -> Result<Page<SpaceRow>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::OrgRead).await?;
    let mut q = scope.filter_org_column(
        parking_spaces::Entity::find(),
        parking_spaces::Column::CommunityId,
        false,
    );
    if let Some(c) = f.community_id {
        q = q.filter(parking_spaces::Column::CommunityId.eq(c));
    }
    if let Some(p) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if p.chars().count() > 20 {
            return Err(AppError::validation("q", "err.too_long"));
        }
        q = q
            .filter(parking_spaces::Column::Code.gte(p))
            .filter(parking_spaces::Column::Code.lt(prefix_end(p)));
    }
    let page = keyset(
        &ctx.db,
        q,
        parking_spaces::Column::Id,
        Keyset::After(f.after),
        f.limit,
        |s| s.id,
    )
    .await?;
    Ok(Page {
        items: space_rows(&ctx.db, page.items).await?,
        next: page.next,
    })
}

/// Space rows with the plates of the vehicles on them.
async fn space_rows<C: ConnectionTrait>(c: &C, spaces: Vec<parking_spaces::Model>) -> Result<Vec<SpaceRow>, AppError> {
    let ids: Vec<i64> = spaces.iter().map(|s| s.id).collect();
    let mut plates: HashMap<i64, Vec<String>> = HashMap::new();
    for v in vehicles::Entity::find()
        .filter(vehicles::Column::ParkingSpaceId.is_in(ids))
        .all(c)
        .await?
    {
        if let Some(s) = v.parking_space_id {
            plates.entry(s).or_default().push(v.plate);
        }
    }
    Ok(spaces
        .into_iter()
        .map(|s| SpaceRow {
            id: SpaceId(s.id),
            community_id: OrgId(s.community_id),
            plates: plates.remove(&s.id).unwrap_or_default(),
            code: s.code,
            kind: SpaceKind::parse(&s.kind).unwrap_or(SpaceKind::Public),
            area: s.area.map(Area),
        })
        .collect())
}

// ---------------------------------------------------------------- exports

/// Most rows one export holds.
const EXPORT_MAX: usize = 100_000;

/// The people `search_people` finds for `q`, as an XLSX workbook (phones and ID numbers
/// masked, as on the pages). Audited: an export of personal data is a disclosure.
pub async fn export_people(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    q: Option<&str>,
) -> Result<Vec<u8>, AppError> {
    let mut rows: Vec<PersonRow> = vec![];
    let mut after = None;
    loop {
        let page = search_people(ctx, meta, auth, q, after, Some(crate::shared::pagination::MAX_PAGE)).await?;
        rows.extend(page.items);
        if rows.len() > EXPORT_MAX {
            return Err(AppError::validation("limit", "err.export_too_many"));
        }
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let headers = ["姓名", "手机号", "身份证号", "现住房屋", "曾住房屋", "车辆"]
        .map(String::from)
        .to_vec();
    let join = |v: Vec<String>| v.join("、");
    let data: Vec<Vec<String>> = rows
        .iter()
        .map(|p| {
            let now = p.homes.iter().filter(|h| h.until.is_none());
            let past = p.homes.iter().filter(|h| h.until.is_some());
            vec![
                p.name.clone(),
                p.phone_masked.clone().unwrap_or_default(),
                p.id_masked.clone().unwrap_or_default(),
                join(now.map(|h| format!("{} {}", h.community, h.number)).collect()),
                join(past.map(|h| format!("{} {}", h.community, h.number)).collect()),
                join(p.vehicles.iter().map(|v| v.plate.clone()).collect()),
            ]
        })
        .collect();
    let bytes = crate::shared::xlsx::write_workbook(&[("住户", headers, data)]).map_err(|_| AppError::Internal)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    audit::record_now(
        &ctx.db,
        meta,
        AuditEntry::new("people.export", "person", "*")
            .actor(Some(auth.user_id), &actor)
            .summary(serde_json::json!({ "rows": rows.len(), "q": q.unwrap_or("") })),
    )
    .await?;
    Ok(bytes)
}

/// Parking spaces within the caller's scope (same filters as the list) as an XLSX workbook.
pub async fn export_spaces(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: &SpaceFilter,
) -> Result<Vec<u8>, AppError> {
    let mut rows: Vec<SpaceRow> = vec![];
    let mut f = SpaceFilter {
        limit: Some(crate::shared::pagination::MAX_PAGE),
        ..f.clone()
    };
    loop {
        let page = list_spaces(ctx, meta, auth, &f).await?;
        rows.extend(page.items);
        if rows.len() > EXPORT_MAX {
            return Err(AppError::validation("limit", "err.export_too_many"));
        }
        match page.next {
            Some(n) => f.after = Some(n),
            None => break,
        }
    }
    let names =
        crate::org::service::org_names(&ctx.db, &rows.iter().map(|s| s.community_id.0).collect::<Vec<_>>()).await?;
    let headers = ["小区", "车位编号", "类型", "面积", "车辆"].map(String::from).to_vec();
    let data = rows
        .iter()
        .map(|s| {
            vec![
                names.get(&s.community_id.0).cloned().unwrap_or_default(),
                s.code.clone(),
                match s.kind {
                    SpaceKind::Owned => "产权",
                    SpaceKind::Rented => "租赁",
                    SpaceKind::Public => "公共",
                }
                .to_string(),
                s.area.map(|a| a.to_string()).unwrap_or_default(),
                s.plates.join("、"),
            ]
        })
        .collect();
    crate::shared::xlsx::write_workbook(&[("车位", headers, data)]).map_err(|_| AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_strings_are_classified() {
        assert_eq!(PersonQuery::classify(" "), PersonQuery::All);
        assert_eq!(
            PersonQuery::classify("13800000001"),
            PersonQuery::Phone("13800000001".into())
        );
        assert_eq!(
            PersonQuery::classify("京a·12345"),
            PersonQuery::Plate("京A12345".into())
        );
        assert_eq!(
            PersonQuery::classify("1-2-03"),
            PersonQuery::UnitPrefix("1-2-03".into())
        );
        assert_eq!(
            PersonQuery::classify("1380000"),
            PersonQuery::UnitPrefix("1380000".into())
        );
        assert_eq!(PersonQuery::classify("王"), PersonQuery::NamePrefix("王".into()));
        assert!(prefix_end("王").as_str() > "王小明");
    }

    #[test]
    fn space_runs_are_padded_and_bounded() {
        let run = SpaceRun {
            community_id: OrgId(1),
            prefix: "B1-".into(),
            from: 1,
            to: 120,
            kind: SpaceKind::Owned,
            area: None,
        };
        let c = space_codes(&run).unwrap();
        assert_eq!((c.len(), c[0].as_str(), c[119].as_str()), (120, "B1-001", "B1-120"));
        assert_eq!(
            space_codes(&SpaceRun { from: 0, ..run.clone() }),
            Err(("from", "err.out_of_range"))
        );
        assert_eq!(
            space_codes(&SpaceRun {
                to: 5000,
                ..run.clone()
            }),
            Err(("to", "err.too_many_spaces"))
        );
        assert_eq!(
            space_codes(&SpaceRun {
                prefix: "B 1".into(),
                ..run
            }),
            Err(("prefix", "err.space_prefix"))
        );
    }
}
