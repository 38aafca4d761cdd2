//! (ssr) Who can take a ticket: the office's technicians with their open work, and
//! round-robin assignment within a team or the office.
use super::config::settings_of;
use super::lists::open_codes;
use super::model::*;
use super::scope::{access_of, visible_ticket};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service as access;
use crate::db::entities::{service_settings, service_team_members, service_teams, service_tickets};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Technicians who may be given a ticket of `community`, with their open work.
/// Only grants at the office or below count: headquarters staff who happen to hold every
/// permission are not the office's technicians.
pub async fn technicians_for<C: ConnectionTrait>(c: &C, community: i64) -> Result<Vec<Technician>, AppError> {
    technicians_under(c, community, 1).await
}

/// Technicians with a grant at `node`'s ancestor `levels_up` levels above it, or below.
pub async fn technicians_under<C: ConnectionTrait>(
    c: &C,
    node: i64,
    levels_up: usize,
) -> Result<Vec<Technician>, AppError> {
    let holders = access::holders_over(c, OrgId(node), Permission::ServiceWork).await?;
    let office_depth = match crate::org::service::path_of(c, OrgId(node)).await? {
        // The path lists the ancestors down to the node itself.
        Some(p) => p
            .split('/')
            .filter(|x| !x.is_empty())
            .count()
            .saturating_sub(1 + levels_up),
        None => 0,
    };
    let ids: Vec<i64> = holders
        .iter()
        .filter(|(_, depth)| *depth >= office_depth)
        .map(|(u, _)| u.0)
        .collect();
    let names = access::display_names(c, &ids).await?;
    let open: HashMap<i64, i64> = service_tickets::Entity::find()
        .select_only()
        .column(service_tickets::Column::AssigneeId)
        .column_as(service_tickets::Column::Id.count(), "n")
        .filter(service_tickets::Column::AssigneeId.is_in(ids.clone()))
        .filter(service_tickets::Column::Status.is_in(open_codes()))
        .group_by(service_tickets::Column::AssigneeId)
        .into_tuple::<(Option<i64>, i64)>()
        .all(c)
        .await?
        .into_iter()
        .filter_map(|(a, n)| a.map(|a| (a, n)))
        .collect();
    let mut v: Vec<Technician> = ids
        .iter()
        .map(|id| Technician {
            id: *id,
            name: names.get(id).cloned().unwrap_or_default(),
            open: open.get(id).copied().unwrap_or(0),
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(v)
}

/// The desk's view of who can take a ticket.
pub async fn dispatch_choices(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
) -> Result<DispatchChoices, AppError> {
    let acc = access_of(&ctx.db, auth.user_id).await?;
    let t = visible_ticket(ctx, meta, auth, &acc, id).await?;
    if !acc.desk.covers(OrgId(t.community_id)) {
        return Err(AppError::Forbidden);
    }
    let techs = technicians_for(&ctx.db, t.community_id).await?;
    let teams = service_teams::Entity::find()
        .filter(service_teams::Column::OfficeId.eq(t.office_id))
        .order_by_asc(service_teams::Column::Name)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let mode = settings_of(&ctx.db, t.office_id).await?.dispatch_mode;
    Ok(DispatchChoices {
        technicians: techs,
        teams,
        mode,
    })
}

/// Round-robin: the member after the one who got the office's last ticket.
pub(super) fn next_after(members: &[i64], last: Option<i64>) -> Option<i64> {
    if members.is_empty() {
        return None;
    }
    let i = last.and_then(|l| members.iter().position(|m| *m > l)).unwrap_or(0);
    Some(members[i])
}

pub(super) async fn next_in_team<C: ConnectionTrait>(
    c: &C,
    t: &service_tickets::Model,
    team: i64,
) -> Result<i64, AppError> {
    let tm = service_teams::Entity::find_by_id(team)
        .one(c)
        .await?
        .filter(|x| x.office_id == t.office_id)
        .ok_or_else(|| AppError::validation("team", "err.ticket_team"))?;
    let mut members: Vec<i64> = service_team_members::Entity::find()
        .filter(service_team_members::Column::TeamId.eq(tm.id))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    members.sort_unstable();
    rotate(c, t.office_id, &members).await
}

pub(super) async fn next_in_office<C: ConnectionTrait>(
    c: &C,
    t: &service_tickets::Model,
    _s: &ServiceSettings,
) -> Result<i64, AppError> {
    let mut members: Vec<i64> = technicians_for(c, t.community_id)
        .await?
        .into_iter()
        .map(|x| x.id)
        .collect();
    members.sort_unstable();
    rotate(c, t.office_id, &members).await
}

/// Picks the next member and remembers it in the office's settings (created if missing).
pub(super) async fn rotate<C: ConnectionTrait>(c: &C, office: i64, members: &[i64]) -> Result<i64, AppError> {
    let row = service_settings::Entity::find()
        .filter(service_settings::Column::OfficeId.eq(office))
        .one(c)
        .await?;
    let next = next_after(members, row.as_ref().and_then(|r| r.last_assignee))
        .ok_or_else(|| AppError::validation("team", "err.ticket_team_empty"))?;
    match row {
        Some(r) => {
            service_settings::Entity::update_many()
                .col_expr(service_settings::Column::LastAssignee, Expr::value(Some(next)))
                .filter(service_settings::Column::Id.eq(r.id))
                .exec(c)
                .await?;
        }
        None => {
            insert_settings(c, office, DispatchMode::Manual, 7, None, &[], Some(next)).await?;
        }
    }
    Ok(next)
}

pub(super) async fn insert_settings<C: ConnectionTrait>(
    c: &C,
    office: i64,
    mode: DispatchMode,
    reopen_days: i64,
    hours: Option<&BusinessHours>,
    sla: &[SlaRule],
    last: Option<i64>,
) -> Result<(), AppError> {
    service_settings::ActiveModel {
        office_id: Set(office),
        dispatch_mode: Set(mode.code().into()),
        reopen_days: Set(reopen_days as i32),
        hours: Set(hours.map(|h| serde_json::to_string(h).unwrap_or_default())),
        sla: Set(serde_json::to_string(sla).unwrap_or_else(|_| "[]".into())),
        last_assignee: Set(last),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| crate::db::map_unique(e, "office_id", "err.busy"))?;
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::next_after;

    #[test]
    fn round_robin_walks_members_in_order_and_wraps() {
        let m = [3, 5, 9];
        assert_eq!(next_after(&m, None), Some(3));
        assert_eq!(next_after(&m, Some(3)), Some(5));
        assert_eq!(next_after(&m, Some(5)), Some(9));
        assert_eq!(next_after(&m, Some(9)), Some(3));
        // The last one left the team: continue after where they were.
        assert_eq!(next_after(&m, Some(4)), Some(5));
        assert_eq!(next_after(&[], Some(4)), None);
    }
}
