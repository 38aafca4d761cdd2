//! (ssr) The equipment ledger (设备台账): equipment of a community with its photos and
//! documents (manuals, warranty cards), its maintenance plans and the maintenance done, which
//! moves a plan's due date on.
use super::model::*;
use super::photos::{self, DOC_EQUIPMENT, PHOTO_EQUIPMENT, PHOTO_MAINTENANCE};
use super::qr;
use super::scope::{self, MANAGE, RECORD};
use crate::access::model::{Authed, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{checkpoints, equipment, maintenance_plans, maintenance_records};
use crate::db::{map_unique, AppCtx};
use crate::files::model::DocRef;
use crate::files::service as files;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::shared::time::{format_local, today_cn};
use crate::with_txn;
use chrono::{NaiveDate, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Filters of the equipment list.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EquipmentFilter {
    /// One community (default: every community in scope).
    pub community: Option<i64>,
    pub category: Option<String>,
    /// `active` or `retired`.
    pub status: Option<String>,
    /// Part of the code, name or location.
    pub q: Option<String>,
}

/// The most equipment one list shows.
const LIST_MAX: u64 = 500;

/// Checked values of an [`EquipmentInput`].
struct Checked {
    code: String,
    name: String,
    category: String,
    location: String,
    model: String,
    supplier: String,
    installed_on: Option<NaiveDate>,
    warranty_until: Option<NaiveDate>,
    status: EquipmentStatus,
    notes: String,
}

fn check_equipment(i: &EquipmentInput) -> Result<Checked, AppError> {
    let v = |field: &'static str| move |code: &str| AppError::validation(field, code);
    let installed_on = parse_opt_date(&i.installed_on).map_err(v("installed_on"))?;
    let warranty_until = parse_opt_date(&i.warranty_until).map_err(v("warranty_until"))?;
    if installed_on.is_some_and(|d| d > today_cn()) {
        return Err(AppError::validation("installed_on", "err.future_date"));
    }
    if let (Some(a), Some(b)) = (installed_on, warranty_until) {
        if b < a {
            return Err(AppError::validation(
                "warranty_until",
                "err.eng_warranty_before_install",
            ));
        }
    }
    if !category_ok(i.category.trim()) {
        return Err(AppError::validation("category", "err.invalid"));
    }
    Ok(Checked {
        code: check_code(&i.code).map_err(v("code"))?,
        name: check_text(&i.name, 60, true).map_err(v("name"))?,
        category: i.category.trim().to_string(),
        location: check_text(&i.location, 100, false).map_err(v("location"))?,
        model: check_text(&i.model, 60, false).map_err(v("model"))?,
        supplier: check_text(&i.supplier, 60, false).map_err(v("supplier"))?,
        installed_on,
        warranty_until,
        status: EquipmentStatus::parse(i.status.trim()).ok_or_else(|| AppError::validation("status", "err.invalid"))?,
        notes: check_text(&i.notes, 1_000, false).map_err(v("notes"))?,
    })
}

fn plan_row(p: &maintenance_plans::Model, today: NaiveDate) -> PlanRow {
    PlanRow {
        id: PlanId(p.id),
        equipment_id: EquipmentId(p.equipment_id),
        name: p.name.clone(),
        every_n: p.every_n.max(1) as u32,
        every_unit: EveryUnit::parse(&p.every_unit).unwrap_or(EveryUnit::Month),
        checklist: serde_json::from_str(&p.checklist).unwrap_or_default(),
        starts_on: p.starts_on.to_string(),
        next_due: p.next_due.to_string(),
        due_state: due_state(p.next_due, today),
        active: p.active,
    }
}

async fn rows(ctx: &AppCtx, list: Vec<equipment::Model>) -> Result<Vec<EquipmentRow>, AppError> {
    let ids: Vec<i64> = list.iter().map(|e| e.id).collect();
    let mut due: HashMap<i64, NaiveDate> = HashMap::new();
    for p in maintenance_plans::Entity::find()
        .filter(maintenance_plans::Column::EquipmentId.is_in(ids))
        .filter(maintenance_plans::Column::Active.eq(true))
        .all(&ctx.db)
        .await?
    {
        let d = due.entry(p.equipment_id).or_insert(p.next_due);
        *d = (*d).min(p.next_due);
    }
    let names =
        crate::org::service::org_names(&ctx.db, &list.iter().map(|e| e.community_id).collect::<Vec<_>>()).await?;
    let today = today_cn();
    Ok(list
        .into_iter()
        .map(|e| {
            let next = due
                .get(&e.id)
                .copied()
                .filter(|_| e.status == EquipmentStatus::Active.code());
            EquipmentRow {
                id: EquipmentId(e.id),
                community_id: OrgId(e.community_id),
                community: names.get(&e.community_id).cloned().unwrap_or_default(),
                out_of_warranty: e.warranty_until.is_some_and(|w| w < today),
                installed_on: e.installed_on.map(|d| d.to_string()),
                warranty_until: e.warranty_until.map(|d| d.to_string()),
                status: EquipmentStatus::parse(&e.status).unwrap_or(EquipmentStatus::Active),
                next_due: next.map(|d| d.to_string()),
                due_state: next.map(|d| due_state(d, today)),
                code: e.code,
                name: e.name,
                category: e.category,
                location: e.location,
                model: e.model,
                supplier: e.supplier,
                notes: e.notes,
            }
        })
        .collect())
}

/// The equipment of the caller's scope (or of one community in it), by community and code.
pub async fn list(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: EquipmentFilter,
) -> Result<Vec<EquipmentRow>, AppError> {
    let scope = scope::view_scope(ctx, meta, auth).await?;
    let mut q = scope.filter_org_column(equipment::Entity::find(), equipment::Column::CommunityId, false);
    if let Some(c) = f.community {
        access::within(ctx, meta, auth, RECORD, &scope, OrgId(c)).await?;
        q = q.filter(equipment::Column::CommunityId.eq(c));
    }
    if let Some(c) = f.category.filter(|c| !c.is_empty()) {
        q = q.filter(equipment::Column::Category.eq(c));
    }
    if let Some(s) = f.status.filter(|s| !s.is_empty()) {
        q = q.filter(equipment::Column::Status.eq(s));
    }
    if let Some(needle) = f.q.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        let needle: String = needle.chars().take(40).collect();
        q = q.filter(
            sea_orm::Condition::any()
                .add(equipment::Column::Code.contains(needle.to_uppercase()))
                .add(equipment::Column::Name.contains(&needle))
                .add(equipment::Column::Location.contains(&needle)),
        );
    }
    let list = q
        .order_by_asc(equipment::Column::CommunityId)
        .order_by_asc(equipment::Column::Code)
        .limit(LIST_MAX)
        .all(&ctx.db)
        .await?;
    rows(ctx, list).await
}

/// A piece of equipment the caller may see with `perm` (or, for `None`, either permission);
/// outside the scope it does not exist.
async fn in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Option<crate::access::model::Permission>,
    id: EquipmentId,
) -> Result<equipment::Model, AppError> {
    let scope = match perm {
        Some(p) => access::require(ctx, meta, auth, p).await?,
        None => scope::view_scope(ctx, meta, auth).await?,
    };
    let e = equipment::Entity::find_by_id(id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    access::within(ctx, meta, auth, perm.unwrap_or(RECORD), &scope, OrgId(e.community_id)).await?;
    Ok(e)
}

/// A piece of equipment with its plans, the latest 50 maintenance records, its checkpoints
/// and photos. Errors: `Forbidden` without either permission; `NotFound` outside the scope.
pub async fn detail(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: EquipmentId,
) -> Result<EquipmentDetail, AppError> {
    let e = in_scope(ctx, meta, auth, None, id).await?;
    detail_of(ctx, auth, e).await
}

/// The detail of a piece of equipment the caller was already allowed to see.
pub(super) async fn detail_of(ctx: &AppCtx, auth: &Authed, e: equipment::Model) -> Result<EquipmentDetail, AppError> {
    let today = today_cn();
    let plans = maintenance_plans::Entity::find()
        .filter(maintenance_plans::Column::EquipmentId.eq(e.id))
        .order_by_desc(maintenance_plans::Column::Active)
        .order_by_asc(maintenance_plans::Column::NextDue)
        .all(&ctx.db)
        .await?;
    let plan_names: HashMap<i64, String> = plans.iter().map(|p| (p.id, p.name.clone())).collect();
    let records = maintenance_records::Entity::find()
        .filter(maintenance_records::Column::EquipmentId.eq(e.id))
        .order_by_desc(maintenance_records::Column::Id)
        .limit(50)
        .all(&ctx.db)
        .await?;
    let who = access::display_names(&ctx.db, &records.iter().map(|r| r.done_by).collect::<Vec<_>>()).await?;
    let record_photos = photos::photos_of(
        &ctx.db,
        PHOTO_MAINTENANCE,
        &records.iter().map(|r| r.id).collect::<Vec<_>>(),
    )
    .await?;
    let photos = photos::photos_of(&ctx.db, PHOTO_EQUIPMENT, &[e.id])
        .await?
        .remove(&e.id)
        .unwrap_or_default();
    let documents = files::documents_of(&ctx.db, DOC_EQUIPMENT, e.id).await?;
    let cps = checkpoints::Entity::find()
        .filter(checkpoints::Column::EquipmentId.eq(e.id))
        .order_by_asc(checkpoints::Column::Id)
        .all(&ctx.db)
        .await?;
    let checkpoints = super::inspection::checkpoint_rows(ctx, cps).await?;
    let can = scope::abilities(ctx, auth, OrgId(e.community_id)).await?;
    let qr_token = e.qr_token.clone();
    let equipment = rows(ctx, vec![e]).await?.pop().ok_or(AppError::NotFound)?;
    Ok(EquipmentDetail {
        equipment,
        plans: plans.iter().map(|p| plan_row(p, today)).collect(),
        records: records
            .into_iter()
            .map(|r| MaintenanceRow {
                id: r.id,
                plan_id: r.plan_id.map(PlanId),
                plan: r.plan_id.and_then(|p| plan_names.get(&p).cloned()),
                done_by: who.get(&r.done_by).cloned().unwrap_or_default(),
                done_at: format_local(r.done_at),
                results: serde_json::from_str(&r.results).unwrap_or_default(),
                abnormal: r.abnormal,
                note: r.note,
                photos: record_photos.get(&r.id).cloned().unwrap_or_default(),
            })
            .collect(),
        checkpoints,
        photos,
        documents,
        qr_token,
        can,
    })
}

/// Adds a piece of equipment to a community's ledger. Errors: `Forbidden` without
/// `service.dispatch` over the community; `Validation` naming the field; `Conflict` on `code`
/// when the community already has it.
pub async fn create(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    i: EquipmentInput,
) -> Result<EquipmentDetail, AppError> {
    scope::require_community(ctx, meta, auth, MANAGE, i.community_id).await?;
    let c = check_equipment(&i)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let e = equipment::ActiveModel {
            community_id: Set(i.community_id.0),
            code: Set(c.code.clone()),
            name: Set(c.name.clone()),
            category: Set(c.category.clone()),
            location: Set(c.location.clone()),
            model: Set(c.model.clone()),
            supplier: Set(c.supplier.clone()),
            installed_on: Set(c.installed_on),
            warranty_until: Set(c.warranty_until),
            status: Set(c.status.code().into()),
            notes: Set(c.notes.clone()),
            qr_token: Set(qr::new_token()),
            created_by: Set(auth.user_id.0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "code", "err.code_taken"))?;
        photos::attach_photos(&txn, auth, &i.photos, PHOTO_EQUIPMENT, e.id).await?;
        files::attach_documents(&txn, auth.user_id, &i.documents, DOC_EQUIPMENT, e.id, MAX_DOCS).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.equipment.create", "equipment", e.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(i.community_id))
                .summary(serde_json::json!({
                    "code": c.code, "name": c.name, "category": c.category,
                    "photos": i.photos, "documents": i.documents,
                })),
        )
        .await?;
        Ok(e)
    })?;
    detail_of(ctx, auth, row).await
}

