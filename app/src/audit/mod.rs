//! 审计: one hash-chained row per mutation, login and denial. Owns table `audit_log`.
//! Appending and verifying (`log`) import nothing above `org`, so `access` records through it;
//! reading (`list`) checks the caller's `audit.read` scope through `access`.
#[cfg(feature = "ssr")]
pub mod anchor;
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
