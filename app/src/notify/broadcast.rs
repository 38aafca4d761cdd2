//! (ssr) Staff broadcasts (群发通知): one notice to every household living in an org subtree
//! (the whole company, an office, a community, a building's community), raised in the
//! background by a job, with delivery counts: inbox rows written, read, and pushes delivered.
use super::model::{BroadcastRow, Category};
use super::service::{raise, Notice};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{broadcasts, jobs, notifications};
use crate::db::AppCtx;
use crate::jobs::queue::JobState;
use crate::jobs::{queue, JobResult, NewJob};
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{OrgId, UserId};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};

/// A broadcast to send.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NewBroadcast {
    pub org_id: OrgId,
    pub title: String,
    pub body: String,
    /// A path inside Linli it leads to (empty: the inbox).
    #[serde(default)]
    pub link: String,
}

/// Sends a broadcast (`notices.publish` over `org`): stored now, delivered by the queue.
pub async fn send(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, b: NewBroadcast) -> Result<BroadcastRow, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::NoticesPublish).await?;
    access::within(ctx, meta, auth, Permission::NoticesPublish, &scope, b.org_id).await?;
    let title = b.title.trim();
    let body = b.body.trim();
    if title.is_empty() || title.chars().count() > 120 {
        return Err(AppError::validation("title", "err.title_required"));
    }
    if body.is_empty() || body.chars().count() > 2_000 {
        return Err(AppError::validation("body", "err.body_required"));
    }
    let link = b.link.trim();
    if !(link.is_empty() || (link.starts_with('/') && !link.starts_with("//") && link.len() <= 300)) {
        return Err(AppError::validation("link", "err.link_invalid"));
    }
    let link = if link.is_empty() { "/inbox" } else { link };
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = with_txn!(ctx.db, |txn| {
        let row = broadcasts::ActiveModel {
            org_id: Set(b.org_id.0),
            category: Set(Category::Announcements.code().into()),
            title: Set(title.into()),
            body: Set(body.into()),
            link: Set(link.into()),
            sender_id: Set(auth.user_id.0),
            recipients: Set(0),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        queue::enqueue(
            &txn,
            &[NewJob::now(super::jobs::BROADCAST, serde_json::json!({ "b": row.id }))],
        )
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("notify.broadcast", "broadcast", row.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(b.org_id))
                .summary(serde_json::json!({ "title": title })),
        )
        .await?;
        Ok(row)
    })?;
    stats(&ctx.db, row).await
}

/// Job `notify.broadcast` `{"b": id}`: raises the notice for every household in the subtree.
pub async fn deliver(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    let Some(id) = payload["b"].as_i64() else {
        return JobResult::Failed("bad payload".into());
    };
    let r = async {
        let Some(b) = broadcasts::Entity::find_by_id(id).one(&ctx.db).await? else {
            return Ok(());
        };
        let communities: Vec<i64> = crate::org::service::communities_under(&ctx.db, OrgId(b.org_id))
            .await?
            .into_iter()
            .map(|c| c.0)
            .collect();
        let units = crate::estate::service::unit_ids_of(&ctx.db, &communities).await?;
        let mut users: Vec<UserId> = crate::estate::service::household_users(&ctx.db, &units)
            .await?
            .into_values()
            .flatten()
            .collect();
        users.sort_by_key(|u| u.0);
        users.dedup_by_key(|u| u.0);
        let notice = Notice {
            category: Category::Announcements,
            // Staff write a broadcast in one language; it reaches everyone as written.
            title: Msg::text(b.title.clone()),
            body: Msg::text(b.body.clone()),
            link: b.link.clone(),
            dedupe: Some(format!("broadcast:{}", b.id)),
            ttl: chrono::Duration::days(2),
            broadcast: Some(b.id),
            replace: false,
            urgent: false,
        };
        // Chunks keep each transaction short; the dedupe key makes a rerun add nothing.
        for chunk in users.chunks(1_000) {
            with_txn!(ctx.db, |txn| { raise(&txn, chunk, &notice).await })?;
        }
        let n = notifications::Entity::find()
            .filter(notifications::Column::BroadcastId.eq(b.id))
            .count(&ctx.db)
            .await? as i64;
        broadcasts::Entity::update_many()
            .col_expr(broadcasts::Column::Recipients, Expr::value(n))
            .filter(broadcasts::Column::Id.eq(b.id))
            .exec(&ctx.db)
            .await?;
        Ok::<_, AppError>(())
    }
    .await;
    r.into()
}

async fn stats<C: ConnectionTrait>(c: &C, b: broadcasts::Model) -> Result<BroadcastRow, AppError> {
    let inbox = notifications::Entity::find()
        .filter(notifications::Column::BroadcastId.eq(b.id))
        .count(c)
        .await? as i64;
    let read = notifications::Entity::find()
        .filter(notifications::Column::BroadcastId.eq(b.id))
        .filter(notifications::Column::ReadAt.is_not_null())
        .count(c)
        .await? as i64;
    // Push jobs carry the broadcast id first (`{"b":…,"n":…,"s":…}`, keys sorted).
    let prefix = format!("{{\"b\":{},", b.id);
    let push = |state: JobState| {
        jobs::Entity::find()
            .filter(jobs::Column::Kind.eq(super::jobs::PUSH))
            .filter(jobs::Column::Payload.starts_with(prefix.clone()))
            .filter(jobs::Column::State.eq(state))
            .count(c)
    };
    let pushed = push(JobState::Done).await? as i64;
    let push_pending = push(JobState::Queued).await? as i64;
    let push_failed = (push(JobState::Failed).await? + push(JobState::Expired).await?) as i64;
    let queued = jobs::Entity::find()
        .filter(jobs::Column::Kind.eq(super::jobs::BROADCAST))
        .filter(jobs::Column::Payload.eq(serde_json::json!({ "b": b.id }).to_string()))
        .filter(jobs::Column::State.eq(JobState::Queued))
        .count(c)
        .await?
        > 0;
    let org = crate::org::service::org_names(c, &[b.org_id])
        .await?
        .remove(&b.org_id)
        .unwrap_or_default();
    Ok(BroadcastRow {
        id: b.id,
        org,
        title: b.title,
        body: b.body,
        created_at: crate::shared::time::format_local(b.created_at),
        sending: queued,
        recipients: inbox,
        read,
        pushed,
        push_pending,
        push_failed,
    })
}

/// Broadcasts sent within the caller's `notices.publish` scope, newest first.
pub async fn list(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<BroadcastRow>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::NoticesPublish).await?;
    let rows = scope
        .filter_org_column(broadcasts::Entity::find(), broadcasts::Column::OrgId, false)
        .order_by_desc(broadcasts::Column::Id)
        .limit(50)
        .all(&ctx.db)
        .await?;
    let mut out = vec![];
    for b in rows {
        out.push(stats(&ctx.db, b).await?);
    }
    Ok(out)
}
