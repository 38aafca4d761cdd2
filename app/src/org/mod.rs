//! 组织: the org tree (company > region > office > community) that every scope is a subtree of.
//! A bottom area: imports only `shared` and `db`. Owns table `org_units`. Staff grow and
//! rename the tree through `estate::tree` (scope check and audit live above this area).
pub mod model;
#[cfg(feature = "ssr")]
pub mod scope;
#[cfg(feature = "ssr")]
pub mod service;
