//! (ssr) QR codes of checkpoints and equipment: unguessable tokens, the address a code opens,
//! and the code as inline SVG.
use crate::db::AppCtx;
use crate::shared::error::AppError;

/// A fresh QR token: 16 random bytes, base64url (22 characters). Nobody can guess another
/// checkpoint's code from one they have seen.
pub fn new_token() -> String {
    use base64::Engine as _;
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Where codes point: `LINLI_PUBLIC_URL`, or else this request's own origin.
pub fn public_base(ctx: &AppCtx, host: Option<&str>) -> String {
    let configured = ctx.cfg.public_url.trim().trim_end_matches('/');
    if !configured.is_empty() {
        return configured.to_string();
    }
    match host.map(str::trim).filter(|h| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    }) {
        Some(h) => format!("http://{h}"),
        None => String::new(),
    }
}

/// The address a code of `token` opens.
pub fn scan_url(base: &str, token: &str) -> String {
    format!("{base}/i/{token}")
}

/// The QR code of `url` as inline SVG markup (no XML declaration), dark modules on white.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).map_err(|e| {
        tracing::error!(error = %e, "QR code could not be made");
        AppError::Internal
    })?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn codes_are_inline_svg() {
        let s = qr_svg("https://linli.example/i/abcdefghijklmnopqrstuv").unwrap();
        assert!(s.starts_with("<svg"), "{}", &s[..40]);
        assert!(s.contains("</svg>"));
    }
}
