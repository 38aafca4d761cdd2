//! `/api/v1` routes of online payments, and the provider's webhook (`/webhooks/stripe`, outside
//! `/api/v1`: no session, no CSRF token; the signature is the authentication).
use super::model::{CheckoutStatus, CheckoutView, DisputeResolution, ReconcileReport};
use super::service::{self, WebhookRefusal};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::{BillLineId, PaymentId};
use crate::web::{ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

/// Lines of one home to pay online.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewCheckout {
    pub unit_id: i64,
    /// Empty: every open line of the home.
    #[serde(default)]
    pub lines: Vec<BillLineId>,
}

#[utoipa::path(post, path = "/api/v1/me/online-payments", tag = "payments", request_body = NewCheckout, security(("bearer" = [])),
    responses((status = 201, body = CheckoutView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn start(
    api: ApiCtx,
    ApiJson(n): ApiJson<NewCheckout>,
) -> Result<(StatusCode, Json<CheckoutView>), ApiError> {
    let auth = api.authed()?;
    let v = service::start_checkout(&api.ctx, &api.meta, auth, n.unit_id, &n.lines)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[utoipa::path(get, path = "/api/v1/payments/checkouts/{id}", tag = "payments", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = CheckoutView), (status = 404, body = ErrorBody)))]
pub async fn checkout(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<CheckoutView>, ApiError> {
    let auth = api.authed()?;
    let v = service::checkout(&api.ctx, &api.meta, auth, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `open`, `paid`, `expired`, … (empty: all).
    #[serde(default)]
    pub status: String,
}

#[utoipa::path(get, path = "/api/v1/payments/checkouts", tag = "payments", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = [CheckoutView]), (status = 403, body = ErrorBody)))]
pub async fn list(api: ApiCtx, Query(q): Query<ListQuery>) -> Result<Json<Vec<CheckoutView>>, ApiError> {
    let auth = api.authed()?;
    let status = match q.status.trim() {
        "" => None,
        s => Some(CheckoutStatus::parse(s).ok_or_else(|| api.err(AppError::validation("status", "err.invalid")))?),
    };
    let v = service::list(&api.ctx, &api.meta, auth, status)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(v))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefundBody {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/billing/payments/{id}/online-refund", tag = "payments", params(("id" = i64, Path)),
    request_body = RefundBody, security(("bearer" = [])),
    responses((status = 200, body = CheckoutView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn refund(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<RefundBody>,
) -> Result<Json<CheckoutView>, ApiError> {
    let auth = api.authed()?;
    let v = service::refund(&api.ctx, &api.meta, auth, PaymentId(id), &b.reason)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(v))
}

/// What staff decided about a disputed checkout.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResolveBody {
    pub resolution: DisputeResolution,
    /// Why (shown in the audit log), up to 200 characters.
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/payments/checkouts/{id}/resolve", tag = "payments", params(("id" = i64, Path)),
    request_body = ResolveBody, security(("bearer" = [])),
    responses((status = 200, body = CheckoutView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resolve(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ResolveBody>,
) -> Result<Json<CheckoutView>, ApiError> {
    let auth = api.authed()?;
    let v = service::resolve_dispute(&api.ctx, &api.meta, auth, id, b.resolution, &b.note)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(v))
}

#[utoipa::path(post, path = "/api/v1/payments/reconcile", tag = "payments", security(("bearer" = [])),
    responses((status = 200, body = ReconcileReport), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reconcile(api: ApiCtx) -> Result<Json<ReconcileReport>, ApiError> {
    let auth = api.authed()?;
    let v = service::reconcile_now(&api.ctx, &api.meta, auth)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(v))
}

/// Stripe's webhook. 200 once applied (or already applied); 400 when the signature or body is
/// wrong (Stripe shows it in the dashboard); 503 when it could not be stored now (Stripe
/// delivers again); 404 when online payment is off.
pub async fn stripe_webhook(State(ctx): State<AppCtx>, headers: HeaderMap, body: Bytes) -> Response {
    match service::webhook(&ctx, &headers, &body).await {
        Ok(outcome) => (
            StatusCode::OK,
            Json(serde_json::json!({ "received": true, "outcome": outcome })),
        )
            .into_response(),
        Err(WebhookRefusal::Off) => (StatusCode::NOT_FOUND, "online payment is not set up").into_response(),
        Err(WebhookRefusal::Bad(e)) => {
            tracing::warn!(error = ?e, "webhook refused");
            (StatusCode::BAD_REQUEST, format!("refused: {e:?}")).into_response()
        }
        Err(WebhookRefusal::Failed(e)) => {
            tracing::error!(error = %e, "webhook could not be applied");
            (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
        }
    }
}

/// Routes under `/api/v1`.
pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/me/online-payments", post(start))
        .route("/payments/checkouts", get(list))
        .route("/payments/checkouts/{id}", get(checkout))
        .route("/payments/checkouts/{id}/resolve", post(resolve))
        .route("/payments/reconcile", post(reconcile))
        .route("/billing/payments/{id}/online-refund", post(refund))
}

/// Routes at the root: the providers' webhooks.
pub fn webhooks() -> Router<AppCtx> {
    Router::new().route("/webhooks/stripe", post(stripe_webhook))
}
