//! (ssr) Checks an uploaded document (an equipment's manual, a warranty card) before it is
//! stored as it is: a PDF by its content, complete, not too large, with a name fit to show.
//! Documents are only ever served as downloads (`Content-Disposition: attachment`), never
//! rendered by our pages. Pure: no I/O.
use crate::shared::error::AppError;

/// Largest document accepted, in bytes (20 MiB: a scanned manual).
pub const MAX_DOC_BYTES: usize = 20 * 1024 * 1024;
/// Longest name kept, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Every stored document is a PDF.
pub const DOC_TYPE: &str = "application/pdf";

/// Why an upload is not accepted as a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    #[error("empty file")]
    Empty,
    #[error("file over {MAX_DOC_BYTES} bytes")]
    TooLarge,
    /// Not a PDF by its content (a Word file, a photo, …).
    #[error("not a PDF")]
    NotPdf,
    /// The name does not end in `.pdf`.
    #[error("extension is not .pdf")]
    WrongExtension,
    /// Starts like a PDF but has no end-of-file marker: cut off while copying or uploading.
    #[error("PDF is truncated")]
    Truncated,
}

impl DocError {
    /// The i18n key shown to the user.
    pub fn code(self) -> &'static str {
        match self {
            DocError::Empty => "err.doc_empty",
            DocError::TooLarge => "err.doc_too_large",
            DocError::NotPdf => "err.doc_not_pdf",
            DocError::WrongExtension => "err.doc_wrong_extension",
            DocError::Truncated => "err.doc_truncated",
        }
    }
}

impl From<DocError> for AppError {
    fn from(e: DocError) -> Self {
        AppError::validation("file", e.code())
    }
}

/// Characters that change how a name reads without showing: zero-width ones and the
/// direction overrides (`U+202E` makes `txt.exe` show as `exe.txt`).
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The name to keep for an upload called `name` on the device: its last path segment,
/// without control characters, quotes or separators, at most [`MAX_NAME_CHARS`] characters
/// and still ending in `.pdf`.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .filter(|c| {
            !c.is_control() && !invisible(*c) && !matches!(c, '"' | '\'' | '<' | '>' | ':' | '*' | '?' | '|' | ';')
        })
        .collect();
    let kept = kept.trim();
    let (stem, ext) = match kept.rsplit_once('.') {
        Some((s, e)) => (s.trim(), e),
        None => (kept, "pdf"),
    };
    let stem: String = stem
        .chars()
        .take(MAX_NAME_CHARS - 1 - ext.chars().count().min(10))
        .collect();
    let stem = if stem.is_empty() { "document".to_string() } else { stem };
    format!("{stem}.{}", ext.to_ascii_lowercase())
}

/// Checks `bytes`, uploaded as `name`, as a PDF; returns the name to keep.
///
/// Errors: [`DocError`] naming the first problem: empty, over [`MAX_DOC_BYTES`], not a PDF by
/// its first bytes, a name not ending in `.pdf`, or no `%%EOF` in the last kilobyte.
pub fn check_document(bytes: &[u8], name: &str) -> Result<String, DocError> {
    if bytes.is_empty() {
        return Err(DocError::Empty);
    }
    if bytes.len() > MAX_DOC_BYTES {
        return Err(DocError::TooLarge);
    }
    // The header may follow a few bytes of junk (the format allows 1024).
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(DocError::NotPdf);
    }
    let kept = clean_name(name);
    if !kept.ends_with(".pdf") {
        return Err(DocError::WrongExtension);
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(DocError::Truncated);
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
    }

    #[test]
    fn files_documents_are_pdfs_by_content_and_name() {
        assert_eq!(check_document(&pdf(), "水泵说明书.pdf"), Ok("水泵说明书.pdf".into()));
        assert_eq!(check_document(&pdf(), "MANUAL.PDF"), Ok("MANUAL.pdf".into()));
        assert_eq!(check_document(&[], "a.pdf"), Err(DocError::Empty));
        assert_eq!(check_document(b"PK\x03\x04 word", "a.pdf"), Err(DocError::NotPdf));
        assert_eq!(
            check_document(&[0xFF, 0xD8, 0xFF, 0xE0], "a.pdf"),
            Err(DocError::NotPdf)
        );
        assert_eq!(check_document(&pdf(), "a.docx"), Err(DocError::WrongExtension));
        let mut cut = pdf();
        cut.truncate(30);
        assert_eq!(check_document(&cut, "a.pdf"), Err(DocError::Truncated));
        let mut big = pdf();
        big.resize(MAX_DOC_BYTES + 1, b' ');
        assert_eq!(check_document(&big, "a.pdf"), Err(DocError::TooLarge));
        assert_eq!(
            AppError::from(DocError::NotPdf),
            AppError::validation("file", "err.doc_not_pdf")
        );
    }

    #[test]
    fn files_document_names_are_cleaned() {
        assert_eq!(clean_name("C:\\Users\\x\\保修卡.pdf"), "保修卡.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd.pdf");
        assert_eq!(clean_name("a\"b\n<c>.pdf"), "abc.pdf");
        assert_eq!(clean_name("manual\u{202E}fdp.exe.pdf"), "manualfdp.exe.pdf");
        assert_eq!(clean_name("说\u{200B}明书.pdf"), "说明书.pdf");
        assert_eq!(clean_name(".pdf"), "document.pdf");
        assert_eq!(clean_name("   "), "document.pdf");
        let long = format!("{}.pdf", "长".repeat(300));
        let c = clean_name(&long);
        assert!(c.chars().count() <= MAX_NAME_CHARS && c.ends_with(".pdf"), "{c}");
    }
}
