//! 审计: one hash-chained row per mutation, login and denial. Owns table `audit_log`.
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;
