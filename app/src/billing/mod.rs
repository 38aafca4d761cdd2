//! 收费: charge items, fee standards, meters, bill runs, the counter and reports. Owns tables `billing_settings`, `charge_items`, `fee_standards`,
//! `charge_assignments`, `meters`, `meter_readings`, `bill_runs`, `bill_lines`,
//! `line_adjustments`, `payments`, `payment_allocations`, `receipt_counters`,
//! `prepaid_ledger`, `deposits`, `period_closes`.
pub mod api;
pub mod charge;
#[cfg(feature = "ssr")]
pub mod counter;
pub mod formula;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod meters;
pub mod model;
#[cfg(feature = "ssr")]
pub mod notices;
#[cfg(feature = "ssr")]
pub mod plan;
#[cfg(feature = "ssr")]
pub mod readings_import;
#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod runs;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod standards;
pub mod ui;
