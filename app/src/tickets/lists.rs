//! (ssr) Reading tickets: the staff list, the resident's own list, one ticket with its
//! timeline and the actions its viewer may take, and timeline photos.
use super::act::facts_of;
use super::config::settings_of;
use super::model::*;
use super::scope::{access_of, visible_ticket, Access};
use super::service::PHOTO_KIND;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access};
use crate::db::entities::{service_events, service_tickets};
use crate::db::page::{keyset, Keyset};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::pagination::Page;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{prelude::*, Condition, QueryOrder, QuerySelect};
use std::collections::HashMap;

const PAGE: u64 = 30;

// ---------------------------------------------------------------- lists

/// The codes of the statuses still someone's work ([`Status::is_open`]).
pub(super) fn open_codes() -> Vec<&'static str> {
    Status::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(Status::code)
        .collect()
}

/// The staff list: everything in a reader's or the desk's scope; a technician's own, team
/// and pool tickets otherwise. Newest first, 30 a page.
pub async fn staff_list(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: ListFilter,
) -> Result<TicketPage, AppError> {
    let acc = access_of(&ctx.db, auth.user_id).await?;
    if !acc.is_staff() {
        access::deny(ctx, meta, auth, Permission::ServiceRead.code(), None).await;
        return Err(AppError::Forbidden);
    }
    let mut all: Vec<i64> = acc.read.org_ids.clone();
    all.extend(acc.desk.org_ids.iter().copied());
    all.sort_unstable();
    all.dedup();
    let mut q = service_tickets::Entity::find();
    if f.mine || all.is_empty() {
        // Technician view: own, team, and pool tickets in the work scope.
        let mut own = Condition::any().add(service_tickets::Column::AssigneeId.eq(auth.user_id.0));
        if !acc.teams.is_empty() && !f.mine {
            own = own.add(service_tickets::Column::TeamId.is_in(acc.teams.clone()));
        }
        if !acc.work.org_ids.is_empty() && !f.mine {
            own = own.add(
                Condition::all()
                    .add(service_tickets::Column::Pool.eq(true))
                    .add(service_tickets::Column::AssigneeId.is_null())
                    .add(service_tickets::Column::CommunityId.is_in(acc.work.org_ids.clone())),
            );
        }
        q = q.filter(own);
    } else {
        q = q.filter(service_tickets::Column::CommunityId.is_in(all));
    }
    if let Some(cm) = f.community {
        q = q.filter(service_tickets::Column::CommunityId.eq(cm));
    }
    match f.status.as_str() {
        "" => {}
        "open" => q = q.filter(service_tickets::Column::Status.is_in(open_codes())),
        "overdue" => {
            q = q
                .filter(service_tickets::Column::Status.is_in(open_codes()))
                .filter(service_tickets::Column::HandleDue.lt(Utc::now()))
        }
        s => {
            let s = Status::parse(s).ok_or_else(|| AppError::validation("status", "err.bad_filter"))?;
            q = q.filter(service_tickets::Column::Status.eq(s.code()));
        }
    }
    if !f.kind.is_empty() {
        let k = Kind::parse(&f.kind).ok_or_else(|| AppError::validation("kind", "err.bad_filter"))?;
        q = q.filter(service_tickets::Column::Kind.eq(k.code()));
    }
    let number = f.number.trim();
    if !number.is_empty() {
        q = q.filter(service_tickets::Column::Number.eq(number.to_uppercase()));
    }
    if f.mine && f.status == "open" {
        // A technician's own open work is short: all of it, nearest deadline first.
        let rows = q
            .order_by_asc(service_tickets::Column::HandleDue)
            .order_by_asc(service_tickets::Column::Id)
            .limit(MINE_CAP)
            .all(&ctx.db)
            .await?;
        return Ok(TicketPage {
            items: rows_of(&ctx.db, &rows, true).await?,
            next: None,
        });
    }
    let rows = keyset(
        &ctx.db,
        q,
        service_tickets::Column::Id,
        Keyset::Before(f.before),
        Some(PAGE),
        |r| r.id,
    )
    .await?;
    page(&ctx.db, rows, true).await
}

/// At most this many of a technician's own open tickets are listed (a day's work is far less).
const MINE_CAP: u64 = 200;

/// The resident's own tickets, newest first.
pub async fn my_tickets(ctx: &AppCtx, auth: &Authed, before: Option<i64>) -> Result<TicketPage, AppError> {
    let q = service_tickets::Entity::find().filter(service_tickets::Column::ReporterId.eq(auth.user_id.0));
    let rows = keyset(
        &ctx.db,
        q,
        service_tickets::Column::Id,
        Keyset::Before(before),
        Some(PAGE),
        |r| r.id,
    )
    .await?;
    page(&ctx.db, rows, false).await
}

