//! Server functions of notifications: every signed-in user has an inbox and devices.
use super::model::*;
use crate::shared::error::AppError;
use leptos::prelude::*;

#[server]
pub async fn my_inbox(#[server(default)] before: Option<i64>) -> Result<Inbox, AppError> {
    crate::web::serve(async |ctx, _, auth| {
        super::service::inbox(&ctx, &auth, before, crate::web::server_fn::locale()).await
    })
    .await
}

/// The unread count for the tab bar's badge (0 for visitors).
#[server]
pub async fn unread_notices() -> Result<i64, AppError> {
    crate::web::serve_anyone(async |ctx, _, auth| match auth {
        Some(a) => super::service::unread(&ctx, &a).await,
        None => Ok(0),
    })
    .await
}

/// Marks notices read (all when `ids` is empty); returns the unread count left.
#[server]
pub async fn mark_notices_read(#[server(default)] ids: Vec<i64>) -> Result<i64, AppError> {
    crate::web::serve(async |ctx, _, auth| super::service::mark_read(&ctx, &auth, &ids).await).await
}

#[server]
pub async fn get_push_config() -> Result<PushConfig, AppError> {
    crate::web::serve(async |ctx, _, _| {
        Ok(PushConfig {
            enabled: super::channel::Outbound::of(&ctx.cfg).push.is_some(),
            public_key: super::channel::Outbound::of(&ctx.cfg).vapid_public.clone(),
        })
    })
    .await
}

#[server]
pub async fn subscribe_push(
    endpoint: String,
    p256dh: String,
    auth: String,
    #[server(default)] label: String,
) -> Result<Device, AppError> {
    crate::web::serve(async |ctx, _, a| {
        let s = super::service::NewSubscription {
            endpoint,
            p256dh,
            auth,
            label,
        };
        super::service::subscribe(&ctx, &a, s).await
    })
    .await
}

#[server]
pub async fn my_devices() -> Result<Vec<Device>, AppError> {
    crate::web::serve(async |ctx, _, auth| super::service::devices(&ctx, &auth).await).await
}

#[server]
pub async fn remove_device(id: i64) -> Result<(), AppError> {
    crate::web::serve(async |ctx, _, auth| super::service::remove_device(&ctx, &auth, id).await).await
}

#[server]
pub async fn get_notify_prefs() -> Result<Prefs, AppError> {
    crate::web::serve(async |ctx, _, auth| super::service::prefs(&ctx, &auth).await).await
}

#[server]
pub async fn save_notify_prefs(prefs: Prefs) -> Result<Prefs, AppError> {
    crate::web::serve(async |ctx, _, auth| super::service::save_prefs(&ctx, &auth, prefs).await).await
}

/// Org nodes the caller may broadcast to.
#[server]
pub async fn broadcast_orgs() -> Result<Vec<crate::org::model::OrgChoice>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        crate::access::service::org_choices(&ctx, &meta, &auth, crate::access::model::Permission::NoticesPublish).await
    })
    .await
}

#[server]
pub async fn list_broadcasts() -> Result<Vec<BroadcastRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::broadcast::list(&ctx, &meta, &auth).await).await
}

#[server]
pub async fn send_broadcast(
    org: crate::shared::ids::OrgId,
    title: String,
    body: String,
    #[server(default)] link: String,
) -> Result<BroadcastRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let b = super::broadcast::NewBroadcast {
            org_id: org,
            title,
            body,
            link,
        };
        super::broadcast::send(&ctx, &meta, &auth, b).await
    })
    .await
}
