//! (ssr) Idempotency keys: a client that retries a request after a lost response (a cashier's
//! second tap, an API client after a timeout) sends the same key and gets the first result
//! instead of booking money twice. The key is stored in the same transaction as what it booked,
//! so either both are there or neither; keys belong to their sender, and the same key sent with
//! a different request is refused rather than silently answered with the first.
//!
//! Inside a `with_txn!` body:
//! ```ignore
//! if let Some(id) = idem::prior(&txn, user, key, ACTION, &fp).await? { return Ok(Again(id)) }
//! let row = …book it…;
//! idem::remember(&txn, user, key, ACTION, &fp, row.id).await?;
//! ```
use super::entities::request_keys;
use crate::shared::error::AppError;
use crate::shared::ids::UserId;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

/// A client's idempotency key: 8–64 of `A–Z a–z 0–9 - _ .` (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdemKey(String);

impl IdemKey {
    /// Reads a key; `None` or blank means the client sent none. Errors: `Validation` on
    /// `idempotency_key` when it is malformed.
    pub fn parse(raw: Option<&str>) -> Result<Option<IdemKey>, AppError> {
        let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let ok = (8..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !ok {
            return Err(AppError::validation("idempotency_key", "err.idempotency_key_invalid"));
        }
        Ok(Some(IdemKey(s.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a request asked for, as a hash: `action` and the request's fields (without the key).
pub fn fingerprint(action: &str, request: &impl serde::Serialize) -> String {
    let body = serde_json::to_vec(request).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(action.as_bytes());
    h.update([0]);
    h.update(&body);
    hex::encode(h.finalize())
}

/// The row an earlier request with this key booked, if any. Errors: `Conflict` on
/// `idempotency_key` when the key was used for a different request.
pub async fn prior<C: ConnectionTrait>(
    c: &C,
    user: UserId,
    key: &IdemKey,
    action: &str,
    fingerprint: &str,
) -> Result<Option<i64>, AppError> {
    let Some(row) = request_keys::Entity::find()
        .filter(request_keys::Column::UserId.eq(user.0))
        .filter(request_keys::Column::Key.eq(key.as_str()))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    if row.action != action || row.fingerprint != fingerprint {
        return Err(AppError::conflict("idempotency_key", "err.idempotency_key_reused"));
    }
    Ok(Some(row.result_id))
}

/// Records that `key` booked `result`. Two requests racing with one key: the second's insert
/// hits the unique index, which `with_txn!` retries, and the retry finds the first in [`prior`].
pub async fn remember<C: ConnectionTrait>(
    c: &C,
    user: UserId,
    key: &IdemKey,
    action: &str,
    fingerprint: &str,
    result: i64,
) -> Result<(), AppError> {
    request_keys::ActiveModel {
        user_id: Set(user.0),
        key: Set(key.as_str().to_string()),
        action: Set(action.to_string()),
        fingerprint: Set(fingerprint.to_string()),
        result_id: Set(result),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_and_blank_means_none() {
        assert_eq!(IdemKey::parse(None).unwrap(), None);
        assert_eq!(IdemKey::parse(Some("  ")).unwrap(), None);
        assert!(IdemKey::parse(Some("0b6f3c1e-8f7a-4d2b-9c51-2a7e0f3d9b14"))
            .unwrap()
            .is_some());
        for bad in ["short", "has space in it", "中文的钥匙钥匙钥匙", &"x".repeat(65)] {
            assert!(IdemKey::parse(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fingerprint_tells_requests_apart() {
        let a = fingerprint("billing.payment", &serde_json::json!({ "amount": "100.00" }));
        assert_eq!(
            a,
            fingerprint("billing.payment", &serde_json::json!({ "amount": "100.00" }))
        );
        assert_ne!(
            a,
            fingerprint("billing.payment", &serde_json::json!({ "amount": "100.01" }))
        );
        assert_ne!(
            a,
            fingerprint("billing.deposit", &serde_json::json!({ "amount": "100.00" }))
        );
    }
}
