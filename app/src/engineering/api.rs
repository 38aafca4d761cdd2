//! Server functions of engineering: authorize, parse, call one service fn, map the error.
use super::model::*;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::shared::pagination::Page;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The communities the caller may see engineering records of.
#[server]
pub async fn eng_communities() -> Result<Vec<Community>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::scope::communities(&ctx, &meta, &auth).await).await
}

#[server]
pub async fn list_equipment(
    #[server(default)] community: Option<i64>,
    #[server(default)] category: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] q: Option<String>,
) -> Result<Vec<EquipmentRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let f = super::ledger::EquipmentFilter {
            community,
            category,
            status,
            q,
        };
        super::ledger::list(&ctx, &meta, &auth, f).await
    })
    .await
}

#[server]
pub async fn get_equipment(id: EquipmentId) -> Result<EquipmentDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::ledger::detail(&ctx, &meta, &auth, id).await).await
}

/// A new piece of equipment (dates `YYYY-MM-DD` or empty; `photos` and `documents` uploaded
/// ids).
#[server]
pub async fn create_equipment(
    community_id: OrgId,
    code: String,
    name: String,
    category: String,
    #[server(default)] location: String,
    #[server(default)] model: String,
    #[server(default)] supplier: String,
    #[server(default)] installed_on: String,
    #[server(default)] warranty_until: String,
    #[server(default)] notes: String,
    #[server(default)] photos: Vec<i64>,
    #[server(default)] documents: Vec<i64>,
) -> Result<EquipmentDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let i = EquipmentInput {
            community_id,
            code,
            name,
            category,
            location,
            model,
            supplier,
            installed_on,
            warranty_until,
            notes,
            status: EquipmentStatus::Active.code().into(),
            photos,
            documents,
        };
        super::ledger::create(&ctx, &meta, &auth, i).await
    })
    .await
}

#[server]
pub async fn update_equipment(
    id: EquipmentId,
    community_id: OrgId,
    code: String,
    name: String,
    category: String,
    #[server(default)] location: String,
    #[server(default)] model: String,
    #[server(default)] supplier: String,
    #[server(default)] installed_on: String,
    #[server(default)] warranty_until: String,
    #[server(default)] notes: String,
    status: String,
    #[server(default)] photos: Vec<i64>,
    #[server(default)] documents: Vec<i64>,
) -> Result<EquipmentDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let i = EquipmentInput {
            community_id,
            code,
            name,
            category,
            location,
            model,
            supplier,
            installed_on,
            warranty_until,
            notes,
            status,
            photos,
            documents,
        };
        super::ledger::update(&ctx, &meta, &auth, id, i).await
    })
    .await
}

/// Takes a document (a manual, a warranty card) off a piece of equipment and deletes it.
#[server]
pub async fn remove_equipment_document(id: EquipmentId, file: i64) -> Result<EquipmentDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::ledger::remove_document(&ctx, &meta, &auth, id, file).await).await
}

/// A new plan; `checklist` is typed one item per line.
#[server]
pub async fn add_plan(
    equipment: EquipmentId,
    plan_name: String,
    every_n: String,
    every_unit: String,
    checklist: String,
    starts_on: String,
) -> Result<PlanRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let every_n = every_n
            .trim()
            .parse()
            .map_err(|_| AppError::validation("every_n", "err.out_of_range"))?;
        let p = PlanInput {
            name: plan_name,
            every_n,
            every_unit,
            checklist: checklist_lines(&checklist),
            starts_on,
        };
        // The page's form calls the name `plan_name` (beside the equipment's own `name`).
        super::ledger::add_plan(&ctx, &meta, &auth, equipment, p)
            .await
            .map_err(|e| match e {
                AppError::Validation { field, code } if field == "name" => AppError::validation("plan_name", &code),
                e => e,
            })
    })
    .await
}

#[server]
pub async fn set_plan_active(plan: PlanId, active: bool) -> Result<PlanRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::ledger::set_plan_active(&ctx, &meta, &auth, plan, active).await)
        .await
}

#[server(input = Json)]
pub async fn record_maintenance(equipment: EquipmentId, input: NewMaintenance) -> Result<MaintenanceRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::ledger::record_maintenance(&ctx, &meta, &auth, equipment, input).await
    })
    .await
}

#[server]
pub async fn list_checkpoints(#[server(default)] community: Option<i64>) -> Result<Vec<CheckpointRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::inspection::list_checkpoints(&ctx, &meta, &auth, community.map(OrgId)).await
    })
    .await
}

