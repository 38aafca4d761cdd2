//! 物业资源 and 客户管理: buildings, units, persons and their relations to units, and the
//! staff pages that grow the org tree (`tree`: scope check and audit over `org::service`).
//! Owns tables `buildings`, `units`,
//! `persons`, `occupancies`, `parking_spaces`, `vehicles`, `bind_requests`, `family_invites`,
//! `handover_checklists`, `handovers`, `current_homes` (the home a resident with several is
//! looking at).
pub mod api;
#[cfg(feature = "ssr")]
pub mod binding;
#[cfg(feature = "ssr")]
pub mod handover;
#[cfg(feature = "ssr")]
pub mod import;
pub mod model;
#[cfg(feature = "ssr")]
pub mod people;
#[cfg(feature = "ssr")]
pub mod records;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tree;
pub mod ui;
