//! 收费: charge items, fee standards, bills and payments. This first part holds the exact
//! arithmetic every later piece (bill runs, late fees, the counter, online payment) rests on.
pub mod charge;
pub mod formula;
pub mod model;
#[cfg(feature = "ssr")]
pub mod stripe_sig;
