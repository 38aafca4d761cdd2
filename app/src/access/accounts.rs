//! (ssr) Accounts: who am I, one's phone and preferences, staff administration (users, grants,
//! roles and permissions), and the CLI's and demo's system setup.
use super::model::*;
use super::passwords::{check_password_policy, hash_password};
use super::repo;
use super::scope::{actor_label, deny, require, require_over, scope_for};
use super::sessions::{normalize_login, reauthenticate};
use super::verify::{self, CodePurpose};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{grants, role_permissions, roles, users};
use crate::db::{map_unique, AppCtx};
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::ids::{GrantId, OrgId, RoleId, UserId};
use crate::shared::pagination::Page;
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set};

/// Step one of changing the caller's mobile number: re-checks their password, then sends a
/// code to the new number ([`change_phone`] completes it with that code).
/// Errors: `Validation{current_password}` when wrong (counts toward throttling),
/// `Validation{phone}`, `Conflict{phone}` when another account has it, `RateLimited`, and those
/// of [`verify::send_code`].
pub async fn send_phone_code(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    current: &str,
    new_phone: &str,
) -> Result<CodeSent, AppError> {
    let phone = Phone::try_from(new_phone)?;
    let user = reauthenticate(ctx, meta, auth, current, "user.phone.code").await?;
    if user.phone.as_deref() == Some(phone.as_str()) {
        return Err(AppError::validation("phone", "err.phone_same"));
    }
    if repo::user_by_login(&ctx.db, phone.as_str()).await?.is_some() {
        return Err(AppError::conflict("phone", "err.phone_taken"));
    }
    verify::send_code(ctx, meta, &phone, CodePurpose::Phone, Some(auth.user_id)).await
}

/// Moves the caller's account to `new_phone` with the code [`send_phone_code`] sent there: the
/// number counts as theirs only once they proved they hold it. A resident whose login is their
/// phone logs in with the new number from now on.
/// Errors: `Validation{phone}`, `Validation{code}`, `Conflict{phone}` when another account has it.
pub async fn change_phone(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    new_phone: &str,
    code: &str,
) -> Result<Me, AppError> {
    let phone = Phone::try_from(new_phone)?;
    let user = repo::user(&ctx.db, auth.user_id.0)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if user.phone.as_deref() == Some(phone.as_str()) {
        return Err(AppError::validation("phone", "err.phone_same"));
    }
    if repo::user_by_login(&ctx.db, phone.as_str()).await?.is_some() {
        return Err(AppError::conflict("phone", "err.phone_taken"));
    }
    let code_id = verify::check_code(ctx, &phone, CodePurpose::Phone, Some(auth.user_id), code).await?;
    let login_is_phone = user.phone.as_deref() == Some(user.login.as_str());
    with_txn!(ctx.db, |txn| {
        verify::consume(&txn, code_id).await?;
        let mut am: users::ActiveModel = user.clone().into();
        am.phone = Set(Some(phone.as_str().to_string()));
        if login_is_phone {
            am.login = Set(phone.as_str().to_string());
        }
        am.updated_at = Set(Utc::now());
        am.update(&txn)
            .await
            .map_err(|e| map_unique(e, "phone", "err.phone_taken"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("user.phone.change", "user", user.id)
                .actor(Some(auth.user_id), &mask_login(&user.login))
                .summary(serde_json::json!({
                    "phone": { "from": user.phone.as_deref().map(mask_phone), "to": phone.masked() }
                })),
        )
        .await
    })?;
    me(&ctx.db, auth.user_id).await
}

/// Saves the caller's language and large-text preference.
pub async fn set_preferences(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    locale: Option<String>,
    large_text: Option<bool>,
) -> Result<Me, AppError> {
    let user = repo::user(&ctx.db, auth.user_id.0)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let locale = match locale {
        Some(l) => Some(
            crate::shared::i18n::Locale::parse(&l)
                .ok_or_else(|| AppError::validation("locale", "err.invalid"))?
                .code()
                .to_string(),
        ),
        None => None,
    };
    with_txn!(ctx.db, |txn| {
        let mut am: users::ActiveModel = user.clone().into();
        let mut changed = serde_json::Map::new();
        if let Some(l) = &locale {
            am.locale = Set(l.clone());
            changed.insert("locale".into(), l.clone().into());
        }
        if let Some(b) = large_text {
            am.large_text = Set(b);
            changed.insert("large_text".into(), b.into());
        }
        am.updated_at = Set(Utc::now());
        am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("user.preferences", "user", user.id)
                .actor(Some(auth.user_id), &user.login)
                .summary(serde_json::Value::Object(changed)),
        )
        .await
    })?;
    me(&ctx.db, auth.user_id).await
}

