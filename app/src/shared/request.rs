//! Who sent a request, as audit rows and throttles record it (filled in by the server's layers).

/// Facts about the request that audit rows and throttles need.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The client's address, taken from `X-Forwarded-For` only behind a trusted proxy.
    pub ip: String,
    pub user_agent: String,
    pub request_id: String,
}
