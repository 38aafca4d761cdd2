//! 权限: accounts, sessions, login throttling, roles, function permissions and data scope.
//! Owns tables `users`, `sessions`, `login_attempts`, `roles`, `role_permissions`, `grants`, `api_keys`,
//! `phone_codes`.
//!
//! Every staff query goes through [`service::Scope`]: a service asks `require(…, permission)`
//! and gets back the org subtree it may touch, then filters with it. There is no unscoped path.
#[cfg(feature = "ssr")]
pub mod accounts;
pub mod api;
#[cfg(feature = "ssr")]
pub mod keys;
pub mod model;
#[cfg(feature = "ssr")]
pub mod passwords;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod scope;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sessions;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod verify;
