//! (ssr) The community area's facade: the only functions other areas may call.

/// The notices that matter now, the surveys waiting for the caller and the events coming up:
/// what the 社区 tab shows, and 首页 shows again.
pub use super::tab::summary;
