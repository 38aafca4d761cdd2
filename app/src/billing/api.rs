//! Server functions of billing: authorize, call one service fn, map the error.
use super::model::*;
use crate::shared::error::AppError;
use crate::shared::ids::{BillLineId, ChargeItemId, OrgId, PaymentId, UserId};
use crate::shared::money::Money;
use leptos::prelude::*;

/// Org nodes the caller may bill or report on, depth-first.
#[server]
pub async fn billing_orgs() -> Result<Vec<crate::org::model::OrgChoice>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        crate::access::service::org_choices(&ctx, &meta, &auth, crate::access::model::Permission::BillingRead).await
    })
    .await
}

#[server]
pub async fn list_charge_items() -> Result<Vec<ItemRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::standards::list_items(&ctx, &meta, &auth).await).await
}

#[server]
#[allow(clippy::too_many_arguments)]
pub async fn create_charge_item(
    office_id: OrgId,
    code: String,
    name: String,
    category: String,
    standard: StandardInput,
) -> Result<ItemRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let n = super::standards::NewItem {
            office_id,
            code,
            name,
            category,
            standard,
        };
        super::standards::create_item(&ctx, &meta, &auth, n).await
    })
    .await
}

#[server]
pub async fn add_fee_standard(item: ChargeItemId, standard: StandardInput) -> Result<ItemRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::standards::add_standard(&ctx, &meta, &auth, item, standard).await)
        .await
}

#[server]
pub async fn preview_standard(office: OrgId, standard: StandardInput) -> Result<FormulaPreview, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::standards::preview(&ctx, &meta, &auth, office, standard).await)
        .await
}

#[server]
pub async fn assign_item(
    item: ChargeItemId,
    community_id: OrgId,
    #[server(default)] building_id: Option<i64>,
    #[server(default)] use_type: Option<String>,
) -> Result<ItemRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::standards::assign(&ctx, &meta, &auth, item, community_id, building_id, use_type).await
    })
    .await
}

#[server]
pub async fn unassign_item(assignment: i64) -> Result<ItemRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::standards::unassign(&ctx, &meta, &auth, assignment).await).await
}

#[server]
pub async fn get_billing_settings(office: OrgId) -> Result<BillingSettings, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::service::settings(&ctx, &meta, &auth, office).await).await
}

#[server]
pub async fn save_billing_settings(settings: BillingSettings) -> Result<BillingSettings, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::service::save_settings(&ctx, &meta, &auth, settings).await).await
}

/// Previews (`commit = false`) or generates a month's bills over an org subtree.
#[server]
pub async fn run_bills(org: OrgId, period: String, commit: bool) -> Result<RunReport, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::runs::bill_run(&ctx, &meta, &auth, org, &period, commit).await)
        .await
}

#[server]
pub async fn counter_search(q: String) -> Result<Vec<UnitHit>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::counter::find_units(&ctx, &meta, &auth, &q).await).await
}

#[server]
pub async fn load_unit_account(unit: i64) -> Result<UnitAccount, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::counter::unit_account(&ctx, &meta, &auth, unit).await).await
}

#[server]
pub async fn take_payment(
    unit: i64,
    lines: Vec<BillLineId>,
    method: PayMethod,
    amount: String,
    #[server(default)] prepay_item: Option<i64>,
    #[server(default)] note: String,
    #[server(default)] idempotency_key: Option<String>,
) -> Result<PaymentRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let n = super::counter::NewPayment {
            unit_id: unit,
            lines,
            method,
            amount,
            prepay_item,
            note,
            idempotency_key,
        };
        super::counter::take_payment(&ctx, &meta, &auth, n).await
    })
    .await
}

#[server]
pub async fn adjust_lines(
    kind: AdjustKind,
    lines: Vec<BillLineId>,
    #[server(default)] amount: Option<String>,
    reason: String,
) -> Result<u64, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::counter::adjust(&ctx, &meta, &auth, kind, &lines, amount.as_deref(), &reason).await
    })
    .await
}

