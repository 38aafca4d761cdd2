//! (ssr) `/api/v1` routes of engineering: the equipment ledger, checkpoints, patrol routes,
//! rounds and inspection results. The same services as the pages, the same scope.
use super::inspection::{self, ResultFilter};
use super::ledger::{self, EquipmentFilter};
use super::model::*;
use crate::db::AppCtx;
use crate::files::rest::{document_response, photo_response};
use crate::shared::ids::OrgId;
use crate::web::{query, ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

#[utoipa::path(get, path = "/api/v1/equipment", tag = "engineering", params(EquipmentFilter), security(("bearer" = [])),
    responses((status = 200, body = Vec<EquipmentRow>), (status = 403, body = ErrorBody)))]
pub async fn equipment_list(
    api: ApiCtx,
    q: Result<Query<EquipmentFilter>, QueryRejection>,
) -> Result<Json<Vec<EquipmentRow>>, ApiError> {
    let auth = api.authed()?;
    let f = query(&api, q)?;
    let rows = ledger::list(&api.ctx, &api.meta, auth, f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(rows))
}

#[utoipa::path(post, path = "/api/v1/equipment", tag = "engineering", request_body = EquipmentInput, security(("bearer" = [])),
    responses((status = 201, body = EquipmentDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn equipment_create(
    api: ApiCtx,
    ApiJson(i): ApiJson<EquipmentInput>,
) -> Result<(StatusCode, Json<EquipmentDetail>), ApiError> {
    let auth = api.authed()?;
    let d = ledger::create(&api.ctx, &api.meta, auth, i)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[utoipa::path(get, path = "/api/v1/equipment/{id}", tag = "engineering", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = EquipmentDetail), (status = 404, body = ErrorBody)))]
pub async fn equipment_get(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<EquipmentDetail>, ApiError> {
    let auth = api.authed()?;
    let d = ledger::detail(&api.ctx, &api.meta, auth, EquipmentId(id))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(d))
}

#[utoipa::path(put, path = "/api/v1/equipment/{id}", tag = "engineering", params(("id" = i64, Path)), request_body = EquipmentInput,
    security(("bearer" = [])),
    responses((status = 200, body = EquipmentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn equipment_update(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<EquipmentInput>,
) -> Result<Json<EquipmentDetail>, ApiError> {
    let auth = api.authed()?;
    let d = ledger::update(&api.ctx, &api.meta, auth, EquipmentId(id), i)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(d))
}

#[utoipa::path(post, path = "/api/v1/equipment/{id}/plans", tag = "engineering", params(("id" = i64, Path)), request_body = PlanInput,
    security(("bearer" = [])),
    responses((status = 201, body = PlanRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn plan_create(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<PlanInput>,
) -> Result<(StatusCode, Json<PlanRow>), ApiError> {
    let auth = api.authed()?;
    let p = ledger::add_plan(&api.ctx, &api.meta, auth, EquipmentId(id), p)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Records maintenance done today.
#[utoipa::path(post, path = "/api/v1/equipment/{id}/maintenance", tag = "engineering", params(("id" = i64, Path)),
    request_body = NewMaintenance, security(("bearer" = [])),
    responses((status = 201, body = MaintenanceRow), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn maintenance_create(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(n): ApiJson<NewMaintenance>,
) -> Result<(StatusCode, Json<MaintenanceRow>), ApiError> {
    let auth = api.authed()?;
    let r = ledger::record_maintenance(&api.ctx, &api.meta, auth, EquipmentId(id), n)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// The 320 px thumbnail instead of the full photo.
    #[serde(default)]
    pub thumb: bool,
}

#[utoipa::path(get, path = "/api/v1/equipment/{id}/photos/{file}", tag = "engineering",
    params(("id" = i64, Path), ("file" = i64, Path), PhotoQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn equipment_photo(
    api: ApiCtx,
    Path((id, file)): Path<(i64, i64)>,
    q: Result<Query<PhotoQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let b = ledger::photo(&api.ctx, &api.meta, auth, EquipmentId(id), None, file, q.thumb)
        .await
        .map_err(|e| api.err(e))?;
    Ok(photo_response(b))
}

#[utoipa::path(get, path = "/api/v1/equipment/{id}/maintenance/{record}/photos/{file}", tag = "engineering",
    params(("id" = i64, Path), ("record" = i64, Path), ("file" = i64, Path), PhotoQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn maintenance_photo(
    api: ApiCtx,
    Path((id, record, file)): Path<(i64, i64, i64)>,
    q: Result<Query<PhotoQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let b = ledger::photo(&api.ctx, &api.meta, auth, EquipmentId(id), Some(record), file, q.thumb)
        .await
        .map_err(|e| api.err(e))?;
    Ok(photo_response(b))
}

/// One community, or every community in scope.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunityQuery {
    pub community: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/checkpoints", tag = "engineering", params(CommunityQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<CheckpointRow>), (status = 403, body = ErrorBody)))]
pub async fn checkpoint_list(
    api: ApiCtx,
    q: Result<Query<CommunityQuery>, QueryRejection>,
) -> Result<Json<Vec<CheckpointRow>>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let rows = inspection::list_checkpoints(&api.ctx, &api.meta, auth, q.community.map(OrgId))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(rows))
}

#[utoipa::path(post, path = "/api/v1/checkpoints", tag = "engineering", request_body = CheckpointInput, security(("bearer" = [])),
    responses((status = 201, body = CheckpointRow), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn checkpoint_create(
    api: ApiCtx,
    ApiJson(i): ApiJson<CheckpointInput>,
) -> Result<(StatusCode, Json<CheckpointRow>), ApiError> {
    let auth = api.authed()?;
    let r = inspection::create_checkpoint(&api.ctx, &api.meta, auth, i)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// A checkpoint's fields, and whether it is in use.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CheckpointUpdate {
    #[serde(flatten)]
    pub checkpoint: CheckpointInput,
    /// False takes it out of use: routes can no longer add it, its code shows a notice.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Changes a checkpoint (name, place, equipment, checklist) or takes it out of use; its QR
/// code stays the same.
#[utoipa::path(put, path = "/api/v1/checkpoints/{id}", tag = "engineering", params(("id" = i64, Path)),
    request_body = CheckpointUpdate, security(("bearer" = [])),
    responses((status = 200, body = CheckpointRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn checkpoint_update(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CheckpointUpdate>,
) -> Result<Json<CheckpointRow>, ApiError> {
    let auth = api.authed()?;
    let r = inspection::update_checkpoint(&api.ctx, &api.meta, auth, CheckpointId(id), b.checkpoint, b.active)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(r))
}

#[utoipa::path(get, path = "/api/v1/patrol-routes", tag = "engineering", params(CommunityQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<RouteRow>), (status = 403, body = ErrorBody)))]
pub async fn route_list(
    api: ApiCtx,
    q: Result<Query<CommunityQuery>, QueryRejection>,
) -> Result<Json<Vec<RouteRow>>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let rows = inspection::list_routes(&api.ctx, &api.meta, auth, q.community.map(OrgId))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(rows))
}

#[utoipa::path(post, path = "/api/v1/patrol-routes", tag = "engineering", request_body = RouteInput, security(("bearer" = [])),
    responses((status = 201, body = RouteRow), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn route_create(
    api: ApiCtx,
    ApiJson(i): ApiJson<RouteInput>,
) -> Result<(StatusCode, Json<RouteRow>), ApiError> {
    let auth = api.authed()?;
    let r = inspection::create_route(&api.ctx, &api.meta, auth, i)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// Changes a route: name, checkpoints in walking order, start times, window (its community
/// stays). Rounds done or missed keep their record; a planned round whose start time is gone
/// is dropped.
#[utoipa::path(put, path = "/api/v1/patrol-routes/{id}", tag = "engineering", params(("id" = i64, Path)),
    request_body = RouteInput, security(("bearer" = [])),
    responses((status = 200, body = RouteRow), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn route_update(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<RouteInput>,
) -> Result<Json<RouteRow>, ApiError> {
    let auth = api.authed()?;
    let r = inspection::update_route(&api.ctx, &api.meta, auth, RouteId(id), i)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RouteActive {
    /// False stops the route's rounds; true restarts them.
    pub active: bool,
}

/// Stops or restarts a route's rounds.
#[utoipa::path(put, path = "/api/v1/patrol-routes/{id}/active", tag = "engineering", params(("id" = i64, Path)),
    request_body = RouteActive, security(("bearer" = [])),
    responses((status = 200, body = RouteRow), (status = 404, body = ErrorBody)))]
pub async fn route_active(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<RouteActive>,
) -> Result<Json<RouteRow>, ApiError> {
    let auth = api.authed()?;
    let r = inspection::set_route_active(&api.ctx, &api.meta, auth, RouteId(id), b.active)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundsQuery {
    pub community: Option<i64>,
    /// `YYYY-MM-DD` (default: today, China time).
    pub date: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/rounds", tag = "engineering", params(RoundsQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<RoundRow>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn round_list(
    api: ApiCtx,
    q: Result<Query<RoundsQuery>, QueryRejection>,
) -> Result<Json<Vec<RoundRow>>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let rows = inspection::rounds(&api.ctx, &api.meta, auth, q.community.map(OrgId), q.date)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(rows))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultPage {
    pub items: Vec<ResultRow>,
    /// Pass as `before` for the next page.
    pub next: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/inspections", tag = "engineering", params(ResultFilter), security(("bearer" = [])),
    responses((status = 200, body = ResultPage), (status = 403, body = ErrorBody)))]
pub async fn result_list(
    api: ApiCtx,
    q: Result<Query<ResultFilter>, QueryRejection>,
) -> Result<Json<ResultPage>, ApiError> {
    let auth = api.authed()?;
    let f = query(&api, q)?;
    let p = inspection::list_results(&api.ctx, &api.meta, auth, f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(ResultPage {
        items: p.items,
        next: p.next,
    }))
}

/// Sends one inspection result. A re-send with the same `client_id` answers 200 with the
/// stored result (`duplicate: true`); an abnormal result carries the repair ticket it opened.
#[utoipa::path(post, path = "/api/v1/inspections", tag = "engineering", request_body = NewResult, security(("bearer" = [])),
    responses((status = 201, body = ResultRow), (status = 200, body = ResultRow, description = "already stored"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn result_create(
    api: ApiCtx,
    ApiJson(n): ApiJson<NewResult>,
) -> Result<(StatusCode, Json<ResultRow>), ApiError> {
    let auth = api.authed()?;
    let r = inspection::record_result(&api.ctx, &api.meta, auth, n)
        .await
        .map_err(|e| api.err(e))?;
    let status = if r.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(r)))
}

#[utoipa::path(get, path = "/api/v1/inspections/{id}/photos/{file}", tag = "engineering",
    params(("id" = i64, Path), ("file" = i64, Path), PhotoQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn result_photo(
    api: ApiCtx,
    Path((id, file)): Path<(i64, i64)>,
    q: Result<Query<PhotoQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let b = inspection::result_photo(&api.ctx, &api.meta, auth, ResultId(id), file, q.thumb)
        .await
        .map_err(|e| api.err(e))?;
    Ok(photo_response(b))
}

/// Downloads a document (a PDF manual or warranty card) of a piece of equipment, as an
/// attachment under its uploaded name.
#[utoipa::path(get, path = "/api/v1/equipment/{id}/documents/{file}", tag = "engineering",
    params(("id" = i64, Path), ("file" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn equipment_document(api: ApiCtx, Path((id, file)): Path<(i64, i64)>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let (doc, bytes) = ledger::document(&api.ctx, &api.meta, auth, EquipmentId(id), file)
        .await
        .map_err(|e| api.err(e))?;
    Ok(document_response(&doc, bytes))
}

/// Takes a document off a piece of equipment and deletes it (`service.dispatch`).
#[utoipa::path(delete, path = "/api/v1/equipment/{id}/documents/{file}", tag = "engineering",
    params(("id" = i64, Path), ("file" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = EquipmentDetail), (status = 404, body = ErrorBody)))]
pub async fn equipment_document_remove(
    api: ApiCtx,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Json<EquipmentDetail>, ApiError> {
    let auth = api.authed()?;
    let d = ledger::remove_document(&api.ctx, &api.meta, auth, EquipmentId(id), file)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(d))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/equipment", get(equipment_list).post(equipment_create))
        .route("/equipment/{id}", get(equipment_get).put(equipment_update))
        .route("/equipment/{id}/plans", post(plan_create))
        .route("/equipment/{id}/maintenance", post(maintenance_create))
        .route("/equipment/{id}/photos/{file}", get(equipment_photo))
        .route(
            "/equipment/{id}/documents/{file}",
            get(equipment_document).delete(equipment_document_remove),
        )
        .route(
            "/equipment/{id}/maintenance/{record}/photos/{file}",
            get(maintenance_photo),
        )
        .route("/checkpoints", get(checkpoint_list).post(checkpoint_create))
        .route("/checkpoints/{id}", axum::routing::put(checkpoint_update))
        .route("/patrol-routes", get(route_list).post(route_create))
        .route("/patrol-routes/{id}", axum::routing::put(route_update))
        .route("/patrol-routes/{id}/active", axum::routing::put(route_active))
        .route("/rounds", get(round_list))
        .route("/inspections", get(result_list).post(result_create))
        .route("/inspections/{id}/photos/{file}", get(result_photo))
}
