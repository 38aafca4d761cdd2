//! (ssr) Account, session, role and scope use cases.
use super::model::*;
use super::repo;
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{grants, login_attempts, role_permissions, roles, sessions, users};
use crate::db::{map_unique, AppCtx, RuntimeConfig};
use crate::estate::service as estate;
use crate::shared::error::AppError;
use crate::shared::ids::{GrantId, OrgId, RoleId, UserId};
use crate::shared::pagination::{page_from, page_size, Page};
use crate::with_txn;
use base64::Engine as _;
use chrono::{Duration, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, EntityTrait, QueryFilter, Select};

// ---------------------------------------------------------------- data scope

/// The org subtree a user may act on for one permission. Built only by [`scope_for`] /
/// [`require`]; services filter every staff query with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Every org node covered (the granted roots and all their descendants).
    pub org_ids: Vec<i64>,
    /// Granted at a root of the tree: also covers rows that belong to no org.
    pub global: bool,
}

impl Scope {
    pub fn empty() -> Scope {
        Scope {
            org_ids: vec![],
            global: false,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.org_ids.is_empty() && !self.global
    }

    pub fn covers(&self, org: OrgId) -> bool {
        self.org_ids.contains(&org.0)
    }

    /// Restricts a query to rows whose `col` is an org inside the scope; rows with no org
    /// are kept only for a global scope when `null_is_global` is set.
    pub fn filter_org_column<E: EntityTrait, Col: ColumnTrait>(
        &self,
        q: Select<E>,
        col: Col,
        null_is_global: bool,
    ) -> Select<E> {
        let mut cond = sea_orm::Condition::any().add(col.is_in(self.org_ids.clone()));
        if self.global && null_is_global {
            cond = cond.add(col.is_null());
        }
        q.filter(cond)
    }
}

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
    let nodes = estate::subtree_nodes(c, &ids).await?;
    Ok(Scope {
        org_ids: nodes.into_iter().map(|n| n.id.0).collect(),
        global,
    })
}

/// The caller's scope for `perm`, or `Forbidden` (recorded in the audit log) when empty.
pub async fn require(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, perm: Permission) -> Result<Scope, AppError> {
    let scope = scope_for(&ctx.db, auth.user_id, perm).await?;
    if scope.is_empty() {
        deny(ctx, meta, auth, perm.code(), None).await;
        return Err(AppError::Forbidden);
    }
    Ok(scope)
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
    let Some(path) = estate::path_of(c, org).await? else {
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
        .filter(users::Column::Status.eq("active"))
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
        .outcome("denied");
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

// ---------------------------------------------------------------- passwords

/// Argon2 runs at most this many at once (one per core, 2–8): each takes 19 MiB and a core,
/// so a burst of logins queues here instead of growing the blocking pool and its memory.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        tokio::sync::Semaphore::new(cores.clamp(2, 8))
    })
}

/// Hashes with argon2id (OWASP parameters: 19 MiB, 2 passes) on a blocking thread.
pub async fn hash_password(pw: String) -> Result<String, AppError> {
    let _permit = hashing_permits().acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "hashing failed");
        AppError::Internal
    })
}

/// Verifies on a blocking thread. A missing account is checked against a fixed dummy hash
/// so that the time taken does not reveal whether the account exists.
pub async fn verify_password(pw: String, hash: Option<String>) -> bool {
    const DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1bP4Yp2xVb4fAhhSGc2V0A2lYp0mH8cQOkmJ4cVq4NM";
    let exists = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY.to_string());
    let Ok(_permit) = hashing_permits().acquire().await else {
        return false;
    };
    let ok = tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        match PasswordHash::new(&hash) {
            Ok(parsed) => argon2::Argon2::default()
                .verify_password(pw.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false);
    ok && exists
}

/// The full password policy: length, and not a common or guessable password (zxcvbn score
/// below 2 out of 4, which covers the common-password lists and the user's own phone/name).
pub fn check_password_policy(pw: &str, field: &str, user_inputs: &[&str]) -> Result<(), AppError> {
    check_password_length(pw, field)?;
    let weak = u8::from(zxcvbn::zxcvbn(pw, user_inputs).score()) < 2;
    if weak {
        return Err(AppError::validation(field, "err.password_common"));
    }
    Ok(())
}

// ---------------------------------------------------------------- sessions

pub(crate) fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub fn token_id(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// A fresh random CSRF token (for visitors who have no session yet).
pub fn new_csrf_token() -> String {
    random_token()
}

/// What a successful login or signup hands to the edge.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The secret the client presents (cookie value or bearer token).
    pub token: String,
    pub csrf_token: String,
    pub me: Me,
}

