//! (ssr) Raising notices, the inbox, devices and preferences, and push delivery.
//!
//! [`raise`] stores one inbox row per user (once per dedupe key) and queues one push job per
//! device, so a retry or a failing device never sends to another device twice, plus one e-mail
//! job when the user saved an address.
use super::model::*;
use crate::access::model::Authed;
use crate::db::entities::{notifications, notify_prefs, push_subscriptions};
use crate::db::page::{keyset, Keyset};
use crate::db::AppCtx;
use crate::jobs::{queue, JobResult, NewJob};
use crate::shared::error::AppError;
use crate::shared::i18n::{Locale, Msg};
use crate::shared::ids::UserId;
use chrono::{Duration, Timelike, Utc};
use sea_orm::{prelude::*, sea_query::OnConflict, ActiveValue::Set, QueryOrder};
use std::collections::{HashMap, HashSet};

impl std::fmt::Debug for super::push::PushSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushSender")
            .field("vapid", self.vapid())
            .finish_non_exhaustive()
    }
}

/// A notice to raise.
#[derive(Debug, Clone)]
pub struct Notice {
    pub category: Category,
    /// In the reader's language when read (and pushed, and mailed).
    pub title: Msg,
    pub body: Msg,
    pub link: String,
    /// Stored once per user under this key (`bill:12:202611`); `None` = always new.
    pub dedupe: Option<String>,
    /// How long a push is worth delivering (the push service's TTL).
    pub ttl: Duration,
    /// The staff broadcast it belongs to (for delivery counts).
    pub broadcast: Option<i64>,
    /// With a `dedupe` key: a newer notice under the key replaces the stored one (its text,
    /// time, and unread again) instead of being dropped, so one thing's updates are one row.
    pub replace: bool,
    /// Pushed even where the reader muted its category, and at once, in quiet hours too (an
    /// emergency notice: 停水, 停电, a gas leak).
    pub urgent: bool,
}

