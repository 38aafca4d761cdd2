//! (ssr) Community notices (公告 / 公示): staff write one for a community, some of its buildings
//! or units, and its owners, tenants or everyone; the job sends it at its time, resolving the
//! target once into one receipt per household (unit) and an inbox notice (pushed) to each person
//! of the audience; residents read it, which marks their household's receipt; staff see who has
//! not read it, remind only them, and export the receipts.
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{cm_notice_receipts as receipts, cm_notices as notices};
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::files::model::{DocRef, FileRef};
use crate::files::service as files;
use crate::jobs::{queue, JobResult, NewJob};
use crate::notify::model::Category;
use crate::notify::service::{raise, Notice};
use crate::org::model::{OrgChoice, OrgKind};
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{OrgId, UserId};
use crate::shared::time::{format_local, parse_local_minute};
use crate::with_txn;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{prelude::*, sea_query::ExprTrait, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

const PERM: Permission = Permission::NoticesPublish;
const TITLE_MAX: usize = 120;
const BODY_MAX: usize = 20_000;
/// Unread households a notice's page lists (the export has them all).
const UNREAD_SHOWN: u64 = 200;
/// How long after one reminder the next may go.
const REMIND_GAP_MINUTES: i64 = 60;
/// The files area's kinds for a notice's PDFs and photos.
const DOC_KIND: &str = "cm_notice_doc";
const PHOTO_KIND: &str = "cm_notice_photo";

/// The communities whose owners' committee the caller sits on.
async fn committee_communities(ctx: &AppCtx, auth: &Authed) -> Result<Vec<OrgId>, AppError> {
    access::orgs_with_role(&ctx.db, auth.user_id, crate::governance::model::COMMITTEE_ROLE).await
}

/// Errors `Forbidden` unless the caller sits on `community`'s owners' committee.
async fn sits_on_committee(ctx: &AppCtx, auth: &Authed, community: OrgId) -> Result<(), AppError> {
    if committee_communities(ctx, auth).await?.contains(&community) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The communities whose committee the caller sits on, for the committee's notice form.
pub async fn committee_choices(ctx: &AppCtx, auth: &Authed) -> Result<Vec<OrgChoice>, AppError> {
    let mut out = vec![];
    for id in committee_communities(ctx, auth).await? {
        if let Some(n) = org::get(&ctx.db, id).await?.filter(|n| n.kind == OrgKind::Community) {
            out.push(n);
        }
    }
    Ok(OrgChoice::list(out))
}

/// The committee's notices of the communities whose committee the caller sits on, newest
/// first (at most 100), with their read counts.
pub async fn committee_list(ctx: &AppCtx, auth: &Authed) -> Result<Vec<NoticeSummary>, AppError> {
    let mine: Vec<i64> = committee_communities(ctx, auth)
        .await?
        .into_iter()
        .map(|c| c.0)
        .collect();
    if mine.is_empty() {
        return Err(AppError::Forbidden);
    }
    let rows = notices::Entity::find()
        .filter(notices::Column::CommunityId.is_in(mine))
        .filter(notices::Column::ByCommittee.eq(true))
        .order_by_desc(notices::Column::Id)
        .limit(100)
        .all(&ctx.db)
        .await?;
    rows_of(&ctx.db, rows).await
}

/// The communities the caller may write notices to.
pub async fn communities(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<OrgChoice>, AppError> {
    Ok(OrgChoice::list(
        access::orgs_in_scope(ctx, meta, auth, PERM, Some(OrgKind::Community)).await?,
    ))
}

/// The buildings of `community` (id, code) a notice may be limited to. Errors: `NotFound`
/// outside the caller's scope (a member of its owners' committee is within it).
pub async fn buildings(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<Vec<(i64, String)>, AppError> {
    // The committee's members target their own community's buildings too.
    if sits_on_committee(ctx, auth, community).await.is_err() {
        let scope = access::require(ctx, meta, auth, PERM).await?;
        access::within(ctx, meta, auth, PERM, &scope, community).await?;
    }
    estate::buildings_of(&ctx.db, community.0).await
}

/// Saves a notice and queues its sending (now, or at `publish_at`); one `by_committee` is the
/// community's owners' committee's, written by one of its members. Errors: `Forbidden` without
/// `notices.publish` (or, for the committee's, without a seat on it), `NotFound` for a community outside the scope, `Validation` naming the
/// field (title, body, a building or unit number not of the community, a time unreadable or an
/// end before the start).
pub async fn create(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, n: NewNotice) -> Result<NoticeSummary, AppError> {
    if n.by_committee {
        sits_on_committee(ctx, auth, n.community_id).await?;
        if n.kind == NoticeKind::Emergency {
            return Err(AppError::validation("kind", "cm.err.committee_emergency"));
        }
    } else {
        let scope = access::require(ctx, meta, auth, PERM).await?;
        access::within(ctx, meta, auth, PERM, &scope, n.community_id).await?;
    }
    if !org::get(&ctx.db, n.community_id)
        .await?
        .is_some_and(|c| c.kind == OrgKind::Community)
    {
        return Err(AppError::validation("community_id", "cm.err.community"));
    }
    let title = n.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(AppError::validation("title", "cm.err.title"));
    }
    if n.body.chars().count() > BODY_MAX {
        return Err(AppError::validation("body", "cm.err.body_long"));
    }
    let body = sanitize(&n.body);
    if text_of(&body).trim().is_empty() && !body.contains("<img") {
        return Err(AppError::validation("body", "cm.err.body"));
    }
    let (buildings, units) = super::target::check(&ctx.db, n.community_id, &n.buildings, &n.units).await?;
    let now = queue::now();
    let publish_at = parse_local_minute(&n.publish_at)
        .map_err(|_| AppError::validation("publish_at", "cm.err.time"))?
        .map_or(now, |t| std::cmp::max(t, now));
    let ends_at = parse_local_minute(&n.ends_at).map_err(|_| AppError::validation("ends_at", "cm.err.time"))?;
    if ends_at.is_some_and(|e| e <= publish_at) {
        return Err(AppError::validation("ends_at", "cm.err.ends_before"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let row = notices::ActiveModel {
            community_id: Set(n.community_id.0),
            title: Set(title.into()),
            body: Set(body.clone()),
            category: Set(n.category.code().into()),
            kind: Set(n.kind.code().into()),
            audience: Set(n.audience.code().into()),
            buildings: Set(serde_json::to_string(&buildings).unwrap_or_default()),
            units: Set(serde_json::to_string(&units).unwrap_or_default()),
            state: Set(NoticeState::Scheduled.code().into()),
            publish_at: Set(publish_at),
            ends_at: Set(ends_at),
            published_at: Set(None),
            households: Set(0),
            reminders: Set(0),
            reminded_at: Set(None),
            author_id: Set(auth.user_id.0),
            created_at: Set(now),
            by_committee: Set(n.by_committee),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        files::attach_documents(&txn, auth.user_id, &n.documents, DOC_KIND, row.id, NOTICE_DOCS_MAX).await?;
        files::attach(&txn, auth.user_id, &n.photos, PHOTO_KIND, row.id, NOTICE_PHOTOS_MAX).await?;
        queue::enqueue(
            &txn,
            &[NewJob {
                run_at: publish_at,
                ..NewJob::now(super::jobs::PUBLISH, serde_json::json!({ "n": row.id }))
            }],
        )
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.notice", "notice", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(n.community_id))
                .summary(serde_json::json!({
                    "title": title, "kind": n.kind.code(), "audience": n.audience.code(), "by_committee": n.by_committee,
                    "buildings": buildings.len(), "units": units.len(),
                })),
        )
        .await?;
        Ok(row)
    })?;
    let mut rows = rows_of(&ctx.db, vec![row]).await?;
    rows.pop().ok_or(AppError::Internal)
}

fn inbox_notice(n: &notices::Model, dedupe: String) -> Notice {
    let emergency = n.kind == NoticeKind::Emergency.code();
    let category = NoticeCategory::parse(&n.category).unwrap_or(NoticeCategory::Notice);
    Notice {
        category: Category::Announcements,
        // Staff write a notice in one language; it reaches everyone as written. The committee's
        // is signed as theirs.
        title: if n.by_committee {
            Msg::key("cm.by_committee").then(Msg::text(format!(" · {}", n.title)))
        } else {
            Msg::text(n.title.clone())
        },
        body: Msg::key(category.key()).then(Msg::text(format!(" · {}", excerpt(&n.body, 80)))),
        link: format!("/community/notices/{}", n.id),
        dedupe: Some(dedupe),
        ttl: Duration::days(if emergency { 1 } else { 2 }),
        broadcast: None,
        replace: false,
        urgent: emergency,
    }
}

/// Job `community.notice_publish` `{"n": id}`: at the notice's time, writes a receipt per
/// targeted household and an inbox notice per person of the audience, then marks it published.
/// A rerun adds nothing (receipts by key, notices by dedupe key); a withdrawn one stays unsent.
pub async fn publish(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    let Some(id) = payload["n"].as_i64() else {
        return JobResult::Failed("bad payload".into());
    };
    let r = async {
        let Some(n) = notices::Entity::find_by_id(id).one(&ctx.db).await? else {
            return Ok(());
        };
        if n.state != NoticeState::Scheduled.code() {
            return Ok(());
        }
        let audience = Audience::parse(&n.audience).unwrap_or(Audience::Everyone);
        let homes = super::target::send_out(
            ctx,
            n.community_id,
            &n.buildings,
            &n.units,
            audience,
            [receipts::Column::NoticeId, receipts::Column::UnitId],
            |u| receipts::ActiveModel {
                notice_id: Set(n.id),
                unit_id: Set(u),
                read_at: Set(None),
                read_by: Set(None),
            },
            &inbox_notice(&n, format!("cm-notice:{}", n.id)),
        )
        .await?;
        notices::Entity::update_many()
            .col_expr(notices::Column::State, Expr::value(NoticeState::Published.code()))
            .col_expr(notices::Column::PublishedAt, Expr::value(queue::now()))
            .col_expr(notices::Column::Households, Expr::value(homes as i64))
            .filter(notices::Column::Id.eq(n.id))
            .filter(notices::Column::State.eq(NoticeState::Scheduled.code()))
            .exec(&ctx.db)
            .await?;
        Ok::<_, AppError>(())
    }
    .await;
    r.into()
}

/// Job `community.notice_remind` `{"n": id, "r": round}`: one more inbox notice (pushed) to the
/// audience of the households that have not read the notice; a rerun of a round adds nothing.
pub async fn remind_unread(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    let (Some(id), Some(round)) = (payload["n"].as_i64(), payload["r"].as_i64()) else {
        return JobResult::Failed("bad payload".into());
    };
    let r = async {
        let Some(n) = notices::Entity::find_by_id(id).one(&ctx.db).await? else {
            return Ok(());
        };
        if n.state != NoticeState::Published.code() {
            return Ok(());
        }
        let unread: Vec<i64> = receipts::Entity::find()
            .select_only()
            .column(receipts::Column::UnitId)
            .filter(receipts::Column::NoticeId.eq(id))
            .filter(receipts::Column::ReadAt.is_null())
            .into_tuple()
            .all(&ctx.db)
            .await?;
        let audience = Audience::parse(&n.audience).unwrap_or(Audience::Everyone);
        let (_, users) = super::target::reach(&ctx.db, &unread, audience).await?;
        let mut note = inbox_notice(&n, format!("cm-notice:{id}:r{round}"));
        // Signed as the first one was (the committee's says so).
        note.title = Msg::key("cm.remind_title").then(note.title);
        for chunk in users.chunks(1_000) {
            with_txn!(ctx.db, |txn| { raise(&txn, chunk, &note).await })?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    r.into()
}

/// Staff rows for `rows`, with their community names, targets and read counts.
async fn rows_of<C: ConnectionTrait>(c: &C, rows: Vec<notices::Model>) -> Result<Vec<NoticeSummary>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|n| n.id).collect();
    let read: HashMap<i64, i64> = receipts::Entity::find()
        .select_only()
        .column(receipts::Column::NoticeId)
        .column_as(receipts::Column::UnitId.count(), "n")
        .filter(receipts::Column::NoticeId.is_in(ids))
        .filter(receipts::Column::ReadAt.is_not_null())
        .group_by(receipts::Column::NoticeId)
        .into_tuple::<(i64, i64)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let mut communities: Vec<i64> = rows.iter().map(|n| n.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = org::org_names(c, &communities).await?;
    let targets = super::target::labels(c, rows.iter().map(|n| (n.buildings.as_str(), n.units.as_str()))).await?;
    let now = Utc::now();
    let mut out = vec![];
    for (n, (building_codes, unit_labels)) in rows.into_iter().zip(targets) {
        let state = NoticeState::parse(&n.state).unwrap_or(NoticeState::Withdrawn);
        out.push(NoticeSummary {
            id: n.id,
            community_id: OrgId(n.community_id),
            community: names.get(&n.community_id).cloned().unwrap_or_default(),
            by_committee: n.by_committee,
            title: n.title,
            category: NoticeCategory::parse(&n.category).unwrap_or(NoticeCategory::Notice),
            kind: NoticeKind::parse(&n.kind).unwrap_or(NoticeKind::Normal),
            audience: Audience::parse(&n.audience).unwrap_or(Audience::Everyone),
            state,
            sending: state == NoticeState::Scheduled && n.publish_at <= now,
            buildings: building_codes,
            units: unit_labels,
            publish_at: format_local(n.published_at.unwrap_or(n.publish_at)),
            ends_at: n.ends_at.map(format_local),
            archived: state == NoticeState::Published && n.ends_at.is_some_and(|e| e <= now),
            households: n.households,
            read: read.get(&n.id).copied().unwrap_or(0),
        });
    }
    Ok(out)
}

/// Notices of the communities in the caller's `notices.publish` scope, newest first (at most
/// 100). Errors: `Forbidden` without the permission.
pub async fn list(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<NoticeSummary>, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    let rows = scope
        .filter_org_column(notices::Entity::find(), notices::Column::CommunityId, false)
        .order_by_desc(notices::Column::Id)
        .limit(100)
        .all(&ctx.db)
        .await?;
    rows_of(&ctx.db, rows).await
}

/// One of the owners' committee the caller sits on, or a notice within the caller's
/// `notices.publish` scope (the committee first, so that a member's reading logs no denial).
async fn load(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<notices::Model, AppError> {
    if let Some(n) = notices::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .filter(|n| n.by_committee)
    {
        if sits_on_committee(ctx, auth, OrgId(n.community_id)).await.is_ok() {
            return Ok(n);
        }
    }
    access::record_within(ctx, meta, auth, PERM, notices::Entity::find_by_id(id), |n| {
        OrgId(n.community_id)
    })
    .await
}

/// The owners' committee's notice is theirs: staff read its receipts, but only a member of the
/// committee reminds or withdraws it. Errors: `Conflict{state}` for anyone else.
async fn may_act(ctx: &AppCtx, auth: &Authed, n: &notices::Model) -> Result<(), AppError> {
    if n.by_committee && sits_on_committee(ctx, auth, OrgId(n.community_id)).await.is_err() {
        return Err(AppError::conflict("state", "cm.err.committee_only"));
    }
    Ok(())
}

/// One notice with who has not read it. Errors: `NotFound` outside the caller's scope.
pub async fn detail(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<NoticeDetail, AppError> {
    let n = load(ctx, meta, auth, id).await?;
    detail_of(&ctx.db, n).await
}

async fn detail_of<C: ConnectionTrait>(c: &C, n: notices::Model) -> Result<NoticeDetail, AppError> {
    let unread_q = receipts::Entity::find()
        .filter(receipts::Column::NoticeId.eq(n.id))
        .filter(receipts::Column::ReadAt.is_null());
    let unread_total = unread_q.clone().count(c).await? as i64;
    let first: Vec<i64> = unread_q
        .select_only()
        .column(receipts::Column::UnitId)
        .order_by_asc(receipts::Column::UnitId)
        .limit(UNREAD_SHOWN)
        .into_tuple()
        .all(c)
        .await?;
    let numbers = estate::unit_numbers(c, &first).await?;
    let mut unread: Vec<Unread> = first
        .iter()
        .map(|u| Unread {
            unit_id: *u,
            number: numbers.get(u).map(|x| x.0.clone()).unwrap_or_default(),
        })
        .collect();
    unread.sort_by_key(|u| estate::natural_key(&u.number));
    let body = n.body.clone();
    let (documents, photos) = attachments(c, n.id).await?;
    let reminders = n.reminders;
    let reminded_at = n.reminded_at.map(format_local);
    let notice = rows_of(c, vec![n]).await?.pop().ok_or(AppError::Internal)?;
    Ok(NoticeDetail {
        notice,
        body,
        unread,
        unread_total,
        reminders,
        reminded_at,
        documents,
        photos,
    })
}

/// A notice's PDFs and photos.
async fn attachments<C: ConnectionTrait>(c: &C, id: i64) -> Result<(Vec<DocRef>, Vec<FileRef>), AppError> {
    let documents = files::documents_of(c, DOC_KIND, id).await?;
    let photos = files::attached(c, PHOTO_KIND, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok((documents, photos))
}

/// Whether the caller may see notice `id`'s files: it reached one of their homes, or it is
/// within their `notices.publish` scope. Errors: `NotFound` otherwise.
async fn may_see(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<(), AppError> {
    let (reached, _) = my_receipts(&ctx.db, auth.user_id, Some(id)).await?;
    if reached.is_empty() {
        load(ctx, meta, auth, id).await.map_err(|_| AppError::NotFound)?;
    }
    Ok(())
}

/// One of a notice's PDFs, for whoever may see the notice.
pub async fn document(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    file: i64,
) -> Result<(DocRef, Vec<u8>), AppError> {
    may_see(ctx, meta, auth, id).await?;
    files::read_document(ctx, file, DOC_KIND, id).await
}

/// One of a notice's photos (or its thumbnail), for whoever may see the notice.
pub async fn photo(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    file: i64,
    thumb: bool,
) -> Result<Vec<u8>, AppError> {
    may_see(ctx, meta, auth, id).await?;
    files::read(ctx, file, PHOTO_KIND, id, thumb).await
}

/// Pushes the notice once more to the households that have not read it (at most once an
/// hour). Errors: `NotFound` outside the scope, `Conflict` when it is not published, when
/// everyone has read it, or when the last reminder went less than an hour ago.
pub async fn remind(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<NoticeDetail, AppError> {
    let n = load(ctx, meta, auth, id).await?;
    may_act(ctx, auth, &n).await?;
    if n.state != NoticeState::Published.code() {
        return Err(AppError::conflict("state", "cm.err.not_published"));
    }
    let unread = receipts::Entity::find()
        .filter(receipts::Column::NoticeId.eq(id))
        .filter(receipts::Column::ReadAt.is_null())
        .count(&ctx.db)
        .await?;
    if unread == 0 {
        return Err(AppError::conflict("state", "cm.err.all_read"));
    }
    let now = queue::now();
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        // Decided by the database: of two clicks at once, one reminds.
        let done = notices::Entity::update_many()
            .col_expr(notices::Column::Reminders, Expr::col(notices::Column::Reminders).add(1))
            .col_expr(notices::Column::RemindedAt, Expr::value(now))
            .filter(notices::Column::Id.eq(id))
            .filter(notices::Column::Reminders.eq(n.reminders))
            .filter(
                sea_orm::Condition::any()
                    .add(notices::Column::RemindedAt.is_null())
                    .add(notices::Column::RemindedAt.lte(now - Duration::minutes(REMIND_GAP_MINUTES))),
            )
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::conflict("state", "cm.err.reminded_recently"));
        }
        queue::enqueue(
            &txn,
            &[NewJob::now(
                super::jobs::REMIND,
                serde_json::json!({ "n": id, "r": n.reminders + 1 }),
            )],
        )
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.notice_remind", "notice", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(n.community_id)))
                .summary(serde_json::json!({ "unread": unread, "by_committee": n.by_committee })),
        )
        .await?;
        Ok(())
    })?;
    detail(ctx, meta, auth, id).await
}

/// Takes a notice back: residents no longer see it and a scheduled one never goes. Errors:
/// `NotFound` outside the scope, `Conflict` when already withdrawn.
pub async fn withdraw(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<NoticeDetail, AppError> {
    let n = load(ctx, meta, auth, id).await?;
    may_act(ctx, auth, &n).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let done = notices::Entity::update_many()
            .col_expr(notices::Column::State, Expr::value(NoticeState::Withdrawn.code()))
            .filter(notices::Column::Id.eq(id))
            .filter(notices::Column::State.ne(NoticeState::Withdrawn.code()))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::conflict("state", "cm.err.withdrawn"));
        }
        // Its inbox rows (and reminders) go too: they would lead to a notice no longer there.
        crate::notify::service::retract(&txn, &format!("cm-notice:{id}")).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.notice_withdraw", "notice", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(n.community_id)))
                .summary(serde_json::json!({ "title": n.title, "by_committee": n.by_committee })),
        )
        .await?;
        Ok(())
    })?;
    detail(ctx, meta, auth, id).await
}

/// Every receipt of a notice as an XLSX sheet: unit, read or not, when. Errors: `NotFound`
/// outside the scope.
pub async fn export(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<Vec<u8>, AppError> {
    let n = load(ctx, meta, auth, id).await?;
    let all = receipts::Entity::find()
        .filter(receipts::Column::NoticeId.eq(id))
        .all(&ctx.db)
        .await?;
    let ids: Vec<i64> = all.iter().map(|r| r.unit_id).collect();
    let numbers = estate::unit_numbers(&ctx.db, &ids).await?;
    let mut rows: Vec<Vec<String>> = all
        .iter()
        .map(|r| {
            vec![
                numbers.get(&r.unit_id).map(|x| x.0.clone()).unwrap_or_default(),
                if r.read_at.is_some() { "已读" } else { "未读" }.into(),
                r.read_at.map(format_local).unwrap_or_default(),
            ]
        })
        .collect();
    rows.sort_by_key(|r| estate::natural_key(&r[0]));
    let read = all.iter().filter(|r| r.read_at.is_some()).count();
    let totals = vec![
        vec!["公告".into(), n.title.clone()],
        vec!["发布时间".into(), format_local(n.published_at.unwrap_or(n.publish_at))],
        vec!["送达户数".into(), all.len().to_string()],
        vec!["已读户数".into(), read.to_string()],
        vec!["未读户数".into(), (all.len() - read).to_string()],
    ];
    crate::shared::xlsx::write_workbook(&[
        ("阅读回执", vec!["房号".into(), "状态".into(), "阅读时间".into()], rows),
        ("汇总", vec!["项目".into(), "数值".into()], totals),
    ])
    .map_err(|_| AppError::Internal)
}

/// The published notices that reached the caller (`only` that one, through any of their homes;
/// without it, the list of their current home, 当前房屋), each with the receipts of the caller's
/// units it reached them through: a unit it was sent to where the caller's relation is in its
/// audience.
async fn my_receipts<C: ConnectionTrait>(
    c: &C,
    user: UserId,
    only: Option<i64>,
) -> Result<(Vec<notices::Model>, HashMap<i64, Vec<receipts::Model>>), AppError> {
    let places = match only {
        Some(_) => estate::my_places(c, user).await?,
        None => estate::current_places(c, user).await?,
    };
    if places.is_empty() {
        return Ok((vec![], HashMap::new()));
    }
    let units: Vec<i64> = places.iter().map(|p| p.unit.0).collect();
    let mut q = receipts::Entity::find().filter(receipts::Column::UnitId.is_in(units));
    if let Some(id) = only {
        q = q.filter(receipts::Column::NoticeId.eq(id));
    }
    let rs = q.order_by_desc(receipts::Column::NoticeId).limit(1_000).all(c).await?;
    let mut ids: Vec<i64> = rs.iter().map(|r| r.notice_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let ns = notices::Entity::find()
        .filter(notices::Column::Id.is_in(ids))
        .filter(notices::Column::State.eq(NoticeState::Published.code()))
        .all(c)
        .await?;
    let mut by_notice: HashMap<i64, Vec<receipts::Model>> = HashMap::new();
    for n in &ns {
        let audience = Audience::parse(&n.audience).unwrap_or(Audience::Everyone);
        let mine: Vec<receipts::Model> = rs
            .iter()
            .filter(|r| {
                r.notice_id == n.id
                    && places
                        .iter()
                        .any(|p| p.unit.0 == r.unit_id && audience.reaches(p.relation))
            })
            .cloned()
            .collect();
        if !mine.is_empty() {
            by_notice.insert(n.id, mine);
        }
    }
    let ns = ns.into_iter().filter(|n| by_notice.contains_key(&n.id)).collect();
    Ok((ns, by_notice))
}

/// The notices that reached the caller's current home (当前房屋) and are not archived, in
/// [`resident_rank`] order, of `category` only when given.
pub async fn mine(ctx: &AppCtx, auth: &Authed, category: Option<NoticeCategory>) -> Result<MyNotices, AppError> {
    let (ns, by_notice) = my_receipts(&ctx.db, auth.user_id, None).await?;
    let now = Utc::now();
    let mut communities: Vec<i64> = ns.iter().map(|n| n.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = org::org_names(&ctx.db, &communities).await?;
    let mut items: Vec<((u8, i64), MyNoticeRow)> = vec![];
    let mut unread = 0;
    for n in ns {
        if n.ends_at.is_some_and(|e| e <= now) {
            continue;
        }
        let read = by_notice
            .get(&n.id)
            .is_some_and(|rs| rs.iter().any(|r| r.read_at.is_some()));
        if !read {
            unread += 1;
        }
        let cat = NoticeCategory::parse(&n.category).unwrap_or(NoticeCategory::Notice);
        if category.is_some_and(|c| c != cat) {
            continue;
        }
        let kind = NoticeKind::parse(&n.kind).unwrap_or(NoticeKind::Normal);
        let published: DateTime<Utc> = n.published_at.unwrap_or(n.publish_at);
        items.push((
            resident_rank(kind, read, published),
            MyNoticeRow {
                id: n.id,
                excerpt: excerpt(&n.body, 60),
                title: n.title,
                category: cat,
                kind,
                community: names.get(&n.community_id).cloned().unwrap_or_default(),
                by_committee: n.by_committee,
                published_at: format_local(published),
                read,
            },
        ));
    }
    items.sort_by_key(|i| i.0);
    Ok(MyNotices {
        items: items.into_iter().map(|i| i.1).collect(),
        unread,
    })
}

/// A notice that reached the caller, marked read for their household(s). Errors: `NotFound`
/// for one that did not reach them (another building, another audience, withdrawn).
pub async fn open(ctx: &AppCtx, auth: &Authed, id: i64) -> Result<MyNotice, AppError> {
    let (mut ns, by_notice) = my_receipts(&ctx.db, auth.user_id, Some(id)).await?;
    let n = ns.pop().ok_or(AppError::NotFound)?;
    let units: Vec<i64> = by_notice
        .get(&id)
        .map(|rs| rs.iter().filter(|r| r.read_at.is_none()).map(|r| r.unit_id).collect())
        .unwrap_or_default();
    if !units.is_empty() {
        receipts::Entity::update_many()
            .col_expr(receipts::Column::ReadAt, Expr::value(queue::now()))
            .col_expr(receipts::Column::ReadBy, Expr::value(auth.user_id.0))
            .filter(receipts::Column::NoticeId.eq(id))
            .filter(receipts::Column::UnitId.is_in(units))
            .filter(receipts::Column::ReadAt.is_null())
            .exec(&ctx.db)
            .await?;
    }
    let community = org::get(&ctx.db, OrgId(n.community_id))
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let (documents, photos) = attachments(&ctx.db, n.id).await?;
    Ok(MyNotice {
        id: n.id,
        title: n.title,
        body: n.body,
        category: NoticeCategory::parse(&n.category).unwrap_or(NoticeCategory::Notice),
        kind: NoticeKind::parse(&n.kind).unwrap_or(NoticeKind::Normal),
        community,
        by_committee: n.by_committee,
        published_at: format_local(n.published_at.unwrap_or(n.publish_at)),
        ends_at: n.ends_at.map(format_local),
        documents,
        photos,
    })
}

/// A notice's rich text made safe: an allow-list of tags, links kept with `rel="noopener"`,
/// images only from Linli itself (a path, not another site), everything else (script, style,
/// event handlers, `javascript:` links, iframes) removed. Plain text (no tag in it) becomes
/// paragraphs at blank lines and line breaks at single ones.
pub fn sanitize(input: &str) -> String {
    use std::collections::HashSet;
    let html = if looks_like_html(input) {
        input.to_string()
    } else {
        paragraphs(input)
    };
    let tags: HashSet<&str> = [
        "p",
        "br",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "blockquote",
        "a",
        "img",
    ]
    .into_iter()
    .collect();
    let mut attrs = HashMap::new();
    attrs.insert("a", ["href"].into_iter().collect::<HashSet<&str>>());
    attrs.insert("img", ["src", "alt"].into_iter().collect());
    ammonia::Builder::default()
        .tags(tags)
        .generic_attributes(HashSet::new())
        .tag_attributes(attrs)
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(|el, attr, value| {
            if el == "img" && attr == "src" && !own_image(value) {
                None
            } else {
                Some(value.into())
            }
        })
        .clean(&html)
        .to_string()
}

/// An image a notice may show: an upload of Linli's own (`/api/v1/files/…`, a notice's or an
/// event's photo), never another site nor any other address of this one (an image's address is
/// fetched with the reader's cookie, so `/api/v1/me/…` would act as them).
fn own_image(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    let plain = !lower.contains("..") && !lower.contains("%2e") && !lower.contains('\\') && !lower.contains("//");
    let photo = |area: &str| {
        src.strip_prefix(area)
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(id, rest)| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with("photos/")
            })
    };
    plain && (src.starts_with("/api/v1/files/") || photo("/api/v1/notices/") || photo("/api/v1/events/"))
}

fn looks_like_html(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

fn paragraphs(s: &str) -> String {
    let esc = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    s.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", esc(p).replace('\n', "<br>")))
        .collect()
}

/// The text of sanitised HTML, markup removed and entities read; a block (paragraph, line
/// break, list item, heading, quote) ends in a space, inline markup leaves none.
pub fn text_of(html: &str) -> String {
    const BLOCKS: [&str; 9] = ["p", "br", "li", "ul", "ol", "h3", "h4", "blockquote", "img"];
    let mut out = String::with_capacity(html.len());
    let mut tag: Option<String> = None;
    for ch in html.chars() {
        match (&mut tag, ch) {
            (None, '<') => tag = Some(String::new()),
            (Some(t), '>') => {
                let name = t.trim_start_matches('/');
                let name = name.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
                if BLOCKS.contains(&name.to_ascii_lowercase().as_str()) {
                    out.push(' ');
                }
                tag = None;
            }
            (Some(t), c) => t.push(c),
            (None, c) => out.push(c),
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn excerpt(html: &str, max: usize) -> String {
    let t = text_of(html);
    if t.chars().count() <= max {
        t
    } else {
        format!("{}…", t.chars().take(max).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_handlers_and_foreign_images_are_removed_and_the_text_kept() {
        let dirty = r#"<p onclick="steal()">停水通知<script>alert(1)</script></p><img src="https://evil.example/x.png"><img src="/api/v1/files/1" alt="图"><a href="javascript:alert(1)">点我</a><a href="https://gov.cn/x">政策</a><iframe src="/x"></iframe><style>p{}</style>"#;
        let clean = sanitize(dirty);
        assert!(!clean.contains("script") && !clean.contains("alert"), "{clean}");
        assert!(
            !clean.contains("onclick") && !clean.contains("iframe") && !clean.contains("style"),
            "{clean}"
        );
        assert!(!clean.contains("evil.example"), "{clean}");
        assert!(clean.contains(r#"<img src="/api/v1/files/1" alt="图">"#), "{clean}");
        assert!(
            clean.contains(r#"href="https://gov.cn/x""#) && clean.contains("noopener"),
            "{clean}"
        );
        assert!(!clean.contains("javascript"), "{clean}");
        assert_eq!(text_of(&clean), "停水通知 点我政策");
        assert_eq!(
            text_of("<p>因检修，<strong>明日</strong>停水。</p><p>请储水</p>"),
            "因检修，明日停水。 请储水"
        );
    }

    #[test]
    fn images_come_only_from_linlis_own_uploads() {
        for ok in [
            "/api/v1/files/1",
            "/api/v1/notices/3/photos/9",
            "/api/v1/notices/3/photos/9?thumb=true",
            "/api/v1/events/12/photos/4",
        ] {
            assert!(own_image(ok), "{ok}");
        }
        // Anything else of this site would be fetched with the reader's cookie.
        for bad in [
            "/api/v1/me/notices/5",
            "/api/v1/files/../me/notices/5",
            "/api/v1/files/%2E%2E/me/notices/5",
            "/api/v1/notices/x/photos/1",
            "/api/v1/notices/3/receipts.xlsx",
            "//evil.example/x.png",
            "/api/v1/files//evil",
            "https://evil.example/x.png",
            "/logout",
        ] {
            assert!(!own_image(bad), "{bad}");
        }
        let clean =
            sanitize(r#"<p>见图</p><img src="/api/v1/me/notices/5"><img src="/api/v1/notices/3/photos/9?thumb=true">"#);
        assert!(!clean.contains("/api/v1/me/"), "{clean}");
        assert!(clean.contains("/api/v1/notices/3/photos/9"), "{clean}");
    }

    #[test]
    fn plain_text_becomes_paragraphs_escaped() {
        assert_eq!(
            sanitize("明天 9:00 停水\n请储水\r\n\r\n物业 <服务中心> & 客服"),
            "<p>明天 9:00 停水<br>请储水</p><p>物业 &lt;服务中心&gt; &amp; 客服</p>"
        );
        assert_eq!(sanitize("a < b"), "<p>a &lt; b</p>");
        assert_eq!(text_of(&sanitize("  \n\n ")), "");
    }

    #[test]
    fn excerpts_are_cut_on_characters() {
        assert_eq!(excerpt("<p>一二三四五</p>", 3), "一二三…");
        assert_eq!(excerpt("<p>一二三</p>", 3), "一二三");
    }
}
