//! `/api/v1/billing` routes: the same services as the pages, the same scope.
use super::counter::{self, NewPayment};
use super::model::{
    BillingSettings, CollectionReport, MeterRow, MeterSheet, NewMeter, PaymentRow, ReadingImportReport, ReadingRow,
    Receipt, RunReport, UnitAccount,
};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, PaymentId};
use crate::web::{query, xlsx_download, ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// A report's scope, months and grouping.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Root of the org subtree.
    pub org: i64,
    /// First month, `YYYY-MM` (empty: January of `to`'s year).
    #[serde(default)]
    pub from: String,
    /// Last month, `YYYY-MM` (empty: this month).
    #[serde(default)]
    pub to: String,
    /// `tree`, `building`, `item` or `period`.
    #[serde(default = "tree")]
    pub by: String,
}

fn tree() -> String {
    "tree".into()
}

#[utoipa::path(get, path = "/api/v1/billing/reports/collection", tag = "billing", params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, body = CollectionReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn collection(api: ApiCtx, Query(q): Query<ReportQuery>) -> Result<Json<CollectionReport>, ApiError> {
    let auth = api.authed()?;
    let r = super::reports::collection(&api.ctx, &api.meta, auth, OrgId(q.org), &q.from, &q.to, &q.by)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(r))
}

#[utoipa::path(get, path = "/api/v1/billing/reports/collection.xlsx", tag = "billing", params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody)))]
pub async fn collection_xlsx(api: ApiCtx, Query(q): Query<ReportQuery>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let bytes = super::reports::collection_xlsx(&api.ctx, &api.meta, auth, OrgId(q.org), &q.from, &q.to, &q.by)
        .await
        .map_err(|e| api.err(e))?;
    Ok(xlsx_download(bytes, "collection.xlsx"))
}

#[utoipa::path(get, path = "/api/v1/billing/units/{id}/account", tag = "billing", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = UnitAccount), (status = 404, body = ErrorBody)))]
pub async fn account(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<UnitAccount>, ApiError> {
    let auth = api.authed()?;
    let a = counter::unit_account(&api.ctx, &api.meta, auth, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(a))
}

#[utoipa::path(post, path = "/api/v1/billing/payments", tag = "billing", request_body = NewPayment, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "The same key on every retry of one payment: a repeat answers with the first receipt and books nothing (8–64 of A–Z a–z 0–9 - _ .)")),
    responses((status = 201, body = PaymentRow), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn take_payment(
    api: ApiCtx,
    headers: HeaderMap,
    ApiJson(mut n): ApiJson<NewPayment>,
) -> Result<(StatusCode, Json<PaymentRow>), ApiError> {
    let auth = api.authed()?;
    if n.idempotency_key.is_none() {
        n.idempotency_key = idempotency_key(&headers);
    }
    let p = counter::take_payment(&api.ctx, &api.meta, auth, n)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(p)))
}

#[utoipa::path(get, path = "/api/v1/billing/payments/{id}/receipt", tag = "billing", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Receipt), (status = 404, body = ErrorBody)))]
pub async fn receipt(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<Receipt>, ApiError> {
    let auth = api.authed()?;
    let r = counter::receipt(&api.ctx, &api.meta, auth, PaymentId(id))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(r))
}

/// The `Idempotency-Key` header, when sent (checked by `db::idem`).
fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Money out of a unit's general prepaid balance, or a deposit collected.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MoneyRequest {
    /// Yuan, e.g. `500.00`.
    pub amount: String,
    /// For a deposit: what it secures (e.g. 装修押金).
    #[serde(default)]
    pub purpose: String,
    /// For a deposit: how it was paid (`cash`, `pos`, `transfer`, `other`).
    #[serde(default)]
    pub method: Option<super::model::PayMethod>,
    #[serde(default)]
    pub note: String,
}

/// A balance after a movement, in fen.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Balance {
    pub balance: i64,
}

#[utoipa::path(post, path = "/api/v1/billing/units/{id}/prepaid-refunds", tag = "billing",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "The same key on every retry: a repeat books nothing")),
    request_body = MoneyRequest, security(("bearer" = [])),
    responses((status = 201, body = Balance), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn refund_prepaid(
    api: ApiCtx,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<MoneyRequest>,
) -> Result<(StatusCode, Json<Balance>), ApiError> {
    let auth = api.authed()?;
    let key = idempotency_key(&headers);
    let b = counter::refund_prepaid(&api.ctx, &api.meta, auth, id, &r.amount, &r.note, key.as_deref())
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(Balance { balance: b.0 })))
}