/// Stores `n` in each user's inbox and queues its pushes and e-mails (not for muted categories;
/// after quiet hours). Returns how many inbox rows were new.
pub async fn raise<C: ConnectionTrait>(c: &C, users: &[UserId], n: &Notice) -> Result<usize, AppError> {
    let t = queue::now();
    let mut fresh: Vec<(i64, i64)> = vec![]; // (notification, user)
    let mut seen = HashSet::new();
    let words = serde_json::to_string(&Words {
        title: n.title.clone(),
        body: n.body.clone(),
    })
    .ok();
    for u in users.iter().filter(|u| seen.insert(u.0)) {
        let am = notifications::ActiveModel {
            user_id: Set(u.0),
            category: Set(n.category.code().into()),
            title: Set(clip(n.title.render(Locale::ZhCn.code()), TITLE_MAX)),
            body: Set(clip(n.body.render(Locale::ZhCn.code()), BODY_MAX)),
            words: Set(words.clone()),
            link: Set(n.link.chars().take(300).collect()),
            dedupe_key: Set(n.dedupe.clone()),
            created_at: Set(t),
            read_at: Set(None),
            broadcast_id: Set(n.broadcast),
            ..Default::default()
        };
        let mut on_conflict = OnConflict::columns([notifications::Column::UserId, notifications::Column::DedupeKey]);
        if n.replace {
            on_conflict.update_columns([
                notifications::Column::Category,
                notifications::Column::Title,
                notifications::Column::Body,
                notifications::Column::Words,
                notifications::Column::Link,
                notifications::Column::CreatedAt,
                notifications::Column::ReadAt,
            ]);
        } else {
            on_conflict.do_nothing();
        }
        let r = notifications::Entity::insert(am).on_conflict(on_conflict).exec(c).await;
        match r {
            Ok(r) => fresh.push((r.last_insert_id, u.0)),
            Err(DbErr::RecordNotInserted) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if fresh.is_empty() {
        return Ok(0);
    }
    let user_ids: Vec<i64> = fresh.iter().map(|f| f.1).collect();
    let mut subs: HashMap<i64, Vec<i64>> = HashMap::new();
    for s in push_subscriptions::Entity::find()
        .filter(push_subscriptions::Column::UserId.is_in(user_ids.clone()))
        .all(c)
        .await?
    {
        subs.entry(s.user_id).or_default().push(s.id);
    }
    let prefs: HashMap<i64, notify_prefs::Model> = notify_prefs::Entity::find()
        .filter(notify_prefs::Column::UserId.is_in(user_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    let now_min = minutes_cn(Utc::now());
    let mut jobs = vec![];
    for (note, user) in &fresh {
        let mut run_at = t;
        let pref = prefs.get(user);
        if let Some(p) = pref.filter(|_| !n.urgent) {
            if p.muted.split(',').any(|m| m == n.category.code()) {
                continue;
            }
            if let Some(wait) = quiet_wait(now_min, p.quiet_from, p.quiet_to) {
                run_at = t + Duration::minutes(wait as i64);
            }
        }
        // Queued whether or not this server can send e-mail: the job says why it could not.
        if pref.and_then(|p| p.email.as_deref()).is_some_and(|e| !e.is_empty()) {
            jobs.push(NewJob {
                kind: super::jobs::EMAIL,
                payload: serde_json::json!({ "n": note }),
                run_at,
                expires_at: Some(run_at + n.ttl),
                max_attempts: 8,
            });
        }
        for d in subs.get(user).into_iter().flatten() {
            // A broadcast's id leads the payload, so its delivery counts can find its jobs.
            let payload = match n.broadcast {
                Some(b) => serde_json::json!({ "b": b, "n": note, "s": d }),
                None => serde_json::json!({ "n": note, "s": d }),
            };
            jobs.push(NewJob {
                kind: super::jobs::PUSH,
                payload,
                run_at,
                expires_at: Some(run_at + n.ttl),
                max_attempts: 8,
            });
        }
    }
    queue::enqueue(c, &jobs).await?;
    Ok(fresh.len())
}

/// Takes back what was raised under dedupe key `key` and its follow-ups (`key:…`, such as a
/// reminder's rounds): gone from every inbox, and a push not yet sent finds nothing to send.
/// Returns how many inbox rows went.
pub async fn retract<C: ConnectionTrait>(c: &C, key: &str) -> Result<u64, AppError> {
    use sea_orm::sea_query::ExprTrait;
    let follow_ups = format!(
        "{}:%",
        key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    );
    let r = notifications::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(notifications::Column::DedupeKey.eq(key))
                .add(
                    sea_orm::sea_query::Expr::col(notifications::Column::DedupeKey)
                        .like(sea_orm::sea_query::LikeExpr::new(follow_ups).escape('\\')),
                ),
        )
        .exec(c)
        .await?;
    Ok(r.rows_affected)
}

/// Minutes after midnight in Asia/Shanghai.
fn minutes_cn(t: chrono::DateTime<Utc>) -> i32 {
    let l = t.with_timezone(&crate::shared::time::shanghai());
    (l.hour() * 60 + l.minute()) as i32
}

/// Minutes to wait when `now` (minutes after midnight) falls in quiet hours `from..to`
/// (which may wrap midnight); `None` outside them or when there are none (`from == to`).
pub fn quiet_wait(now: i32, from: i32, to: i32) -> Option<i32> {
    if from == to {
        return None;
    }
    let inside = if from < to {
        now >= from && now < to
    } else {
        now >= from || now < to
    };
    inside.then(|| (to - now).rem_euclid(24 * 60))
}

const TITLE_MAX: usize = 120;
const BODY_MAX: usize = 2_000;

fn clip(s: String, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A notice's words as stored with it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Words {
    title: Msg,
    body: Msg,
}

/// A stored notice's title and body in `locale`: from its words where it has them, else as
/// written (rows from before notices kept their words).
fn words_in(n: &notifications::Model, locale: Locale) -> (String, String) {
    match n.words.as_deref().and_then(|w| serde_json::from_str::<Words>(w).ok()) {
        Some(w) => (
            clip(w.title.render(locale.code()), TITLE_MAX),
            clip(w.body.render(locale.code()), BODY_MAX),
        ),
        None => (n.title.clone(), n.body.clone()),
    }
}

/// A notice's title and body in the language its reader chose (their saved preference), for a
/// push or an e-mail; the job retries when the user cannot be read.
async fn words_for_reader(ctx: &AppCtx, note: &notifications::Model) -> Result<(String, String, Locale), JobResult> {
    let locale = crate::access::service::locale_of(&ctx.db, UserId(note.user_id))
        .await
        .map_err(|e| JobResult::Retry {
            after: None,
            error: e.to_string(),
        })?;
    let (title, body) = words_in(note, locale);
    Ok((title, body, locale))
}

fn row(n: notifications::Model, locale: Locale) -> NoticeRow {
    let (title, body) = words_in(&n, locale);
    NoticeRow {
        id: n.id,
        category: Category::parse(&n.category).unwrap_or(Category::System),
        title,
        body,
        link: n.link,
        created_at: crate::shared::time::format_local(n.created_at),
        read: n.read_at.is_some(),
    }
}

/// The caller's unread count (the tab bar's badge).
pub async fn unread(ctx: &AppCtx, auth: &Authed) -> Result<i64, AppError> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(auth.user_id.0))
        .filter(notifications::Column::ReadAt.is_null())
        .count(&ctx.db)
        .await? as i64)
}