/// Changes a piece of equipment (not its community), adds photos and documents, or retires
/// it. Errors as [`create`]; `NotFound` outside the caller's scope.
pub async fn update(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: EquipmentId,
    i: EquipmentInput,
) -> Result<EquipmentDetail, AppError> {
    let before = in_scope(ctx, meta, auth, Some(MANAGE), id).await?;
    if i.community_id.0 != before.community_id {
        return Err(AppError::validation("community_id", "err.eng_community_fixed"));
    }
    let c = check_equipment(&i)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let mut am: equipment::ActiveModel = before.clone().into();
        am.code = Set(c.code.clone());
        am.name = Set(c.name.clone());
        am.category = Set(c.category.clone());
        am.location = Set(c.location.clone());
        am.model = Set(c.model.clone());
        am.supplier = Set(c.supplier.clone());
        am.installed_on = Set(c.installed_on);
        am.warranty_until = Set(c.warranty_until);
        am.status = Set(c.status.code().into());
        am.notes = Set(c.notes.clone());
        am.updated_at = Set(Utc::now());
        let e = am
            .update(&txn)
            .await
            .map_err(|e| map_unique(e, "code", "err.code_taken"))?;
        photos::attach_photos(&txn, auth, &i.photos, PHOTO_EQUIPMENT, e.id).await?;
        files::attach_documents(&txn, auth.user_id, &i.documents, DOC_EQUIPMENT, e.id, MAX_DOCS).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.equipment.update", "equipment", e.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(e.community_id)))
                .summary(serde_json::json!({
                    "before": { "code": before.code, "name": before.name, "status": before.status, "location": before.location },
                    "after": { "code": e.code, "name": e.name, "status": e.status, "location": e.location },
                    "photos": i.photos,
                    "documents": i.documents,
                })),
        )
        .await?;
        Ok(e)
    })?;
    detail_of(ctx, auth, row).await
}