async fn create_session<C: ConnectionTrait>(
    c: &C,
    user: i64,
    via: AuthVia,
    meta: &RequestMeta,
) -> Result<(String, String), AppError> {
    let token = random_token();
    let csrf = random_token();
    let now = Utc::now();
    sessions::ActiveModel {
        id: Set(token_id(&token)),
        user_id: Set(user),
        csrf_token: Set(csrf.clone()),
        kind: Set(match via {
            AuthVia::Cookie => "cookie".into(),
            AuthVia::Bearer => "bearer".into(),
        }),
        ip: Set(meta.ip.chars().take(64).collect()),
        user_agent: Set(meta.user_agent.chars().take(200).collect()),
        created_at: Set(now),
        last_seen_at: Set(now),
        reauth_at: Set(now),
    }
    .insert(c)
    .await?;
    Ok((token, csrf))
}

/// Looks a presented token up; ends it when idle or past its absolute lifetime.
/// Returns `None` for unknown, expired or disabled-account tokens.
pub async fn resolve_session(ctx: &AppCtx, token: &str) -> Result<Option<Authed>, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let id = token_id(token);
    let Some(s) = repo::session(&ctx.db, &id).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let cfg: &RuntimeConfig = &ctx.cfg;
    let idle = now - s.last_seen_at > Duration::minutes(cfg.session_idle_minutes);
    let old = now - s.created_at > Duration::hours(cfg.session_absolute_hours);
    if idle || old {
        repo::delete_session(&ctx.db, &id).await?;
        return Ok(None);
    }
    // Touch at most once a minute so reads do not each become a write.
    if now - s.last_seen_at > Duration::seconds(60) {
        let mut am: sessions::ActiveModel = s.clone().into();
        am.last_seen_at = Set(now);
        am.update(&ctx.db).await?;
    }
    Ok(Some(Authed {
        user_id: UserId(s.user_id),
        session_id: id,
        csrf_token: s.csrf_token,
        via: if s.kind == "bearer" {
            AuthVia::Bearer
        } else {
            AuthVia::Cookie
        },
    }))
}

// ---------------------------------------------------------------- login, signup, logout

async fn throttle_check(ctx: &AppCtx, account: &str, ip: &str) -> Result<(), AppError> {
    let cfg = &ctx.cfg;
    let window = Duration::minutes(cfg.throttle_window_minutes);
    let since = Utc::now() - window;
    for (scope, key, max) in [
        ("account", account, cfg.max_failures_per_account),
        ("ip", ip, cfg.max_failures_per_ip),
    ] {
        let (n, oldest) = repo::recent_failures(&ctx.db, scope, key, since).await?;
        if n >= max {
            let until = oldest.unwrap_or_else(Utc::now) + window;
            let secs = (until - Utc::now()).num_seconds().max(1);
            return Err(AppError::RateLimited { retry_after_secs: secs });
        }
    }
    Ok(())
}

