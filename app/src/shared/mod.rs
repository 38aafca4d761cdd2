//! Wasm-safe building blocks used by every area. Imports no area.
pub mod error;
pub mod i18n;
pub mod ids;
pub mod money;
pub mod pagination;
#[cfg(feature = "ssr")]
pub mod sealed;
pub mod time;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod xlsx;
