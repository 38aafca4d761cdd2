//! What pages and the API show of an uploaded file.
use serde::{Deserialize, Serialize};

/// The MIME types a photo upload may be sent as (anything else is refused before reading).
pub const PHOTO_UPLOAD_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/octet-stream"];

/// What the file picker offers on phones and desktops.
pub const PHOTO_ACCEPT: &str = "image/jpeg,image/png,image/webp";

/// An uploaded photo: its id goes back to the form that attaches it (a repair request, an
/// inspection), which then shows it through its own address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileRef {
    pub id: i64,
    /// Of the stored picture (upright, long side at most 2048 px).
    pub width: u32,
    pub height: u32,
    /// Size of the stored JPEG.
    pub bytes: i64,
}
