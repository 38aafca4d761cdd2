//! (ssr) The billing facade other areas call (settings, closed periods, the office of a
//! community) and the helpers every billing use case shares.
use super::model::BillingSettings;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, Scope};
use crate::db::entities::{billing_settings, period_closes};
use crate::db::AppCtx;
use crate::estate::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use chrono::Utc;
use sea_orm::prelude::*;

/// The current month as `YYYYMM` in China time.
pub fn current_period() -> i32 {
    super::charge::period_of(crate::shared::time::today_cn())
}

/// An office's billing rules (defaults until staff change them).
pub async fn settings_of<C: ConnectionTrait>(c: &C, office: i64) -> Result<BillingSettings, AppError> {
    Ok(
        match billing_settings::Entity::find()
            .filter(billing_settings::Column::OfficeId.eq(office))
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
            None => BillingSettings::defaults(OrgId(office)),
        },
    )
}

/// Refuses a change to `period` of `office` once the month is closed (月结).
pub async fn ensure_open<C: ConnectionTrait>(c: &C, office: i64, period: i32) -> Result<(), AppError> {
    let closed = period_closes::Entity::find()
        .filter(period_closes::Column::OfficeId.eq(office))
        .filter(period_closes::Column::Period.gte(period))
        .one(c)
        .await?;
    match closed {
        Some(_) => Err(AppError::conflict("period", "err.period_closed")),
        None => Ok(()),
    }
}

/// The latest closed month of an office, if any.
pub async fn last_closed<C: ConnectionTrait>(c: &C, office: i64) -> Result<Option<i32>, AppError> {
    use sea_orm::QueryOrder;
    Ok(period_closes::Entity::find()
        .filter(period_closes::Column::OfficeId.eq(office))
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
    match crate::estate::service::get(&ctx.db, office).await? {
        Some(n) if n.kind == OrgKind::Office => Ok(scope),
        Some(_) => Err(AppError::validation("office_id", "err.not_an_office")),
        None => Err(AppError::NotFound),
    }
}

/// The nodes of one kind (offices, communities) inside a scope, with names, depth-first.
pub async fn scope_nodes(ctx: &AppCtx, scope: &Scope, kind: OrgKind) -> Result<Vec<(i64, String)>, AppError> {
    let roots: Vec<OrgId> = scope.org_ids.iter().map(|i| OrgId(*i)).collect();
    Ok(crate::estate::service::subtree_nodes(&ctx.db, &roots)
        .await?
        .into_iter()
        .filter(|n| n.kind == kind && scope.covers(n.id))
        .map(|n| (n.id.0, n.name))
        .collect())
}

/// An office's billing rules, for staff who may read its billing.
pub async fn settings(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    office: OrgId,
) -> Result<BillingSettings, AppError> {
    require_office(ctx, meta, auth, Permission::BillingRead, office).await?;
    settings_of(&ctx.db, office.0).await
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
