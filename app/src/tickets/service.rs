//! (ssr) The tickets area's facade: the only functions and types other areas may call.
//! Use cases live in their own files (submit, lists, act, dispatch, sla, config, reports).
pub use super::lists::my_open;
pub use super::sla::sla_watch;
pub use super::submit::{open_from_inspection, SystemTicket};

/// Photos of timeline events are stored under this kind in the files area.
pub const PHOTO_KIND: &str = "service_event";
