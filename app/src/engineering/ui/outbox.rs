//! The phone's outbox: inspection results that could not be sent (no signal in a basement)
//! wait in `localStorage`, one list per signed-in user, with the id and time the phone gave
//! them, and go out when the signal returns. Photos taken without signal wait beside them in
//! the browser's Cache Storage and are uploaded first. The server stores each `client_id`
//! once, so a result sent twice (a reply lost on the way back) is harmless; a photo already
//! uploaded moves from `held` to the result's ids at once, so it is not uploaded twice.
use crate::engineering::api::record_inspection;
use crate::engineering::model::{NewResult, ResultRow};
use crate::files::model::HeldPhoto;
use crate::shared::error::AppError;
use serde::{Deserialize, Serialize};

pub use crate::shared::ui::online;

/// What every user's list is stored under, followed by the user id.
#[cfg(feature = "hydrate")]
const PREFIX: &str = "linli.inspections.";

/// A result waiting on the phone, and its photos still on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    #[serde(flatten)]
    pub result: NewResult,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<HeldPhoto>,
}

#[cfg(feature = "hydrate")]
fn key(user: i64) -> String {
    format!("{PREFIX}{user}")
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The results waiting on this phone for `user`.
pub fn pending(user: i64) -> Vec<Waiting> {
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

fn store(user: i64, list: &[Waiting]) {
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

/// Keeps a result (and the photos it holds on the phone) for later, or replaces the kept copy
/// with the same `client_id`; returns how many are waiting.
pub fn keep(user: i64, w: Waiting) -> usize {
    let mut list = pending(user);
    match list.iter_mut().find(|x| x.result.client_id == w.result.client_id) {
        Some(x) => *x = w,
        None => list.push(w),
    }
    store(user, &list);
    list.len()
}

fn forget(user: i64, client_id: &str) {
    let mut list = pending(user);
    list.retain(|x| x.result.client_id != client_id);
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

/// A fresh id for a result (see `shared::ui::fresh_key`).
pub fn new_client_id() -> String {
    crate::shared::ui::fresh_key()
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
    /// Results (or photos of them) the server refused, which cannot succeed later: why.
    pub refused: Vec<AppError>,
    pub left: usize,
}

thread_local! {
    static SENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Where a tab notes that it is sending, so that two tabs (a code scanned while another form
/// is open) do not send the same results and photos at once.
#[cfg(feature = "hydrate")]
const LEASE: &str = "linli.inspections.sending";
/// A lease older than this is from a tab that went away mid-send.
#[cfg(feature = "hydrate")]
const LEASE_MS: i64 = 120_000;

/// Takes the phone-wide sending lease; false when another tab holds a fresh one.
fn take_lease() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Some(s) = storage() else { return true };
        let now = now_ms();
        let held = s
            .get_item(LEASE)
            .ok()
            .flatten()
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|t| now - t < LEASE_MS);
        if held {
            return false;
        }
        let _ = s.set_item(LEASE, &now.to_string());
        true
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

fn drop_lease() {
    #[cfg(feature = "hydrate")]
    if let Some(s) = storage() {
        let _ = s.remove_item(LEASE);
    }
}

/// Uploads a photo kept on the phone; its id. Errors: `err.eng_photo_lost` (field `photos`)
/// when the phone no longer has it; else as any upload.
async fn upload_held(h: &HeldPhoto, locale: &str) -> Result<i64, AppError> {
    #[cfg(feature = "hydrate")]
    {
        use crate::files::model::FileRef;
        use crate::shared::ui::{kept_file, upload_file};
        let Some(blob) = kept_file(&h.key).await else {
            return Err(AppError::validation("photos", "err.eng_photo_lost"));
        };
        let url = format!(
            "/api/v1/files/photos?name={}",
            crate::shared::pagination::query_value(&h.name)
        );
        upload_file::<FileRef>(&url, &blob, &h.content_type, locale)
            .await
            .map(|f| f.id)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (h, locale);
        Err(AppError::Internal)
    }
}

async fn drop_held(h: &HeldPhoto) {
    #[cfg(feature = "hydrate")]
    crate::shared::ui::drop_kept(&h.key).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = h;
}

/// Sends one waiting result: its kept photos first (each remembered as uploaded at once),
/// then the result. `Err` when the network (or the server) failed: it stays for later.
async fn send_one(user: i64, mut w: Waiting, locale: &str, out: &mut Flushed) -> Result<(), ()> {
    while let Some(h) = w.held.first().cloned() {
        match upload_held(&h, locale).await {
            Ok(id) => w.result.photos.push(id),
            Err(e) if keep_for_later(&e) => return Err(()),
            // A photo refused (or lost) does not hold the result back.
            Err(e) => out.refused.push(e),
        }
        w.held.remove(0);
        keep(user, w.clone());
        drop_held(&h).await;
    }
    let mut r = record_inspection(w.result.clone()).await;
    // Photos uploaded long ago may have been purged meanwhile: the answers still count.
    if matches!(&r, Err(e) if e.field() == Some("photos")) && !w.result.photos.is_empty() {
        if let Err(e) = r {
            out.refused.push(e);
        }
        w.result.photos.clear();
        keep(user, w.clone());
        r = record_inspection(w.result.clone()).await;
    }
    match r {
        Ok(row) => {
            forget(user, &w.result.client_id);
            out.sent.push(row);
            Ok(())
        }
        Err(e) if keep_for_later(&e) => Err(()),
        Err(e) => {
            forget(user, &w.result.client_id);
            out.refused.push(e);
            Ok(())
        }
    }
}

/// Sends what waits, oldest first, until the network fails again. One send at a time.
pub async fn flush(user: i64, locale: &str) -> Flushed {
    let mut out = Flushed::default();
    if SENDING.with(|s| s.replace(true)) {
        out.left = pending(user).len();
        return out;
    }
    if !take_lease() {
        SENDING.with(|s| s.set(false));
        out.left = pending(user).len();
        return out;
    }
    for w in pending(user) {
        if send_one(user, w, locale, &mut out).await.is_err() {
            break;
        }
    }
    drop_lease();
    SENDING.with(|s| s.set(false));
    out.left = pending(user).len();
    out
}

/// How long a kept photo no waiting result holds is left alone: another tab's form may still
/// be about to send it.
#[cfg(feature = "hydrate")]
const ORPHAN_AFTER_MS: i64 = 24 * 3600 * 1000;

/// Milliseconds since 1970 when a kept file's key (`/__kept/<ms hex>-…`) was made.
#[cfg(any(feature = "hydrate", test))]
fn kept_at(key: &str) -> Option<i64> {
    let rest = &key[key.rfind('/')? + 1..];
    i64::from_str_radix(rest.split('-').next()?, 16).ok()
}

/// Lets go of photos kept on the phone for over a day that no waiting result of any user
/// holds (a form left without sending).
pub async fn drop_orphaned_photos() {
    #[cfg(feature = "hydrate")]
    {
        let Some(s) = storage() else { return };
        let mut wanted = std::collections::HashSet::new();
        for i in 0..s.length().unwrap_or(0) {
            let Some(k) = s.key(i).ok().flatten() else { continue };
            if !k.starts_with(PREFIX) {
                continue;
            }
            let list: Vec<Waiting> = s
                .get_item(&k)
                .ok()
                .flatten()
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or_default();
            wanted.extend(list.into_iter().flat_map(|w| w.held.into_iter().map(|h| h.key)));
        }
        let now = now_ms();
        for k in crate::shared::ui::kept_keys().await {
            let old = kept_at(&k).is_none_or(|t| now - t > ORPHAN_AFTER_MS);
            if old && !wanted.contains(&k) {
                crate::shared::ui::drop_kept(&k).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engineering::model::CheckpointId;

    /// Results kept by the previous version (no `held`) still read, and a result without
    /// kept photos is stored as before.
    #[test]
    fn outbox_entries_read_the_old_shape() {
        let old = r#"[{"checkpoint_id":3,"client_id":"abc-1234567890","answers":[],"note":"n","photos":[7],"recorded_at":5}]"#;
        let list: Vec<Waiting> = serde_json::from_str(old).unwrap();
        assert_eq!(list[0].result.checkpoint_id, CheckpointId(3));
        assert_eq!(list[0].result.photos, vec![7]);
        assert!(list[0].held.is_empty());
        let back = serde_json::to_string(&list).unwrap();
        assert!(!back.contains("held"), "{back}");
        let with = Waiting {
            held: vec![HeldPhoto {
                key: "/__kept/1".into(),
                name: "a.jpg".into(),
                content_type: "image/jpeg".into(),
            }],
            ..list[0].clone()
        };
        let again: Waiting = serde_json::from_str(&serde_json::to_string(&with).unwrap()).unwrap();
        assert_eq!(again, with);
    }

    #[test]
    fn outbox_kept_keys_carry_their_time() {
        assert_eq!(kept_at("/__kept/19ac4b2e1f0-0000000000001abc"), Some(0x19ac4b2e1f0));
        assert_eq!(kept_at("http://127.0.0.1:3000/__kept/ff-1"), Some(255));
        assert_eq!(kept_at("/__kept/zz-1"), None);
        assert_eq!(kept_at("nothing"), None);
    }
}
