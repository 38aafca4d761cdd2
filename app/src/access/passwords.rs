//! (ssr) Passwords: argon2id hashing off the async executor (bounded), the policy,
//! changing one's own password after re-authentication, and 忘记密码 (a new password for the
//! account whose number receives a code).
use super::model::*;
use super::repo;
use super::sessions::reauthenticate;
use super::verify::{self, CodePurpose};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{login_attempts, users};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::UserId;
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set};

/// Argon2 runs at most this many at once (one per core, 2–8): each takes 19 MiB and a core,
/// so a burst of logins queues here instead of growing the blocking pool and its memory.
pub(super) fn hashing_permits() -> &'static tokio::sync::Semaphore {
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
/// What a password must not be built from: the account's login, phone and name.
fn own_words(user: &users::Model) -> Vec<&str> {
    [
        Some(user.login.as_str()),
        user.phone.as_deref(),
        Some(user.display_name.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect()
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
    check_password_policy(new, "new_password", &own_words(&user))?;
    if current == new {
        return Err(AppError::validation("new_password", "err.password_same"));
    }
    let hash = hash_password(new.to_string()).await?;
    with_txn!(ctx.db, |txn| {
        let ended = repo::store_password(&txn, &user, &hash, Some(&auth.session_id)).await?;
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

/// The account a reset code for `phone` may act on: active, a person's (not an API key's),
/// reached by the number as its login or its phone.
async fn reset_account(ctx: &AppCtx, phone: &Phone) -> Result<Option<users::Model>, AppError> {
    Ok(repo::user_by_login(&ctx.db, phone.as_str())
        .await?
        .filter(|u| u.status == UserStatus::Active.code() && u.kind != UserKind::Integration.code()))
}

/// 忘记密码, step 1: texts a code to `phone` when an active account has that number. The answer
/// is the same when none has, so the form tells nobody whether a number is registered.
/// Errors: `Validation{phone}`, `RateLimited`, `Conflict{phone}` without an SMS provider.
pub async fn send_reset_code(ctx: &AppCtx, meta: &RequestMeta, phone: &str) -> Result<CodeSent, AppError> {
    let phone = Phone::try_from(phone)?;
    if reset_account(ctx, &phone).await?.is_none() {
        if verify::Texts::of(&ctx.cfg).is_none() {
            return Err(AppError::conflict("phone", "err.sms_unavailable"));
        }
        return Ok(CodeSent {
            to: phone.masked(),
            resend_after_secs: verify::RESEND_SECS,
        });
    }
    verify::send_code(ctx, meta, &phone, CodePurpose::Reset, None).await
}

/// 忘记密码, step 2: the code sent to `phone` sets a new password. Every session of the account
/// ends, and its login throttle starts over (the owner proved the number).
/// Errors: `Validation` on phone, code (wrong or expired), password or its repetition.
pub async fn reset_password(
    ctx: &AppCtx,
    meta: &RequestMeta,
    phone: &str,
    code: &str,
    password: &str,
    password_again: &str,
) -> Result<(), AppError> {
    let phone = Phone::try_from(phone)?;
    if password != password_again {
        return Err(AppError::validation("password_again", "err.password_mismatch"));
    }
    let Some(user) = reset_account(ctx, &phone).await? else {
        // No code went out for this number: say what a wrong code would.
        return Err(AppError::validation("code", "err.code_expired"));
    };
    check_password_policy(password, "password", &own_words(&user))?;
    let code_id = verify::check_code(ctx, &phone, CodePurpose::Reset, None, code).await?;
    let hash = hash_password(password.to_string()).await?;
    with_txn!(ctx.db, |txn| {
        verify::consume(&txn, code_id).await?;
        let now = Utc::now();
        let ended = repo::store_password(&txn, &user, &hash, None).await?;
        // A success under each name the account logs in by restarts its failure count.
        let mut keys = vec![user.login.clone()];
        keys.extend(user.phone.clone().filter(|p| *p != user.login));
        for key in keys {
            login_attempts::ActiveModel {
                scope: Set("account".into()),
                key: Set(key),
                success: Set(true),
                attempted_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("user.password.reset", "user", user.id)
                .actor(Some(UserId(user.id)), &user.login)
                .summary(serde_json::json!({ "via": "sms", "phone": phone.masked(), "sessions_ended": ended })),
        )
        .await
    })
}
