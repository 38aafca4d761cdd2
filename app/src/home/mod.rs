//! 首页, the resident's first tab (`/`): the day at a glance in one request (`api::home_today`,
//! `glance.rs`): what each home owes, the repairs being worked on, the notices, surveys and
//! events of 社区, and the entry points. It owns no tables: each part comes from its area's
//! facade. REST: `/me/home`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod glance;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
pub mod ui;

pub use ui::HomePage;
