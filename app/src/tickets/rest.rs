//! `/api/v1` routes of service tickets, as thin as the server functions.
use super::model::*;
use super::{act, lists, submit};
use crate::db::AppCtx;
use crate::web::{query, ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(ListFilter), security(("bearer" = [])),
    responses((status = 200, body = TicketPage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(api: ApiCtx, q: Result<Query<ListFilter>, QueryRejection>) -> Result<Json<TicketPage>, ApiError> {
    let auth = api.authed()?;
    let f = query(&api, q)?;
    Ok(Json(
        lists::staff_list(&api.ctx, &api.meta, auth, f)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Before {
    /// Tickets older than this id (the previous page's `next`).
    pub before: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/me/tickets", tag = "tickets", params(Before), security(("bearer" = [])),
    responses((status = 200, body = TicketPage), (status = 401, body = ErrorBody)))]
pub async fn mine(api: ApiCtx, q: Result<Query<Before>, QueryRejection>) -> Result<Json<TicketPage>, ApiError> {
    let auth = api.authed()?;
    let b = query(&api, q)?;
    Ok(Json(
        lists::my_tickets(&api.ctx, auth, b.before)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TicketCreated {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = NewTicket, security(("bearer" = [])),
    responses((status = 201, body = TicketCreated), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit(
    api: ApiCtx,
    ApiJson(n): ApiJson<NewTicket>,
) -> Result<(StatusCode, Json<TicketCreated>), ApiError> {
    let auth = api.authed()?;
    let id = submit::submit(&api.ctx, &api.meta, auth, n)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(TicketCreated { id })))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = TicketDetail), (status = 404, body = ErrorBody)))]
pub async fn detail(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<TicketDetail>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        lists::detail(&api.ctx, &api.meta, auth, id)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/actions", tag = "tickets", params(("id" = i64, Path)), request_body = ActInput, security(("bearer" = [])),
    responses((status = 200, body = TicketDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<ActInput>,
) -> Result<Json<TicketDetail>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        act::act(&api.ctx, &api.meta, auth, id, a)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// The 320 px thumbnail instead of the full photo.
    #[serde(default)]
    pub thumb: bool,
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/events/{event}/photos/{file}", tag = "tickets",
    params(("id" = i64, Path), ("event" = i64, Path), ("file" = i64, Path), PhotoQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn photo(
    api: ApiCtx,
    Path((id, event, file)): Path<(i64, i64, i64)>,
    q: Result<Query<PhotoQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    use axum::http::{header, HeaderValue};
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let bytes = lists::photo(&api.ctx, &api.meta, auth, id, event, file, q.thumb)
        .await
        .map_err(|e| api.err(e))?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    // Private: photos of homes are never cached by shared caches.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Org node to report on (default: the whole scope).
    pub root: Option<i64>,
    /// Day of the daily report, YYYY-MM-DD (default: today, China time).
    pub date: Option<String>,
    /// Month of the technician and satisfaction reports, YYYYMM (default: this month).
    pub period: Option<i32>,
    /// `xlsx` for a workbook.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/service/reports", tag = "tickets", params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, body = ReportBundle), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reports(api: ApiCtx, q: Result<Query<ReportQuery>, QueryRejection>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let date = match q.date.as_deref() {
        Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .map_err(|_| api.err(crate::shared::error::AppError::validation("date", "err.date_invalid")))?,
        None => crate::shared::time::today_cn(),
    };
    let period = q.period.unwrap_or_else(crate::billing::service::current_period);
    let b = super::reports::bundle(&api.ctx, &api.meta, auth, q.root, date, period)
        .await
        .map_err(|e| api.err(e))?;
    if q.format.as_deref() == Some("xlsx") {
        let loc = api.locale.code();
        let bytes = super::reports::workbook(&b, |k| crate::shared::i18n::tr_in(loc, k)).map_err(|e| api.err(e))?;
        return Ok(crate::web::xlsx_download(bytes, &format!("service-{date}.xlsx")));
    }
    Ok(Json(b).into_response())
}

#[utoipa::path(get, path = "/api/v1/service/offices/{office}", tag = "tickets", params(("office" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = OfficeSetup), (status = 403, body = ErrorBody)))]
pub async fn setup(api: ApiCtx, Path(office): Path<i64>) -> Result<Json<OfficeSetup>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        super::config::office_setup(&api.ctx, &api.meta, auth, office)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[utoipa::path(put, path = "/api/v1/service/offices/{office}/settings", tag = "tickets", params(("office" = i64, Path)), request_body = ServiceSettings, security(("bearer" = [])),
    responses((status = 200, body = ServiceSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_settings(
    api: ApiCtx,
    Path(office): Path<i64>,
    ApiJson(s): ApiJson<ServiceSettings>,
) -> Result<Json<ServiceSettings>, ApiError> {
    let auth = api.authed()?;
    let s = ServiceSettings { office_id: office, ..s };
    Ok(Json(
        super::config::save_settings(&api.ctx, &api.meta, auth, s)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[utoipa::path(post, path = "/api/v1/service/offices/{office}/prices", tag = "tickets", params(("office" = i64, Path)), request_body = PriceItem, security(("bearer" = [])),
    responses((status = 200, body = PriceItem), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_price(
    api: ApiCtx,
    Path(office): Path<i64>,
    ApiJson(p): ApiJson<PriceItem>,
) -> Result<Json<PriceItem>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        super::config::save_price(&api.ctx, &api.meta, auth, office, p)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

#[utoipa::path(post, path = "/api/v1/service/offices/{office}/teams", tag = "tickets", params(("office" = i64, Path)), request_body = Team, security(("bearer" = [])),
    responses((status = 200, body = [Team]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_team(
    api: ApiCtx,
    Path(office): Path<i64>,
    ApiJson(t): ApiJson<Team>,
) -> Result<Json<Vec<Team>>, ApiError> {
    let auth = api.authed()?;
    Ok(Json(
        super::config::save_team(&api.ctx, &api.meta, auth, office, t)
            .await
            .map_err(|e| api.err(e))?,
    ))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/tickets", get(list).post(submit))
        .route("/me/tickets", get(mine))
        .route("/tickets/{id}", get(detail))
        .route("/tickets/{id}/actions", post(act))
        .route("/tickets/{id}/events/{event}/photos/{file}", get(photo))
        .route("/service/reports", get(reports))
        .route("/service/offices/{office}", get(setup))
        .route("/service/offices/{office}/settings", put(save_settings))
        .route("/service/offices/{office}/prices", post(save_price))
        .route("/service/offices/{office}/teams", post(save_team))
}
