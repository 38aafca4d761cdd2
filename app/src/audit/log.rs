//! (ssr) Appending to the audit chain (in the caller's transaction) and verifying it. Imports
//! nothing above `org`, so every area (and `access`) may record.
use super::model::{check_chain, row_hash, AuditRow, ChainCheck, Outcome, GENESIS};
use crate::db::entities::audit_log;
use crate::shared::error::AppError;
use crate::shared::ids::{AuditId, OrgId, UserId};
use crate::shared::request::RequestMeta;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};

/// What happened, to be written as one row.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor_id: Option<UserId>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The org node the object belongs to (decides who may read the row).
    pub org_id: Option<OrgId>,
    pub outcome: Outcome,
    /// Changed fields, personal data masked by the caller.
    pub summary: serde_json::Value,
}

impl AuditEntry {
    pub fn new(action: &str, object_type: &str, object_id: impl ToString) -> Self {
        AuditEntry {
            actor_id: None,
            actor_label: String::new(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.to_string(),
            org_id: None,
            outcome: Outcome::Ok,
            summary: serde_json::json!({}),
        }
    }

    pub fn actor(mut self, id: Option<UserId>, label: &str) -> Self {
        self.actor_id = id;
        self.actor_label = label.chars().take(64).collect();
        self
    }

    pub fn org(mut self, org: Option<OrgId>) -> Self {
        self.org_id = org;
        self
    }

    pub fn outcome(mut self, o: Outcome) -> Self {
        self.outcome = o;
        self
    }

    pub fn summary(mut self, s: serde_json::Value) -> Self {
        self.summary = s;
        self
    }
}

pub(super) fn to_row(m: audit_log::Model) -> AuditRow {
    AuditRow {
        id: AuditId(m.id),
        at: m.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        actor_id: m.actor_id.map(UserId),
        actor_label: m.actor_label,
        ip: m.ip,
        action: m.action,
        object_type: m.object_type,
        object_id: m.object_id,
        org_id: m.org_id.map(OrgId),
        outcome: m.outcome,
        summary: m.summary,
        prev_hash: m.prev_hash,
        hash: m.hash,
    }
}

/// Appends one row inside the caller's transaction, so the row exists exactly when the
/// change it describes does. A concurrent append makes this fail as `busy` (the unique
/// `prev_hash`), and `with_txn!` retries the whole transaction.
pub async fn record<C: ConnectionTrait>(c: &C, meta: &RequestMeta, e: AuditEntry) -> Result<(), AppError> {
    let head = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(1)
        .one(c)
        .await?
        .map(|m| m.hash)
        .unwrap_or_else(|| GENESIS.to_string());
    // Microsecond precision survives both SQLite text and PostgreSQL timestamptz.
    let now = chrono::Utc::now();
    let now = now - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos() % 1000));
    let mut row = AuditRow {
        id: AuditId(0),
        at: now.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        actor_id: e.actor_id,
        actor_label: e.actor_label,
        ip: meta.ip.chars().take(64).collect(),
        action: e.action,
        object_type: e.object_type,
        object_id: e.object_id.chars().take(64).collect(),
        org_id: e.org_id,
        outcome: e.outcome.code().into(),
        summary: e.summary.to_string(),
        prev_hash: head,
        hash: String::new(),
    };
    row.hash = row_hash(&row);
    audit_log::ActiveModel {
        at: Set(now),
        actor_id: Set(row.actor_id.map(|a| a.0)),
        actor_label: Set(row.actor_label),
        ip: Set(row.ip),
        action: Set(row.action),
        object_type: Set(row.object_type),
        object_id: Set(row.object_id),
        org_id: Set(row.org_id.map(|o| o.0)),
        outcome: Set(row.outcome),
        summary: Set(row.summary),
        prev_hash: Set(row.prev_hash),
        hash: Set(row.hash),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Records an event that changes nothing else (a login, a denial) in its own transaction.
pub async fn record_now(db: &DatabaseConnection, meta: &RequestMeta, e: AuditEntry) -> Result<(), AppError> {
    crate::with_txn!(db, |txn| { record(&txn, meta, e.clone()).await })
}

/// Re-walks the whole chain in id order, a page at a time.
pub async fn verify(db: &DatabaseConnection) -> Result<ChainCheck, AppError> {
    let mut prev = GENESIS.to_string();
    let mut after = 0i64;
    let mut total = 0u64;
    loop {
        let batch: Vec<AuditRow> = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(after))
            .order_by_asc(audit_log::Column::Id)
            .limit(5000)
            .all(db)
            .await?
            .into_iter()
            .map(to_row)
            .collect();
        let Some(last) = batch.last() else { break };
        after = last.id.0;
        match check_chain(&prev, &batch) {
            Ok((n, head)) => {
                total += n;
                prev = head;
            }
            Err((row, reason)) => return Ok(ChainCheck::Broken { row, reason }),
        }
    }
    Ok(ChainCheck::Intact {
        rows: total,
        head: prev,
    })
}