/// Refunds part of a unit's general prepaid balance; returns the balance left.
#[server]
pub async fn refund_prepaid(
    unit: i64,
    amount: String,
    #[server(default)] note: String,
    #[server(default)] idempotency_key: Option<String>,
) -> Result<Money, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::counter::refund_prepaid(&ctx, &meta, &auth, unit, &amount, &note, idempotency_key.as_deref()).await
    })
    .await
}

/// Collects a deposit; returns the unit's deposits held.
#[server]
pub async fn collect_deposit(
    unit: i64,
    purpose: String,
    amount: String,
    method: PayMethod,
    #[server(default)] idempotency_key: Option<String>,
) -> Result<Money, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::counter::collect_deposit(
            &ctx,
            &meta,
            &auth,
            unit,
            &purpose,
            &amount,
            method,
            idempotency_key.as_deref(),
        )
        .await
    })
    .await
}

#[server]
pub async fn refund_deposit(deposit: i64) -> Result<Money, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::counter::refund_deposit(&ctx, &meta, &auth, deposit).await).await
}

#[server]
pub async fn reverse_payment(payment: PaymentId, reason: String) -> Result<PaymentRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::counter::reverse_payment(&ctx, &meta, &auth, payment, &reason).await
    })
    .await
}

#[server]
pub async fn get_receipt(payment: PaymentId) -> Result<Receipt, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::counter::receipt(&ctx, &meta, &auth, payment).await).await
}

#[server]
pub async fn load_day_end(
    #[server(default)] date: String,
    #[server(default)] cashier: Option<UserId>,
) -> Result<DayEnd, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::counter::day_end(&ctx, &meta, &auth, &date, cashier).await).await
}

#[server]
pub async fn close_period(office: OrgId, period: String) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::counter::close_period(&ctx, &meta, &auth, office, &period).await)
        .await
}

/// The signed-in resident's bills, one account per home (the current one first), with the
/// homes to switch between.
#[server]
pub async fn my_bills() -> Result<super::model::MyAccounts, AppError> {
    crate::web::serve(async |ctx, _meta, auth| {
        Ok(super::model::MyAccounts {
            accounts: super::counter::my_accounts(&ctx, &auth).await?,
            homes: crate::estate::service::home_choices(&ctx.db, auth.user_id).await?,
        })
    })
    .await
}

#[server]
pub async fn load_collection_report(
    org: OrgId,
    from: String,
    to: String,
    by: String,
) -> Result<CollectionReport, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::reports::collection(&ctx, &meta, &auth, org, &from, &to, &by).await
    })
    .await
}

/// A community's (or one building's) meters with their readings of a month (`period`
/// `YYYY-MM`, empty: this month).
#[server]
pub async fn load_meter_sheet(
    community: OrgId,
    #[server(default)] building: Option<i64>,
    #[server(default)] period: String,
) -> Result<MeterSheet, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::meters::meter_sheet(&ctx, &meta, &auth, community, building, &period).await
    })
    .await
}

/// Records (or corrects) a meter's reading of a month (`YYYY-MM`); answers with the usage
/// and what was flagged.
#[server]
pub async fn record_meter_reading(meter: i64, period: String, reading: String) -> Result<ReadingRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let period =
            super::charge::parse_period(&period).ok_or_else(|| AppError::validation("period", "err.period_invalid"))?;
        super::meters::record_reading(&ctx, &meta, &auth, meter, period, &reading).await
    })
    .await
}

/// Adds a unit meter (by unit number) or a shared meter (of a building or the community).
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn add_meter(
    community_id: OrgId,
    shared: bool,
    #[server(default)] unit: String,
    #[server(default)] building_id: Option<i64>,
    item_id: i64,
    code: String,
    kind: String,
    #[server(default)] apportion: Option<String>,
) -> Result<MeterRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let f = super::meters::MeterForm {
            community_id,
            shared,
            unit,
            building_id,
            item_id,
            code,
            kind,
            apportion,
        };
        super::meters::add_meter_form(&ctx, &meta, &auth, f).await
    })
    .await
}