async fn record_attempt<C: ConnectionTrait>(c: &C, account: &str, ip: &str, success: bool) -> Result<(), AppError> {
    let now = Utc::now();
    for (scope, key) in [("account", account), ("ip", ip)] {
        login_attempts::ActiveModel {
            scope: Set(scope.into()),
            key: Set(key.chars().take(128).collect()),
            success: Set(success),
            attempted_at: Set(now),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// The account key a login name throttles under: a phone in canonical form, else lowercase.
fn normalize_login(login: &str) -> String {
    match Phone::try_from(login) {
        Ok(p) => p.as_str().to_string(),
        Err(_) => login.trim().to_ascii_lowercase(),
    }
}

/// Logs in by login name or phone.
/// Errors: `RateLimited` when the account or IP has failed too often recently;
/// `Validation{password, err.login_failed}` for a wrong login or password (the same for both).
pub async fn login(
    ctx: &AppCtx,
    meta: &RequestMeta,
    login: &str,
    password: &str,
    via: AuthVia,
) -> Result<LoggedIn, AppError> {
    if login.trim().is_empty() {
        return Err(AppError::validation("login", "err.required"));
    }
    if password.is_empty() {
        return Err(AppError::validation("password", "err.required"));
    }
    let account: String = normalize_login(login).chars().take(64).collect();
    if let Err(e) = throttle_check(ctx, &account, &meta.ip).await {
        let entry = AuditEntry::new("auth.login", "account", mask_login(&account))
            .actor(None, &mask_login(&account))
            .outcome("denied")
            .summary(serde_json::json!({"reason": "throttled"}));
        let _ = audit::record_now(&ctx.db, meta, entry).await;
        return Err(e);
    }
    let user = repo::user_by_login(&ctx.db, &account).await?;
    let too_long = password.chars().count() > PASSWORD_HARD_MAX;
    let ok = !too_long && verify_password(password.to_string(), user.as_ref().map(|u| u.password_hash.clone())).await;
    let active = user.as_ref().is_some_and(|u| u.status == "active");
    if !(ok && active) {
        let reason = if !ok { "bad_credentials" } else { "disabled" };
        let uid = user.as_ref().map(|u| UserId(u.id));
        with_txn!(ctx.db, |txn| {
            record_attempt(&txn, &account, &meta.ip, false).await?;
            let entry = AuditEntry::new(
                "auth.login",
                "account",
                uid.map(|u| u.0.to_string()).unwrap_or_default(),
            )
            .actor(uid, &mask_login(&account))
            .outcome("failed")
            .summary(serde_json::json!({ "reason": reason }));
            audit::record(&txn, meta, entry).await
        })?;
        return Err(AppError::validation("password", "err.login_failed"));
    }
    let Some(user) = user else {
        return Err(AppError::Internal);
    };
    let (token, csrf) = with_txn!(ctx.db, |txn| {
        record_attempt(&txn, &account, &meta.ip, true).await?;
        let s = create_session(&txn, user.id, via, meta).await?;
        let entry = AuditEntry::new("auth.login", "user", user.id)
            .actor(Some(UserId(user.id)), &user.login)
            .summary(serde_json::json!({ "via": if via == AuthVia::Bearer { "bearer" } else { "cookie" } }));
        audit::record(&txn, meta, entry).await?;
        Ok(s)
    })?;
    let me = me(&ctx.db, UserId(user.id)).await?;
    Ok(LoggedIn {
        token,
        csrf_token: csrf,
        me,
    })
}

/// A resident creates an account with their mobile number.
/// Errors: `Validation` on phone, name or password; `Conflict{phone}` when taken.
pub async fn signup(
    ctx: &AppCtx,
    meta: &RequestMeta,
    phone: &str,
    display_name: &str,
    password: &str,
) -> Result<LoggedIn, AppError> {
    let phone = Phone::try_from(phone)?;
    let name = check_display_name(display_name)?;
    check_password_policy(password, "password", &[phone.as_str(), &name])?;
    if repo::user_by_login(&ctx.db, phone.as_str()).await?.is_some() {
        return Err(AppError::conflict("phone", "err.phone_taken"));
    }
    let hash = hash_password(password.to_string()).await?;
    let (uid, token, csrf) = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let u = users::ActiveModel {
            login: Set(phone.as_str().into()),
            phone: Set(Some(phone.as_str().into())),
            display_name: Set(name.clone()),
            password_hash: Set(hash.clone()),
            kind: Set(UserKind::Resident.code().into()),
            status: Set("active".into()),
            locale: Set("zh-CN".into()),
            large_text: Set(false),
            password_changed_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "phone", "err.phone_taken"))?;
        let (t, c) = create_session(&txn, u.id, AuthVia::Cookie, meta).await?;
        let entry = AuditEntry::new("user.signup", "user", u.id)
            .actor(Some(UserId(u.id)), &u.login)
            .summary(serde_json::json!({ "phone": phone.masked() }));
        audit::record(&txn, meta, entry).await?;
        Ok((UserId(u.id), t, c))
    })?;
    Ok(LoggedIn {
        token,
        csrf_token: csrf,
        me: me(&ctx.db, uid).await?,
    })
}

/// Ends the session on the server: the token stops working everywhere at once.
pub async fn logout(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<(), AppError> {
    let label = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        repo::delete_session(&txn, &auth.session_id).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("auth.logout", "user", auth.user_id).actor(Some(auth.user_id), &label),
        )
        .await
    })
}

/// Re-checks the caller's password before a sensitive change (ASVS 3.7.1). A wrong password
/// counts toward login throttling and is audited under `action` as failed.
async fn reauthenticate(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    current: &str,
    action: &str,
) -> Result<users::Model, AppError> {
    let user = repo::user(&ctx.db, auth.user_id.0)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let account = normalize_login(&user.login);
    throttle_check(ctx, &account, &meta.ip).await?;
    if verify_password(current.to_string(), Some(user.password_hash.clone())).await {
        return Ok(user);
    }
    with_txn!(ctx.db, |txn| {
        record_attempt(&txn, &account, &meta.ip, false).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new(action, "user", user.id)
                .actor(Some(auth.user_id), &mask_login(&user.login))
                .outcome("failed")
                .summary(serde_json::json!({"reason": "reauth_failed"})),
        )
        .await
    })?;
    Err(AppError::validation("current_password", "err.current_password_wrong"))
}

