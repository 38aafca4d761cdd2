//! 在线支付: online payment of bill lines through a payment provider (Stripe Checkout first;
//! WeChat Pay or Alipay plug in behind the same [`provider::PaymentProvider`] trait). Owns
//! tables `online_checkouts`, `online_checkout_lines`, `provider_events`, `online_refunds`.
//! Money reaches the ledger only through billing's `settle`, once per checkout, whatever the
//! order or number of the provider's events; refunds leave through billing's reversal.
pub mod api;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
#[cfg(feature = "ssr")]
pub mod provider;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stripe;
#[cfg(feature = "ssr")]
pub mod stripe_sig;
pub mod ui;
