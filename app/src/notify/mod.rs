//! 通知: every user's inbox, Web Push to their devices, preferences, and the durable job queue
//! that delivers in the background, and staff broadcasts. Other areas raise notices through [`service::raise`]
//! (inside their own transaction when they like). Owns tables `notifications`,
//! `push_subscriptions`, `notify_prefs`, `jobs`, `broadcasts`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod broadcast;
#[cfg(feature = "ssr")]
pub mod channel;
pub mod model;
#[cfg(feature = "ssr")]
pub mod push;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod vapid;
