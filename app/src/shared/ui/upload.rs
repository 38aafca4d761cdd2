//! Sending a file (a workbook, a photo) from the browser to an `/api/v1` endpoint as the
//! signed-in user, and reading its JSON answer or its error; and keeping a file on the phone
//! (in the browser's Cache Storage) until it can be sent.
#[cfg(feature = "hydrate")]
use crate::shared::error::AppError;

/// POSTs `file` as the raw body to `url` with `content_type`, as the signed-in user (session
/// cookie plus the CSRF header), and reads what it answered: the JSON `T`, or the error of its
/// `ErrorBody` (field `file` when it names none). A 413 from something in front of the server
/// (a proxy) becomes `err.body_too_large` on `file`.
#[cfg(feature = "hydrate")]
pub async fn upload_file<T: serde::de::DeserializeOwned>(
    url: &str,
    file: &web_sys::Blob,
    content_type: &str,
    locale: &str,
) -> Result<T, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let transport = |_| AppError::Transport("fetch".into());
    let window = web_sys::window().ok_or(AppError::Internal)?;
    // The session cookie goes along by itself; a cookie-authenticated write needs the CSRF
    // token the server put in the readable `linli_csrf` cookie.
    let csrf = crate::shared::request::browser_csrf_token();
    let headers = web_sys::Headers::new().map_err(transport)?;
    for (k, v) in [
        ("Content-Type", content_type),
        ("Accept", "application/json"),
        ("Accept-Language", locale),
        (crate::shared::request::CSRF_HEADER, csrf.as_str()),
    ] {
        headers.set(k, v).map_err(transport)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(headers.as_ref());
    init.set_body(file);
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

/// The Cache Storage bucket where files wait on the phone.
#[cfg(feature = "hydrate")]
const KEPT: &str = "linli-kept-files";
/// The address prefix of a kept file (an address only inside the bucket; nothing serves it).
#[cfg(feature = "hydrate")]
const KEPT_PREFIX: &str = "/__kept/";

#[cfg(feature = "hydrate")]
async fn kept_bucket() -> Result<web_sys::Cache, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let unavailable = |_| AppError::Transport("cache storage".into());
    // Missing outside a secure context (plain http on a LAN address).
    let storage = web_sys::window()
        .ok_or(AppError::Internal)?
        .caches()
        .map_err(unavailable)?;
    JsFuture::from(storage.open(KEPT))
        .await
        .map_err(unavailable)?
        .dyn_into()
        .map_err(unavailable)
}

/// Keeps `file` on this phone under a fresh key (`/__kept/…`) until [`kept_file`] reads it
/// back and [`drop_kept`] lets it go. Errors: `Transport` when the browser has no Cache
/// Storage here or refuses (full).
#[cfg(feature = "hydrate")]
pub async fn keep_file(file: &web_sys::Blob) -> Result<String, AppError> {
    use wasm_bindgen_futures::js_sys::{Date, Math};
    use wasm_bindgen_futures::JsFuture;
    let cache = kept_bucket().await?;
    let r = || (Math::random() * (1u64 << 52) as f64) as u64;
    let key = format!("{KEPT_PREFIX}{:x}-{:013x}{:013x}", Date::now() as u64, r(), r());
    let res = web_sys::Response::new_with_opt_blob(Some(file)).map_err(|_| AppError::Internal)?;
    JsFuture::from(cache.put_with_str(&key, &res))
        .await
        .map_err(|_| AppError::Transport("cache storage full".into()))?;
    Ok(key)
}

/// A file kept by [`keep_file`]; `None` when it is gone (storage cleared) or unreadable.
#[cfg(feature = "hydrate")]
pub async fn kept_file(key: &str) -> Option<web_sys::Blob> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let cache = kept_bucket().await.ok()?;
    let hit = JsFuture::from(cache.match_with_str(key)).await.ok()?;
    let res: web_sys::Response = hit.dyn_into().ok()?;
    JsFuture::from(res.blob().ok()?).await.ok()?.dyn_into().ok()
}

/// Lets a kept file go.
#[cfg(feature = "hydrate")]
pub async fn drop_kept(key: &str) {
    use wasm_bindgen_futures::JsFuture;
    if let Ok(cache) = kept_bucket().await {
        let _ = JsFuture::from(cache.delete_with_str(key)).await;
    }
}

/// The keys of every file kept on this phone.
#[cfg(feature = "hydrate")]
pub async fn kept_keys() -> Vec<String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::{js_sys::Array, JsFuture};
    let Ok(cache) = kept_bucket().await else { return vec![] };
    let Ok(list) = JsFuture::from(cache.keys()).await else {
        return vec![];
    };
    Array::from(&list)
        .iter()
        .filter_map(|r| r.dyn_into::<web_sys::Request>().ok())
        .filter_map(|r| {
            let url = r.url();
            url.find(KEPT_PREFIX).map(|i| url[i..].to_string())
        })
        .collect()
}

/// The browser believes it has a network (`navigator.onLine`); always true on the server.
pub fn online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen_futures::js_sys::{global, Reflect};
        Reflect::get(&global(), &"navigator".into())
            .ok()
            .and_then(|n| Reflect::get(&n, &"onLine".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(true)
    }
    #[cfg(not(feature = "hydrate"))]
    true
}
