//! 通知: every user's inbox, Web Push to their devices, preferences, e-mail and SMS, and staff
//! broadcasts, delivered in the background through the `jobs` queue. Other areas raise notices
//! through [`service::raise`] (inside their own transaction when they like). Owns tables
//! `notifications`, `push_subscriptions`, `notify_prefs`, `broadcasts`; job kinds `push`,
//! `email`, `notify.broadcast` (registered in [`jobs`]).
pub mod api;
#[cfg(feature = "ssr")]
pub mod broadcast;
#[cfg(feature = "ssr")]
pub mod channel;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
#[cfg(feature = "ssr")]
pub mod push;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod vapid;
