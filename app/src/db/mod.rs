//! (ssr) The database handle and runtime settings reach services through one `AppCtx`.
pub mod entities;
pub mod idem;
pub mod page;
mod parts;

pub use parts::Parts;

use crate::shared::error::AppError;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Settings that services need at run time (the server's typed config projects into this).
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Mark cookies `Secure` (and use the `__Host-` prefix): true behind TLS.
    pub secure_cookies: bool,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// A session ends this many hours after login, however active.
    pub session_absolute_hours: i64,
    /// Failed logins per account within the window before the account is throttled.
    pub max_failures_per_account: u64,
    /// Failed logins per client IP within the window before the IP is throttled.
    pub max_failures_per_ip: u64,
    /// Throttle window in minutes.
    pub throttle_window_minutes: i64,
    /// Seals personal data (ID numbers) at rest.
    pub data_key: crate::shared::sealed::DataKey,
    /// The site's public address (no trailing slash), for links in e-mails, QR codes and
    /// payment return pages (`LINLI_PUBLIC_URL`, else the bound address).
    pub public_url: String,
    /// Each area's own settings (payment provider, notification channels, file store), keyed by
    /// type: see [`Parts`].
    pub parts: Parts,
}

impl RuntimeConfig {
    /// This config with one area's part added (builder style, for servers and tests).
    pub fn with<T: std::any::Any + Send + Sync>(mut self, part: T) -> Self {
        self.parts.insert(part);
        self
    }
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            secure_cookies: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            max_failures_per_account: 5,
            max_failures_per_ip: 30,
            throttle_window_minutes: 15,
            // A throwaway key: real servers load theirs (`LINLI_DATA_KEY` or the key file).
            data_key: crate::shared::sealed::DataKey::from_master(crate::shared::sealed::DataKey::random_master()),
            public_url: String::new(),
            parts: Parts::default(),
        }
    }
}

/// Shared state: cloned into every request. Holds no per-server state (sessions, throttles
/// and jobs live in the database), so several servers behave as one.
#[derive(Clone)]
pub struct AppCtx {
    pub db: DatabaseConnection,
    pub cfg: Arc<RuntimeConfig>,
}

/// The context of this request, or an error (never a panic) when it is missing.
pub fn app_ctx() -> Result<AppCtx, AppError> {
    use_context::<AppCtx>().ok_or_else(|| {
        tracing::error!("AppCtx missing from context");
        AppError::Internal
    })
}

/// Unique-constraint violations become a 409 naming the field; other errors a logged 500.
pub fn map_unique(e: sea_orm::DbErr, field: &str, code: &str) -> AppError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::conflict(field, code),
        _ => e.into(),
    }
}

/// True when an error is a unique violation or a lost write race worth retrying.
pub fn is_retryable(e: &sea_orm::DbErr) -> bool {
    if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) {
        return true;
    }
    let s = e.to_string();
    // SQLite: BUSY between connections, LOCKED ("table is locked", "deadlocked") within a
    // shared cache; PostgreSQL: serialization failures and deadlocks.
    s.contains("database is locked")
        || s.contains("SQLITE_BUSY")
        || s.contains("table is locked")
        || s.contains("deadlocked")
        || s.contains("could not serialize")
        || s.contains("deadlock detected")
}

/// A database error as callers see it: a lost race is `busy` (retried by `with_txn!`, else a
/// 409); anything else is logged here and reaches the client as a bare 500. (Here rather than
/// in `shared::error`, which imports nothing above it.)
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if is_retryable(&e) {
            tracing::debug!(error = %e, "retryable database conflict");
            return busy();
        }
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

/// The error a lost write race becomes: `with_txn!` retries it, a caller sees a 409.
pub fn busy() -> AppError {
    AppError::conflict("_retry", "err.busy")
}

/// How `with_txn!` starts a transaction: `BEGIN IMMEDIATE` on SQLite (the mode is ignored by
/// PostgreSQL, whose row locks already make writers wait).
pub const WRITE_TXN: sea_orm::TransactionOptions = sea_orm::TransactionOptions {
    isolation_level: None,
    access_mode: None,
    sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
};

/// Runs `$body` in a transaction and commits it; retries the whole body (up to 5 times) when
/// the database reports a lost race (a unique violation on the audit chain head, a busy
/// SQLite writer, a PostgreSQL serialization failure). The body returns `Result<T, AppError>`.
#[macro_export]
macro_rules! with_txn {
    ($db:expr, |$txn:ident| $body:block) => {{
        use sea_orm::TransactionTrait as _;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            // SQLite: take the write lock at BEGIN (waiting for it up to the busy timeout), so
            // writers queue instead of failing when a read snapshot cannot be upgraded.
            // Not retried when it fails: it already waited the busy timeout for the lock, and
            // five more waits would hang the request for a minute.
            let $txn = match $db.begin_with_options($crate::db::WRITE_TXN).await {
                Ok(t) => t,
                Err(e) => break Err($crate::shared::error::AppError::from(e)),
            };
            let r: Result<_, $crate::shared::error::AppError> = async { $body }.await;
            match r {
                Ok(v) => match $txn.commit().await {
                    Ok(()) => break Ok(v),
                    Err(e) if $crate::db::is_retryable(&e) && attempt < 5 => {
                        tokio::time::sleep(std::time::Duration::from_millis(5 * attempt as u64)).await;
                        continue;
                    }
                    Err(e) => break Err($crate::shared::error::AppError::from(e)),
                },
                Err(e) => {
                    drop($txn);
                    if e == $crate::db::busy() && attempt < 5 {
                        tokio::time::sleep(std::time::Duration::from_millis(5 * attempt as u64)).await;
                        continue;
                    }
                    break Err(e);
                }
            }
        }
    }};
}