/// A page of the caller's inbox, newest first, before notice id `before`, in `locale`.
pub async fn inbox(ctx: &AppCtx, auth: &Authed, before: Option<i64>, locale: Locale) -> Result<Inbox, AppError> {
    const PAGE: u64 = 30;
    let q = notifications::Entity::find().filter(notifications::Column::UserId.eq(auth.user_id.0));
    let page = keyset(
        &ctx.db,
        q,
        notifications::Column::Id,
        Keyset::Before(before),
        Some(PAGE),
        |r| r.id,
    )
    .await?;
    Ok(Inbox {
        unread: unread(ctx, auth).await?,
        next: page.next,
        items: page.items.into_iter().map(|n| row(n, locale)).collect(),
    })
}

/// The most notices one call may name (a page shows 30; "all" is an empty list).
pub const MARK_READ_MAX: usize = 1_000;

/// Marks the caller's notices read: `ids`, or all when empty. Others' ids are ignored.
pub async fn mark_read(ctx: &AppCtx, auth: &Authed, ids: &[i64]) -> Result<i64, AppError> {
    if ids.len() > MARK_READ_MAX {
        return Err(AppError::validation("ids", "err.too_many_ids"));
    }
    let mut q = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(auth.user_id.0))
        .filter(notifications::Column::ReadAt.is_null());
    if !ids.is_empty() {
        q = q.filter(notifications::Column::Id.is_in(ids.to_vec()));
    }
    q.exec(&ctx.db).await?;
    unread(ctx, auth).await
}

/// Delivers one push job: `{"n": notification, "s": subscription}`.
pub async fn deliver_push(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    let (Some(n), Some(s)) = (payload["n"].as_i64(), payload["s"].as_i64()) else {
        return JobResult::Failed("bad push payload".into());
    };
    let Some(sender) = super::channel::Outbound::of(&ctx.cfg).push.clone() else {
        return JobResult::Failed("push is not configured".into());
    };
    let loaded = async {
        let sub = push_subscriptions::Entity::find_by_id(s).one(&ctx.db).await?;
        let note = notifications::Entity::find_by_id(n).one(&ctx.db).await?;
        Ok::<_, DbErr>((sub, note))
    }
    .await;
    let (sub, note) = match loaded {
        Ok(v) => v,
        Err(e) => {
            return JobResult::Retry {
                after: None,
                error: e.to_string(),
            }
        }
    };
    // The device was removed meanwhile, or the notice is gone: nothing to deliver.
    let (Some(sub), Some(note)) = (sub, note) else {
        return JobResult::Done;
    };
    let (title, text, _) = match words_for_reader(ctx, &note).await {
        Ok(w) => w,
        Err(retry) => return retry,
    };
    let body = serde_json::json!({
        "id": note.id,
        "title": title,
        "body": text,
        "link": note.link,
        "category": note.category,
    });
    let urgency = match Category::parse(&note.category) {
        Some(Category::Bills | Category::Repairs) => super::push::Urgency::Normal,
        Some(Category::System) => super::push::Urgency::High,
        _ => super::push::Urgency::Low,
    };
    let target = super::push::PushTarget {
        endpoint: sub.endpoint.clone(),
        p256dh: sub.p256dh.clone(),
        auth: sub.auth.clone(),
    };
    let msg = super::push::PushMessage {
        payload: body.to_string().into_bytes(),
        ttl_secs: 24 * 3600,
        urgency,
        // The push service keeps one undelivered message per topic: a resend replaces it.
        topic: Some(format!("n{}", note.id)),
    };
    match sender.send(&target, &msg).await {
        super::push::PushOutcome::Delivered => {
            let _ = push_subscriptions::Entity::update_many()
                .col_expr(push_subscriptions::Column::LastOkAt, Expr::value(Utc::now()))
                .filter(push_subscriptions::Column::Id.eq(sub.id))
                .exec(&ctx.db)
                .await;
            JobResult::Done
        }
        super::push::PushOutcome::Gone => {
            // The browser unsubscribed or the subscription expired: forget the device.
            match push_subscriptions::Entity::delete_by_id(sub.id).exec(&ctx.db).await {
                Ok(_) => JobResult::Done,
                Err(e) => JobResult::Retry {
                    after: None,
                    error: e.to_string(),
                },
            }
        }
        super::push::PushOutcome::Retry { after } => JobResult::Retry {
            after,
            error: "push service asked to retry".into(),
        },
        super::push::PushOutcome::Rejected { status, reason } => JobResult::Failed(format!("{status}: {reason}")),
    }
}