pub(super) fn grant_view(g: &repo::GrantRow) -> GrantView {
    GrantView {
        id: GrantId(g.grant.id),
        role_id: RoleId(g.role.id),
        role_code: g.role.code.clone(),
        role_name_zh: g.role.name_zh.clone(),
        role_name_en: g.role.name_en.clone(),
        org_id: OrgId(g.org.id),
        org_name: g.org.name.clone(),
    }
}

/// The logged-in user as the client sees them. Errors: `Unauthenticated` if gone.
/// The language a user chose (Chinese for an unknown user or an unknown code): what their
/// pushes and e-mails are written in.
pub async fn locale_of<C: ConnectionTrait>(c: &C, id: UserId) -> Result<crate::shared::i18n::Locale, AppError> {
    Ok(repo::user(c, id.0)
        .await?
        .and_then(|u| crate::shared::i18n::Locale::parse(&u.locale))
        .unwrap_or(crate::shared::i18n::Locale::ZhCn))
}

pub async fn me<C: ConnectionTrait>(c: &C, id: UserId) -> Result<Me, AppError> {
    let u = repo::user(c, id.0).await?.ok_or(AppError::Unauthenticated)?;
    let grants = repo::grants_of(c, &[u.id]).await?;
    let role_ids: Vec<i64> = grants.iter().map(|g| g.role.id).collect();
    let mut permissions: Vec<String> = repo::permissions_of_roles(c, &role_ids)
        .await?
        .into_iter()
        .map(|p| p.permission)
        .collect();
    permissions.sort();
    permissions.dedup();
    Ok(Me {
        id: UserId(u.id),
        login: u.login,
        display_name: u.display_name,
        phone_masked: u.phone.as_deref().map(mask_phone),
        kind: UserKind::parse(&u.kind),
        locale: u.locale,
        large_text: u.large_text,
        grants: grants.iter().map(grant_view).collect(),
        permissions,
    })
}

/// Staff accounts with a grant inside the caller's `users.read` scope, newest first.
pub async fn list_users(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    q: Option<String>,
    before: Option<i64>,
    limit: Option<u64>,
) -> Result<Page<UserRow>, AppError> {
    let scope = require(ctx, meta, auth, Permission::UsersRead).await?;
    let ids = if scope.global {
        None
    } else {
        Some(scope.org_ids.as_slice())
    };
    let users = repo::staff_users(&ctx.db, ids, q.as_deref(), before, limit).await?;
    let uids: Vec<i64> = users.items.iter().map(|u| u.id).collect();
    let grants = repo::grants_of(&ctx.db, &uids).await?;
    Ok(users.map(|u| UserRow {
        id: UserId(u.id),
        grants: grants
            .iter()
            .filter(|g| g.grant.user_id == u.id && scope.covers(OrgId(g.org.id)))
            .map(grant_view)
            .collect(),
        login: u.login,
        display_name: u.display_name,
        phone_masked: u.phone.as_deref().map(mask_phone),
        kind: UserKind::parse(&u.kind),
        status: UserStatus::parse(&u.status).unwrap_or(UserStatus::Disabled),
    }))
}