/// A new checkpoint; `checklist` is typed one item per line.
#[server]
pub async fn create_checkpoint(
    community_id: OrgId,
    name: String,
    #[server(default)] location: String,
    #[server(default)] equipment_id: Option<String>,
    checklist: String,
) -> Result<CheckpointRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let equipment_id = match equipment_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(
                s.parse()
                    .map_err(|_| AppError::validation("equipment_id", "err.invalid"))?,
            ),
            None => None,
        };
        let i = CheckpointInput {
            community_id,
            name,
            location,
            equipment_id,
            checklist: checklist_lines(&checklist),
        };
        super::inspection::create_checkpoint(&ctx, &meta, &auth, i).await
    })
    .await
}

#[server(input = Json)]
pub async fn update_checkpoint(
    id: CheckpointId,
    input: CheckpointInput,
    active: bool,
) -> Result<CheckpointRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::inspection::update_checkpoint(&ctx, &meta, &auth, id, input, active).await
    })
    .await
}

#[server]
pub async fn list_routes(#[server(default)] community: Option<i64>) -> Result<Vec<RouteRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::inspection::list_routes(&ctx, &meta, &auth, community.map(OrgId)).await
    })
    .await
}

/// A route as the form types it: `checkpoints` as ids in walking order (`3,1,2`), `slots` as
/// `08:00, 20:00`, the window in minutes.
#[cfg(feature = "ssr")]
fn route_input(
    community_id: OrgId,
    name: String,
    checkpoints: &str,
    slots: &str,
    window_minutes: &str,
) -> Result<RouteInput, AppError> {
    let stops = checkpoints
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| AppError::validation("checkpoints", "err.invalid"))
        })
        .collect::<Result<Vec<CheckpointId>, _>>()?;
    Ok(RouteInput {
        community_id,
        name,
        checkpoints: stops,
        slots: slot_words(slots),
        window_minutes: window_minutes
            .trim()
            .parse()
            .map_err(|_| AppError::validation("window_minutes", "err.eng_window"))?,
    })
}

/// A new route (fields as [`route_input`] reads them).
#[server]
pub async fn create_route(
    community_id: OrgId,
    name: String,
    #[server(default)] checkpoints: String,
    slots: String,
    window_minutes: String,
) -> Result<RouteRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let i = route_input(community_id, name, &checkpoints, &slots, &window_minutes)?;
        super::inspection::create_route(&ctx, &meta, &auth, i).await
    })
    .await
}

/// Changes a route's name, checkpoints, start times and window (fields as [`create_route`]).
#[server]
pub async fn update_route(
    id: RouteId,
    community_id: OrgId,
    name: String,
    #[server(default)] checkpoints: String,
    slots: String,
    window_minutes: String,
) -> Result<RouteRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let i = route_input(community_id, name, &checkpoints, &slots, &window_minutes)?;
        super::inspection::update_route(&ctx, &meta, &auth, id, i).await
    })
    .await
}

#[server]
pub async fn set_route_active(id: RouteId, active: bool) -> Result<RouteRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::inspection::set_route_active(&ctx, &meta, &auth, id, active).await)
        .await
}

#[server]
pub async fn list_rounds(
    #[server(default)] community: Option<i64>,
    #[server(default)] date: Option<String>,
) -> Result<Vec<RoundRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::inspection::rounds(&ctx, &meta, &auth, community.map(OrgId), date).await
    })
    .await
}

#[server]
pub async fn list_results(
    #[server(default)] community: Option<i64>,
    #[server(default)] abnormal: bool,
    #[server(default)] before: Option<i64>,
) -> Result<Page<ResultRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let f = super::inspection::ResultFilter {
            community,
            checkpoint: None,
            abnormal,
            before,
            limit: Some(30),
        };
        super::inspection::list_results(&ctx, &meta, &auth, f).await
    })
    .await
}

/// What a scanned code (`/i/{token}`) leads to.
#[server]
pub async fn scan_code(token: String) -> Result<Scan, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::inspection::scan(&ctx, &meta, &auth, &token).await).await
}

/// Sends a result from the phone form (now, or later from the phone's outbox). JSON: the
/// answers are a list of objects.
#[server(input = Json)]
pub async fn record_inspection(input: NewResult) -> Result<ResultRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::inspection::record_result(&ctx, &meta, &auth, input).await).await
}

/// The printable QR sheet of a community; codes point at `LINLI_PUBLIC_URL` (or this host).
#[server]
pub async fn load_qr_sheet(community: OrgId) -> Result<QrSheet, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let host = use_context::<http::request::Parts>().and_then(|p| {
            p.headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string)
        });
        let base = super::qr::public_base(&ctx, host.as_deref());
        super::inspection::qr_sheet(&ctx, &meta, &auth, community, &base).await
    })
    .await
}
