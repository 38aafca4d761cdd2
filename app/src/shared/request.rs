//! Who sent a request, as audit rows and throttles record it (filled in by the server's layers),
//! and the CSRF token's cookie and header names (the upload helper sends the header too).

/// Facts about the request that audit rows and throttles need.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The client's address, taken from `X-Forwarded-For` only behind a trusted proxy.
    pub ip: String,
    pub user_agent: String,
    pub request_id: String,
}

/// The cookie that carries the CSRF token (readable by the page's script).
pub const CSRF_COOKIE: &str = "linli_csrf";
/// The header a state-changing request repeats the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The hidden field a form repeats the token in when it is posted without JavaScript (the
/// session layer reads it from a url-encoded body).
pub const CSRF_FIELD: &str = "_csrf";

/// The token this page's forms carry: a request extension the session layer sets.
#[derive(Debug, Clone)]
pub struct FormToken(pub String);

/// The token in the readable `linli_csrf` cookie, which the server keeps equal to the session's.
#[cfg(feature = "hydrate")]
pub fn browser_csrf_token() -> String {
    use wasm_bindgen::JsCast;
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .and_then(|all| {
            all.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .find(|(k, _)| *k == CSRF_COOKIE)
                .map(|(_, v)| v.to_string())
        })
        .unwrap_or_default()
}
