//! The phone's outbox: inspection results that could not be sent (no signal in a basement)
//! wait in `localStorage`, one list per signed-in user, with the id and time the phone gave
//! them, and go out when the signal returns. The server stores each `client_id` once, so a
//! result sent twice (a reply lost on the way back) is harmless.
use crate::engineering::api::record_inspection;
use crate::engineering::model::{NewResult, ResultRow};
use crate::shared::error::AppError;

#[cfg(feature = "hydrate")]
fn key(user: i64) -> String {
    format!("linli.inspections.{user}")
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The results waiting on this phone for `user`.
pub fn pending(user: i64) -> Vec<NewResult> {
    #[cfg(feature = "hydrate")]
    {
        storage()
            .and_then(|s| s.get_item(&key(user)).ok().flatten())
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = user;
        vec![]
    }
}

fn store(user: i64, list: &[NewResult]) {
    #[cfg(feature = "hydrate")]
    if let (Some(s), Ok(v)) = (storage(), serde_json::to_string(list)) {
        let _ = if list.is_empty() {
            s.remove_item(&key(user))
        } else {
            s.set_item(&key(user), &v)
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (user, list);
}

/// Keeps a result for later; returns how many are waiting.
pub fn keep(user: i64, r: NewResult) -> usize {
    let mut list = pending(user);
    list.retain(|x| x.client_id != r.client_id);
    list.push(r);
    store(user, &list);
    list.len()
}

fn forget(user: i64, client_id: &str) {
    let mut list = pending(user);
    list.retain(|x| x.client_id != client_id);
    store(user, &list);
}

/// Milliseconds since 1970 on the phone's clock.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        wasm_bindgen_futures::js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A fresh id for a result: the time and 104 random bits, hexadecimal.
pub fn new_client_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen_futures::js_sys::Math;
        let r = || (Math::random() * (1u64 << 52) as f64) as u64;
        format!("{:x}-{:013x}{:013x}", now_ms(), r(), r())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        format!("{:x}-server", now_ms())
    }
}

/// The browser believes it has a network (`navigator.onLine`).
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

/// Errors after which a result stays on the phone to be sent again: no network, a session
/// that expired meanwhile (sent after signing in again), a busy or failing server.
pub fn keep_for_later(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Transport(_) | AppError::Unauthenticated | AppError::Internal | AppError::RateLimited { .. }
    ) || e.field() == Some("_retry")
}

/// What sending the outbox did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flushed {
    pub sent: Vec<ResultRow>,
    /// Results the server refused (they cannot succeed later): why.
    pub refused: Vec<AppError>,
    pub left: usize,
}

thread_local! {
    static SENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Sends what waits, oldest first, until the network fails again. One send at a time.
pub async fn flush(user: i64) -> Flushed {
    let mut out = Flushed::default();
    if SENDING.with(|s| s.replace(true)) {
        out.left = pending(user).len();
        return out;
    }
    for r in pending(user) {
        match record_inspection(r.clone()).await {
            Ok(row) => {
                forget(user, &r.client_id);
                out.sent.push(row);
            }
            Err(e) if keep_for_later(&e) => break,
            Err(e) => {
                forget(user, &r.client_id);
                out.refused.push(e);
            }
        }
    }
    SENDING.with(|s| s.set(false));
    out.left = pending(user).len();
    out
}
