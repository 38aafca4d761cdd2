//! (ssr) Phone verification: a number becomes an account's only after a one-time code sent to
//! it by text message is entered, at sign-up and when changing one's number. Homes, bills and
//! household notices are matched by that number, so typing someone else's number must not be
//! enough to become their home's owner.
//!
//! Codes are six digits, stored hashed, valid for [`CODE_MINUTES`] and [`MAX_ATTEMPTS`] wrong
//! entries (each counted before it is checked, so a burst of guesses cannot race the count).
//! Sending is throttled: one code per number per [`RESEND_SECS`], [`PER_PHONE_HOUR`] per number
//! and [`PER_IP_HOUR`] per client address an hour.
//!
//! The text goes out through a [`TextSender`] the server installs (its SMS channel); this module
//! cannot name the notify area, which sits above it.
use super::model::{CodeSent, Phone};
use crate::db::entities::phone_codes;
use crate::db::{AppCtx, RuntimeConfig};
use crate::shared::error::AppError;
use crate::shared::ids::UserId;
use crate::shared::request::RequestMeta;
use chrono::{Duration, Utc};
use sea_orm::{
    prelude::*,
    sea_query::{Expr, ExprTrait},
    ActiveValue::Set,
    QueryOrder,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const CODE_MINUTES: i64 = 10;
pub const MAX_ATTEMPTS: i32 = 5;
pub const RESEND_SECS: i64 = 60;
pub const PER_PHONE_HOUR: u64 = 5;
pub const PER_IP_HOUR: u64 = 30;

crate::code_enum! {
    /// What a code proves the number for.
    pub enum CodePurpose {
        /// Creating an account with this number.
        Signup = "signup",
        /// Moving one's account to this number.
        Phone = "phone",
        /// Setting a new password for the account with this number (忘记密码).
        Reset = "reset",
    }
}

/// Sends a text message to a phone (the server wraps its SMS channel in one).
#[async_trait::async_trait]
pub trait TextSender: Send + Sync {
    /// Sends `body` to `phone`; `Err` with the reason when the provider did not take it.
    async fn send_text(&self, phone: &str, body: &str) -> Result<(), String>;
}

/// How this server sends codes (a part of the runtime config); `None` when no SMS provider is
/// configured, and then nobody can sign up or change their number by themselves.
#[derive(Clone, Default)]
pub struct Texts(pub Option<Arc<dyn TextSender>>);

impl Texts {
    pub fn of(cfg: &RuntimeConfig) -> Option<&Arc<dyn TextSender>> {
        cfg.parts.get::<Texts>().and_then(|t| t.0.as_ref())
    }
}

fn hash(phone: &str, purpose: CodePurpose, code: &str) -> String {
    let mut h = Sha256::new();
    for part in [phone, purpose.code(), code] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Sends a fresh code for `purpose` to `phone` (for a change of number, on behalf of `user`).
/// Errors: `RateLimited` with the wait; `Conflict{phone}` `err.sms_unavailable` when this server
/// has no SMS provider, `err.sms_failed` when the provider refused.
pub async fn send_code(
    ctx: &AppCtx,
    meta: &RequestMeta,
    phone: &Phone,
    purpose: CodePurpose,
    user: Option<UserId>,
) -> Result<CodeSent, AppError> {
    let Some(sender) = Texts::of(&ctx.cfg).cloned() else {
        return Err(AppError::conflict("phone", "err.sms_unavailable"));
    };
    let now = Utc::now();
    let hour_ago = now - Duration::hours(1);
    let recent = phone_codes::Entity::find()
        .filter(phone_codes::Column::Phone.eq(phone.as_str()))
        .filter(phone_codes::Column::CreatedAt.gt(hour_ago))
        .order_by_desc(phone_codes::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    if let Some(last) = recent.first() {
        let wait = RESEND_SECS - (now - last.created_at).num_seconds();
        if wait > 0 {
            return Err(AppError::RateLimited { retry_after_secs: wait });
        }
    }
    if recent.len() as u64 >= PER_PHONE_HOUR {
        let oldest = recent.last().map(|c| c.created_at).unwrap_or(now);
        return Err(AppError::RateLimited {
            retry_after_secs: std::cmp::max((oldest + Duration::hours(1) - now).num_seconds(), 1),
        });
    }
    let from_ip = phone_codes::Entity::find()
        .filter(phone_codes::Column::Ip.eq(meta.ip.as_str()))
        .filter(phone_codes::Column::CreatedAt.gt(hour_ago))
        .count(&ctx.db)
        .await?;
    if !meta.ip.is_empty() && from_ip >= PER_IP_HOUR {
        return Err(AppError::RateLimited { retry_after_secs: 3600 });
    }
    let code = {
        use rand::Rng;
        format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
    };
    let row = phone_codes::ActiveModel {
        phone: Set(phone.as_str().to_string()),
        purpose: Set(purpose.code().to_string()),
        user_id: Set(user.map(|u| u.0)),
        code_hash: Set(hash(phone.as_str(), purpose, &code)),
        attempts: Set(0),
        ip: Set(meta.ip.chars().take(64).collect()),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(CODE_MINUTES)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&ctx.db)
    .await?;
    let body = format!("【邻里】验证码 {code}，{CODE_MINUTES} 分钟内有效。请勿告诉他人，物业不会向你索要。");
    if let Err(e) = sender.send_text(phone.as_str(), &body).await {
        tracing::warn!(error = %e, "verification code not sent");
        // Not sent: it neither counts toward the throttle nor can be entered.
        phone_codes::Entity::delete_by_id(row.id).exec(&ctx.db).await?;
        return Err(AppError::conflict("phone", "err.sms_failed"));
    }
    Ok(CodeSent {
        to: phone.masked(),
        resend_after_secs: RESEND_SECS,
    })
}

/// Checks `code` against the newest live code sent to `phone` for `purpose` (and `user`).
/// Returns the code's id, for [`consume`] inside the transaction that acts on it. A wrong code
/// is counted at once (outside any transaction), so a refusal cannot undo the count.
/// Errors: `Validation{code}`: `err.code_invalid` (wrong), `err.code_expired` (none live, or
/// used up by wrong entries: ask for a new one).
pub async fn check_code(
    ctx: &AppCtx,
    phone: &Phone,
    purpose: CodePurpose,
    user: Option<UserId>,
    code: &str,
) -> Result<i64, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::validation("code", "err.code_invalid"));
    }
    let mut q = phone_codes::Entity::find()
        .filter(phone_codes::Column::Phone.eq(phone.as_str()))
        .filter(phone_codes::Column::Purpose.eq(purpose.code()))
        .filter(phone_codes::Column::UsedAt.is_null())
        .filter(phone_codes::Column::ExpiresAt.gt(Utc::now()));
    q = match user {
        Some(u) => q.filter(phone_codes::Column::UserId.eq(u.0)),
        None => q.filter(phone_codes::Column::UserId.is_null()),
    };
    let Some(live) = q.order_by_desc(phone_codes::Column::Id).one(&ctx.db).await? else {
        return Err(AppError::validation("code", "err.code_expired"));
    };
    // Count this attempt first; a code past its attempts is spent.
    let counted = phone_codes::Entity::update_many()
        .col_expr(
            phone_codes::Column::Attempts,
            Expr::col(phone_codes::Column::Attempts).add(1),
        )
        .filter(phone_codes::Column::Id.eq(live.id))
        .filter(phone_codes::Column::Attempts.lt(MAX_ATTEMPTS))
        .exec(&ctx.db)
        .await?;
    if counted.rows_affected == 0 {
        return Err(AppError::validation("code", "err.code_expired"));
    }
    let given = hash(phone.as_str(), purpose, &code);
    use subtle::ConstantTimeEq;
    if !bool::from(given.as_bytes().ct_eq(live.code_hash.as_bytes())) {
        return Err(AppError::validation("code", "err.code_invalid"));
    }
    Ok(live.id)
}

/// Marks a checked code used, inside the transaction that acts on it: of two requests with one
/// code, only one gets through. Errors: `Validation{code}` `err.code_expired` when already used.
pub async fn consume<C: ConnectionTrait>(c: &C, id: i64) -> Result<(), AppError> {
    let r = phone_codes::Entity::update_many()
        .col_expr(phone_codes::Column::UsedAt, Expr::value(Utc::now()))
        .filter(phone_codes::Column::Id.eq(id))
        .filter(phone_codes::Column::UsedAt.is_null())
        .exec(c)
        .await?;
    if r.rows_affected == 0 {
        return Err(AppError::validation("code", "err.code_expired"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_hash_binds_the_number_and_the_purpose() {
        let a = hash("13900000001", CodePurpose::Signup, "123456");
        assert_eq!(a, hash("13900000001", CodePurpose::Signup, "123456"));
        assert_ne!(a, hash("13900000002", CodePurpose::Signup, "123456"));
        assert_ne!(a, hash("13900000001", CodePurpose::Phone, "123456"));
        assert_ne!(a, hash("13900000001", CodePurpose::Signup, "123457"));
    }
}
