//! (ssr) A ticket's timeline events and the notices a change sends: the reporter of status
//! changes, a technician of work given to them, the supervisor of escalations and breaches.
use super::model::*;
use crate::access::model::Permission;
use crate::access::service::{self as access};
use crate::db::entities::{service_events, service_tickets};
use crate::notify::model::Category;
use crate::notify::service::{raise, Notice};
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{OrgId, UserId};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};

#[allow(clippy::too_many_arguments)]
pub(super) async fn event<C: ConnectionTrait>(
    c: &C,
    ticket: i64,
    action: &str,
    actor: Option<UserId>,
    label: &str,
    text: &str,
    status: Status,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(service_events::ActiveModel {
        ticket_id: Set(ticket),
        action: Set(action.into()),
        actor_id: Set(actor.map(|a| a.0)),
        actor_label: Set(label.chars().take(80).collect()),
        text: Set(text.chars().take(4_000).collect()),
        status: Set(status.code().into()),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(c)
    .await?
    .id)
}

pub(super) async fn last_event<C: ConnectionTrait>(c: &C, ticket: i64) -> Result<i64, AppError> {
    service_events::Entity::find()
        .filter(service_events::Column::TicketId.eq(ticket))
        .order_by_desc(service_events::Column::Id)
        .one(c)
        .await?
        .map(|e| e.id)
        .ok_or(AppError::Internal)
}
/// Tells the reporter about status changes (one inbox notice per ticket, kept current), a technician about work given to them, and the
/// supervisor about escalations.
pub(super) async fn notify_change<C: ConnectionTrait>(
    c: &C,
    t: &service_tickets::Model,
    action: &Action,
    status: Status,
    assignee: Option<i64>,
    actor: UserId,
) -> Result<(), AppError> {
    let status_changed = status.code() != t.status;
    if let Some(r) = t.reporter_id.filter(|r| *r != actor.0) {
        let body = match action {
            Action::Comment { text } => Some(Msg::fill("service.notice_comment", [("text", Msg::text(text.trim()))])),
            Action::Complete => Some(Msg::key("service.notice_done")),
            Action::Verify => Some(Msg::key("service.notice_verified")),
            _ if status_changed => Some(Msg::key(status.key())),
            _ => None,
        };
        if let Some(body) = body {
            raise(
                c,
                &[UserId(r)],
                &Notice {
                    category: Category::Repairs,
                    title: Msg::key("service.ticket").then(Msg::text(&t.number)),
                    body,
                    link: format!("/repair/{}", t.id),
                    // One notice per ticket in the resident's inbox, brought up to date (and
                    // unread again) by each change; each change still pushes.
                    dedupe: Some(format!("ticket:{}", t.id)),
                    ttl: Duration::days(3),
                    broadcast: None,
                    replace: true,
                    urgent: false,
                },
            )
            .await?;
        }
    }
    if let (Action::Dispatch { .. }, Some(a)) = (action, assignee) {
        if a != actor.0 {
            raise(
                c,
                &[UserId(a)],
                &Notice {
                    category: Category::Repairs,
                    title: Msg::key("service.new_task").then(Msg::text(&t.number)),
                    body: Msg::text(t.description.chars().take(100).collect::<String>()),
                    link: format!("/admin/service/tickets/{}", t.id),
                    dedupe: None,
                    ttl: Duration::hours(4),
                    broadcast: None,
                    replace: false,
                    urgent: false,
                },
            )
            .await?;
        }
    }
    if matches!(action, Action::Complete) {
        notify_desk(
            c,
            OrgId(t.community_id),
            t.id,
            Msg::key("service.notice_to_verify").then(Msg::text(&t.number)),
            Msg::text(t.description.chars().take(100).collect::<String>()),
            &[actor],
        )
        .await?;
    }
    if let Action::Escalate { reason } = action {
        notify_supervisors(
            c,
            t,
            Msg::fill("service.notice_escalated", [("reason", Msg::text(reason.trim()))]),
        )
        .await?;
    }
    Ok(())
}

/// Of holders with the depth of their grant, those granted deepest: the nearest to the ticket.
fn nearest(holders: Vec<(UserId, usize)>) -> Vec<UserId> {
    let deepest = holders.iter().map(|(_, d)| *d).max();
    holders
        .into_iter()
        .filter(|(_, d)| Some(*d) == deepest)
        .map(|(u, _)| u)
        .collect()
}

/// The service desk nearest the community (holders of `service.dispatch` granted deepest in
/// the tree over it), except those in `except`: new tickets, tickets waiting for 验收 and SLA
/// breaches.
/// One notice per ticket and desk member, kept current.
pub(super) async fn notify_desk<C: ConnectionTrait>(
    c: &C,
    community: OrgId,
    ticket: i64,
    title: Msg,
    body: Msg,
    except: &[UserId],
) -> Result<(), AppError> {
    let desk = access::holders_over(c, community, Permission::ServiceDispatch).await?;
    let users: Vec<UserId> = nearest(desk).into_iter().filter(|u| !except.contains(u)).collect();
    if users.is_empty() {
        return Ok(());
    }
    raise(
        c,
        &users,
        &Notice {
            category: Category::Repairs,
            title,
            body,
            link: format!("/admin/service/tickets/{ticket}"),
            dedupe: Some(format!("desk-ticket:{ticket}")),
            ttl: Duration::hours(4),
            broadcast: None,
            replace: true,
            urgent: false,
        },
    )
    .await?;
    Ok(())
}

/// The nearest managers (service.dispatch + reports.read) over the ticket's community.
/// Returns who was told.
pub(super) async fn notify_supervisors<C: ConnectionTrait>(
    c: &C,
    t: &service_tickets::Model,
    body: Msg,
) -> Result<Vec<UserId>, AppError> {
    let desk = access::holders_over(c, OrgId(t.community_id), Permission::ServiceDispatch).await?;
    let reports = access::holders_over(c, OrgId(t.community_id), Permission::ReportsRead).await?;
    let managers: Vec<(UserId, usize)> = desk
        .into_iter()
        .filter(|(u, _)| reports.iter().any(|(r, _)| r == u))
        .collect();
    let users = nearest(managers);
    if users.is_empty() {
        return Ok(users);
    }
    raise(
        c,
        &users,
        &Notice {
            category: Category::Repairs,
            title: Msg::key("service.ticket").then(Msg::text(&t.number)),
            body,
            link: format!("/admin/service/tickets/{}", t.id),
            dedupe: None,
            ttl: Duration::hours(4),
            broadcast: None,
            replace: false,
            urgent: false,
        },
    )
    .await?;
    Ok(users)
}
