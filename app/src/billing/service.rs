//! (ssr) The billing facade other areas call (settings, closed periods, the office of a
//! community) and the helpers every billing use case shares.
use super::model::BillingSettings;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, Scope};
use crate::db::entities::{billing_settings, period_closes};
use crate::db::AppCtx;
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use chrono::Utc;
use sea_orm::prelude::*;

/// The current month as `YYYYMM` in China time.
pub fn current_period() -> i32 {
    super::charge::period_of(crate::shared::time::today_cn())
}

/// An office's billing rules (defaults until staff change them).
pub async fn settings_of<C: ConnectionTrait>(c: &C, office: OrgId) -> Result<BillingSettings, AppError> {
    Ok(
        match billing_settings::Entity::find()
            .filter(billing_settings::Column::OfficeId.eq(office.0))
            .one(c)
            .await?
        {
            Some(s) => BillingSettings {
                office_id: OrgId(s.office_id),
                late_fee_mode: s.late_fee_mode,
                late_fee_rate: s.late_fee_rate.max(0) as u32,
                grace_days: s.grace_days.max(0) as u32,
                due_day: s.due_day.clamp(1, 31) as u32,
                receipt_prefix: s.receipt_prefix,
                vacant_relief_bp: s.vacant_relief_bp.clamp(0, 10_000) as u32,
                prepay_months: s.prepay_months.max(0) as u32,
                prepay_discount_bp: s.prepay_discount_bp.clamp(0, 10_000) as u32,
            },
            None => BillingSettings::defaults(office),
        },
    )
}

/// Refuses a change to `period` of `office` once the month is closed (月结).
pub async fn ensure_open<C: ConnectionTrait>(c: &C, office: OrgId, period: i32) -> Result<(), AppError> {
    let closed = period_closes::Entity::find()
        .filter(period_closes::Column::OfficeId.eq(office.0))
        .filter(period_closes::Column::Period.gte(period))
        .one(c)
        .await?;
    match closed {
        Some(_) => Err(AppError::conflict("period", "err.period_closed")),
        None => Ok(()),
    }
}

/// The latest closed month of an office, if any.
pub async fn last_closed<C: ConnectionTrait>(c: &C, office: OrgId) -> Result<Option<i32>, AppError> {
    use sea_orm::QueryOrder;
    Ok(period_closes::Entity::find()
        .filter(period_closes::Column::OfficeId.eq(office.0))
        .order_by_desc(period_closes::Column::Period)
        .one(c)
        .await?
        .map(|p| p.period))
}

/// Checks that `office` is an office (管理处) the caller holds `perm` over.
pub async fn require_office(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    office: OrgId,
) -> Result<Scope, AppError> {
    let scope = access::require_over(ctx, meta, auth, perm, office).await?;
    match crate::org::service::get(&ctx.db, office).await? {
        Some(n) if n.kind == OrgKind::Office => Ok(scope),
        Some(_) => Err(AppError::validation("office_id", "err.not_an_office")),
        None => Err(AppError::NotFound),
    }
}

/// An office's billing rules, for staff who may read its billing.
pub async fn settings(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    office: OrgId,
) -> Result<BillingSettings, AppError> {
    require_office(ctx, meta, auth, Permission::BillingRead, office).await?;
    settings_of(&ctx.db, office).await
}

