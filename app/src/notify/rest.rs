//! `/api/v1/me/…` routes of notifications: the caller's inbox, devices and preferences.
use super::model::{Device, Inbox, Prefs};
use super::service::{self, NewSubscription};
use crate::db::AppCtx;
use crate::web::{ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Notices older than this id (the previous page's `next`).
    pub before: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notify", params(Page), security(("bearer" = [])),
    responses((status = 200, body = Inbox), (status = 401, body = ErrorBody)))]
pub async fn inbox(api: ApiCtx, Query(p): Query<Page>) -> Result<Json<Inbox>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        service::inbox(&api.ctx, auth, p.before, api.locale)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReadBody {
    /// Empty: all.
    #[serde(default)]
    pub ids: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "notify", request_body = ReadBody, security(("bearer" = [])),
    responses((status = 200, body = i64, content_type = "application/json", description = "unread left"), (status = 401, body = ErrorBody)))]
pub async fn read(api: ApiCtx, ApiJson(b): ApiJson<ReadBody>) -> Result<Json<i64>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        service::mark_read(&api.ctx, auth, &b.ids)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[utoipa::path(get, path = "/api/v1/me/devices", tag = "notify", security(("bearer" = [])),
    responses((status = 200, body = [Device]), (status = 401, body = ErrorBody)))]
pub async fn devices(api: ApiCtx) -> Result<Json<Vec<Device>>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(service::devices(&api.ctx, auth).await.map_err(|e| api.err(e))?))
}

#[utoipa::path(post, path = "/api/v1/me/devices", tag = "notify", request_body = NewSubscription, security(("bearer" = [])),
    responses((status = 201, body = Device), (status = 422, body = ErrorBody)))]
pub async fn subscribe(
    api: ApiCtx,
    ApiJson(s): ApiJson<NewSubscription>,
) -> Result<(StatusCode, Json<Device>), ApiError> {
    let auth = api.authed()?;
    let d = service::subscribe(&api.ctx, auth, s).await.map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[utoipa::path(delete, path = "/api/v1/me/devices/{id}", tag = "notify", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove(api: ApiCtx, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    let auth = api.authed()?;
    service::remove_device(&api.ctx, auth, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me/notify-prefs", tag = "notify", security(("bearer" = [])),
    responses((status = 200, body = Prefs)))]
pub async fn prefs(api: ApiCtx) -> Result<Json<Prefs>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(service::prefs(&api.ctx, auth).await.map_err(|e| api.err(e))?))
}

#[utoipa::path(put, path = "/api/v1/me/notify-prefs", tag = "notify", request_body = Prefs, security(("bearer" = [])),
    responses((status = 200, body = Prefs), (status = 422, body = ErrorBody)))]
pub async fn save_prefs(api: ApiCtx, ApiJson(p): ApiJson<Prefs>) -> Result<Json<Prefs>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        service::save_prefs(&api.ctx, auth, p).await.map_err(|e| api.err(e))?,
    ))
}

#[utoipa::path(post, path = "/api/v1/broadcasts", tag = "notify", request_body = super::broadcast::NewBroadcast, security(("bearer" = [])),
    responses((status = 201, body = super::model::BroadcastRow), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn broadcast(
    api: ApiCtx,
    ApiJson(b): ApiJson<super::broadcast::NewBroadcast>,
) -> Result<(StatusCode, Json<super::model::BroadcastRow>), ApiError> {
    let auth = api.authed()?;
    let r = super::broadcast::send(&api.ctx, &api.meta, auth, b)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[utoipa::path(get, path = "/api/v1/broadcasts", tag = "notify", security(("bearer" = [])),
    responses((status = 200, body = [super::model::BroadcastRow]), (status = 403, body = ErrorBody)))]
pub async fn broadcasts(api: ApiCtx) -> Result<Json<Vec<super::model::BroadcastRow>>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        super::broadcast::list(&api.ctx, &api.meta, auth)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/me/notifications", get(inbox))
        .route("/me/notifications/read", post(read))
        .route("/me/devices", get(devices).post(subscribe))
        .route("/me/devices/{id}", delete(remove))
        .route("/me/notify-prefs", get(prefs).put(save_prefs))
        .route("/broadcasts", get(broadcasts).post(broadcast))
}
