//! `/api/v1` routes of the property records. Same services as the pages, same scope.
use super::model::{BuildingPlan, Occupant, UnitRow};
use super::records::{self, BuildingCreated, NewOccupant, UnitFilter};
use crate::access::rest::{ApiCtx, ApiError, ApiJson, ErrorBody};
use crate::db::AppCtx;
use crate::shared::ids::UnitId;
use crate::shared::pagination::Page;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

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

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/units", get(units))
        .route("/units/{id}", get(unit))
        .route("/units/{id}/occupants", post(add_occupant))
        .route("/buildings", post(create_building))
        .route("/me/homes", get(my_homes))
}