/// Changes the caller's password after re-checking the current one. Other sessions end.
/// Errors: `Validation{current_password}` when wrong (counts toward throttling),
/// `Validation{new_password}` for a weak one, `RateLimited`.
pub async fn change_password(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let user = reauthenticate(ctx, meta, auth, current, "user.password.change").await?;
    let inputs: Vec<&str> = [
        Some(user.login.as_str()),
        user.phone.as_deref(),
        Some(user.display_name.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    check_password_policy(new, "new_password", &inputs)?;
    if current == new {
        return Err(AppError::validation("new_password", "err.password_same"));
    }
    let hash = hash_password(new.to_string()).await?;
    with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let mut am: users::ActiveModel = user.clone().into();
        am.password_hash = Set(hash.clone());
        am.password_changed_at = Set(now);
        am.updated_at = Set(now);
        am.update(&txn).await?;
        let ended = repo::delete_sessions_of(&txn, user.id, Some(&auth.session_id)).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("user.password.change", "user", user.id)
                .actor(Some(auth.user_id), &user.login)
                .summary(serde_json::json!({ "password": "***", "other_sessions_ended": ended })),
        )
        .await
    })
}

/// Changes the caller's mobile number after re-checking their password. A resident whose
/// login is their phone logs in with the new number from now on.
/// Errors: `Validation{current_password}` when wrong (counts toward throttling),
/// `Validation{phone}`, `Conflict{phone}` when another account has it, `RateLimited`.
pub async fn change_phone(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    current: &str,
    new_phone: &str,
) -> Result<Me, AppError> {
    let phone = Phone::try_from(new_phone)?;
    let user = reauthenticate(ctx, meta, auth, current, "user.phone.change").await?;
    if user.phone.as_deref() == Some(phone.as_str()) {
        return Err(AppError::validation("phone", "err.phone_same"));
    }
    if repo::user_by_login(&ctx.db, phone.as_str()).await?.is_some() {
        return Err(AppError::conflict("phone", "err.phone_taken"));
    }
    let login_is_phone = user.phone.as_deref() == Some(user.login.as_str());
    with_txn!(ctx.db, |txn| {
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

// ---------------------------------------------------------------- who am I

fn grant_view(g: &repo::GrantRow) -> GrantView {
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

// ---------------------------------------------------------------- administration

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
    let limit = page_size(limit);
    let ids = if scope.global {
        None
    } else {
        Some(scope.org_ids.as_slice())
    };
    let users = repo::staff_users(&ctx.db, ids, q.as_deref(), before, limit + 1).await?;
    let uids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let grants = repo::grants_of(&ctx.db, &uids).await?;
    let rows = users
        .into_iter()
        .map(|u| UserRow {
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
            status: u.status,
        })
        .collect();
    Ok(page_from(rows, limit, |r: &UserRow| r.id.0))
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
) -> Result<(), AppError> {
    require_over(ctx, meta, auth, Permission::UsersWrite, org).await?;
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
    Ok(())
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
    if estate::get(&ctx.db, input.org_id).await?.is_none() {
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
        let u = users::ActiveModel {
            login: Set(login.clone()),
            phone: Set(phone.as_ref().map(|p| p.as_str().to_string())),
            display_name: Set(name.clone()),
            password_hash: Set(hash.clone()),
            kind: Set(UserKind::Staff.code().into()),
            status: Set("active".into()),
            locale: Set("zh-CN".into()),
            large_text: Set(false),
            password_changed_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
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
        status: "active".into(),
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
    if estate::get(&ctx.db, org).await?.is_none() {
        return Err(AppError::validation("org_id", "err.org_invalid"));
    }
    check_can_grant(ctx, meta, auth, &role, org).await?;
    let target = repo::user(&ctx.db, user.0).await?.ok_or(AppError::NotFound)?;
    if role.is_staff && target.kind != "staff" {
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
    if target.kind != "staff"
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
        am.status = Set(if active { "active" } else { "disabled" }.into());
        am.updated_at = Set(Utc::now());
        am.update(&txn).await?;
        if !active {
            repo::delete_sessions_of(&txn, target.id, None).await?;
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
) -> Result<Vec<crate::estate::model::OrgNode>, AppError> {
    let scope = require(ctx, meta, auth, Permission::OrgRead).await?;
    let roots: Vec<OrgId> = scope.org_ids.iter().map(|i| OrgId(*i)).collect();
    estate::subtree_nodes(&ctx.db, &roots).await
}

// ---------------------------------------------------------------- setup (CLI, demo)

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
        let u = users::ActiveModel {
            login: Set(login.clone()),
            phone: Set(phone.as_ref().map(|p| p.as_str().to_string())),
            display_name: Set(name.clone()),
            password_hash: Set(hash.clone()),
            kind: Set(kind.code().into()),
            status: Set("active".into()),
            locale: Set("zh-CN".into()),
            large_text: Set(false),
            password_changed_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
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
    estate::get(&ctx.db, org)
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
        let mut am: users::ActiveModel = u.clone().into();
        am.password_hash = Set(hash.clone());
        am.password_changed_at = Set(Utc::now());
        am.update(&txn).await?;
        repo::delete_sessions_of(&txn, u.id, None).await?;
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
