//! 审计: one hash-chained row per mutation, login and denial. Owns table `audit_log`.
//! Appending and verifying (`log`) import nothing above `org`; reading (`list`) takes a scope
//! the edge checked.
pub mod api;
#[cfg(feature = "ssr")]
pub mod list;
#[cfg(feature = "ssr")]
pub mod log;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;