/// A document of a piece of equipment (its name and the PDF), for anyone who may see the
/// equipment. Errors: `NotFound` outside the scope or when the document is not there.
pub async fn document(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: EquipmentId,
    file: i64,
) -> Result<(DocRef, Vec<u8>), AppError> {
    let e = in_scope(ctx, meta, auth, None, id).await?;
    files::read_document(ctx, file, DOC_EQUIPMENT, e.id).await
}

/// Takes a document off a piece of equipment and deletes it (a manual replaced by a newer
/// one). Errors: `NotFound` outside the caller's `service.dispatch` scope or when the
/// document is not there.
pub async fn remove_document(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: EquipmentId,
    file: i64,
) -> Result<EquipmentDetail, AppError> {
    let e = in_scope(ctx, meta, auth, Some(MANAGE), id).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let removed = with_txn!(ctx.db, |txn| {
        let r = files::remove_document(&txn, DOC_EQUIPMENT, e.id, file).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.equipment.document_remove", "equipment", e.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(e.community_id)))
                .summary(serde_json::json!({ "file": file, "name": r.name })),
        )
        .await?;
        Ok(r)
    })?;
    files::delete_objects(ctx, &removed).await;
    detail_of(ctx, auth, e).await
}

/// Adds a maintenance plan; its first due date is `starts_on`. Errors: `NotFound` outside
/// the caller's `service.dispatch` scope; `Validation` naming the field.
pub async fn add_plan(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: EquipmentId,
    p: PlanInput,
) -> Result<PlanRow, AppError> {
    let e = in_scope(ctx, meta, auth, Some(MANAGE), id).await?;
    let name = check_text(&p.name, 60, true).map_err(|c| AppError::validation("name", c))?;
    let unit =
        EveryUnit::parse(p.every_unit.trim()).ok_or_else(|| AppError::validation("every_unit", "err.invalid"))?;
    if !(1..=unit.max_n()).contains(&p.every_n) {
        return Err(AppError::validation("every_n", "err.out_of_range"));
    }
    let checklist = check_checklist(&p.checklist).map_err(|c| AppError::validation("checklist", c))?;
    let starts_on = parse_opt_date(&p.starts_on)
        .ok()
        .flatten()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| AppError::validation("starts_on", "err.date"))?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let json = serde_json::to_string(&checklist).map_err(|_| AppError::Internal)?;
    let plan = with_txn!(ctx.db, |txn| {
        let plan = maintenance_plans::ActiveModel {
            equipment_id: Set(e.id),
            name: Set(name.clone()),
            every_n: Set(p.every_n as i32),
            every_unit: Set(unit.code().into()),
            checklist: Set(json.clone()),
            starts_on: Set(starts_on),
            next_due: Set(starts_on),
            active: Set(true),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.plan.create", "maintenance_plan", plan.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(e.community_id)))
                .summary(serde_json::json!({ "equipment": e.id, "name": name, "every": [p.every_n, unit.code()], "starts_on": starts_on, "checklist": checklist })),
        )
        .await?;
        Ok(plan)
    })?;
    Ok(plan_row(&plan, today_cn()))
}

