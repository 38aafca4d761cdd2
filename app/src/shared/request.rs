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