/// Input for a new staff account.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct NewStaff {
    pub login: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub password: String,
    pub role_code: String,
    pub org_id: OrgId,
}

/// A role may be granted only by someone with `users.write` over the org who also holds each
/// of the role's sensitive permissions there (see [`Permission::is_sensitive`]).
pub(crate) async fn check_can_grant(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    role: &roles::Model,
    org: OrgId,
) -> Result<crate::org::scope::Scope, AppError> {
    let scope = require_over(ctx, meta, auth, Permission::UsersWrite, org).await?;
    let perms = repo::permissions_of_roles(&ctx.db, &[role.id]).await?;
    for p in perms {
        let Some(perm) = Permission::parse(&p.permission).filter(|p| p.is_sensitive()) else {
            continue;
        };
        let s = scope_for(&ctx.db, auth.user_id, perm).await?;
        if !s.covers(org) {
            deny(ctx, meta, auth, &format!("grant:{}", role.code), Some(org)).await;
            return Err(AppError::Forbidden);
        }
    }
    Ok(scope)
}

/// Creates a staff account with one role over one org subtree.
/// Errors: `Forbidden` outside the caller's scope; `Validation`; `Conflict{login|phone}`.
pub async fn create_staff(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    input: NewStaff,
) -> Result<UserRow, AppError> {
    let login = check_login_name(&input.login)?;
    let name = check_display_name(&input.display_name)?;
    let phone = match input.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => Some(Phone::try_from(p)?),
        None => None,
    };
    let role = repo::role_by_code(&ctx.db, &input.role_code)
        .await?
        .filter(|r| r.is_staff)
        .ok_or_else(|| AppError::validation("role_code", "err.role_invalid"))?;
    if org::get(&ctx.db, input.org_id).await?.is_none() {
        return Err(AppError::validation("org_id", "err.org_invalid"));
    }
    check_can_grant(ctx, meta, auth, &role, input.org_id).await?;
    check_password_policy(&input.password, "password", &[&login, &name])?;
    if repo::user_by_login(&ctx.db, &login).await?.is_some() {
        return Err(AppError::conflict("login", "err.login_taken"));
    }
    if let Some(p) = &phone {
        if repo::user_by_login(&ctx.db, p.as_str()).await?.is_some() {
            return Err(AppError::conflict("phone", "err.phone_taken"));
        }
    }
    let hash = hash_password(input.password.clone()).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let uid = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let phone_no = phone.as_ref().map(|p| p.as_str().to_string());
        let u = repo::new_user(
            login.clone(),
            phone_no,
            name.clone(),
            hash.clone(),
            UserKind::Staff,
            now,
        )
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "login", "err.login_taken"))?;
        grants::ActiveModel {
            user_id: Set(u.id),
            role_id: Set(role.id),
            org_id: Set(input.org_id.0),
            created_at: Set(now),
            created_by: Set(Some(auth.user_id.0)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("user.create", "user", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(input.org_id))
                .summary(serde_json::json!({
                    "login": login, "display_name": name,
                    "phone": phone.as_ref().map(|p| p.masked()),
                    "role": role.code, "org_id": input.org_id.0,
                })),
        )
        .await?;
        Ok(u.id)
    })?;
    let grants = repo::grants_of(&ctx.db, &[uid]).await?;
    Ok(UserRow {
        id: UserId(uid),
        login,
        display_name: name,
        phone_masked: phone.map(|p| p.masked()),
        kind: UserKind::Staff,
        status: UserStatus::Active,
        grants: grants.iter().map(grant_view).collect(),
    })
}

