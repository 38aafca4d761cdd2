//! (ssr) Handover acceptance (交付验收): each community keeps a checklist; staff inspect a unit
//! against it with the owner, item by item. A passed inspection delivers an unsold or
//! sold-undelivered unit; a failed one lists what must be fixed before the next.
use super::model::*;
use super::records::unit_in_scope;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{handover_checklists, handovers, units};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, UnitId};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};
use std::collections::HashMap;

/// The community's checklist (the default one until staff set their own).
pub async fn checklist<C: ConnectionTrait>(c: &C, community: i64) -> Result<Vec<String>, AppError> {
    let row = handover_checklists::Entity::find()
        .filter(handover_checklists::Column::CommunityId.eq(community))
        .one(c)
        .await?;
    Ok(
        match row.and_then(|r| serde_json::from_str::<Vec<String>>(&r.items).ok()) {
            Some(items) if !items.is_empty() => items,
            _ => DEFAULT_CHECKLIST.iter().map(|s| String::from(*s)).collect(),
        },
    )
}

/// The checklist of a community the caller may read.
pub async fn community_checklist(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<Vec<String>, AppError> {
    access::require_over(ctx, meta, auth, Permission::OrgRead, community).await?;
    checklist(&ctx.db, community.0).await
}

/// Replaces a community's checklist (one item per line). Earlier inspections keep the items
/// they were made against.
pub async fn set_checklist(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
    text: &str,
) -> Result<Vec<String>, AppError> {
    access::require_over(ctx, meta, auth, Permission::OrgWrite, community).await?;
    let items = parse_checklist(text).map_err(|c| AppError::validation("items", c))?;
    let json = serde_json::to_string(&items).map_err(|_| AppError::Internal)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        match handover_checklists::Entity::find()
            .filter(handover_checklists::Column::CommunityId.eq(community.0))
            .one(&txn)
            .await?
        {
            Some(row) => {
                let mut am: handover_checklists::ActiveModel = row.into();
                am.items = Set(json.clone());
                am.updated_by = Set(auth.user_id.0);
                am.updated_at = Set(now);
                am.update(&txn).await?;
            }
            None => {
                handover_checklists::ActiveModel {
                    community_id: Set(community.0),
                    items: Set(json.clone()),
                    updated_by: Set(auth.user_id.0),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("handover.checklist", "org", community.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(community))
                .summary(serde_json::json!({ "items": items.len() })),
        )
        .await?;
        Ok(())
    })?;
    Ok(items)
}

/// A unit's inspections, newest first.
pub(crate) async fn handovers_of<C: ConnectionTrait>(c: &C, unit: i64) -> Result<Vec<HandoverRow>, AppError> {
    let rows = handovers::Entity::find()
        .filter(handovers::Column::UnitId.eq(unit))
        .order_by_desc(handovers::Column::Id)
        .all(c)
        .await?;
    let inspectors: Vec<i64> = rows.iter().map(|r| r.inspector_id).collect();
    let names: HashMap<i64, String> = crate::access::service::display_names(c, &inspectors).await?;
    Ok(rows
        .into_iter()
        .map(|h| HandoverRow {
            id: h.id,
            inspected_on: h.inspected_on.to_string(),
            inspector: names.get(&h.inspector_id).cloned().unwrap_or_default(),
            passed: h.passed,
            results: serde_json::from_str(&h.results).unwrap_or_default(),
            note: h.note,
        })
        .collect())
}

/// Records an inspection of a unit within the caller's `org.write` scope. All items passed:
/// an unsold or sold-undelivered unit becomes delivered. Errors: `NotFound` outside scope,
/// `Validation` (`ok` not matching the checklist, a date in the future, a long note).
pub async fn record_handover(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    unit: UnitId,
    ins: Inspection,
) -> Result<HandoverRow, AppError> {
    let u = unit_in_scope(ctx, meta, auth, Permission::OrgWrite, unit).await?;
    let list = checklist(&ctx.db, u.community_id).await?;
    let answers: Vec<(bool, String)> = ins
        .ok
        .iter()
        .enumerate()
        .map(|(i, ok)| (*ok, ins.notes.get(i).cloned().unwrap_or_default()))
        .collect();
    let results = handover_results(&list, &answers).map_err(|c| AppError::validation("ok", c))?;
    let today = Utc::now().date_naive();
    let on = super::records::optional_date("inspected_on", ins.inspected_on.as_deref())?.unwrap_or(today);
    if on > today {
        return Err(AppError::validation("inspected_on", "err.future_date"));
    }
    let note = ins.note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(AppError::validation("note", "err.too_long"));
    }
    let passed = results.iter().all(|r| r.ok);
    let json = serde_json::to_string(&results).map_err(|_| AppError::Internal)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let failed: Vec<&str> = results.iter().filter(|r| !r.ok).map(|r| r.item.as_str()).collect();
    let id = with_txn!(ctx.db, |txn| {
        let h = handovers::ActiveModel {
            unit_id: Set(u.id),
            community_id: Set(u.community_id),
            inspected_on: Set(on),
            inspector_id: Set(auth.user_id.0),
            person_id: Set(None),
            passed: Set(passed),
            results: Set(json.clone()),
            note: Set(note.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let undelivered = [UnitStatus::Unsold.code(), UnitStatus::SoldUndelivered.code()];
        if passed && undelivered.contains(&u.status.as_str()) {
            let mut am: units::ActiveModel = u.clone().into();
            am.status = Set(UnitStatus::Delivered.code().into());
            am.updated_at = Set(Utc::now());
            am.update(&txn).await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("handover.inspect", "unit", u.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(u.community_id)))
                .summary(
                    serde_json::json!({ "unit": u.number, "passed": passed, "failed": failed, "on": on.to_string() }),
                ),
        )
        .await?;
        Ok(h.id)
    })?;
    handovers_of(&ctx.db, u.id)
        .await?
        .into_iter()
        .find(|h| h.id == id)
        .ok_or(AppError::Internal)
}
