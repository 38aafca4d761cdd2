//! (ssr) SLA clocks: the due times of a ticket, and the watch that marks breaches, writes
//! them on the timeline and tells the supervisor, once per ticket and clock.
use super::lists::open_codes;
use super::model::*;
use super::timeline::{event, notify_desk, notify_supervisors};
use crate::db::entities::service_tickets;
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::i18n::{tr_in, Msg};
use crate::shared::ids::OrgId;
use crate::with_txn;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, QuerySelect};

/// The due times of a ticket opened (or reopened) at `start`.
pub(super) fn clocks(
    s: &ServiceSettings,
    kind: Kind,
    category: &str,
    p: Priority,
    start: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let m = sla_for(&s.sla, kind, category, p);
    // Urgent work runs around the clock; business hours apply to ordinary tickets.
    let hours = if p == Priority::Urgent { None } else { s.hours.as_ref() };
    (due_at(start, m.respond, hours), due_at(start, m.handle, hours))
}

// ---------------------------------------------------------------- submit

// ---------------------------------------------------------------- SLA watch

/// Marks tickets whose response or handling time has passed, writes a timeline entry and
/// tells the supervisor, once per ticket and clock (guarded updates: every server may run it).
pub async fn sla_watch(ctx: &AppCtx) -> Result<usize, AppError> {
    let now = Utc::now();
    let mut n = 0;
    for handle in [false, true] {
        let (due, flag, done) = if handle {
            (
                service_tickets::Column::HandleDue,
                service_tickets::Column::HandleBreached,
                service_tickets::Column::HandledAt,
            )
        } else {
            (
                service_tickets::Column::RespondDue,
                service_tickets::Column::RespondBreached,
                service_tickets::Column::RespondedAt,
            )
        };
        let late = service_tickets::Entity::find()
            .filter(service_tickets::Column::Status.is_in(open_codes()))
            .filter(due.lt(now))
            .filter(flag.eq(false))
            .filter(done.is_null())
            .limit(500)
            .all(&ctx.db)
            .await?;
        for t in late {
            let marked = with_txn!(ctx.db, |txn| {
                let r = service_tickets::Entity::update_many()
                    .col_expr(flag, Expr::value(true))
                    .filter(service_tickets::Column::Id.eq(t.id))
                    .filter(flag.eq(false))
                    .exec(&txn)
                    .await?;
                if r.rows_affected == 0 {
                    return Ok(false);
                }
                let key = if handle {
                    "service.breach_handle"
                } else {
                    "service.breach_respond"
                };
                let text = tr_in("zh-CN", key);
                let status = Status::parse(&t.status).unwrap_or(Status::Submitted);
                event(&txn, t.id, "breach", None, "SLA", &text, status, now).await?;
                let told = notify_supervisors(&txn, &t, Msg::key(key)).await?;
                notify_desk(
                    &txn,
                    OrgId(t.community_id),
                    t.id,
                    Msg::key("service.notice_breach").then(Msg::text(&t.number)),
                    Msg::key(key),
                    &told,
                )
                .await?;
                Ok(true)
            })?;
            n += usize::from(marked);
        }
    }
    Ok(n)
}
