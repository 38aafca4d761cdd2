//! (ssr) Acting on a ticket: one action, decided by the pure state machine in
//! [`super::model::transition`] from the caller's role, applied in one transaction with its
//! timeline event, audit row and notices.
use super::config::settings_of;
use super::dispatch::{next_in_office, next_in_team};
use super::lists::detail_of;
use super::model::*;
use super::scope::{access_of, visible_ticket};
use super::service::PHOTO_KIND;
use super::sla::clocks;
use super::timeline::{event, notify_change};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{service_prices, service_tickets};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::i18n::tr_in;
use crate::shared::ids::{OrgId, UserId};
use crate::shared::money::Money;
use crate::with_txn;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, Condition};
use std::collections::HashMap;

pub(super) fn facts_of(t: &service_tickets::Model, s: &ServiceSettings) -> Facts {
    Facts {
        kind: Kind::parse(&t.kind).unwrap_or(Kind::Inquiry),
        status: Status::parse(&t.status).unwrap_or(Status::Cancelled),
        assignee: t.assignee_id,
        pool: t.pool,
        taken_on: t.taken_on,
        rated: t.stars.is_some(),
        closed_at: t.closed_at,
        reopen_days: s.reopen_days,
    }
}

// ---------------------------------------------------------------- acting

pub(super) fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::NotYours => AppError::Forbidden,
        Refusal::BadStars | Refusal::ReasonRequired | Refusal::NoAssignee => AppError::validation(r.field(), r.key()),
        _ => AppError::conflict(r.field(), r.key()),
    }
}

/// Applies one action to a ticket and returns it as the caller now sees it.
pub async fn act(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
    mut input: ActInput,
) -> Result<TicketDetail, AppError> {
    let acc = access_of(&ctx.db, auth.user_id).await?;
    let t = visible_ticket(ctx, meta, auth, &acc, id).await?;
    let Some(role) = acc.role_for(&t, &input.action) else {
        access::deny(ctx, meta, auth, "service.ticket.act", Some(OrgId(t.community_id))).await;
        return Err(AppError::validation("status", Refusal::NotYours.key()));
    };
    if input.photos.len() > MAX_PHOTOS {
        return Err(AppError::validation("photos", "err.photo_too_many"));
    }
    let settings = settings_of(&ctx.db, t.office_id).await?;
    if let Action::Dispatch { to, pool } = &mut input.action {
        dispatch_target(ctx, &t, &settings, input.team, to, pool).await?;
    }
    let now = Utc::now();
    let facts = facts_of(&t, &settings);
    let out = transition(&facts, role, auth.user_id.0, &input.action, now).map_err(refusal)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let kind = facts.kind;
    let done = match input.action {
        Action::Complete => {
            let done = completion(ctx, &t, kind, &input).await?;
            // What the office asks of every 完工 record, once the parts given are well formed.
            let needs = CompletionNeeds {
                photo: settings.photo_required,
                labour: settings.labour_required,
            };
            if let Some((field, key)) =
                completion_missing(needs, &input.work_note, input.photos.len(), input.labour_minutes)
            {
                return Err(AppError::validation(field, key));
            }
            done
        }
        _ => Completion::default(),
    };
    let text = event_text(&input.action, &input.work_note, |k| tr_in("zh-CN", k));
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::validation("text", "err.too_long"));
    }
    let dispatch_names = match out.assignee {
        Some(a) if out.assignee != t.assignee_id => access::display_names(&ctx.db, &[a]).await?,
        _ => HashMap::new(),
    };
    let photos = input.photos.clone();
    let input2 = input.clone();
    let t2 = t.clone();
    with_txn!(ctx.db, |txn| {
        let input = &input2;
        let t = &t2;
        let up = changes(t, &out, input, &settings, kind, &done.materials, now);
        let n = up.filter(guard(t)).exec(&txn).await?.rows_affected;
        if n != 1 {
            return Err(AppError::conflict("status", "err.ticket_changed"));
        }
        let mut text = text.clone();
        if let Action::Dispatch { pool, .. } = &input.action {
            text = if *pool {
                tr_in("zh-CN", "service.to_pool")
            } else {
                out.assignee
                    .and_then(|a| dispatch_names.get(&a).cloned())
                    .unwrap_or_default()
            };
        }
        let ev = event(
            &txn,
            t.id,
            input.action.code(),
            Some(auth.user_id),
            &actor,
            &text,
            out.status,
            now,
        )
        .await?;
        if !photos.is_empty() {
            crate::files::service::attach(&txn, auth.user_id, &photos, PHOTO_KIND, ev, MAX_PHOTOS).await?;
        }
        if let (Some((amount, what)), Some(unit)) = (&done.charge, t.unit_id) {
            let line = crate::billing::service::charge_once(
                &txn,
                t.office_id,
                unit,
                "REPAIR",
                "有偿维修",
                *amount,
                &format!("{} {}", t.number, what),
                &format!("ticket:{}", t.id),
                auth.user_id,
            )
            .await?;
            service_tickets::Entity::update_many()
                .col_expr(service_tickets::Column::Charge, Expr::value(Some(amount.0)))
                .col_expr(service_tickets::Column::BillLineId, Expr::value(Some(line)))
                .filter(service_tickets::Column::Id.eq(t.id))
                .exec(&txn)
                .await?;
            event(
                &txn,
                t.id,
                "charge",
                Some(auth.user_id),
                &actor,
                &format!("{} {}", amount, what),
                out.status,
                now,
            )
            .await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new(
                &format!("service.ticket.{}", input.action.code()),
                "service_ticket",
                t.id,
            )
            .actor(Some(auth.user_id), &actor)
            .org(Some(OrgId(t.community_id)))
            .summary(serde_json::json!({
                "from": t.status, "to": out.status.code(), "assignee": out.assignee,
                "pool": out.pool, "photos": photos.len(), "charge": done.charge.as_ref().map(|c| c.0 .0),
            })),
        )
        .await?;
        notify_change(&txn, t, &input.action, out.status, out.assignee, auth.user_id).await?;
        Ok(())
    })?;
    let t = service_tickets::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let acc = access_of(&ctx.db, auth.user_id).await?;
    detail_of(ctx, &acc, &t).await
}
/// The active price list of a ticket's office, for whoever may see the ticket.
pub async fn prices_for_ticket(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: i64,
) -> Result<Vec<PriceItem>, AppError> {
    let acc = access_of(&ctx.db, auth.user_id).await?;
    let t = visible_ticket(ctx, meta, auth, &acc, id).await?;
    super::config::prices_for_office(&ctx.db, t.office_id).await
}