/// The resident's tickets still being worked on (submitted up to in progress), newest first:
/// at most `limit` of them, and how many there are.
pub async fn my_open(ctx: &AppCtx, auth: &Authed, limit: u64) -> Result<(Vec<TicketRow>, u64), AppError> {
    let open: Vec<&str> = Status::ALL.iter().filter(|s| s.is_open()).map(|s| s.code()).collect();
    let q = service_tickets::Entity::find()
        .filter(service_tickets::Column::ReporterId.eq(auth.user_id.0))
        .filter(service_tickets::Column::Status.is_in(open));
    let count = q.clone().count(&ctx.db).await?;
    let rows = q
        .order_by_desc(service_tickets::Column::Id)
        .limit(limit)
        .all(&ctx.db)
        .await?;
    Ok((rows_of(&ctx.db, &rows, false).await?, count))
}

pub(super) async fn page<C: ConnectionTrait>(
    c: &C,
    rows: Page<service_tickets::Model>,
    staff: bool,
) -> Result<TicketPage, AppError> {
    Ok(TicketPage {
        items: rows_of(c, &rows.items, staff).await?,
        next: rows.next,
    })
}

/// List rows with names filled in: three lookups for the whole page.
pub(super) async fn rows_of<C: ConnectionTrait>(
    c: &C,
    rows: &[service_tickets::Model],
    staff: bool,
) -> Result<Vec<TicketRow>, AppError> {
    let mut communities: Vec<i64> = rows.iter().map(|r| r.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = crate::org::service::org_names(c, &communities).await?;
    let mut units: Vec<i64> = rows.iter().filter_map(|r| r.unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let unit_names: HashMap<i64, String> = crate::estate::service::unit_briefs(c, &units)
        .await?
        .into_iter()
        .map(|u| (u.id, u.number))
        .collect();
    let mut people: Vec<i64> = rows.iter().filter_map(|r| r.assignee_id).collect();
    people.sort_unstable();
    people.dedup();
    let people = access::display_names(c, &people).await?;
    let now = Utc::now();
    Ok(rows
        .iter()
        .map(|t| row_of(t, &names, &unit_names, &people, now, staff))
        .collect())
}

pub(super) fn row_of(
    t: &service_tickets::Model,
    communities: &HashMap<i64, String>,
    units: &HashMap<i64, String>,
    people: &HashMap<i64, String>,
    now: DateTime<Utc>,
    staff: bool,
) -> TicketRow {
    let status = Status::parse(&t.status).unwrap_or(Status::Submitted);
    let kind = Kind::parse(&t.kind).unwrap_or(Kind::Inquiry);
    let unit = t.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_default();
    let location = match (kind, unit.is_empty(), t.spot.is_empty()) {
        (Kind::RepairHome, false, _) | (_, false, true) => unit,
        (_, _, false) => t.spot.clone(),
        _ => String::new(),
    };
    let running = status.is_open();
    TicketRow {
        id: t.id,
        number: t.number.clone(),
        kind,
        category: t.category.clone(),
        priority: Priority::parse(&t.priority).unwrap_or(Priority::Normal),
        status,
        title: t.description.chars().take(40).collect(),
        location,
        community: communities.get(&t.community_id).cloned().unwrap_or_default(),
        assignee: t.assignee_id.and_then(|a| people.get(&a).cloned()),
        pool: t.pool,
        created_at: crate::shared::time::format_local(t.created_at),
        respond_left: (staff && running && t.responded_at.is_none()).then(|| minutes_left(t.respond_due, now)),
        handle_left: (running).then(|| minutes_left(t.handle_due, now)),
        breached: t.respond_breached || t.handle_breached,
        escalated: t.escalated > 0,
        stars: t.stars,
    }
}

// ---------------------------------------------------------------- one ticket

/// A ticket with its timeline, for anyone who may see it.
pub async fn detail(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<TicketDetail, AppError> {
    let acc = access_of(&ctx.db, auth.user_id).await?;
    let t = visible_ticket(ctx, meta, auth, &acc, id).await?;
    detail_of(ctx, &acc, &t).await
}

pub(super) async fn detail_of(
    ctx: &AppCtx,
    acc: &Access,
    t: &service_tickets::Model,
) -> Result<TicketDetail, AppError> {
    let c = &ctx.db;
    let staff_view = acc.sees_all(t.community_id) || acc.is_technician_of(t);
    let row = rows_of(c, std::slice::from_ref(t), staff_view)
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    let events = service_events::Entity::find()
        .filter(service_events::Column::TicketId.eq(t.id))
        .order_by_asc(service_events::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let photos = crate::files::service::attached(c, PHOTO_KIND, &ids).await?;
    let mut by_event: HashMap<i64, Vec<i64>> = HashMap::new();
    for (event, files) in photos {
        by_event.entry(event).or_default().extend(files.iter().map(|f| f.id));
    }
    let timeline = events
        .iter()
        .map(|e| TimelineEntry {
            id: e.id,
            action: e.action.clone(),
            // Residents see the role, not the staff member's login.
            actor: if staff_view || e.actor_id == Some(acc.user.0) {
                e.actor_label.clone()
            } else {
                String::new()
            },
            text: e.text.clone(),
            status: Status::parse(&e.status).unwrap_or(row.status),
            at: crate::shared::time::format_local(e.created_at),
            photos: by_event.remove(&e.id).unwrap_or_default(),
        })
        .collect();
    let reporter = match t.reporter_id {
        Some(r) => access::display_names(c, &[r]).await?.remove(&r).unwrap_or_default(),
        None => t.caller_name.clone(),
    };
    let settings = settings_of(c, t.office_id).await?;
    let facts = facts_of(t, &settings);
    let now = Utc::now();
    let mut can: Vec<String> = vec![];
    for a in probe_actions() {
        if let Some(role) = acc.role_for(t, &a) {
            if transition(&facts, role, acc.user.0, &a, now).is_ok() {
                can.push(a.code().to_string());
            }
        }
    }
    can.dedup();
    let reopen_until = match (Status::parse(&t.status), t.closed_at) {
        (Some(Status::Closed), Some(c)) => Some(crate::shared::time::format_local(
            c + Duration::days(settings.reopen_days),
        )),
        _ => None,
    };
    let phone = if staff_view {
        t.caller_phone.clone()
    } else {
        String::new()
    };
    let needs = if can.iter().any(|c| c == "complete") {
        super::config::completion_needs(&ctx.db, t.office_id).await?
    } else {
        CompletionNeeds::default()
    };
    Ok(TicketDetail {
        needs,
        row,
        description: t.description.clone(),
        reporter,
        contact_phone: phone,
        preferred_time: t.preferred_time.clone(),
        timeline,
        materials: serde_json::from_str(&t.materials).unwrap_or_default(),
        labour_minutes: t.labour_minutes,
        charge: t.charge,
        bill_line: t.bill_line_id,
        rating_comment: t.rating_comment.clone(),
        respond_due: crate::shared::time::format_local(t.respond_due),
        handle_due: crate::shared::time::format_local(t.handle_due),
        can,
        taken_on: t.taken_on,
        reopen_until,
        community_id: t.community_id,
    })
}

/// Sample actions with valid payloads, to ask the state machine what the viewer may do.
pub(super) fn probe_actions() -> Vec<Action> {
    let r = || "-".to_string();
    vec![
        Action::Accept,
        Action::Dispatch {
            to: Some(0),
            pool: false,
        },
        Action::Grab,
        Action::TakeOn,
        Action::HandBack { reason: r() },
        Action::CheckIn,
        Action::Complete,
        Action::Resolve { reply: r() },
        Action::Verify,
        Action::Rework { reason: r() },
        Action::Rate {
            stars: 5,
            comment: String::new(),
        },
        Action::Close,
        Action::Reopen { reason: r() },
        Action::Cancel { reason: r() },
        Action::SetPriority {
            priority: Priority::Urgent,
        },
        Action::Escalate { reason: r() },
        Action::Callback {
            note: r(),
            satisfied: true,
        },
        Action::Comment { text: r() },
    ]
}
/// A photo of a timeline event, for whoever may see the ticket (thumbnail or full size).
pub async fn photo(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    ticket: i64,
    event: i64,
    file: i64,
    thumb: bool,
) -> Result<Vec<u8>, AppError> {
    let acc = access_of(&ctx.db, auth.user_id).await?;
    let t = visible_ticket(ctx, meta, auth, &acc, ticket).await?;
    let e = service_events::Entity::find_by_id(event)
        .one(&ctx.db)
        .await?
        .filter(|e| e.ticket_id == t.id)
        .ok_or(AppError::NotFound)?;
    crate::files::service::read(ctx, file, PHOTO_KIND, e.id, thumb).await
}
