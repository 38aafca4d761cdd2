//! Sending a file (a workbook, a photo) from the browser to an `/api/v1` endpoint as the
//! signed-in user, and reading its JSON answer or its error.
#[cfg(feature = "hydrate")]
use crate::shared::error::AppError;

/// POSTs `file` as the raw body to `url` with `content_type`, as the signed-in user (session
/// cookie plus the CSRF header), and reads what it answered: the JSON `T`, or the error of its
/// `ErrorBody` (field `file` when it names none). A 413 from something in front of the server
/// (a proxy) becomes `err.body_too_large` on `file`.
#[cfg(feature = "hydrate")]
pub async fn upload_file<T: serde::de::DeserializeOwned>(
    url: &str,
    file: web_sys::File,
    content_type: &str,
    locale: &str,
) -> Result<T, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let transport = |_| AppError::Transport("fetch".into());
    let window = web_sys::window().ok_or(AppError::Internal)?;
    // The session cookie goes along by itself; a cookie-authenticated write needs the CSRF
    // token the server put in the readable `linli_csrf` cookie.
    let csrf = window
        .document()
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .and_then(|all| {
            all.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .find(|(k, _)| *k == crate::access::model::CSRF_COOKIE)
                .map(|(_, v)| v.to_string())
        })
        .unwrap_or_default();
    let headers = web_sys::Headers::new().map_err(transport)?;
    for (k, v) in [
        ("Content-Type", content_type),
        ("Accept", "application/json"),
        ("Accept-Language", locale),
        (crate::access::model::CSRF_HEADER, csrf.as_str()),
    ] {
        headers.set(k, v).map_err(transport)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(headers.as_ref());
    init.set_body(file.as_ref());
    let res: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(transport)?
        .dyn_into()
        .map_err(transport)?;
    let status = res.status();
    let retry_after = res
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(60);
    let text = JsFuture::from(res.text().map_err(transport)?)
        .await
        .map_err(transport)?
        .as_string()
        .unwrap_or_default();
    #[derive(serde::Deserialize)]
    struct Detail {
        code: String,
        field: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Body {
        error: Detail,
    }
    if let Ok(Body { error }) = serde_json::from_str::<Body>(&text) {
        return Err(match status {
            401 => AppError::Unauthenticated,
            403 if error.code == "err.forbidden" => AppError::Forbidden,
            404 => AppError::NotFound,
            429 => AppError::RateLimited {
                retry_after_secs: retry_after,
            },
            _ => AppError::Validation {
                field: error.field.unwrap_or_else(|| "file".into()),
                code: error.code,
            },
        });
    }
    serde_json::from_str::<T>(&text).map_err(|_| match status {
        413 => AppError::validation("file", "err.body_too_large"),
        s if s >= 500 => AppError::Internal,
        _ => AppError::Transport(format!("HTTP {status}")),
    })
}
