//! 客服/派工: service tickets (repairs in homes and public areas, complaints, inquiries,
//! praise) with their timeline, dispatch to technicians, SLA clocks, verification, rating,
//! chargeable repairs (through billing), and reports. Owns tables `service_tickets`,
//! `service_events`, `service_settings`, `service_prices`, `service_teams`,
//! `service_team_members`. Photos live in the files area under kind `service_event`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod config;
pub mod model;
#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod rest;
// The area is 客服 ("service"), and every area's use cases live in `service.rs`.
#[allow(clippy::module_inception)]
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;