/// Pauses or resumes a plan. Errors: `NotFound` outside the caller's `service.dispatch` scope.
pub async fn set_plan_active(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    plan: PlanId,
    active: bool,
) -> Result<PlanRow, AppError> {
    let p = maintenance_plans::Entity::find_by_id(plan.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let e = in_scope(ctx, meta, auth, Some(MANAGE), EquipmentId(p.equipment_id)).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let p = with_txn!(ctx.db, |txn| {
        let mut am: maintenance_plans::ActiveModel = p.clone().into();
        am.active = Set(active);
        let p = am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.plan.active", "maintenance_plan", p.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(e.community_id)))
                .summary(serde_json::json!({ "active": active })),
        )
        .await?;
        Ok(p)
    })?;
    Ok(plan_row(&p, today_cn()))
}

/// Records maintenance done today on a piece of equipment: against one of its plans (every
/// checklist item answered; the plan's due date moves to the first one after both today and
/// the date it was due), or ad hoc with a note. Errors: `Forbidden` without
/// `inspection.work`; `NotFound` outside its scope or for another equipment's plan;
/// `Conflict` on retired equipment; `Validation` naming the field.
pub async fn record_maintenance(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: EquipmentId,
    n: NewMaintenance,
) -> Result<MaintenanceRow, AppError> {
    let e = in_scope(ctx, meta, auth, Some(RECORD), id).await?;
    if e.status != EquipmentStatus::Active.code() {
        return Err(AppError::conflict("status", "err.eng_retired"));
    }
    let plan = match n.plan_id {
        Some(p) => Some(
            maintenance_plans::Entity::find_by_id(p.0)
                .filter(maintenance_plans::Column::EquipmentId.eq(e.id))
                .one(&ctx.db)
                .await?
                .ok_or_else(|| AppError::validation("plan_id", "err.not_found"))?,
        ),
        None => None,
    };
    let note = check_text(&n.note, 1_000, plan.is_none()).map_err(|c| AppError::validation("note", c))?;
    let (results, abnormal) = match &plan {
        Some(p) => {
            let list: Vec<String> = serde_json::from_str(&p.checklist).unwrap_or_default();
            check_answers(&list, &n.results).map_err(|c| AppError::validation("results", c))?
        }
        None if n.results.is_empty() => (vec![], false),
        None => return Err(AppError::validation("results", "err.eng_answers_mismatch")),
    };
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let json = serde_json::to_string(&results).map_err(|_| AppError::Internal)?;
    let today = today_cn();
    let rec = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let rec = maintenance_records::ActiveModel {
            plan_id: Set(plan.as_ref().map(|p| p.id)),
            equipment_id: Set(e.id),
            done_by: Set(auth.user_id.0),
            done_at: Set(now),
            results: Set(json.clone()),
            abnormal: Set(abnormal),
            note: Set(note.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut moved = None;
        if let Some(p) = &plan {
            // Read again inside the transaction: two people finishing the same plan at once
            // move it once each, from where the other left it.
            if let Some(p) = maintenance_plans::Entity::find_by_id(p.id).one(&txn).await? {
                let unit = EveryUnit::parse(&p.every_unit).unwrap_or(EveryUnit::Month);
                let next = next_due(p.starts_on, p.every_n.max(1) as u32, unit, p.next_due, today);
                let from = p.next_due;
                let mut am: maintenance_plans::ActiveModel = p.into();
                am.next_due = Set(next);
                am.update(&txn).await?;
                moved = Some((from, next));
            }
        }
        photos::attach_photos(&txn, auth, &n.photos, PHOTO_MAINTENANCE, rec.id).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("engineering.maintenance.record", "equipment", e.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(e.community_id)))
                .summary(serde_json::json!({
                    "record": rec.id, "plan": rec.plan_id, "abnormal": abnormal,
                    "next_due": moved.map(|(a, b)| [a.to_string(), b.to_string()]),
                    "photos": n.photos,
                })),
        )
        .await?;
        Ok(rec)
    })?;
    Ok(MaintenanceRow {
        id: rec.id,
        plan_id: rec.plan_id.map(PlanId),
        plan: plan.map(|p| p.name),
        done_by: access::display_names(&ctx.db, &[auth.user_id.0])
            .await?
            .remove(&auth.user_id.0)
            .unwrap_or_default(),
        done_at: format_local(rec.done_at),
        results,
        abnormal,
        note,
        photos: n.photos,
    })
}

/// The bytes of a photo of a piece of equipment or of its maintenance record, for anyone who
/// may see the equipment. Errors: `NotFound` outside the scope or when the photo is not there.
pub async fn photo(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: EquipmentId,
    record: Option<i64>,
    file: i64,
    thumb: bool,
) -> Result<Vec<u8>, AppError> {
    let e = in_scope(ctx, meta, auth, None, id).await?;
    match record {
        None => crate::files::service::read(ctx, file, PHOTO_EQUIPMENT, e.id, thumb).await,
        Some(r) => {
            maintenance_records::Entity::find_by_id(r)
                .filter(maintenance_records::Column::EquipmentId.eq(e.id))
                .one(&ctx.db)
                .await?
                .ok_or(AppError::NotFound)?;
            crate::files::service::read(ctx, file, PHOTO_MAINTENANCE, r, thumb).await
        }
    }
}
