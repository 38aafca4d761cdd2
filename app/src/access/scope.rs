//! (ssr) Data scopes: the org subtree a user may act on for one permission, built from their
//! grants; the checks every use case starts with (`require`, `require_over`, `within`,
//! `record_within`), the org picker list, and audited denials.
use super::model::*;
use super::repo;
use crate::audit::model::Outcome;
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{grants, role_permissions, roles, users};
use crate::db::AppCtx;
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, UserId};
use sea_orm::{prelude::*, EntityTrait, Select};

pub use crate::org::scope::Scope;

/// The scope `user` holds for `perm`: the union of the subtrees of every grant whose role
/// carries the permission.
pub async fn scope_for<C: ConnectionTrait>(c: &C, user: UserId, perm: Permission) -> Result<Scope, AppError> {
    let grants = repo::grants_of(c, &[user.0]).await?;
    let role_ids: Vec<i64> = grants.iter().map(|g| g.role.id).collect();
    let perms = repo::permissions_of_roles(c, &role_ids).await?;
    let roots: Vec<&repo::GrantRow> = grants
        .iter()
        .filter(|g| {
            perms
                .iter()
                .any(|p| p.role_id == g.role.id && p.permission == perm.code())
        })
        .collect();
    let global = roots.iter().any(|g| g.org.parent_id.is_none());
    let ids: Vec<OrgId> = roots.iter().map(|g| OrgId(g.org.id)).collect();
    let nodes = org::subtree_nodes(c, &ids).await?;
    Ok(Scope {
        org_ids: nodes.into_iter().map(|n| n.id.0).collect(),
        global,
    })
}

/// The caller's scope for `perm`, or `Forbidden` (recorded in the audit log) when empty. An
/// API key never holds what [`NEVER_FOR_KEYS`] lists, whatever its role.
pub async fn require(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, perm: Permission) -> Result<Scope, AppError> {
    if auth.is_api_key() && NEVER_FOR_KEYS.contains(&perm) {
        deny(ctx, meta, auth, perm.code(), None).await;
        return Err(AppError::Forbidden);
    }
    let scope = scope_for(&ctx.db, auth.user_id, perm).await?;
    if scope.is_empty() {
        deny(ctx, meta, auth, perm.code(), None).await;
        return Err(AppError::Forbidden);
    }
    Ok(scope)
}

/// The org nodes a scope covers, depth-first, of one kind or all: what every picker lists.
pub async fn nodes_in<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kind: Option<crate::org::model::OrgKind>,
) -> Result<Vec<crate::org::model::OrgNode>, AppError> {
    let roots: Vec<OrgId> = scope.org_ids.iter().map(|i| OrgId(*i)).collect();
    Ok(org::subtree_nodes(c, &roots)
        .await?
        .into_iter()
        .filter(|n| kind.is_none_or(|k| n.kind == k) && scope.covers(n.id))
        .collect())
}

/// The org nodes (of `kind`, or all) the caller holds `perm` over, depth-first: the one
/// list behind every org picker. Errors: `Forbidden` (audited) without `perm` anywhere.
pub async fn orgs_in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    kind: Option<crate::org::model::OrgKind>,
) -> Result<Vec<crate::org::model::OrgNode>, AppError> {
    let scope = require(ctx, meta, auth, perm).await?;
    nodes_in(&ctx.db, &scope, kind).await
}

/// [`orgs_in_scope`] as picker rows (kind and indent depth), for billing and broadcasts.
pub async fn org_choices(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
) -> Result<Vec<crate::org::model::OrgChoice>, AppError> {
    Ok(crate::org::model::OrgChoice::list(
        orgs_in_scope(ctx, meta, auth, perm, None).await?,
    ))
}

/// Like [`require`], and the scope must also cover `org`.
pub async fn require_over(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    org: OrgId,
) -> Result<Scope, AppError> {
    let scope = require(ctx, meta, auth, perm).await?;
    if !scope.covers(org) {
        deny(ctx, meta, auth, perm.code(), Some(org)).await;
        return Err(AppError::Forbidden);
    }
    Ok(scope)
}

/// For one record of `org` that the caller reached with `scope` (from [`require`]): outside
/// the scope the record does not exist. Answers `NotFound` (no hint that the id is taken) and
/// audits the denial. Every service that loads a record by id ends its check here.
pub async fn within(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    scope: &Scope,
    org: OrgId,
) -> Result<(), AppError> {
    if scope.covers(org) {
        return Ok(());
    }
    deny(ctx, meta, auth, perm.code(), Some(org)).await;
    Err(AppError::NotFound)
}