/// Whom a dispatch goes to: the technician named, else round-robin within the chosen team, else
/// the office's mode (pool or round-robin). Errors: `Validation{assignee}` when the technician
/// does not work in the ticket's community.
async fn dispatch_target(
    ctx: &AppCtx,
    t: &service_tickets::Model,
    settings: &ServiceSettings,
    team: Option<i64>,
    to: &mut Option<i64>,
    pool: &mut bool,
) -> Result<(), AppError> {
    if to.is_none() && !*pool {
        match (team, settings.dispatch_mode) {
            (Some(team), _) => *to = Some(next_in_team(&ctx.db, t, team).await?),
            (None, DispatchMode::Pool) => *pool = true,
            (None, DispatchMode::RoundRobin) => *to = Some(next_in_office(&ctx.db, t, settings).await?),
            (None, DispatchMode::Manual) => {}
        }
    }
    if let Some(tech) = *to {
        let scope = access::scope_for(&ctx.db, UserId(tech), Permission::ServiceWork).await?;
        if !scope.covers(OrgId(t.community_id)) {
            return Err(AppError::validation("assignee", "err.ticket_not_technician"));
        }
    }
    Ok(())
}

/// What a completion records besides its note: materials (JSON) and the chargeable work.
#[derive(Default)]
struct Completion {
    materials: String,
    /// The amount and what it was for, when priced items were used.
    charge: Option<(Money, String)>,
}

/// Checks a completion's note, materials, labour and priced items against the office's active
/// price list. Errors name the field: `note`, `materials`, `labour_minutes`, `charges`.
async fn completion(
    ctx: &AppCtx,
    t: &service_tickets::Model,
    kind: Kind,
    input: &ActInput,
) -> Result<Completion, AppError> {
    if input.work_note.trim().chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::validation("work_note", "err.too_long"));
    }
    for m in &input.materials {
        if m.name.trim().is_empty() || m.name.chars().count() > MAX_MATERIAL_NAME_CHARS {
            return Err(AppError::validation("materials", "err.ticket_material"));
        }
        if crate::shared::money::parse_fixed2(m.quantity.trim()).is_none_or(|q| q <= 0) {
            return Err(AppError::validation("materials", "err.ticket_quantity"));
        }
    }
    let materials = serde_json::to_string(&input.materials).unwrap_or_else(|_| "[]".into());
    if input
        .labour_minutes
        .is_some_and(|m| !(0..=MAX_LABOUR_MINUTES).contains(&m))
    {
        return Err(AppError::validation("labour_minutes", "err.ticket_labour"));
    }
    if input.charges.is_empty() {
        return Ok(Completion {
            materials,
            charge: None,
        });
    }
    if kind != Kind::RepairHome || t.unit_id.is_none() {
        return Err(AppError::validation("charges", "err.ticket_not_chargeable"));
    }
    let prices = service_prices::Entity::find()
        .filter(service_prices::Column::OfficeId.eq(t.office_id))
        .filter(service_prices::Column::Active.eq(true))
        .all(&ctx.db)
        .await?;
    let mut total = Money(0);
    let mut lines = vec![];
    for l in &input.charges {
        let p = prices
            .iter()
            .find(|p| p.id == l.price_id)
            .ok_or_else(|| AppError::validation("charges", "err.ticket_price_unknown"))?;
        if !CHARGE_QUANTITY.contains(&l.quantity) {
            return Err(AppError::validation("charges", "err.ticket_quantity"));
        }
        total = total
            .checked_add(Money(p.price * l.quantity))
            .ok_or_else(|| AppError::validation("charges", "err.ticket_quantity"))?;
        lines.push(format!("{}×{}", p.name, l.quantity));
    }
    let charge = (total.0 > 0).then(|| (total, lines.join("、")));
    Ok(Completion { materials, charge })
}