#[utoipa::path(post, path = "/api/v1/billing/units/{id}/deposits", tag = "billing",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "The same key on every retry: a repeat books nothing")),
    request_body = MoneyRequest, security(("bearer" = [])),
    responses((status = 201, body = Balance), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn collect_deposit(
    api: ApiCtx,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<MoneyRequest>,
) -> Result<(StatusCode, Json<Balance>), ApiError> {
    let auth = api.authed()?;
    let method = r.method.unwrap_or(super::model::PayMethod::Cash);
    let key = idempotency_key(&headers);
    let b = counter::collect_deposit(
        &api.ctx,
        &api.meta,
        auth,
        id,
        &r.purpose,
        &r.amount,
        method,
        key.as_deref(),
    )
    .await
    .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(Balance { balance: b.0 })))
}

#[utoipa::path(post, path = "/api/v1/billing/deposits/{id}/refund", tag = "billing", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = Balance), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn refund_deposit(api: ApiCtx, Path(id): Path<i64>) -> Result<(StatusCode, Json<Balance>), ApiError> {
    let auth = api.authed()?;
    let b = counter::refund_deposit(&api.ctx, &api.meta, auth, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(Balance { balance: b.0 })))
}

/// A bill run request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RunRequest {
    pub org: i64,
    /// `YYYY-MM`.
    pub period: String,
    /// `false` previews without storing anything.
    #[serde(default)]
    pub commit: bool,
}

#[utoipa::path(post, path = "/api/v1/billing/runs", tag = "billing", request_body = RunRequest, security(("bearer" = [])),
    responses((status = 200, body = RunReport), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn run(api: ApiCtx, ApiJson(r): ApiJson<RunRequest>) -> Result<Json<RunReport>, ApiError> {
    let auth = api.authed()?;
    let rep = super::runs::bill_run(&api.ctx, &api.meta, auth, OrgId(r.org), &r.period, r.commit)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(rep))
}

#[utoipa::path(get, path = "/api/v1/me/bills", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = [UnitAccount]), (status = 401, body = ErrorBody)))]
pub async fn my_bills(api: ApiCtx) -> Result<Json<Vec<UnitAccount>>, ApiError> {
    let auth = api.authed()?;
    let a = counter::my_accounts(&api.ctx, auth).await.map_err(|e| api.err(e))?;
    Ok(Json(a))
}

/// Which meters and month.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    pub community_id: i64,
    /// Only the meters of this building.
    #[serde(default)]
    pub building_id: Option<i64>,
    /// `YYYY-MM` (empty: this month).
    #[serde(default)]
    pub period: String,
}

/// A community's meters with their readings of a month, the last reading before it, and why
/// a reading can no longer change.
#[utoipa::path(get, path = "/api/v1/billing/meters", tag = "billing", params(SheetQuery), security(("bearer" = [])),
    responses((status = 200, body = MeterSheet), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn meter_sheet(
    api: ApiCtx,
    q: Result<Query<SheetQuery>, QueryRejection>,
) -> Result<Json<MeterSheet>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let s = super::meters::meter_sheet(
        &api.ctx,
        &api.meta,
        auth,
        OrgId(q.community_id),
        q.building_id,
        &q.period,
    )
    .await
    .map_err(|e| api.err(e))?;
    Ok(Json(s))
}

#[utoipa::path(post, path = "/api/v1/billing/meters", tag = "billing", request_body = NewMeter, security(("bearer" = [])),
    responses((status = 201, body = MeterRow), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_meter(api: ApiCtx, ApiJson(n): ApiJson<NewMeter>) -> Result<(StatusCode, Json<MeterRow>), ApiError> {
    let auth = api.authed()?;
    let m = super::meters::add_meter(&api.ctx, &api.meta, auth, n)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// A meter's reading of a month.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReadingRequest {
    /// `YYYY-MM`.
    pub period: String,
    /// The number on the meter, at most two decimals, e.g. `1250.80`.
    pub reading: String,
}

/// Records (or corrects, while the month is neither billed nor closed) a meter's reading.
#[utoipa::path(post, path = "/api/v1/billing/meters/{id}/readings", tag = "billing", params(("id" = i64, Path)),
    request_body = ReadingRequest, security(("bearer" = [])),
    responses((status = 200, body = ReadingRow), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_reading(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ReadingRequest>,
) -> Result<Json<ReadingRow>, ApiError> {
    let auth = api.authed()?;
    let period = super::charge::parse_period(&r.period)
        .ok_or_else(|| api.err(AppError::validation("period", "err.period_invalid")))?;
    let row = super::meters::record_reading(&api.ctx, &api.meta, auth, id, period, &r.reading)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(row))
}

/// Where and how to import readings.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingImportQuery {
    pub community_id: i64,
    /// The month of rows whose 月份 is empty, `YYYY-MM` (empty: this month).
    #[serde(default)]
    pub period: String,
    /// `true`: check and count, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// A refused import: the report with every row's errors, or an `ErrorBody` when the file or
/// the query could not be read at all (documentation only: both are sent with 422).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ReadingImportRejected {
    Report(ReadingImportReport),
    Error(ErrorBody),
}