/// The record `find` loads, when the caller holds `perm` over the org `org_of` reads from it
/// ([`require`], then [`within`]): `Forbidden` without `perm` anywhere, `NotFound` when it does
/// not exist or lies outside the scope (audited). The one way a service loads a record by id.
pub async fn record_within<E: EntityTrait>(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    find: Select<E>,
    org_of: impl FnOnce(&E::Model) -> OrgId,
) -> Result<E::Model, AppError> {
    let scope = require(ctx, meta, auth, perm).await?;
    let m = find.one(&ctx.db).await?.ok_or(AppError::NotFound)?;
    within(ctx, meta, auth, perm, &scope, org_of(&m)).await?;
    Ok(m)
}

/// Active users who hold `perm` over `org` through a grant at `org` or one of its ancestors,
/// each with the depth of that grant's node (deeper = closer to `org`: the office manager
/// before headquarters).
pub async fn holders_over<C: ConnectionTrait>(
    c: &C,
    org: OrgId,
    perm: Permission,
) -> Result<Vec<(UserId, usize)>, AppError> {
    let Some(path) = org::path_of(c, org).await? else {
        return Ok(vec![]);
    };
    let ancestors: Vec<i64> = path.split('/').filter_map(|p| p.parse().ok()).collect();
    let roles: Vec<i64> = role_permissions::Entity::find()
        .filter(role_permissions::Column::Permission.eq(perm.code()))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.role_id)
        .collect();
    if roles.is_empty() || ancestors.is_empty() {
        return Ok(vec![]);
    }
    let gs = grants::Entity::find()
        .filter(grants::Column::OrgId.is_in(ancestors.clone()))
        .filter(grants::Column::RoleId.is_in(roles))
        .all(c)
        .await?;
    let ids: Vec<i64> = gs.iter().map(|g| g.user_id).collect();
    let active: std::collections::HashSet<i64> = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .filter(users::Column::Status.eq(UserStatus::Active))
        .all(c)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let mut out: Vec<(UserId, usize)> = vec![];
    for g in gs.into_iter().filter(|g| active.contains(&g.user_id)) {
        let depth = ancestors.iter().position(|a| *a == g.org_id).unwrap_or(0);
        match out.iter_mut().find(|(u, _)| u.0 == g.user_id) {
            Some(e) => e.1 = e.1.max(depth),
            None => out.push((UserId(g.user_id), depth)),
        }
    }
    Ok(out)
}

/// The nodes where `user` (if active) holds built-in role `role` through a grant: for roles
/// that carry no staff permission and are scoped by where they were granted, like the owners'
/// committee (`committee`) of a community.
pub async fn orgs_with_role<C: ConnectionTrait>(c: &C, user: UserId, role: &str) -> Result<Vec<OrgId>, AppError> {
    let active = users::Entity::find_by_id(user.0)
        .filter(users::Column::Status.eq(UserStatus::Active))
        .one(c)
        .await?
        .is_some();
    let Some(role) = roles::Entity::find()
        .filter(roles::Column::Code.eq(role))
        .one(c)
        .await?
        .filter(|_| active)
    else {
        return Ok(vec![]);
    };
    Ok(grants::Entity::find()
        .filter(grants::Column::UserId.eq(user.0))
        .filter(grants::Column::RoleId.eq(role.id))
        .all(c)
        .await?
        .into_iter()
        .map(|g| OrgId(g.org_id))
        .collect())
}

/// Display names of accounts (missing ids are left out).
pub async fn display_names<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// Writes a permission denial to the audit log; a failure to write is logged, not raised,
/// so the caller still gets its 403.
pub async fn deny(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, what: &str, org: Option<OrgId>) {
    let label = actor_label(&ctx.db, auth.user_id).await;
    let e = AuditEntry::new("access.denied", "permission", what)
        .actor(Some(auth.user_id), &label)
        .org(org)
        .outcome(Outcome::Denied);
    if let Err(err) = audit::record_now(&ctx.db, meta, e).await {
        tracing::error!(?err, "could not audit a denial");
    }
}

pub(crate) async fn actor_label<C: ConnectionTrait>(c: &C, id: UserId) -> String {
    match repo::user(c, id.0).await {
        Ok(Some(u)) => u.login,
        _ => format!("#{}", id.0),
    }
}
