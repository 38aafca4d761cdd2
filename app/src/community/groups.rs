//! (ssr) Saved target groups (常用发送对象): staff name a community's buildings, units and
//! audience once ("3、5 栋租户", "沿街商铺业主") and pick the name the next time they write a notice,
//! a survey or an event. Picking fills the form's target fields, so what goes out is always what
//! the form shows; a group changed later never changes what was sent.
use super::model::{Audience, NewTargetGroup, TargetGroup};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::cm_target_groups as groups;
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::jobs::queue;
use crate::org::model::OrgKind;
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::shared::time::format_local;
use crate::with_txn;
use sea_orm::sea_query::OnConflict;
use sea_orm::{prelude::*, ActiveValue::Set, PaginatorTrait, QueryOrder};

/// Who may keep groups: whoever writes notices, surveys and events.
const PERM: Permission = Permission::NoticesPublish;
/// Characters of a group's name.
const NAME_MAX: usize = 40;
/// Groups one community keeps.
pub const GROUPS_MAX: u64 = 100;

/// The groups of `community`, by name. Errors: `Forbidden` without `notices.publish`,
/// `NotFound` for a community outside the caller's scope.
pub async fn list(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<Vec<TargetGroup>, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    access::within(ctx, meta, auth, PERM, &scope, community).await?;
    let rows = groups::Entity::find()
        .filter(groups::Column::CommunityId.eq(community.0))
        .order_by_asc(groups::Column::Name)
        .all(&ctx.db)
        .await?;
    let mut out = to_groups(ctx, rows).await?;
    out.sort_by_key(|g| estate::natural_key(&g.name));
    Ok(out)
}

/// Saves the target under its name; a group of that name in the community is replaced (one
/// statement, so two staff saving the same name at once leave one group). Errors: `Forbidden`,
/// `NotFound` as `list`; `Validation` on `name` (empty or longer than 40), `buildings` or `units`
/// (not of the community, as on a notice) or `community_id` (no community), and on `name` when
/// the community already keeps 100 groups.
pub async fn save(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, g: NewTargetGroup) -> Result<TargetGroup, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    access::within(ctx, meta, auth, PERM, &scope, g.community_id).await?;
    if !org::get(&ctx.db, g.community_id)
        .await?
        .is_some_and(|c| c.kind == OrgKind::Community)
    {
        return Err(AppError::validation("community_id", "cm.err.community"));
    }
    let name = g.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(AppError::validation("name", "cm.err.group_name"));
    }
    let (buildings, units) = super::target::check(&ctx.db, g.community_id, &g.buildings, &g.units).await?;
    let kept = groups::Entity::find()
        .filter(groups::Column::CommunityId.eq(g.community_id.0))
        .filter(groups::Column::Name.ne(name.as_str()))
        .count(&ctx.db)
        .await?;
    if kept >= GROUPS_MAX {
        return Err(AppError::validation("name", "cm.err.groups_many"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let row = groups::ActiveModel {
        community_id: Set(g.community_id.0),
        name: Set(name.clone()),
        audience: Set(g.audience.code().into()),
        buildings: Set(serde_json::to_string(&buildings).unwrap_or_default()),
        units: Set(serde_json::to_string(&units).unwrap_or_default()),
        author_id: Set(auth.user_id.0),
        updated_at: Set(queue::now()),
        ..Default::default()
    };
    let saved = with_txn!(ctx.db, |txn| {
        groups::Entity::insert(row.clone())
            .on_conflict(
                OnConflict::columns([groups::Column::CommunityId, groups::Column::Name])
                    .update_columns([
                        groups::Column::Audience,
                        groups::Column::Buildings,
                        groups::Column::Units,
                        groups::Column::AuthorId,
                        groups::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let saved = groups::Entity::find()
            .filter(groups::Column::CommunityId.eq(g.community_id.0))
            .filter(groups::Column::Name.eq(name.as_str()))
            .one(&txn)
            .await?
            .ok_or(AppError::Internal)?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.target_group", "target_group", saved.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(g.community_id))
                .summary(serde_json::json!({
                    "name": name, "audience": g.audience.code(),
                    "buildings": buildings.len(), "units": units.len(),
                })),
        )
        .await?;
        Ok(saved)
    })?;
    to_groups(ctx, vec![saved]).await?.pop().ok_or(AppError::Internal)
}

/// Forgets group `id`; notices, surveys and events sent to it keep their households. Errors:
/// `Forbidden` without `notices.publish`, `NotFound` for a group outside the caller's scope.
pub async fn delete(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<(), AppError> {
    let g = access::record_within(ctx, meta, auth, PERM, groups::Entity::find_by_id(id), |g| {
        OrgId(g.community_id)
    })
    .await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        groups::Entity::delete_by_id(id).exec(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("community.target_group_delete", "target_group", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(g.community_id)))
                .summary(serde_json::json!({ "name": g.name })),
        )
        .await?;
        Ok(())
    })
}

/// Rows with their buildings' codes and units' numbers (two queries for any number of rows).
async fn to_groups(ctx: &AppCtx, rows: Vec<groups::Model>) -> Result<Vec<TargetGroup>, AppError> {
    let labels = super::target::labels(&ctx.db, rows.iter().map(|g| (g.buildings.as_str(), g.units.as_str()))).await?;
    Ok(rows
        .into_iter()
        .zip(labels)
        .map(|(g, (building_codes, units))| TargetGroup {
            id: g.id,
            community_id: OrgId(g.community_id),
            name: g.name,
            audience: Audience::parse(&g.audience).unwrap_or(Audience::Everyone),
            buildings: serde_json::from_str(&g.buildings).unwrap_or_default(),
            building_codes,
            units,
            updated_at: format_local(g.updated_at),
        })
        .collect())
}