/// Delivers one e-mail job: `{"n": notification}`, to the address the user has saved when it
/// runs (none any more, or the notice gone: nothing to send).
pub async fn deliver_email(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    use super::channel::{ChannelOutcome, OutMessage};
    let Some(n) = payload["n"].as_i64() else {
        return JobResult::Failed("bad email payload".into());
    };
    let Some(channel) = super::channel::Outbound::of(&ctx.cfg).email.clone() else {
        return JobResult::Failed("email not configured".into());
    };
    let loaded = async {
        let Some(note) = notifications::Entity::find_by_id(n).one(&ctx.db).await? else {
            return Ok(None);
        };
        let to = notify_prefs::Entity::find()
            .filter(notify_prefs::Column::UserId.eq(note.user_id))
            .one(&ctx.db)
            .await?
            .and_then(|p| p.email)
            .filter(|e| !e.is_empty());
        Ok::<_, DbErr>(to.map(|to| (note, to)))
    }
    .await;
    let (note, to) = match loaded {
        Ok(Some(v)) => v,
        Ok(None) => return JobResult::Done,
        Err(e) => {
            return JobResult::Retry {
                after: None,
                error: e.to_string(),
            }
        }
    };
    let (title, text, locale) = match words_for_reader(ctx, &note).await {
        Ok(w) => w,
        Err(retry) => return retry,
    };
    let base = ctx.cfg.public_url.trim_end_matches('/');
    let body = Msg::fill(
        "notify.email_body",
        [
            ("text", Msg::text(text)),
            ("link", Msg::text(format!("{base}{}", note.link))),
            ("settings", Msg::text(format!("{base}/me/notifications"))),
        ],
    )
    .render(locale.code());
    let m = OutMessage {
        to,
        subject: title,
        body,
    };
    match channel.send(&m).await {
        ChannelOutcome::Sent => JobResult::Done,
        ChannelOutcome::Retry(error) => JobResult::Retry { after: None, error },
        ChannelOutcome::Rejected(e) => JobResult::Failed(e),
    }
}

/// A device's subscription as the browser gives it (`PushSubscription.toJSON()`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NewSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    #[serde(default)]
    pub label: String,
}

fn b64url_len(s: &str, want: usize) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .is_ok_and(|b| b.len() == want)
}

/// Stores the caller's device. A subscription another account holds moves to the caller only
/// when they present its keys (the same browser, another account signed in on it): knowing an
/// endpoint URL is not enough to take someone's device. Errors: `Validation` naming the field;
/// `Conflict{endpoint}` for another account's subscription with other keys.
pub async fn subscribe(ctx: &AppCtx, auth: &Authed, s: NewSubscription) -> Result<Device, AppError> {
    let endpoint = s.endpoint.trim();
    let ok_scheme = endpoint.starts_with("https://")
        || endpoint.starts_with("http://127.0.0.1")
        || endpoint.starts_with("http://localhost");
    if !ok_scheme || endpoint.len() > 1_000 {
        return Err(AppError::validation("endpoint", "err.push_endpoint"));
    }
    if !b64url_len(&s.p256dh, 65) {
        return Err(AppError::validation("p256dh", "err.push_keys"));
    }
    if !b64url_len(&s.auth, 16) {
        return Err(AppError::validation("auth", "err.push_keys"));
    }
    let label: String = s.label.trim().chars().take(120).collect();
    let now = Utc::now();
    let existing = push_subscriptions::Entity::find()
        .filter(push_subscriptions::Column::Endpoint.eq(endpoint))
        .one(&ctx.db)
        .await?;
    let m = match existing {
        Some(e) if e.user_id != auth.user_id.0 && (e.p256dh != s.p256dh || e.auth != s.auth) => {
            return Err(AppError::conflict("endpoint", "err.push_endpoint"));
        }
        Some(e) => {
            let mut am: push_subscriptions::ActiveModel = e.into();
            am.user_id = Set(auth.user_id.0);
            am.p256dh = Set(s.p256dh.clone());
            am.auth = Set(s.auth.clone());
            am.label = Set(label);
            am.update(&ctx.db).await?
        }
        None => push_subscriptions::ActiveModel {
            user_id: Set(auth.user_id.0),
            endpoint: Set(endpoint.into()),
            p256dh: Set(s.p256dh.clone()),
            auth: Set(s.auth.clone()),
            label: Set(label),
            created_at: Set(now),
            last_ok_at: Set(None),
            ..Default::default()
        }
        .insert(&ctx.db)
        .await
        .map_err(|e| crate::db::map_unique(e, "endpoint", "err.push_endpoint"))?,
    };
    Ok(device(m))
}

