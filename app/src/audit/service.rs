//! (ssr) The audit area's facade: what other areas call to record a change (inside their own
//! transaction) and what the CLI calls to verify the chain.
pub use super::log::{record, record_now, verify, AuditEntry};
