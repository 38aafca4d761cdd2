//! (ssr) Anchors for the audit chain. A hash chain proves that no row was changed *inside* it,
//! but not that its tail is whole: deleting the newest rows, or editing a row and recomputing
//! every later hash, leaves a chain that verifies. A checkpoint records the chain's head (row
//! count, newest id and hash, time), signed with a key derived from the data key, and is kept
//! outside the table (the server appends it to a file in its data directory and to its log);
//! [`check`] then tells whether the chain still holds every checkpoint.
use super::model::GENESIS;
use crate::db::entities::audit_log;
use crate::shared::error::AppError;
use crate::shared::sealed::DataKey;
use sea_orm::{prelude::*, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

/// What the checkpoints say about the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchored {
    /// Every checkpoint (this many) agrees with the chain.
    Agree(usize),
    /// The first disagreement, in words.
    Disagree(String),
}

/// The chain's head at one moment, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Rows in the chain up to and including `head_id`.
    pub rows: u64,
    /// The newest row's id (0 for an empty chain).
    pub head_id: i64,
    pub head_hash: String,
    /// When it was taken (UTC, RFC 3339).
    pub at: String,
    /// HMAC-SHA256 of the above under the data key (hex).
    pub sig: String,
}

fn payload(rows: u64, head_id: i64, head_hash: &str, at: &str) -> String {
    format!("linli-audit-checkpoint\n{rows}\n{head_id}\n{head_hash}\n{at}")
}

impl Checkpoint {
    pub fn signed(key: &DataKey, rows: u64, head_id: i64, head_hash: &str, at: &str) -> Checkpoint {
        Checkpoint {
            rows,
            head_id,
            head_hash: head_hash.to_string(),
            at: at.to_string(),
            sig: key.index("audit-checkpoint", &payload(rows, head_id, head_hash, at)),
        }
    }

    /// True when this server's key signed it as it stands.
    pub fn signature_ok(&self, key: &DataKey) -> bool {
        use subtle::ConstantTimeEq;
        let want = key.index(
            "audit-checkpoint",
            &payload(self.rows, self.head_id, &self.head_hash, &self.at),
        );
        bool::from(want.as_bytes().ct_eq(self.sig.as_bytes()))
    }
}

/// The chain's head now, signed.
pub async fn take(db: &DatabaseConnection, key: &DataKey) -> Result<Checkpoint, AppError> {
    let head = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(1)
        .one(db)
        .await?;
    let (head_id, head_hash) = head.map(|h| (h.id, h.hash)).unwrap_or((0, GENESIS.to_string()));
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Id.lte(head_id))
        .count(db)
        .await?;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(Checkpoint::signed(key, rows, head_id, &head_hash, &at))
}

/// Checks the chain against `checkpoints` (oldest first): each must carry this key's signature,
/// and the chain must still hold its head row with that hash and exactly that many rows up to
/// it. Says how many agree, or what disagrees (in words for the operator).
pub async fn check(db: &DatabaseConnection, key: &DataKey, checkpoints: &[Checkpoint]) -> Result<Anchored, AppError> {
    for (i, cp) in checkpoints.iter().enumerate() {
        let n = i + 1;
        if !cp.signature_ok(key) {
            return Ok(Anchored::Disagree(format!(
                "checkpoint {n} ({}) is not signed by this server's data key",
                cp.at
            )));
        }
        if cp.head_id == 0 {
            continue;
        }
        let row = audit_log::Entity::find_by_id(cp.head_id).one(db).await?;
        let Some(row) = row else {
            return Ok(Anchored::Disagree(format!(
                "checkpoint {n} ({}): row {} is gone (rows were deleted)",
                cp.at, cp.head_id
            )));
        };
        if row.hash != cp.head_hash {
            return Ok(Anchored::Disagree(format!(
                "checkpoint {n} ({}): row {} has another hash (rows were rewritten)",
                cp.at, cp.head_id
            )));
        }
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Id.lte(cp.head_id))
            .count(db)
            .await?;
        if rows != cp.rows {
            return Ok(Anchored::Disagree(format!(
                "checkpoint {n} ({}): {} rows up to row {}, {rows} now",
                cp.at, cp.rows, cp.head_id
            )));
        }
    }
    Ok(Anchored::Agree(checkpoints.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_is_signed_over_every_field() {
        let key = DataKey::from_master([7; 32]);
        let cp = Checkpoint::signed(&key, 10, 42, "abc", "2026-12-06T04:00:00Z");
        assert!(cp.signature_ok(&key));
        assert!(!cp.signature_ok(&DataKey::from_master([8; 32])));
        for forged in [
            Checkpoint { rows: 9, ..cp.clone() },
            Checkpoint {
                head_id: 41,
                ..cp.clone()
            },
            Checkpoint {
                head_hash: "abd".into(),
                ..cp.clone()
            },
            Checkpoint {
                at: "2026-12-06T04:00:01Z".into(),
                ..cp.clone()
            },
        ] {
            assert!(!forged.signature_ok(&key), "{forged:?}");
        }
    }
}
