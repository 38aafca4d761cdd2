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

/// The MIME types a document upload may be sent as.
pub const DOC_UPLOAD_TYPES: [&str; 3] = ["application/pdf", "application/x-pdf", "application/octet-stream"];

/// What the document picker offers.
pub const DOC_ACCEPT: &str = "application/pdf,.pdf";

/// A file size as people read it: `820 KB`, `3.4 MB`.
pub fn size_label(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1024.0 * 1024.0 {
        format!("{} KB", (b / 1024.0).ceil().max(1.0) as i64)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

/// An uploaded document (a PDF manual or warranty card), downloaded through the address of
/// the object it is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocRef {
    pub id: i64,
    /// As uploaded, cleaned (`水泵说明书.pdf`).
    pub name: String,
    pub bytes: i64,
}

/// A photo kept on the phone while there was no signal (in the browser's Cache Storage under
/// `key`), to be uploaded later with the form it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldPhoto {
    pub key: String,
    /// The file's name on the device, for the upload's extension check.
    pub name: String,
    pub content_type: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_sizes_read_in_kb_then_mb() {
        assert_eq!(super::size_label(0), "1 KB");
        assert_eq!(super::size_label(41_000), "41 KB");
        assert_eq!(super::size_label(1_048_575), "1024 KB");
        assert_eq!(super::size_label(3_565_158), "3.4 MB");
    }
}
