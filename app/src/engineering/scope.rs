//! (ssr) Who may see and do what where in engineering. Managing the ledger, plans, checkpoints
//! and routes (and printing codes) takes `service.dispatch`; recording inspections and
//! maintenance takes `inspection.work`; seeing them takes either. Everything belongs to a
//! community, and scope checks use its org id.
use super::model::{Abilities, Community};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, Scope};
use crate::db::AppCtx;
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;

/// Manage the ledger, plans, checkpoints and routes; print QR sheets.
pub const MANAGE: Permission = Permission::ServiceDispatch;
/// Record inspections and maintenance.
pub const RECORD: Permission = Permission::InspectionWork;

/// The caller's scope for seeing engineering records: the union of their `service.dispatch`
/// and `inspection.work` scopes, or `Forbidden` (audited) when both are empty.
pub async fn view_scope(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Scope, AppError> {
    let a = access::scope_for(&ctx.db, auth.user_id, MANAGE).await?;
    let b = access::scope_for(&ctx.db, auth.user_id, RECORD).await?;
    let mut org_ids = a.org_ids;
    org_ids.extend(b.org_ids);
    org_ids.sort_unstable();
    org_ids.dedup();
    let scope = Scope {
        org_ids,
        global: a.global || b.global,
    };
    if scope.is_empty() {
        access::deny(ctx, meta, auth, RECORD.code(), None).await;
        return Err(AppError::Forbidden);
    }
    Ok(scope)
}

/// What the caller may do in `community` (pages show their forms by it; every write checks
/// again).
pub async fn abilities(ctx: &AppCtx, auth: &Authed, community: OrgId) -> Result<Abilities, AppError> {
    Ok(Abilities {
        manage: access::scope_for(&ctx.db, auth.user_id, MANAGE)
            .await?
            .covers(community),
        record: access::scope_for(&ctx.db, auth.user_id, RECORD)
            .await?
            .covers(community),
    })
}

/// Checks that `community` is a community (小区) the caller holds `perm` over.
pub async fn require_community(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    community: OrgId,
) -> Result<Scope, AppError> {
    let scope = access::require_over(ctx, meta, auth, perm, community).await?;
    match crate::org::service::get(&ctx.db, community).await? {
        Some(n) if n.kind == OrgKind::Community => Ok(scope),
        Some(_) => Err(AppError::validation("community_id", "err.eng_not_community")),
        None => Err(AppError::NotFound),
    }
}

/// The communities inside a scope, depth-first, with names.
pub async fn communities_in(ctx: &AppCtx, scope: &Scope) -> Result<Vec<Community>, AppError> {
    Ok(access::nodes_in(&ctx.db, scope, Some(OrgKind::Community))
        .await?
        .into_iter()
        .map(|n| Community { id: n.id, name: n.name })
        .collect())
}

/// The communities the caller may see engineering records of (for pickers).
pub async fn communities(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<Community>, AppError> {
    let scope = view_scope(ctx, meta, auth).await?;
    communities_in(ctx, &scope).await
}
