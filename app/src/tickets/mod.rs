//! 客服/派工: service tickets (repairs in homes and public areas, complaints, inquiries,
//! praise) with their timeline, dispatch to technicians, SLA clocks, verification, rating,
//! chargeable repairs (through billing), and reports. Owns tables `service_tickets`,
//! `service_events`, `service_settings`, `service_prices`, `service_teams`,
//! `service_team_members`. Photos live in the files area under kind `service_event`.
//! Periodic task `tickets.sla_watch` ([`jobs`]). Other areas call [`service`] only.
#[cfg(feature = "ssr")]
pub mod act;
pub mod api;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod dispatch;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod lists;
pub mod model;
#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod scope;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sla;
#[cfg(feature = "ssr")]
pub mod submit;
#[cfg(feature = "ssr")]
pub mod timeline;
pub mod ui;
