//! `/api/v1/billing` routes: the same services as the pages, the same scope.
use super::counter::{self, NewPayment};
use super::model::{CollectionReport, PaymentRow, Receipt, RunReport, UnitAccount};
use crate::access::rest::{xlsx_download, ApiCtx, ApiError, ApiJson, ErrorBody};
use crate::db::AppCtx;
use crate::shared::ids::{OrgId, PaymentId};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

/// A report's scope, months and grouping.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
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
    responses((status = 201, body = PaymentRow), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn take_payment(
    api: ApiCtx,
    ApiJson(n): ApiJson<NewPayment>,
) -> Result<(StatusCode, Json<PaymentRow>), ApiError> {
    let auth = api.authed()?;
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

#[utoipa::path(post, path = "/api/v1/billing/units/{id}/prepaid-refunds", tag = "billing", params(("id" = i64, Path)),
    request_body = MoneyRequest, security(("bearer" = [])),
    responses((status = 201, body = Balance), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn refund_prepaid(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<MoneyRequest>,
) -> Result<(StatusCode, Json<Balance>), ApiError> {
    let auth = api.authed()?;
    let b = counter::refund_prepaid(&api.ctx, &api.meta, auth, id, &r.amount, &r.note)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(Balance { balance: b.0 })))
}

#[utoipa::path(post, path = "/api/v1/billing/units/{id}/deposits", tag = "billing", params(("id" = i64, Path)),
    request_body = MoneyRequest, security(("bearer" = [])),
    responses((status = 201, body = Balance), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn collect_deposit(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<MoneyRequest>,
) -> Result<(StatusCode, Json<Balance>), ApiError> {
    let auth = api.authed()?;
    let method = r.method.unwrap_or(super::model::PayMethod::Cash);
    let b = counter::collect_deposit(&api.ctx, &api.meta, auth, id, &r.purpose, &r.amount, method)
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
}