/// Imports meter readings from an XLSX workbook (the raw file is the body, at most 10 MB),
/// all or nothing: 201 when every reading was stored (flagged ones listed), 200 for a dry run,
/// 422 with every row-level error and nothing stored. A file that is not a safe, readable
/// workbook gets 422 (or 413 when too large) with an `ErrorBody`.
#[utoipa::path(post, path = "/api/v1/imports/readings", tag = "billing", params(ReadingImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        description = "The workbook (`application/octet-stream` is accepted too)"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReadingImportReport, description = "Dry run: counts, flags and errors"),
        (status = 201, body = ReadingImportReport, description = "Stored"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody, description = "Over 10 MB"),
        (status = 415, body = ErrorBody, description = "Not sent as a workbook"),
        (status = 422, body = ReadingImportRejected, description = "Rows with errors, nothing stored; or an ErrorBody for an unreadable file or a bad query"),
    ))]
pub async fn import_readings(
    api: ApiCtx,
    q: Result<Query<ReadingImportQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let bytes = match crate::web::xlsx_upload(&api, &headers, body).await {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let req = super::readings_import::ImportRequest {
        community_id: OrgId(q.community_id),
        period: q.period,
        dry_run: q.dry_run,
    };
    let report = super::readings_import::import_readings(&api.ctx, &api.meta, auth, api.locale, req, bytes)
        .await
        .map_err(|e| api.err(e))?;
    let status = if report.committed {
        StatusCode::CREATED
    } else if q.dry_run && report.error_count == 0 {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

/// Which community's meters the template lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// List this community's meters (without it: one example row).
    #[serde(default)]
    pub community_id: Option<i64>,
    /// `YYYY-MM` (empty: this month).
    #[serde(default)]
    pub period: String,
}

/// The readings workbook: a community's meters with their last reading, 读数 to fill in.
#[utoipa::path(get, path = "/api/v1/imports/readings/template.xlsx", tag = "billing", params(TemplateQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn readings_template(
    api: ApiCtx,
    q: Result<Query<TemplateQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let bytes = super::readings_import::template(&api.ctx, &api.meta, auth, q.community_id.map(OrgId), &q.period)
        .await
        .map_err(|e| api.err(e))?;
    Ok(xlsx_download(bytes, "readings-template.xlsx"))
}

#[utoipa::path(get, path = "/api/v1/billing/offices/{id}/settings", tag = "billing", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BillingSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_settings(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<BillingSettings>, ApiError> {
    let auth = api.authed()?;
    let s = super::service::settings(&api.ctx, &api.meta, auth, OrgId(id))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(s))
}

/// Replaces an office's billing rules (the office is the one in the path).
#[utoipa::path(put, path = "/api/v1/billing/offices/{id}/settings", tag = "billing", params(("id" = i64, Path)),
    request_body = BillingSettings, security(("bearer" = [])),
    responses((status = 200, body = BillingSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(s): ApiJson<BillingSettings>,
) -> Result<Json<BillingSettings>, ApiError> {
    let auth = api.authed()?;
    let s = BillingSettings {
        office_id: OrgId(id),
        ..s
    };
    let s = super::service::save_settings(&api.ctx, &api.meta, auth, s)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(s))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/billing/reports/collection", get(collection))
        .route("/billing/reports/collection.xlsx", get(collection_xlsx))
        .route("/billing/units/{id}/account", get(account))
        .route("/billing/payments", post(take_payment))
        .route("/billing/payments/{id}/receipt", get(receipt))
        .route("/billing/runs", post(run))
        .route("/billing/units/{id}/prepaid-refunds", post(refund_prepaid))
        .route("/billing/units/{id}/deposits", post(collect_deposit))
        .route("/billing/deposits/{id}/refund", post(refund_deposit))
        .route("/me/bills", get(my_bills))
        .route("/billing/meters", get(meter_sheet).post(add_meter))
        .route("/billing/meters/{id}/readings", post(record_reading))
        .route("/billing/offices/{id}/settings", get(get_settings).put(put_settings))
        .route("/imports/readings", post(import_readings))
        .route("/imports/readings/template.xlsx", get(readings_template))
}
