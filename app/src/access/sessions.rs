//! (ssr) Sessions: tokens, login (throttled per account and IP), sign-up, logout, resolving
//! a session or bearer token, and re-authentication before sensitive changes.
use super::accounts::me;
use super::model::*;
use super::passwords::{check_password_policy, hash_password, verify_password};
use super::repo;
use super::scope::actor_label;
use super::verify::{self, CodePurpose};
use crate::audit::model::Outcome;
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{login_attempts, sessions, users};
use crate::db::{map_unique, AppCtx, RuntimeConfig};
use crate::shared::error::AppError;
use crate::shared::ids::UserId;
use crate::with_txn;
use base64::Engine as _;
use chrono::{Duration, Utc};
use sea_orm::{prelude::*, ActiveValue::Set};

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

pub(super) async fn create_session<C: ConnectionTrait>(
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
        kind: Set(via.into()),
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
        via: AuthVia::parse(&s.kind).unwrap_or(AuthVia::Cookie),
    }))
}

/// One password attempt, counted as a failure from before the password is checked, so that
/// guesses sent at once cannot all slip under the limit.
pub(super) struct Attempt {
    ids: Vec<i64>,
}

/// Records an attempt by `account` from `ip` as failed, then refuses it (`RateLimited`, and
/// the attempt taken back) when that makes more failures within the window, since the last
/// success, than allowed for the account or the address.
pub(super) async fn claim_attempt(ctx: &AppCtx, account: &str, ip: &str) -> Result<Attempt, AppError> {
    let now = Utc::now();
    let mut ids = Vec::with_capacity(2);
    for (scope, key) in [("account", account), ("ip", ip)] {
        let row = login_attempts::ActiveModel {
            scope: Set(scope.into()),
            key: Set(key.chars().take(128).collect()),
            success: Set(false),
            attempted_at: Set(now),
            ..Default::default()
        }
        .insert(&ctx.db)
        .await?;
        ids.push(row.id);
    }
    let attempt = Attempt { ids };
    let cfg = &ctx.cfg;
    let window = Duration::minutes(cfg.throttle_window_minutes);
    let since = now - window;
    for ((scope, key, max), upto) in [
        ("account", account, cfg.max_failures_per_account),
        ("ip", ip, cfg.max_failures_per_ip),
    ]
    .into_iter()
    .zip(attempt.ids.clone())
    {
        let key: String = key.chars().take(128).collect();
        let (n, oldest) = repo::recent_failures(&ctx.db, scope, &key, since, upto).await?;
        if n > max {
            attempt.withdraw(&ctx.db).await?;
            let until = oldest.unwrap_or_else(Utc::now) + window;
            let secs = (until - Utc::now()).num_seconds().max(1);
            return Err(AppError::RateLimited { retry_after_secs: secs });
        }
    }
    Ok(attempt)
}

impl Attempt {
    /// The password was right: a success, which restarts the count.
    pub(super) async fn succeeded<C: ConnectionTrait>(&self, c: &C) -> Result<(), AppError> {
        login_attempts::Entity::update_many()
            .col_expr(login_attempts::Column::Success, Expr::value(true))
            .filter(login_attempts::Column::Id.is_in(self.ids.clone()))
            .exec(c)
            .await?;
        Ok(())
    }

    /// The attempt does not count (refused unchecked, or a right password outside a login).
    pub(super) async fn withdraw<C: ConnectionTrait>(&self, c: &C) -> Result<(), AppError> {
        login_attempts::Entity::delete_many()
            .filter(login_attempts::Column::Id.is_in(self.ids.clone()))
            .exec(c)
            .await?;
        Ok(())
    }
}