/// Grants a role over an org subtree to a staff account.
/// Errors: `Forbidden`, `NotFound` (user), `Validation` (role/org), `Conflict` (already held).
pub async fn grant(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    user: UserId,
    role_code: &str,
    org: OrgId,
) -> Result<GrantView, AppError> {
    let role = repo::role_by_code(&ctx.db, role_code)
        .await?
        .filter(|r| r.code != "resident")
        .ok_or_else(|| AppError::validation("role_code", "err.role_invalid"))?;
    if org::get(&ctx.db, org).await?.is_none() {
        return Err(AppError::validation("org_id", "err.org_invalid"));
    }
    let scope = check_can_grant(ctx, meta, auth, &role, org).await?;
    let target = repo::user(&ctx.db, user.0).await?.ok_or(AppError::NotFound)?;
    // The account must be one the caller administers: one of its grants lies in their scope.
    let theirs = repo::grants_of(&ctx.db, &[target.id]).await?;
    if !scope.global && !theirs.iter().any(|g| scope.covers(OrgId(g.org.id))) {
        deny(ctx, meta, auth, "users.write", None).await;
        return Err(AppError::NotFound);
    }
    if role.is_staff && target.kind != UserKind::Staff.code() {
        return Err(AppError::validation("role_code", "err.role_invalid"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let gid = with_txn!(ctx.db, |txn| {
        let g = grants::ActiveModel {
            user_id: Set(user.0),
            role_id: Set(role.id),
            org_id: Set(org.0),
            created_at: Set(Utc::now()),
            created_by: Set(Some(auth.user_id.0)),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "role_code", "err.grant_exists"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("grant.add", "user", user.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(org))
                .summary(serde_json::json!({ "role": role.code, "org_id": org.0, "grant_id": g.id })),
        )
        .await?;
        Ok(g.id)
    })?;
    let rows = repo::grants_of(&ctx.db, &[user.0]).await?;
    rows.iter()
        .find(|g| g.grant.id == gid)
        .map(grant_view)
        .ok_or(AppError::Internal)
}

/// Removes a grant. Errors: `NotFound`, `Forbidden` outside the caller's scope.
pub async fn revoke(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, grant_id: GrantId) -> Result<(), AppError> {
    let g = grants::Entity::find_by_id(grant_id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    require_over(ctx, meta, auth, Permission::UsersWrite, OrgId(g.org_id)).await?;
    if g.user_id == auth.user_id.0 {
        return Err(AppError::validation("grant", "err.cannot_revoke_self"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        grants::Entity::delete_by_id(g.id).exec(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("grant.remove", "user", g.user_id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(g.org_id)))
                .summary(serde_json::json!({ "grant_id": g.id, "role_id": g.role_id, "org_id": g.org_id })),
        )
        .await
    })
}

/// Enables or disables a staff account; disabling ends its sessions at once.
pub async fn set_status(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    user: UserId,
    active: bool,
) -> Result<(), AppError> {
    let target = repo::user(&ctx.db, user.0).await?.ok_or(AppError::NotFound)?;
    let grants = repo::grants_of(&ctx.db, &[user.0]).await?;
    let scope = require(ctx, meta, auth, Permission::UsersWrite).await?;
    // Every grant of the target must lie in the caller's scope: no disabling one's superior.
    if target.kind != UserKind::Staff.code()
        || grants.iter().any(|g| !scope.covers(OrgId(g.org.id)))
        || (grants.is_empty() && !scope.global)
    {
        deny(ctx, meta, auth, "users.write", None).await;
        return Err(AppError::Forbidden);
    }
    if user == auth.user_id {
        return Err(AppError::validation("status", "err.cannot_disable_self"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let mut am: users::ActiveModel = target.clone().into();
        am.status = Set(if active {
            UserStatus::Active
        } else {
            UserStatus::Disabled
        }
        .into());
        am.updated_at = Set(Utc::now());
        am.update(&txn).await?;
        if !active {
            repo::delete_sessions_of(&txn, target.id, None).await?;
            // Keys they made stop with them.
            super::keys::revoke_keys_of(&txn, target.id).await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new(if active { "user.enable" } else { "user.disable" }, "user", target.id)
                .actor(Some(auth.user_id), &actor)
                .org(grants.first().map(|g| OrgId(g.org.id))),
        )
        .await
    })
}

/// Roles and their permissions (readable by anyone who may read users).
pub async fn list_roles(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<RoleRow>, AppError> {
    require(ctx, meta, auth, Permission::UsersRead).await?;
    let roles = repo::all_roles(&ctx.db).await?;
    let ids: Vec<i64> = roles.iter().map(|r| r.id).collect();
    let perms = repo::permissions_of_roles(&ctx.db, &ids).await?;
    Ok(roles
        .into_iter()
        .map(|r| RoleRow {
            id: RoleId(r.id),
            permissions: {
                let mut v: Vec<String> = perms
                    .iter()
                    .filter(|p| p.role_id == r.id)
                    .map(|p| p.permission.clone())
                    .collect();
                v.sort();
                v
            },
            code: r.code,
            name_zh: r.name_zh,
            name_en: r.name_en,
            is_staff: r.is_staff,
        })
        .collect())
}

/// Turns one permission of a role on or off. Needs `roles.write` at the root of the tree,
/// since a role applies everywhere. The system administrator role cannot be reduced.
pub async fn set_role_permission(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    role: RoleId,
    perm: &str,
    on: bool,
) -> Result<(), AppError> {
    let scope = require(ctx, meta, auth, Permission::RolesWrite).await?;
    if !scope.global {
        deny(ctx, meta, auth, "roles.write", None).await;
        return Err(AppError::Forbidden);
    }
    let p = Permission::parse(perm).ok_or_else(|| AppError::validation("permission", "err.invalid"))?;
    let r = roles::Entity::find_by_id(role.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.code == "sysadmin" {
        return Err(AppError::validation("permission", "err.sysadmin_fixed"));
    }
    if on && never_for(&r.code).contains(&p) {
        return Err(AppError::validation("permission", "err.permission_not_for_role"));
    }
    // Nobody widens (or narrows) their own powers.
    if repo::grants_of(&ctx.db, &[auth.user_id.0])
        .await?
        .iter()
        .any(|g| g.role.id == r.id)
    {
        deny(ctx, meta, auth, "roles.write", None).await;
        return Err(AppError::validation("permission", "err.own_role"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let exists = role_permissions::Entity::find_by_id((r.id, p.code().to_string()))
            .one(&txn)
            .await?
            .is_some();
        if on && !exists {
            role_permissions::ActiveModel {
                role_id: Set(r.id),
                permission: Set(p.code().into()),
            }
            .insert(&txn)
            .await?;
        } else if !on && exists {
            role_permissions::Entity::delete_by_id((r.id, p.code().to_string()))
                .exec(&txn)
                .await?;
        } else {
            return Ok(());
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new(
                if on {
                    "role.permission.add"
                } else {
                    "role.permission.remove"
                },
                "role",
                r.id,
            )
            .actor(Some(auth.user_id), &actor)
            .summary(serde_json::json!({ "role": r.code, "permission": p.code() })),
        )
        .await
    })
}

/// The org nodes the caller may see (for pickers and the tree).
pub async fn visible_orgs(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
) -> Result<Vec<crate::org::model::OrgNode>, AppError> {
    let scope = require(ctx, meta, auth, Permission::OrgRead).await?;
    let roots: Vec<OrgId> = scope.org_ids.iter().map(|i| OrgId(*i)).collect();
    org::subtree_nodes(&ctx.db, &roots).await
}

/// Creates the built-in roles and their default permissions if missing. Idempotent.
pub async fn ensure_builtin_roles<C: ConnectionTrait>(c: &C) -> Result<(), AppError> {
    for (code, zh, en, staff) in BUILTIN_ROLES {
        if repo::role_by_code(c, code).await?.is_some() {
            continue;
        }
        let r = roles::ActiveModel {
            code: Set(code.into()),
            name_zh: Set(zh.into()),
            name_en: Set(en.into()),
            is_staff: Set(staff),
            builtin: Set(true),
            ..Default::default()
        }
        .insert(c)
        .await?;
        for p in default_permissions(code) {
            role_permissions::ActiveModel {
                role_id: Set(r.id),
                permission: Set(p.code().into()),
            }
            .insert(c)
            .await?;
        }
    }
    Ok(())
}

/// Creates an account from the command line or the demo loader (audited as `system`).
/// `policy` false skips the common-password check (the demo's shared password).
pub async fn create_user_system(
    ctx: &AppCtx,
    login: &str,
    phone: Option<&str>,
    display_name: &str,
    password: &str,
    kind: UserKind,
    policy: bool,
) -> Result<UserId, AppError> {
    let login = if kind == UserKind::Resident {
        Phone::try_from(login)?.as_str().to_string()
    } else {
        check_login_name(login)?
    };
    let name = check_display_name(display_name)?;
    let phone = phone.map(Phone::try_from).transpose()?;
    if policy {
        check_password_policy(password, "password", &[&login, &name])?;
    } else {
        check_password_length(password, "password")?;
    }
    let hash = hash_password(password.to_string()).await?;
    let meta = RequestMeta {
        ip: "cli".into(),
        ..Default::default()
    };
    with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let phone_no = phone.as_ref().map(|p| p.as_str().to_string());
        let u = repo::new_user(login.clone(), phone_no, name.clone(), hash.clone(), kind, now)
            .insert(&txn)
            .await
            .map_err(|e| map_unique(e, "login", "err.login_taken"))?;
        audit::record(
            &txn,
            &meta,
            AuditEntry::new("user.create", "user", u.id)
                .actor(None, "system")
                .summary(serde_json::json!({ "login": mask_login(&login), "kind": kind.code() })),
        )
        .await?;
        Ok(UserId(u.id))
    })
}

/// Grants a role from the command line (no scope check: the operator owns the machine).
pub async fn grant_system(ctx: &AppCtx, user_login: &str, role_code: &str, org: OrgId) -> Result<(), AppError> {
    let u = repo::user_by_login(&ctx.db, &normalize_login(user_login))
        .await?
        .ok_or(AppError::NotFound)?;
    let r = repo::role_by_code(&ctx.db, role_code)
        .await?
        .ok_or_else(|| AppError::validation("role_code", "err.role_invalid"))?;
    org::get(&ctx.db, org)
        .await?
        .ok_or_else(|| AppError::validation("org_id", "err.org_invalid"))?;
    let meta = RequestMeta {
        ip: "cli".into(),
        ..Default::default()
    };
    with_txn!(ctx.db, |txn| {
        grants::ActiveModel {
            user_id: Set(u.id),
            role_id: Set(r.id),
            org_id: Set(org.0),
            created_at: Set(Utc::now()),
            created_by: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "role_code", "err.grant_exists"))?;
        audit::record(
            &txn,
            &meta,
            AuditEntry::new("grant.add", "user", u.id)
                .actor(None, "system")
                .org(Some(org))
                .summary(serde_json::json!({ "role": r.code, "org_id": org.0 })),
        )
        .await
    })
}

/// Sets a new password from the command line and ends the user's sessions.
pub async fn reset_password_system(ctx: &AppCtx, user_login: &str, password: &str) -> Result<(), AppError> {
    let u = repo::user_by_login(&ctx.db, &normalize_login(user_login))
        .await?
        .ok_or(AppError::NotFound)?;
    check_password_policy(password, "password", &[&u.login, &u.display_name])?;
    let hash = hash_password(password.to_string()).await?;
    let meta = RequestMeta {
        ip: "cli".into(),
        ..Default::default()
    };
    with_txn!(ctx.db, |txn| {
        repo::store_password(&txn, &u, &hash, None).await?;
        audit::record(
            &txn,
            &meta,
            AuditEntry::new("user.password.reset", "user", u.id)
                .actor(None, "system")
                .summary(serde_json::json!({"password": "***"})),
        )
        .await
    })
}
