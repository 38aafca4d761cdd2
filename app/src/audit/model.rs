//! The audit chain rule: each row's hash covers its content and its predecessor's hash,
//! so changing, removing or reordering any row breaks every hash after it.
use crate::shared::ids::{AuditId, OrgId, UserId};
use serde::{Deserialize, Serialize};
use sha2_shim::sha256_hex;

crate::code_enum! {
    /// How an audited attempt ended.
    pub enum Outcome {
        Ok = "ok",
        /// Refused for want of a permission or scope.
        Denied = "denied",
        /// Tried and failed (a wrong password).
        Failed = "failed",
    }
}

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields a hash covers, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditRow {
    pub id: AuditId,
    /// RFC 3339 UTC, to the microsecond.
    pub at: String,
    pub actor_id: Option<UserId>,
    pub actor_label: String,
    pub ip: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub org_id: Option<OrgId>,
    /// An [`Outcome`] code, kept as stored: the hash covers exactly these bytes.
    pub outcome: String,
    /// JSON object of changed fields, personal data already masked.
    pub summary: String,
    pub prev_hash: String,
    pub hash: String,
}

/// `hex(SHA-256(prev_hash | at | actor | ip | action | object | org | outcome | summary))`,
/// fields separated by an unambiguous length prefix.
pub fn row_hash(r: &AuditRow) -> String {
    let actor = r.actor_id.map(|a| a.0.to_string()).unwrap_or_default();
    let org = r.org_id.map(|a| a.0.to_string()).unwrap_or_default();
    let fields: [&str; 11] = [
        &r.prev_hash,
        &r.at,
        &actor,
        &r.actor_label,
        &r.ip,
        &r.action,
        &r.object_type,
        &r.object_id,
        &org,
        &r.outcome,
        &r.summary,
    ];
    let mut buf = String::new();
    for f in fields {
        buf.push_str(&f.len().to_string());
        buf.push(':');
        buf.push_str(f);
    }
    sha256_hex(buf.as_bytes())
}

/// Where a chain breaks, if it does: the first row whose link or hash is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainCheck {
    Intact { rows: u64, head: String },
    Broken { row: AuditId, reason: String },
}

/// Checks rows given in id order, continuing from `prev` (the hash before the first row).
pub fn check_chain<'a>(
    prev: &str,
    rows: impl IntoIterator<Item = &'a AuditRow>,
) -> Result<(u64, String), (AuditId, String)> {
    let mut prev = prev.to_string();
    let mut n = 0;
    for r in rows {
        if r.prev_hash != prev {
            return Err((r.id, "link".into()));
        }
        if row_hash(r) != r.hash {
            return Err((r.id, "hash".into()));
        }
        prev = r.hash.clone();
        n += 1;
    }
    Ok((n, prev))
}

/// Filter for the audit page and API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub outcome: Option<String>,
    /// Show rows older than this id (keyset pagination, newest first).
    pub before: Option<i64>,
}

// SHA-256 is needed by the pure rule on both sides; the browser never computes it, so on
// wasm the function only has to type-check.
mod sha2_shim {
    #[cfg(feature = "ssr")]
    pub fn sha256_hex(b: &[u8]) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b))
    }

    #[cfg(not(feature = "ssr"))]
    pub fn sha256_hex(_b: &[u8]) -> String {
        String::new()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn row(id: i64, prev: &str, action: &str) -> AuditRow {
        let mut r = AuditRow {
            id: AuditId(id),
            at: "2026-11-22T00:00:00.000000Z".into(),
            actor_id: Some(UserId(1)),
            actor_label: "admin".into(),
            ip: "127.0.0.1".into(),
            action: action.into(),
            object_type: "user".into(),
            object_id: "2".into(),
            org_id: None,
            outcome: "ok".into(),
            summary: "{}".into(),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        r.hash = row_hash(&r);
        r
    }

    #[test]
    fn intact_chain_verifies_and_any_edit_breaks_it() {
        let a = row(1, GENESIS, "user.create");
        let b = row(2, &a.hash, "grant.add");
        let c = row(3, &b.hash, "user.disable");
        let rows = vec![a.clone(), b.clone(), c.clone()];
        assert_eq!(check_chain(GENESIS, &rows), Ok((3, c.hash.clone())));

        let mut edited = rows.clone();
        edited[1].summary = r#"{"x":1}"#.into();
        assert_eq!(check_chain(GENESIS, &edited), Err((AuditId(2), "hash".into())));

        let removed = vec![a.clone(), c.clone()];
        assert_eq!(check_chain(GENESIS, &removed), Err((AuditId(3), "link".into())));

        // Recomputing the edited row's hash does not help: the next link breaks.
        let mut forged = rows.clone();
        forged[1].action = "grant.remove".into();
        forged[1].hash = row_hash(&forged[1]);
        assert_eq!(check_chain(GENESIS, &forged), Err((AuditId(3), "link".into())));
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let mut a = row(1, GENESIS, "ab");
        a.object_type = "c".into();
        let mut b = row(1, GENESIS, "a");
        b.object_type = "bc".into();
        assert_ne!(row_hash(&a), row_hash(&b));
    }
}