fn device(m: push_subscriptions::Model) -> Device {
    Device {
        id: m.id,
        label: m.label,
        created_at: crate::shared::time::format_local(m.created_at),
        last_ok_at: m.last_ok_at.map(crate::shared::time::format_local).unwrap_or_default(),
    }
}

/// The caller's devices.
pub async fn devices(ctx: &AppCtx, auth: &Authed) -> Result<Vec<Device>, AppError> {
    Ok(push_subscriptions::Entity::find()
        .filter(push_subscriptions::Column::UserId.eq(auth.user_id.0))
        .order_by_asc(push_subscriptions::Column::Id)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(device)
        .collect())
}

/// Removes one of the caller's devices (someone else's is not found).
pub async fn remove_device(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<(), AppError> {
    let r = push_subscriptions::Entity::delete_many()
        .filter(push_subscriptions::Column::Id.eq(id))
        .filter(push_subscriptions::Column::UserId.eq(auth.user_id.0))
        .exec(&ctx.db)
        .await?;
    if r.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The caller's preferences (defaults when never saved).
pub async fn prefs(ctx: &AppCtx, auth: &Authed) -> Result<Prefs, AppError> {
    let p = notify_prefs::Entity::find()
        .filter(notify_prefs::Column::UserId.eq(auth.user_id.0))
        .one(&ctx.db)
        .await?;
    Ok(match p {
        Some(p) => Prefs {
            muted: p.muted.split(',').filter_map(Category::parse).collect(),
            quiet_from: hhmm(p.quiet_from),
            quiet_to: hhmm(p.quiet_to),
            email: p.email.unwrap_or_default(),
        },
        None => Prefs::default(),
    })
}

fn hhmm(m: i32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn parse_hhmm(s: &str) -> Option<i32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// Saves the caller's preferences. Errors (422) for a time that is not `HH:MM` or an e-mail
/// address that does not look like one.
pub async fn save_prefs(ctx: &AppCtx, auth: &Authed, p: Prefs) -> Result<Prefs, AppError> {
    let from = parse_hhmm(&p.quiet_from).ok_or_else(|| AppError::validation("quiet_from", "err.time_hhmm"))?;
    let to = parse_hhmm(&p.quiet_to).ok_or_else(|| AppError::validation("quiet_to", "err.time_hhmm"))?;
    let email = match p.email.trim() {
        "" => None,
        e => Some(
            EmailAddress::try_from(e)
                .map_err(|code| AppError::validation("email", code))?
                .as_str()
                .to_string(),
        ),
    };
    let mut muted: Vec<&str> = p.muted.iter().map(|c| c.code()).collect();
    muted.sort_unstable();
    muted.dedup();
    let am = notify_prefs::ActiveModel {
        user_id: Set(auth.user_id.0),
        muted: Set(muted.join(",")),
        quiet_from: Set(from),
        quiet_to: Set(to),
        email: Set(email),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    notify_prefs::Entity::insert(am)
        .on_conflict(
            OnConflict::column(notify_prefs::Column::UserId)
                .update_columns([
                    notify_prefs::Column::Muted,
                    notify_prefs::Column::QuietFrom,
                    notify_prefs::Column::QuietTo,
                    notify_prefs::Column::Email,
                    notify_prefs::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&ctx.db)
        .await?;
    prefs(ctx, auth).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_wrap_midnight_and_say_how_long_to_wait() {
        // 22:00–07:00.
        let (from, to) = (22 * 60, 7 * 60);
        assert_eq!(quiet_wait(23 * 60, from, to), Some(8 * 60));
        assert_eq!(quiet_wait(22 * 60, from, to), Some(9 * 60));
        assert_eq!(quiet_wait(6 * 60 + 59, from, to), Some(1));
        assert_eq!(quiet_wait(7 * 60, from, to), None);
        assert_eq!(quiet_wait(12 * 60, from, to), None);
        // 12:00–14:00 (a nap), and none at all.
        assert_eq!(quiet_wait(13 * 60, 12 * 60, 14 * 60), Some(60));
        assert_eq!(quiet_wait(14 * 60, 12 * 60, 14 * 60), None);
        assert_eq!(quiet_wait(3 * 60, 0, 0), None);
        assert_eq!(parse_hhmm("07:30"), Some(450));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm("7"), None);
        assert_eq!(hhmm(450), "07:30");
    }
}
