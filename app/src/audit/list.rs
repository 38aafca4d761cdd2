//! (ssr) Reading the audit log: the rows the caller's `audit.read` scope covers, newest first.
//! The listing side is the only part of `audit` that asks `access` (appending does not).
use super::log::to_row;
use super::model::{AuditFilter, AuditRow};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::db::entities::audit_log;
use crate::db::page::{keyset, Keyset};
use crate::db::AppCtx;
use crate::org::scope::Scope;
use crate::shared::error::AppError;
use crate::shared::pagination::Page;
use sea_orm::prelude::*;

/// The audit rows the caller may read (needs `audit.read`), newest first.
pub async fn list_visible(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: &AuditFilter,
    limit: Option<u64>,
) -> Result<Page<AuditRow>, AppError> {
    let scope = crate::access::service::require(ctx, meta, auth, Permission::AuditRead).await?;
    list(&ctx.db, &scope, f, limit).await
}

/// Rows a scope covers, newest first. Rows without an org (logins, system events)
/// are visible only to a scope that covers everything.
pub async fn list(
    db: &DatabaseConnection,
    scope: &Scope,
    f: &AuditFilter,
    limit: Option<u64>,
) -> Result<Page<AuditRow>, AppError> {
    let mut q = scope.filter_org_column(audit_log::Entity::find(), audit_log::Column::OrgId, true);
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_log::Column::Action.starts_with(a));
    }
    if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_log::Column::ActorLabel.contains(a));
    }
    if let Some(a) = f.object_type.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_log::Column::ObjectType.eq(a));
    }
    if let Some(a) = f.outcome.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_log::Column::Outcome.eq(a));
    }
    let page = keyset(db, q, audit_log::Column::Id, Keyset::Before(f.before), limit, |r| r.id).await?;
    Ok(page.map(to_row))
}