/// The ticket's columns after the transition `out`, and what the action itself sets
/// (team, priority and its clocks, escalations, rating, completion record).
fn changes(
    t: &service_tickets::Model,
    out: &Outcome,
    input: &ActInput,
    settings: &ServiceSettings,
    kind: Kind,
    materials: &str,
    now: DateTime<Utc>,
) -> sea_orm::UpdateMany<service_tickets::Entity> {
    let mut up = service_tickets::Entity::update_many()
        .col_expr(service_tickets::Column::Status, Expr::value(out.status.code()))
        .col_expr(service_tickets::Column::AssigneeId, Expr::value(out.assignee))
        .col_expr(service_tickets::Column::Pool, Expr::value(out.pool))
        .col_expr(service_tickets::Column::TakenOn, Expr::value(out.taken_on))
        .col_expr(service_tickets::Column::UpdatedAt, Expr::value(now));
    if out.responds && t.responded_at.is_none() {
        up = up.col_expr(service_tickets::Column::RespondedAt, Expr::value(Some(now)));
    }
    if out.handles {
        up = up.col_expr(service_tickets::Column::HandledAt, Expr::value(Some(now)));
    }
    if out.status == Status::Closed && t.closed_at.is_none() {
        up = up.col_expr(service_tickets::Column::ClosedAt, Expr::value(Some(now)));
    }
    if out.restarts {
        let p = Priority::parse(&t.priority).unwrap_or(Priority::Normal);
        let (r, h) = clocks(settings, kind, &t.category, p, now);
        let never = Option::<DateTime<Utc>>::None;
        up = up
            .col_expr(service_tickets::Column::RespondDue, Expr::value(r))
            .col_expr(service_tickets::Column::HandleDue, Expr::value(h))
            .col_expr(service_tickets::Column::RespondedAt, Expr::value(never))
            .col_expr(service_tickets::Column::HandledAt, Expr::value(never))
            .col_expr(service_tickets::Column::ClosedAt, Expr::value(never))
            .col_expr(service_tickets::Column::RespondBreached, Expr::value(false))
            .col_expr(service_tickets::Column::HandleBreached, Expr::value(false))
            .col_expr(service_tickets::Column::Stars, Expr::value(Option::<i32>::None))
            .col_expr(service_tickets::Column::TeamId, Expr::value(Option::<i64>::None))
            .col_expr(service_tickets::Column::Reopened, Expr::value(t.reopened + 1));
    }
    match &input.action {
        Action::Dispatch { .. } => up.col_expr(service_tickets::Column::TeamId, Expr::value(input.team)),
        Action::HandBack { .. } => up.col_expr(service_tickets::Column::TeamId, Expr::value(Option::<i64>::None)),
        Action::SetPriority { priority } => {
            let (r, h) = clocks(settings, kind, &t.category, *priority, t.created_at);
            up.col_expr(service_tickets::Column::Priority, Expr::value(priority.code()))
                .col_expr(service_tickets::Column::RespondDue, Expr::value(r))
                .col_expr(service_tickets::Column::HandleDue, Expr::value(h))
        }
        Action::Escalate { .. } => up.col_expr(service_tickets::Column::Escalated, Expr::value(t.escalated + 1)),
        Action::Rate { stars, comment } => {
            let c: String = comment.trim().chars().take(MAX_RATING_COMMENT_CHARS).collect();
            up.col_expr(service_tickets::Column::Stars, Expr::value(Some(i32::from(*stars))))
                .col_expr(service_tickets::Column::RatingComment, Expr::value(c))
        }
        Action::Complete => up
            .col_expr(service_tickets::Column::Materials, Expr::value(materials.to_string()))
            .col_expr(
                service_tickets::Column::LabourMinutes,
                Expr::value(input.labour_minutes),
            ),
        _ => up,
    }
}

/// The update applies only if nothing the rules looked at changed meanwhile: a concurrent
/// action makes it a no-op (and the caller a `Conflict`).
fn guard(t: &service_tickets::Model) -> Condition {
    let guard = Condition::all()
        .add(service_tickets::Column::Id.eq(t.id))
        .add(service_tickets::Column::Status.eq(t.status.clone()))
        .add(service_tickets::Column::Pool.eq(t.pool))
        .add(service_tickets::Column::TakenOn.eq(t.taken_on));
    let guard = match t.assignee_id {
        Some(a) => guard.add(service_tickets::Column::AssigneeId.eq(a)),
        None => guard.add(service_tickets::Column::AssigneeId.is_null()),
    };
    match t.stars {
        Some(_) => guard.add(service_tickets::Column::Stars.is_not_null()),
        None => guard.add(service_tickets::Column::Stars.is_null()),
    }
}
