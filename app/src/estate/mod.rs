//! 物业资源: the org tree (company > region > office > community). Owns table `org_units`.
//! Buildings, units and parking arrive with the property-records issue.
pub mod model;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;
