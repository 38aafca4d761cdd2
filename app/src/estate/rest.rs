//! `/api/v1` routes of the property records. Same services as the pages, same scope.
use super::import::{self, ImportRequest};
use super::model::{BuildingPlan, ImportReport, Occupant, UnitRow, XLSX_TYPE};
use super::records::{self, BuildingCreated, NewOccupant, UnitFilter};
use crate::access::rest::{ApiCtx, ApiError, ApiJson, ErrorBody};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, UnitId};
use crate::shared::pagination::Page;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// Where workbooks are uploaded; the server allows this path a larger request body.
pub const IMPORT_PATH_PREFIX: &str = "/api/v1/imports/";

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitRow>,
    pub next: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitDetail {
    pub unit: UnitRow,
    pub occupants: Vec<Occupant>,
}

#[utoipa::path(get, path = "/api/v1/units", tag = "records", params(UnitFilter), security(("bearer" = [])),
    responses((status = 200, body = UnitPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn units(api: ApiCtx, Query(f): Query<UnitFilter>) -> Result<Json<UnitPage>, ApiError> {
    let auth = api.authed()?;
    let Page { items, next } = records::list_units(&api.ctx, &api.meta, auth, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(UnitPage { items, next }))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "records", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = UnitDetail), (status = 404, body = ErrorBody)))]
pub async fn unit(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<UnitDetail>, ApiError> {
    let auth = api.authed()?;
    let (unit, occupants) = records::unit_detail(&api.ctx, &api.meta, auth, UnitId(id))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(UnitDetail { unit, occupants }))
}

#[utoipa::path(post, path = "/api/v1/units/{id}/occupants", tag = "records", params(("id" = i64, Path)),
    request_body = NewOccupant, security(("bearer" = [])),
    responses((status = 201, body = Occupant), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_occupant(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(who): ApiJson<NewOccupant>,
) -> Result<(StatusCode, Json<Occupant>), ApiError> {
    let auth = api.authed()?;
    let o = records::add_occupant(&api.ctx, &api.meta, auth, UnitId(id), who)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(o)))
}

#[utoipa::path(post, path = "/api/v1/buildings", tag = "records", request_body = BuildingPlan, security(("bearer" = [])),
    responses((status = 201, body = BuildingCreated), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_building(
    api: ApiCtx,
    ApiJson(plan): ApiJson<BuildingPlan>,
) -> Result<(StatusCode, Json<BuildingCreated>), ApiError> {
    let auth = api.authed()?;
    let b = records::create_building(&api.ctx, &api.meta, auth, plan)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(b)))
}

#[utoipa::path(get, path = "/api/v1/me/homes", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = [super::model::Home]), (status = 401, body = ErrorBody)))]
pub async fn my_homes(api: ApiCtx) -> Result<Json<Vec<super::model::Home>>, ApiError> {
    let auth = api.authed()?;
    records::my_homes(&api.ctx, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

fn query<T>(api: &ApiCtx, q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(v)| v)
        .map_err(|_| api.err(AppError::validation("query", "err.bad_request")))
}

/// A workbook as a download.
fn xlsx_download(bytes: Vec<u8>, filename: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX_TYPE));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn yes() -> bool {
    true
}

/// Where and how to import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// The community the records go into (needs `people.write` and `org.write` over it).
    pub community_id: i64,
    /// `true` (the default): check and count, write nothing.
    #[serde(default = "yes")]
    pub dry_run: bool,
    /// Confirms that the people whose ID numbers the file holds agreed to their storage;
    /// required when there are any.
    #[serde(default)]
    pub id_consent: bool,
}

/// Imports units, owners, their relations, parking spaces and vehicles from an XLSX workbook
/// (the raw file is the body, at most 10 MB). A dry run answers 200 with what would be created
/// and every row-level error; a commit answers 201 when everything was written, or 422 with
/// the same report and nothing written. A file that is not a safe, readable workbook gets 422
/// (or 413 when too large) with an `ErrorBody`.
#[utoipa::path(post, path = "/api/v1/imports/records", tag = "records", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        description = "The workbook (`application/octet-stream` is accepted too)"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ImportReport, description = "Dry run: counts and errors"),
        (status = 201, body = ImportReport, description = "Committed"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody, description = "Over 10 MB"),
        (status = 415, body = ErrorBody, description = "Not sent as a workbook"),
        (status = 422, body = ImportReport, description = "Rows with errors, nothing written (an unreadable file gets an ErrorBody)"),
    ))]
pub async fn import_records(
    api: ApiCtx,
    q: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media != XLSX_TYPE && media != "application/octet-stream" {
        let mut r = api
            .err(AppError::validation("file", "err.import_content_type"))
            .into_response();
        *r.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        return Ok(r);
    }
    let limit = crate::shared::xlsx::Limits::default().max_file_bytes;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        let mut r = api
            .err(AppError::validation("file", "err.xlsx_file_too_large"))
            .into_response();
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        return Ok(r);
    };
    let req = ImportRequest {
        community_id: OrgId(q.community_id),
        dry_run: q.dry_run,
        id_consent: q.id_consent,
    };
    let report = import::import_records(&api.ctx, &api.meta, auth, api.locale, req, bytes.to_vec())
        .await
        .map_err(|e| api.err(e))?;
    let status = if report.committed {
        StatusCode::CREATED
    } else if q.dry_run {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

/// An empty import workbook: the five sheets' headers and one example row each.
#[utoipa::path(get, path = "/api/v1/imports/records/template.xlsx", tag = "records", security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ErrorBody)))]
pub async fn import_template(api: ApiCtx) -> Result<Response, ApiError> {
    api.authed()?;
    let bytes = import::template().map_err(|e| api.err(e))?;
    Ok(xlsx_download(bytes, "records-template.xlsx"))
}

/// Every unit matching the filters of `/api/v1/units` (all pages, at most 100 000) as a
/// workbook in the import's 房屋 layout; formula-like text is neutralised.
#[utoipa::path(get, path = "/api/v1/units/export.xlsx", tag = "records", params(UnitFilter), security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export_units(api: ApiCtx, q: Result<Query<UnitFilter>, QueryRejection>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let f = query(&api, q)?;
    let bytes = import::export_units(&api.ctx, &api.meta, auth, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(xlsx_download(bytes, "units.xlsx"))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/units", get(units))
        .route("/units/export.xlsx", get(export_units))
        .route("/imports/records", post(import_records))
        .route("/imports/records/template.xlsx", get(import_template))
        .route("/units/{id}", get(unit))
        .route("/units/{id}/occupants", post(add_occupant))
        .route("/buildings", post(create_building))
        .route("/me/homes", get(my_homes))
}