/// The account key a login name throttles under: a phone in canonical form, else lowercase.
pub(super) fn normalize_login(login: &str) -> String {
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
    let attempt = match claim_attempt(ctx, &account, &meta.ip).await {
        Ok(a) => a,
        Err(e) => {
            let entry = AuditEntry::new("auth.login", "account", mask_login(&account))
                .actor(None, &mask_login(&account))
                .outcome(Outcome::Denied)
                .summary(serde_json::json!({"reason": "throttled"}));
            let _ = audit::record_now(&ctx.db, meta, entry).await;
            return Err(e);
        }
    };
    let user = repo::user_by_login(&ctx.db, &account).await?;
    let too_long = password.chars().count() > PASSWORD_HARD_MAX;
    let ok = !too_long && verify_password(password.to_string(), user.as_ref().map(|u| u.password_hash.clone())).await;
    let active = user.as_ref().is_some_and(|u| u.status == UserStatus::Active.code());
    if !(ok && active) {
        let reason = if !ok { "bad_credentials" } else { "disabled" };
        let uid = user.as_ref().map(|u| UserId(u.id));
        // The attempt already counts as a failure.
        with_txn!(ctx.db, |txn| {
            let entry = AuditEntry::new(
                "auth.login",
                "account",
                uid.map(|u| u.0.to_string()).unwrap_or_default(),
            )
            .actor(uid, &mask_login(&account))
            .outcome(Outcome::Failed)
            .summary(serde_json::json!({ "reason": reason }));
            audit::record(&txn, meta, entry).await
        })?;
        return Err(AppError::validation("password", "err.login_failed"));
    }
    let Some(user) = user else {
        return Err(AppError::Internal);
    };
    let (token, csrf) = with_txn!(ctx.db, |txn| {
        attempt.succeeded(&txn).await?;
        let s = create_session(&txn, user.id, via, meta).await?;
        let entry = AuditEntry::new("auth.login", "user", user.id)
            .actor(Some(UserId(user.id)), &user.login)
            .summary(serde_json::json!({ "via": via.code() }));
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

/// Sends the code that proves a new resident holds `phone` (step one of sign-up).
/// Errors: `Validation{phone}`, `Conflict{phone}` when an account has it, and those of
/// [`verify::send_code`] (throttling, no SMS provider).
pub async fn send_signup_code(ctx: &AppCtx, meta: &RequestMeta, phone: &str) -> Result<CodeSent, AppError> {
    let phone = Phone::try_from(phone)?;
    if repo::user_by_login(&ctx.db, phone.as_str()).await?.is_some() {
        return Err(AppError::conflict("phone", "err.phone_taken"));
    }
    verify::send_code(ctx, meta, &phone, CodePurpose::Signup, None).await
}

/// A resident creates an account with their mobile number and the code sent to it
/// ([`send_signup_code`]): the number is theirs, so their homes are matched by it.
/// Errors: `Validation` on phone, code, name or password; `Conflict{phone}` when taken.
pub async fn signup(
    ctx: &AppCtx,
    meta: &RequestMeta,
    phone: &str,
    code: &str,
    display_name: &str,
    password: &str,
) -> Result<LoggedIn, AppError> {
    let phone = Phone::try_from(phone)?;
    let name = check_display_name(display_name)?;
    check_password_policy(password, "password", &[phone.as_str(), &name])?;
    if repo::user_by_login(&ctx.db, phone.as_str()).await?.is_some() {
        return Err(AppError::conflict("phone", "err.phone_taken"));
    }
    let code_id = verify::check_code(ctx, &phone, CodePurpose::Signup, None, code).await?;
    let hash = hash_password(password.to_string()).await?;
    let (uid, token, csrf) = with_txn!(ctx.db, |txn| {
        verify::consume(&txn, code_id).await?;
        let now = Utc::now();
        let u = repo::new_user(
            phone.as_str().into(),
            Some(phone.as_str().into()),
            name.clone(),
            hash.clone(),
            UserKind::Resident,
            now,
        )
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "phone", "err.phone_taken"))?;
        let (t, c) = create_session(&txn, u.id, AuthVia::Cookie, meta).await?;
        let entry = AuditEntry::new("user.signup", "user", u.id)
            .actor(Some(UserId(u.id)), &u.login)
            .summary(serde_json::json!({ "phone": phone.masked(), "verified": "sms" }));
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
pub(super) async fn reauthenticate(
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
    let attempt = claim_attempt(ctx, &account, &meta.ip).await?;
    if verify_password(current.to_string(), Some(user.password_hash.clone())).await {
        // A right password here is no login: the attempt simply does not count.
        attempt.withdraw(&ctx.db).await?;
        return Ok(user);
    }
    with_txn!(ctx.db, |txn| {
        audit::record(
            &txn,
            meta,
            AuditEntry::new(action, "user", user.id)
                .actor(Some(auth.user_id), &mask_login(&user.login))
                .outcome(Outcome::Failed)
                .summary(serde_json::json!({"reason": "reauth_failed"})),
        )
        .await
    })?;
    Err(AppError::validation("current_password", "err.current_password_wrong"))
}
