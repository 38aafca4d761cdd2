//! Server functions of the community area: authorize, call one use case, map the error.
use super::model::{MyNotice, MyNotices, NoticeDetail, NoticeSummary};
use crate::org::model::OrgChoice;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use leptos::prelude::*;

/// The notices that reached the caller's homes (`category`: one category's code, or empty).
#[server]
pub async fn resident_notices(#[server(default)] category: String) -> Result<MyNotices, AppError> {
    crate::web::serve(async |ctx, _meta, auth| {
        let category = super::model::NoticeCategory::parse(&category);
        super::notices::mine(&ctx, &auth, category).await
    })
    .await
}

/// One notice that reached the caller; opening it marks it read for their household.
#[server]
pub async fn open_notice(id: i64) -> Result<MyNotice, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::notices::open(&ctx, &auth, id).await).await
}

/// The communities the caller may write notices to.
#[server]
pub async fn notice_communities() -> Result<Vec<OrgChoice>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::communities(&ctx, &meta, &auth).await).await
}

/// The buildings (id, code) of a community a notice may be limited to.
#[server]
pub async fn notice_buildings(community: OrgId) -> Result<Vec<(i64, String)>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::buildings(&ctx, &meta, &auth, community).await).await
}

/// Saves a notice and queues its sending, from the staff form: codes for `category`, `kind`
/// and `audience`, `buildings` as comma-separated ids.
#[allow(clippy::too_many_arguments)]
#[server]
pub async fn create_notice(
    community_id: OrgId,
    title: String,
    #[server(default)] body: String,
    category: String,
    kind: String,
    audience: String,
    #[server(default)] buildings: String,
    #[server(default)] units: String,
    #[server(default)] publish_at: String,
    #[server(default)] ends_at: String,
) -> Result<NoticeSummary, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        use super::model::{Audience, NewNotice, NoticeCategory, NoticeKind};
        let notice = NewNotice {
            community_id,
            title,
            body,
            category: NoticeCategory::parse(&category)
                .ok_or_else(|| AppError::validation("category", "cm.err.category"))?,
            kind: NoticeKind::parse(&kind).ok_or_else(|| AppError::validation("kind", "cm.err.kind"))?,
            audience: Audience::parse(&audience).ok_or_else(|| AppError::validation("audience", "cm.err.audience"))?,
            buildings: buildings
                .split(',')
                .filter(|b| !b.trim().is_empty())
                .map(|b| {
                    b.trim()
                        .parse::<i64>()
                        .map_err(|_| AppError::validation("buildings", "cm.err.building"))
                })
                .collect::<Result<_, _>>()?,
            units,
            publish_at,
            ends_at,
        };
        super::notices::create(&ctx, &meta, &auth, notice).await
    })
    .await
}

/// The notices of the caller's scope, newest first.
#[server]
pub async fn staff_notices() -> Result<Vec<NoticeSummary>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::list(&ctx, &meta, &auth).await).await
}

/// One notice with who has not read it.
#[server]
pub async fn staff_notice(id: i64) -> Result<NoticeDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::detail(&ctx, &meta, &auth, id).await).await
}

/// Pushes the notice once more to the households that have not read it.
#[server]
pub async fn remind_notice(id: i64) -> Result<NoticeDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::remind(&ctx, &meta, &auth, id).await).await
}

/// Takes a notice back.
#[server]
pub async fn withdraw_notice(id: i64) -> Result<NoticeDetail, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::notices::withdraw(&ctx, &meta, &auth, id).await).await
}
