//! (ssr) API keys for integrations. A key acts as its own integration account holding one
//! role over one org subtree, so every service scopes it exactly like a staff member: there is
//! no second authorization path. The key is shown once; only its SHA-256 is stored.
use super::accounts::check_can_grant;
use super::model::{ApiKeyRow, AuthVia, Authed, NewKey, Permission, RequestMeta, UserKind, UserStatus};
use super::repo;
use super::scope::{actor_label, require};
use super::sessions::{random_token, token_id};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{api_keys, grants, org_units, roles, users};
use crate::db::AppCtx;
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::ids::{ApiKeyId, OrgId, UserId};
use crate::with_txn;
use chrono::{Duration, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Every key starts with this, so a leaked one is easy to find in code and logs.
pub const KEY_PREFIX: &str = "lk_";

/// What an admin fills in.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KeyRequest {
    pub name: String,
    /// A staff role, e.g. `customer_service`; the key gets that role's permissions.
    pub role_code: String,
    /// The org subtree the key may see.
    pub org_id: OrgId,
}

/// Creates a key. The caller must be allowed to grant the role over the org (`users.write`
/// there, and every sensitive permission of the role). Errors: `Validation`, `Forbidden`.
pub async fn create_key(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, req: KeyRequest) -> Result<NewKey, AppError> {
    let name = req.name.trim().to_string();
    if name.is_empty() {
        return Err(AppError::validation("name", "err.required"));
    }
    if name.chars().count() > 60 {
        return Err(AppError::validation("name", "err.too_long"));
    }
    // Keys are for system administrators (integrations are set up by whoever runs the system).
    let is_sysadmin = repo::grants_of(&ctx.db, &[auth.user_id.0])
        .await?
        .iter()
        .any(|g| g.role.code == "sysadmin");
    if !is_sysadmin {
        super::service::deny(ctx, meta, auth, "apikeys.create", None).await;
        return Err(AppError::Forbidden);
    }
    let role = repo::role_by_code(&ctx.db, &req.role_code)
        .await?
        .filter(|r| r.is_staff && r.code != "sysadmin")
        .ok_or_else(|| AppError::validation("role_code", "err.role_invalid"))?;
    if org::get(&ctx.db, req.org_id).await?.is_none() {
        return Err(AppError::validation("org_id", "err.org_invalid"));
    }
    check_can_grant(ctx, meta, auth, &role, req.org_id).await?;
    let key = format!("{KEY_PREFIX}{}", random_token());
    let hash = token_id(&key);
    let prefix: String = key.chars().take(10).collect();
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let id = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        // No password: the account can only be reached through its key.
        let login = format!("apikey-{}", &hash[..12]);
        let user = repo::new_user(login, None, name.clone(), String::new(), UserKind::Integration, now)
            .insert(&txn)
            .await?;
        grants::ActiveModel {
            user_id: Set(user.id),
            role_id: Set(role.id),
            org_id: Set(req.org_id.0),
            created_at: Set(now),
            created_by: Set(Some(auth.user_id.0)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let k = api_keys::ActiveModel {
            user_id: Set(user.id),
            name: Set(name.clone()),
            prefix: Set(prefix.clone()),
            key_hash: Set(hash.clone()),
            created_by: Set(auth.user_id.0),
            created_at: Set(now),
            revoked_at: Set(None),
            last_used_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("apikey.create", "api_key", k.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(req.org_id))
                .summary(
                    serde_json::json!({ "name": name, "role": role.code, "org_id": req.org_id.0, "prefix": prefix }),
                ),
        )
        .await?;
        Ok(k.id)
    })?;
    let row = rows(ctx, vec![find(ctx, id).await?]).await?.remove(0);
    Ok(NewKey { key, row })
}