/// Saves an office's billing rules. Errors: `Forbidden` without `billing.manage` over the
/// office, `Validation` naming the field that breaks a rule (see [`super::model::SettingsInput`]).
pub async fn save_settings(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    s: BillingSettings,
) -> Result<BillingSettings, AppError> {
    use crate::audit::service::{self as audit, AuditEntry};
    use sea_orm::ActiveValue::Set;
    require_office(ctx, meta, auth, Permission::BillingManage, s.office_id).await?;
    if !matches!(s.late_fee_mode.as_str(), "none" | "daily") {
        return Err(AppError::validation("late_fee_mode", "err.bad_request"));
    }
    if s.late_fee_rate > 100 {
        return Err(AppError::validation("late_fee_rate", "err.late_fee_rate"));
    }
    if s.grace_days > 365 {
        return Err(AppError::validation("grace_days", "err.grace_days"));
    }
    if !(1..=28).contains(&s.due_day) {
        return Err(AppError::validation("due_day", "err.due_day"));
    }
    let prefix = s.receipt_prefix.trim().to_uppercase();
    if !super::model::receipt_prefix_ok(&prefix) {
        return Err(AppError::validation("receipt_prefix", "err.receipt_prefix"));
    }
    if s.vacant_relief_bp > 10_000 {
        return Err(AppError::validation("vacant_relief_bp", "err.percent"));
    }
    if s.prepay_discount_bp > 10_000 {
        return Err(AppError::validation("prepay_discount_bp", "err.percent"));
    }
    if s.prepay_months > 36 {
        return Err(AppError::validation("prepay_months", "err.prepay_months"));
    }
    let actor = access::actor_label(&ctx.db, auth.user_id).await;
    let s = BillingSettings {
        receipt_prefix: prefix,
        ..s
    };
    let saved = s.clone();
    crate::with_txn!(ctx.db, |txn| {
        let existing = billing_settings::Entity::find()
            .filter(billing_settings::Column::OfficeId.eq(s.office_id.0))
            .one(&txn)
            .await?;
        let mut am = match existing {
            Some(row) => row.into(),
            None => billing_settings::ActiveModel {
                office_id: Set(s.office_id.0),
                ..Default::default()
            },
        };
        am.late_fee_mode = Set(s.late_fee_mode.clone());
        am.late_fee_rate = Set(s.late_fee_rate as i32);
        am.grace_days = Set(s.grace_days as i32);
        am.due_day = Set(s.due_day as i32);
        am.receipt_prefix = Set(s.receipt_prefix.clone());
        am.vacant_relief_bp = Set(s.vacant_relief_bp as i32);
        am.prepay_months = Set(s.prepay_months as i32);
        am.prepay_discount_bp = Set(s.prepay_discount_bp as i32);
        am.updated_by = Set(auth.user_id.0);
        am.updated_at = Set(Utc::now());
        am.save(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.settings", "org", s.office_id.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(s.office_id))
                .summary(serde_json::to_value(&s).unwrap_or_default()),
        )
        .await?;
        Ok(())
    })?;
    Ok(saved)
}

/// `CAST(SUM(col) AS BIGINT)`: PostgreSQL sums `bigint` to `numeric`; money stays `i64`.
pub fn sum_i64(col: impl sea_orm::ColumnTrait) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::{Alias, Expr, Func};
    Func::cast_as(Func::sum(Expr::col(col.as_column_ref())), Alias::new("BIGINT")).into()
}

