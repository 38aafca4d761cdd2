//! Server functions of online payments: authorize, call one service fn, map the error.
use super::model::*;
use crate::shared::error::AppError;
use crate::shared::ids::{BillLineId, PaymentId};
use leptos::prelude::*;

/// Whether residents can pay online here.
#[server]
pub async fn get_online_setup() -> Result<OnlineSetup, AppError> {
    crate::web::serve(async |ctx, _, _| Ok(super::service::setup(&ctx))).await
}

/// Opens (or reuses) a checkout for `lines` of `unit` (all open lines when empty), or for the
/// one line `only` (a line's 只缴这一笔 posted before the WASM arrived). A plain form post goes
/// on to the checkout's page.
#[server]
pub async fn start_online_payment(
    unit: i64,
    #[server(default)] lines: Vec<BillLineId>,
    #[server(default)] only: Option<BillLineId>,
) -> Result<CheckoutView, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let lines = only.map(|l| vec![l]).unwrap_or(lines);
        let v = super::service::start_checkout(&ctx, &meta, &auth, unit, &lines).await?;
        // To this site's checkout page, which links on to the provider: the pages' CSP
        // (`form-action 'self'`) stops a form's redirect to another site.
        crate::web::server_fn::form_redirect(&format!("/pay/online/{}", v.id));
        Ok(v)
    })
    .await
}

#[server]
pub async fn load_checkout(id: i64) -> Result<CheckoutView, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::service::checkout(&ctx, &meta, &auth, id).await).await
}

#[server]
pub async fn list_online_payments(
    #[server(default)] status: Option<CheckoutStatus>,
) -> Result<Vec<CheckoutView>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::service::list(&ctx, &meta, &auth, status).await).await
}

#[server]
pub async fn refund_online_payment(payment: PaymentId, reason: String) -> Result<CheckoutView, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::service::refund(&ctx, &meta, &auth, payment, &reason).await).await
}

#[server]
pub async fn reconcile_payments() -> Result<ReconcileReport, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::service::reconcile_now(&ctx, &meta, &auth).await).await
}

/// Staff decide a disputed checkout: book what arrived, or record that it was sent back.
#[server]
pub async fn resolve_online_dispute(
    checkout: i64,
    resolution: DisputeResolution,
    note: String,
) -> Result<CheckoutView, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::service::resolve_dispute(&ctx, &meta, &auth, checkout, resolution, &note).await
    })
    .await
}