async fn find(ctx: &AppCtx, id: i64) -> Result<api_keys::Model, AppError> {
    api_keys::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The org and role each key's account holds.
async fn grants_of_keys(ctx: &AppCtx, keys: &[api_keys::Model]) -> Result<HashMap<i64, (String, i64)>, AppError> {
    let gs = grants::Entity::find()
        .filter(grants::Column::UserId.is_in(keys.iter().map(|k| k.user_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?;
    let role_codes: HashMap<i64, String> = roles::Entity::find()
        .filter(roles::Column::Id.is_in(gs.iter().map(|g| g.role_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.code))
        .collect();
    Ok(gs
        .into_iter()
        .map(|g| {
            (
                g.user_id,
                (role_codes.get(&g.role_id).cloned().unwrap_or_default(), g.org_id),
            )
        })
        .collect())
}

async fn rows(ctx: &AppCtx, keys: Vec<api_keys::Model>) -> Result<Vec<ApiKeyRow>, AppError> {
    let gs = grants_of_keys(ctx, &keys).await?;
    let orgs: HashMap<i64, String> = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(gs.values().map(|g| g.1).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(keys
        .into_iter()
        .map(|k| {
            let (role_code, org) = gs.get(&k.user_id).cloned().unwrap_or_default();
            ApiKeyRow {
                id: ApiKeyId(k.id),
                name: k.name,
                prefix: k.prefix,
                role_code,
                org_id: OrgId(org),
                org_name: orgs.get(&org).cloned().unwrap_or_default(),
                created_at: k.created_at.format("%Y-%m-%d %H:%M").to_string(),
                last_used_at: k.last_used_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
                revoked: k.revoked_at.is_some(),
            }
        })
        .collect())
}

/// Keys whose org lies inside the caller's `users.read` scope, newest first.
pub async fn list_keys(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<ApiKeyRow>, AppError> {
    let scope = require(ctx, meta, auth, Permission::UsersRead).await?;
    let keys = api_keys::Entity::find()
        .order_by_desc(api_keys::Column::Id)
        .all(&ctx.db)
        .await?;
    Ok(rows(ctx, keys)
        .await?
        .into_iter()
        .filter(|r| scope.covers(r.org_id))
        .collect())
}

/// Revokes a key at once (its account is disabled too). Errors: `NotFound` outside the
/// caller's `users.write` scope, `Conflict` when already revoked.
pub async fn revoke_key(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: ApiKeyId) -> Result<(), AppError> {
    let scope = require(ctx, meta, auth, Permission::UsersWrite).await?;
    let k = find(ctx, id.0).await?;
    let org = grants_of_keys(ctx, std::slice::from_ref(&k))
        .await?
        .get(&k.user_id)
        .map(|g| OrgId(g.1));
    let org = org.ok_or(AppError::NotFound)?;
    super::service::within(ctx, meta, auth, Permission::UsersWrite, &scope, org).await?;
    if k.revoked_at.is_some() {
        return Err(AppError::conflict("id", "err.key_revoked"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let mut am: api_keys::ActiveModel = k.clone().into();
        am.revoked_at = Set(Some(now));
        am.update(&txn).await?;
        users::Entity::update_many()
            .col_expr(users::Column::Status, Expr::value(UserStatus::Disabled))
            .filter(users::Column::Id.eq(k.user_id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("apikey.revoke", "api_key", k.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(org))
                .summary(serde_json::json!({ "name": k.name, "prefix": k.prefix })),
        )
        .await?;
        Ok(())
    })
}

/// Revokes every live key `creator` made, and disables the accounts behind them (inside the
/// caller's transaction: disabling a person stops their integrations).
pub(super) async fn revoke_keys_of<C: ConnectionTrait>(c: &C, creator: i64) -> Result<(), AppError> {
    let live = api_keys::Entity::find()
        .filter(api_keys::Column::CreatedBy.eq(creator))
        .filter(api_keys::Column::RevokedAt.is_null())
        .all(c)
        .await?;
    if live.is_empty() {
        return Ok(());
    }
    api_keys::Entity::update_many()
        .col_expr(api_keys::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_keys::Column::Id.is_in(live.iter().map(|k| k.id)))
        .exec(c)
        .await?;
    users::Entity::update_many()
        .col_expr(users::Column::Status, Expr::value(UserStatus::Disabled))
        .filter(users::Column::Id.is_in(live.iter().map(|k| k.user_id)))
        .exec(c)
        .await?;
    Ok(())
}

/// The caller an `Authorization: Bearer lk_…` header stands for, if the key is live.
pub async fn resolve_key(ctx: &AppCtx, key: &str) -> Result<Option<Authed>, AppError> {
    if !key.starts_with(KEY_PREFIX) || key.len() > 100 {
        return Ok(None);
    }
    let hash = token_id(key);
    let Some(k) = api_keys::Entity::find()
        .filter(api_keys::Column::KeyHash.eq(hash))
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    if k.revoked_at.is_some() {
        return Ok(None);
    }
    // The key's account and the person who made it must both still be active.
    for id in [k.user_id, k.created_by] {
        let active = repo::user(&ctx.db, id)
            .await?
            .is_some_and(|u| u.status == UserStatus::Active.code());
        if !active {
            return Ok(None);
        }
    }
    let now = Utc::now();
    // Note the use at most once a minute so reads do not each become a write.
    if k.last_used_at.is_none_or(|t| now - t > Duration::seconds(60)) {
        api_keys::Entity::update_many()
            .col_expr(api_keys::Column::LastUsedAt, Expr::value(now))
            .filter(api_keys::Column::Id.eq(k.id))
            .exec(&ctx.db)
            .await?;
    }
    Ok(Some(Authed {
        user_id: UserId(k.user_id),
        session_id: format!("{}{}", Authed::KEY_SESSION_PREFIX, k.id),
        csrf_token: String::new(),
        via: AuthVia::Bearer,
    }))
}