/// A one-off charge raised by another area (a chargeable repair): one bill line for `unit` in
/// the current month under the office's item `item_code` (created on first use with a fixed
/// standard), paid like any other line. Idempotent by `source` (e.g. `ticket:42`): raising the
/// same source twice returns the first line. Runs inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn charge_once<C: ConnectionTrait>(
    c: &C,
    office: i64,
    unit: i64,
    item_code: &str,
    item_name: &str,
    amount: crate::shared::money::Money,
    detail: &str,
    source: &str,
    by: crate::shared::ids::UserId,
) -> Result<i64, AppError> {
    use crate::db::entities::{bill_lines, charge_items, fee_standards};
    use sea_orm::ActiveValue::Set;
    if amount.fen() <= 0 {
        return Err(AppError::validation("charge", "err.charge_not_positive"));
    }
    if let Some(l) = bill_lines::Entity::find()
        .filter(bill_lines::Column::UnitId.eq(unit))
        .filter(bill_lines::Column::Source.eq(source))
        .one(c)
        .await?
    {
        return Ok(l.id);
    }
    let period = current_period();
    ensure_open(c, OrgId(office), period).await?;
    let now = Utc::now();
    let item = match charge_items::Entity::find()
        .filter(charge_items::Column::OfficeId.eq(office))
        .filter(charge_items::Column::Code.eq(item_code))
        .one(c)
        .await?
    {
        Some(i) => i,
        None => {
            charge_items::ActiveModel {
                office_id: Set(office),
                code: Set(item_code.into()),
                name: Set(item_name.into()),
                category: Set("service".into()),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(c)
            .await?
        }
    };
    let standard = match fee_standards::Entity::find()
        .filter(fee_standards::Column::ItemId.eq(item.id))
        .one(c)
        .await?
    {
        Some(s) => s.id,
        None => {
            fee_standards::ActiveModel {
                item_id: Set(item.id),
                effective_from: Set(crate::shared::time::today_cn()),
                basis: Set(super::charge::Basis::Fixed.code().into()),
                price: Set(0),
                tiers: Set("[]".into()),
                formula: Set(String::new()),
                round_mode: Set(super::model::RoundMode::HalfUp.code().into()),
                round_to: Set(super::model::RoundTo::Fen.code().into()),
                created_by: Set(by.0),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(c)
            .await?
            .id
        }
    };
    let (from, to) = super::charge::month_bounds(period).ok_or(AppError::Internal)?;
    let units = crate::estate::service::unit_briefs(c, &[unit]).await?;
    let brief = units.first().ok_or(AppError::NotFound)?;
    let bu = crate::estate::service::billable_units(c, &[brief.community_id], Some(&[unit]), from, to).await?;
    let payer = bu.first().and_then(|b| super::plan::payer_and_days(b, period));
    let settings = settings_of(c, OrgId(office)).await?;
    let due = super::charge::due_date(period, settings.due_day).unwrap_or(to);
    let line = bill_lines::ActiveModel {
        office_id: Set(office),
        community_id: Set(brief.community_id),
        building_id: Set(brief.building_id),
        unit_id: Set(unit),
        item_id: Set(item.id),
        standard_id: Set(standard),
        period: Set(period),
        payer_person_id: Set(payer.as_ref().map(|p| p.0)),
        payer_name: Set(payer.map(|p| p.1).unwrap_or_default()),
        quantity: Set("1".into()),
        detail: Set(serde_json::to_string(&super::model::LineNote {
            note: Some(detail.to_string()),
            ..Default::default()
        })
        .map_err(|_| AppError::Internal)?),
        gross: Set(amount.fen()),
        discount: Set(0),
        amount: Set(amount.fen()),
        paid: Set(0),
        adjusted: Set(0),
        due_date: Set(due.max(crate::shared::time::today_cn())),
        run_id: Set(None),
        late_fee_waived: Set(false),
        source: Set(source.into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| crate::db::map_unique(e, "charge", "err.charge_exists"))?;
    Ok(line.id)
}

// ---------------------------------------------------------------- online payment
// What the payments area asks of billing: it keeps its checkouts and refunds, and reaches bill
// lines and receipts only through these.

/// A bill line to pay online: what it owes today and how residents read it.
#[derive(Debug, Clone)]
pub struct PayableLine {
    pub id: crate::shared::ids::BillLineId,
    pub principal: crate::shared::money::Money,
    pub late_fee: crate::shared::money::Money,
    pub row: super::model::LineRow,
}

/// The lines of `unit` to pay online, oldest first: the given ones (each the unit's and still
/// owing) or, when `lines` is empty, every line that still owes; with the principal and the late
/// fee owed today under `office`'s rules. Errors: `Validation{lines}` when a line is not the
/// unit's, `Conflict{lines}` when one was settled meanwhile or nothing is owed.
pub async fn payable_lines<C: ConnectionTrait>(
    c: &C,
    unit: i64,
    lines: &[crate::shared::ids::BillLineId],
    office: i64,
    today: chrono::NaiveDate,
) -> Result<Vec<PayableLine>, AppError> {
    use crate::db::entities::bill_lines;
    use crate::shared::money::Money;
    let mut q = bill_lines::Entity::find().filter(bill_lines::Column::UnitId.eq(unit));
    if !lines.is_empty() {
        q = q.filter(bill_lines::Column::Id.is_in(lines.iter().map(|l| l.0).collect::<Vec<_>>()));
    }
    let mut rows: Vec<bill_lines::Model> = q.all(c).await?;
    if !lines.is_empty() && rows.len() != lines.len() {
        return Err(AppError::validation("lines", "err.lines_not_of_unit"));
    }
    rows.retain(|l| l.amount - l.paid - l.adjusted > 0);
    if rows.is_empty() || (!lines.is_empty() && rows.len() != lines.len()) {
        return Err(AppError::conflict("lines", "err.lines_changed"));
    }
    rows.sort_by_key(|l| (l.period, l.id));
    let st = settings_of(c, OrgId(office)).await?;
    let owed: Vec<(i64, Money, Money)> = rows
        .iter()
        .map(|l| {
            (
                l.id,
                Money(l.amount - l.paid - l.adjusted),
                super::counter::late_fee_of(l, &st, today),
            )
        })
        .collect();
    let shown = super::counter::line_rows(c, rows).await?;
    Ok(owed
        .into_iter()
        .zip(shown)
        .map(|((id, principal, late_fee), row)| PayableLine {
            id: crate::shared::ids::BillLineId(id),
            principal,
            late_fee,
            row,
        })
        .collect())
}

/// Bill lines as residents read them, by id.
pub async fn line_rows_of<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<Vec<super::model::LineRow>, AppError> {
    use crate::db::entities::bill_lines;
    let lines = bill_lines::Entity::find()
        .filter(bill_lines::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?;
    super::counter::line_rows(c, lines).await
}

/// The lines among `ids` that still owe something.
pub async fn still_owing<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<Vec<crate::shared::ids::BillLineId>, AppError> {
    use crate::db::entities::bill_lines;
    Ok(bill_lines::Entity::find()
        .filter(bill_lines::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?
        .into_iter()
        .filter(|l| l.amount - l.paid - l.adjusted > 0)
        .map(|l| crate::shared::ids::BillLineId(l.id))
        .collect())
}

/// Whether `unit` is one of the caller's homes, what each of them owes today, and taking back
/// what a cancelled charge left unpaid.
pub use super::counter::{is_my_unit, my_dues, reverse_unpaid};

/// A receipt as online payment sees it.
#[derive(Debug, Clone)]
pub struct ReceiptFacts {
    pub id: crate::shared::ids::PaymentId,
    pub office_id: i64,
    pub community_id: i64,
    pub receipt_no: String,
    /// Fen; a reversal's is negative.
    pub amount: i64,
    /// Set on a reversal: the receipt it reverses.
    pub reverses: Option<crate::shared::ids::PaymentId>,
    /// Whether a reversal of this receipt exists.
    pub reversed: bool,
}

/// One receipt, or `None`.
pub async fn receipt<C: ConnectionTrait>(
    c: &C,
    id: crate::shared::ids::PaymentId,
) -> Result<Option<ReceiptFacts>, AppError> {
    use crate::db::entities::payments;
    let Some(p) = payments::Entity::find_by_id(id.0).one(c).await? else {
        return Ok(None);
    };
    let reversed = payments::Entity::find()
        .filter(payments::Column::ReversesId.eq(p.id))
        .one(c)
        .await?
        .is_some();
    Ok(Some(ReceiptFacts {
        id,
        office_id: p.office_id,
        community_id: p.community_id,
        receipt_no: p.receipt_no,
        amount: p.amount,
        reverses: p.reverses_id.map(crate::shared::ids::PaymentId),
        reversed,
    }))
}

/// Books money that arrived online for `lines` of `unit` as one numbered receipt (in the
/// caller's transaction): lines settled meanwhile are skipped and the rest goes to prepaid.
pub async fn settle_online<C: ConnectionTrait>(
    c: &C,
    office: i64,
    unit: &crate::estate::service::UnitBrief,
    lines: &[crate::shared::ids::BillLineId],
    amount: crate::shared::money::Money,
    provider: (&str, &str),
    as_of: chrono::NaiveDate,
) -> Result<crate::shared::ids::PaymentId, AppError> {
    let p = super::counter::settle(
        c,
        office,
        unit,
        lines,
        super::model::PayMethod::Online,
        amount,
        None,
        None,
        Some(provider),
        "",
        as_of,
    )
    .await?;
    Ok(crate::shared::ids::PaymentId(p.id))
}

/// Reverses a receipt refunded online (a red reversal with its own number, in the caller's
/// transaction). Errors: `NotFound` for an unknown receipt, and the counter's reversal rules.
pub async fn reverse_online<C: ConnectionTrait>(
    c: &C,
    payment: crate::shared::ids::PaymentId,
    reason: &str,
    by: crate::shared::ids::UserId,
    provider: (&str, &str),
) -> Result<crate::shared::ids::PaymentId, AppError> {
    use crate::db::entities::payments;
    let p = payments::Entity::find_by_id(payment.0)
        .one(c)
        .await?
        .ok_or(AppError::NotFound)?;
    let rev = super::counter::reverse_in(c, &p, reason, by, Some(provider)).await?;
    Ok(crate::shared::ids::PaymentId(rev.id))
}
