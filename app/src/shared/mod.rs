//! Wasm-safe building blocks used by every area. Imports no area.
pub mod codes;
pub mod error;
pub mod i18n;
pub mod ids;
pub mod money;
pub mod pagination;
pub mod percent;
pub mod period;
pub mod request;
#[cfg(feature = "ssr")]
pub mod sealed;
pub mod text;
pub mod time;
pub mod ui;
pub mod words;
#[cfg(feature = "ssr")]
pub mod xlsx;

/// The media type of an XLSX workbook (uploads and downloads).
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
