//! (ssr) Who sees which tickets: the caller's standing ([`Access`]) from their grants, and
//! loading a ticket only when the caller may see it (otherwise `NotFound`, audited).
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, Scope};
use crate::db::entities::{service_team_members, service_tickets};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, UserId};
use sea_orm::prelude::*;

// ---------------------------------------------------------------- who may see what

/// The caller's standing towards tickets, from their grants.
#[derive(Debug, Clone)]
pub struct Access {
    pub user: UserId,
    /// Communities (and other nodes) where the caller reads every ticket.
    pub read: Scope,
    /// … where the caller is the desk (accept, dispatch, verify).
    pub desk: Scope,
    /// … where the caller works as a technician (pool tickets).
    pub work: Scope,
    /// Teams the caller belongs to.
    pub teams: Vec<i64>,
}

impl Access {
    pub fn is_staff(&self) -> bool {
        !(self.read.is_empty() && self.desk.is_empty() && self.work.is_empty())
    }

    /// Sees the whole scope (desk or reader), not only own work.
    pub(super) fn sees_all(&self, community: i64) -> bool {
        self.read.covers(OrgId(community)) || self.desk.covers(OrgId(community))
    }

    pub(super) fn is_technician_of(&self, t: &service_tickets::Model) -> bool {
        t.assignee_id == Some(self.user.0)
            || t.team_id.is_some_and(|x| self.teams.contains(&x))
            || (t.pool && t.assignee_id.is_none() && self.work.covers(OrgId(t.community_id)))
    }

    pub fn can_view(&self, t: &service_tickets::Model) -> bool {
        t.reporter_id == Some(self.user.0) || self.sees_all(t.community_id) || self.is_technician_of(t)
    }

    /// The role this caller plays for `action` on `t`, if any.
    pub(super) fn role_for(&self, t: &service_tickets::Model, action: &Action) -> Option<Role> {
        let reporter = t.reporter_id == Some(self.user.0);
        let desk = self.desk.covers(OrgId(t.community_id));
        let tech = self.work.covers(OrgId(t.community_id)) && self.is_technician_of(t);
        match action {
            Action::Rate { .. } | Action::Reopen { .. } => reporter.then_some(Role::Reporter),
            Action::Grab | Action::TakeOn | Action::HandBack { .. } | Action::CheckIn | Action::Complete => {
                tech.then_some(Role::Technician)
            }
            Action::Cancel { .. } => {
                if reporter {
                    Some(Role::Reporter)
                } else {
                    desk.then_some(Role::Desk)
                }
            }
            Action::Comment { .. } => {
                if reporter {
                    Some(Role::Reporter)
                } else if desk {
                    Some(Role::Desk)
                } else if tech {
                    Some(Role::Technician)
                } else {
                    None
                }
            }
            _ => desk.then_some(Role::Desk),
        }
    }
}

pub async fn access_of<C: ConnectionTrait>(c: &C, user: UserId) -> Result<Access, AppError> {
    let read = access::scope_for(c, user, Permission::ServiceRead).await?;
    let desk = access::scope_for(c, user, Permission::ServiceDispatch).await?;
    let work = access::scope_for(c, user, Permission::ServiceWork).await?;
    let teams = service_team_members::Entity::find()
        .filter(service_team_members::Column::UserId.eq(user.0))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.team_id)
        .collect();
    Ok(Access {
        user,
        read,
        desk,
        work,
        teams,
    })
}

/// Loads a ticket the caller may see; otherwise `NotFound` (audited), whether or not it exists.
pub(super) async fn visible_ticket(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    acc: &Access,
    id: i64,
) -> Result<service_tickets::Model, AppError> {
    let t = service_tickets::Entity::find_by_id(id).one(&ctx.db).await?;
    match t {
        Some(t) if acc.can_view(&t) => Ok(t),
        Some(t) => {
            access::deny(ctx, meta, auth, "service.ticket", Some(OrgId(t.community_id))).await;
            Err(AppError::NotFound)
        }
        None => Err(AppError::NotFound),
    }
}
