//! (ssr) Service tickets: submit, list, act, and the SLA watch. Who may do what is decided
//! here from the caller's grants ([`Access`]) and then by the pure state machine in
//! [`super::model::transition`]. Every change writes a timeline event and an audit row in the
//! same transaction; the reporter is notified of status changes.
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label, Scope};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{
    service_events, service_prices, service_settings, service_team_members, service_teams, service_tickets,
};
use crate::db::AppCtx;
use crate::notify::model::Category;
use crate::notify::service::{raise, Notice};
use crate::shared::error::AppError;
use crate::shared::i18n::tr_in;
use crate::shared::ids::{OrgId, UserId};
use crate::shared::money::Money;
use crate::with_txn;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, Condition, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Photos of timeline events are stored under this kind in the files area.
pub const PHOTO_KIND: &str = "service_event";
const PAGE: u64 = 30;

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
    fn sees_all(&self, community: i64) -> bool {
        self.read.covers(OrgId(community)) || self.desk.covers(OrgId(community))
    }

    fn is_technician_of(&self, t: &service_tickets::Model) -> bool {
        t.assignee_id == Some(self.user.0)
            || t.team_id.is_some_and(|x| self.teams.contains(&x))
            || (t.pool && t.assignee_id.is_none() && self.work.covers(OrgId(t.community_id)))
    }

    pub fn can_view(&self, t: &service_tickets::Model) -> bool {
        t.reporter_id == Some(self.user.0) || self.sees_all(t.community_id) || self.is_technician_of(t)
    }

    /// The role this caller plays for `action` on `t`, if any.
    fn role_for(&self, t: &service_tickets::Model, action: &Action) -> Option<Role> {
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
async fn visible_ticket(
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

// ---------------------------------------------------------------- settings

/// An office's settings, defaults until staff change them.
pub async fn settings_of<C: ConnectionTrait>(c: &C, office: i64) -> Result<ServiceSettings, AppError> {
    let row = service_settings::Entity::find()
        .filter(service_settings::Column::OfficeId.eq(office))
        .one(c)
        .await?;
    Ok(match row {
        Some(s) => ServiceSettings {
            office_id: office,
            dispatch_mode: DispatchMode::parse(&s.dispatch_mode).unwrap_or(DispatchMode::Manual),
            reopen_days: i64::from(s.reopen_days),
            hours: s.hours.as_deref().and_then(|h| serde_json::from_str(h).ok()),
            sla: serde_json::from_str(&s.sla).unwrap_or_default(),
        },
        None => ServiceSettings {
            office_id: office,
            dispatch_mode: DispatchMode::Manual,
            reopen_days: 7,
            hours: None,
            sla: vec![],
        },
    })
}

/// The due times of a ticket opened (or reopened) at `start`.
fn clocks(
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

fn clean(s: &str, max: usize, field: &str) -> Result<String, AppError> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(AppError::validation(field, "err.too_long"));
    }
    Ok(t.to_string())
}

/// Checks a new ticket's text fields; returns (description, spot, preferred time).
fn check_new(n: &NewTicket) -> Result<(String, String, String), AppError> {
    if !n.kind.categories().contains(&n.category.as_str()) {
        return Err(AppError::validation("category", "err.ticket_category"));
    }
    let description = clean(&n.description, 1_000, "description")?;
    if description.chars().count() < 2 {
        return Err(AppError::validation("description", "err.ticket_description"));
    }
    let spot = clean(&n.spot, 100, "spot")?;
    if n.kind == Kind::RepairPublic && spot.is_empty() {
        return Err(AppError::validation("spot", "err.ticket_spot"));
    }
    let preferred = clean(&n.preferred_time, 60, "preferred_time")?;
    if n.photos.len() > MAX_PHOTOS {
        return Err(AppError::validation("photos", "err.photo_too_many"));
    }
    Ok((description, spot, preferred))
}

/// What the resident's form offers: their homes.
pub async fn submit_form(ctx: &AppCtx, auth: &Authed) -> Result<SubmitForm, AppError> {
    let ids = crate::estate::service::my_unit_ids(&ctx.db, auth.user_id).await?;
    let units = crate::estate::service::unit_briefs(&ctx.db, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.community, u.number)))
        .collect();
    Ok(SubmitForm { units })
}

/// Where a new ticket belongs and who reports it.
struct Placement {
    community: i64,
    unit: Option<i64>,
    reporter: Option<i64>,
    source: Source,
    caller_name: String,
    caller_phone: String,
    priority: Priority,
}

/// A resident reports for one of their homes; the desk (service.dispatch over the
/// community) opens one on a caller's behalf.
pub async fn submit(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, n: NewTicket) -> Result<i64, AppError> {
    let (description, spot, preferred) = check_new(&n)?;
    let desk = access::scope_for(&ctx.db, auth.user_id, Permission::ServiceDispatch).await?;
    let place = if !desk.is_empty() {
        let number = n.unit_number.trim();
        let (community, unit) = match n.unit_id {
            Some(u) => {
                let b = crate::estate::service::unit_briefs(&ctx.db, &[u]).await?;
                let b = b
                    .first()
                    .ok_or_else(|| AppError::validation("unit_id", "err.unit_unknown"))?;
                (b.community_id, Some(u))
            }
            None => {
                let c = n
                    .community_id
                    .ok_or_else(|| AppError::validation("community_id", "err.ticket_place"))?;
                if number.is_empty() {
                    (c, None)
                } else {
                    let found = crate::estate::service::units_by_number(&ctx.db, c, &[number.to_string()]).await?;
                    let (id, _) = found
                        .get(number)
                        .ok_or_else(|| AppError::validation("unit_number", "err.unit_unknown"))?;
                    (c, Some(*id))
                }
            }
        };
        access::within(ctx, meta, auth, Permission::ServiceDispatch, &desk, OrgId(community))
            .await
            .map_err(|_| AppError::validation("community_id", "err.ticket_place"))?;
        if n.kind == Kind::RepairHome && unit.is_none() {
            return Err(AppError::validation("unit_id", "err.ticket_unit"));
        }
        let caller_name = clean(&n.caller_name, 60, "caller_name")?;
        let caller_phone = clean(&n.caller_phone, 30, "caller_phone")?;
        if !caller_phone.is_empty()
            && !(5..=20).contains(&caller_phone.len())
            && !caller_phone.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+')
        {
            return Err(AppError::validation("caller_phone", "err.phone_invalid"));
        }
        if caller_name.is_empty() && unit.is_none() {
            return Err(AppError::validation("caller_name", "err.ticket_caller"));
        }
        Placement {
            community,
            unit,
            reporter: None,
            source: Source::Hotline,
            caller_name,
            caller_phone,
            priority: n.priority.unwrap_or(Priority::Normal),
        }
    } else {
        let unit = n
            .unit_id
            .ok_or_else(|| AppError::validation("unit_id", "err.ticket_unit"))?;
        let mine = crate::estate::service::my_unit_ids(&ctx.db, auth.user_id).await?;
        if !mine.contains(&unit) {
            return Err(AppError::validation("unit_id", "err.ticket_unit"));
        }
        let b = crate::estate::service::unit_briefs(&ctx.db, &[unit]).await?;
        let b = b.first().ok_or(AppError::NotFound)?;
        Placement {
            community: b.community_id,
            unit: Some(unit),
            reporter: Some(auth.user_id.0),
            source: Source::App,
            caller_name: String::new(),
            caller_phone: String::new(),
            priority: Priority::Normal,
        }
    };
    let office = crate::estate::service::office_of(&ctx.db, place.community).await?;
    let settings = settings_of(&ctx.db, office).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let photos = n.photos.clone();
    let id = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let id = insert_ticket(
            &txn,
            InsertTicket {
                office,
                community: place.community,
                unit: place.unit,
                kind: n.kind,
                category: &n.category,
                priority: place.priority,
                source: place.source,
                spot: &spot,
                description: &description,
                preferred: &preferred,
                reporter: place.reporter,
                caller_name: &place.caller_name,
                caller_phone: &place.caller_phone,
                created_by: auth.user_id,
                actor: &actor,
                settings: &settings,
                now,
            },
        )
        .await?;
        let event = last_event(&txn, id).await?;
        crate::files::service::attach(&txn, auth.user_id, &photos, PHOTO_KIND, event, MAX_PHOTOS).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("service.ticket.submit", "service_ticket", id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(place.community)))
                .summary(serde_json::json!({
                    "kind": n.kind.code(), "category": n.category, "source": place.source.code(),
                    "unit": place.unit, "photos": photos.len(),
                })),
        )
        .await?;
        Ok(id)
    })?;
    Ok(id)
}

struct InsertTicket<'a> {
    office: i64,
    community: i64,
    unit: Option<i64>,
    kind: Kind,
    category: &'a str,
    priority: Priority,
    source: Source,
    spot: &'a str,
    description: &'a str,
    preferred: &'a str,
    reporter: Option<i64>,
    caller_name: &'a str,
    caller_phone: &'a str,
    created_by: UserId,
    actor: &'a str,
    settings: &'a ServiceSettings,
    now: DateTime<Utc>,
}

async fn insert_ticket<C: ConnectionTrait>(c: &C, t: InsertTicket<'_>) -> Result<i64, AppError> {
    let (respond_due, handle_due) = clocks(t.settings, t.kind, t.category, t.priority, t.now);
    let temp = format!("~{}", hex::encode(rand::random::<[u8; 8]>()));
    let row = service_tickets::ActiveModel {
        number: Set(temp),
        office_id: Set(t.office),
        community_id: Set(t.community),
        unit_id: Set(t.unit),
        kind: Set(t.kind.code().into()),
        category: Set(t.category.into()),
        priority: Set(t.priority.code().into()),
        source: Set(t.source.code().into()),
        status: Set(Status::Submitted.code().into()),
        spot: Set(t.spot.into()),
        description: Set(t.description.into()),
        preferred_time: Set(t.preferred.into()),
        reporter_id: Set(t.reporter),
        caller_name: Set(t.caller_name.into()),
        caller_phone: Set(t.caller_phone.into()),
        team_id: Set(None),
        assignee_id: Set(None),
        pool: Set(false),
        taken_on: Set(false),
        respond_due: Set(respond_due),
        handle_due: Set(handle_due),
        responded_at: Set(None),
        handled_at: Set(None),
        closed_at: Set(None),
        respond_breached: Set(false),
        handle_breached: Set(false),
        escalated: Set(0),
        stars: Set(None),
        rating_comment: Set(String::new()),
        labour_minutes: Set(None),
        materials: Set("[]".into()),
        charge: Set(None),
        bill_line_id: Set(None),
        reopened: Set(0),
        created_by: Set(t.created_by.0),
        created_at: Set(t.now),
        updated_at: Set(t.now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let number = ticket_number(
        t.now.with_timezone(&crate::shared::time::shanghai()).date_naive(),
        row.id,
    );
    service_tickets::Entity::update_many()
        .col_expr(service_tickets::Column::Number, Expr::value(number))
        .filter(service_tickets::Column::Id.eq(row.id))
        .exec(c)
        .await?;
    event(
        c,
        row.id,
        "submit",
        Some(t.created_by),
        t.actor,
        t.description,
        Status::Submitted,
        t.now,
    )
    .await?;
    Ok(row.id)
}

#[allow(clippy::too_many_arguments)]
async fn event<C: ConnectionTrait>(
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

async fn last_event<C: ConnectionTrait>(c: &C, ticket: i64) -> Result<i64, AppError> {
    service_events::Entity::find()
        .filter(service_events::Column::TicketId.eq(ticket))
        .order_by_desc(service_events::Column::Id)
        .one(c)
        .await?
        .map(|e| e.id)
        .ok_or(AppError::Internal)
}

/// A ticket opened by the system from an abnormal inspection result (engineering area), in
/// the caller's transaction.
pub struct SystemTicket {
    pub community_id: i64,
    /// A public-repair category code.
    pub category: String,
    pub spot: String,
    pub description: String,
    pub urgent: bool,
    pub opened_by: UserId,
}

/// Opens a public-area repair ticket for an inspection fault. Returns (id, number).
pub async fn open_from_inspection<C: ConnectionTrait>(c: &C, t: SystemTicket) -> Result<(i64, String), AppError> {
    let category = if Kind::RepairPublic.categories().contains(&t.category.as_str()) {
        t.category.clone()
    } else {
        "other".to_string()
    };
    let office = crate::estate::service::office_of(c, t.community_id).await?;
    let settings = settings_of(c, office).await?;
    let actor = actor_label(c, t.opened_by).await;
    let description: String = t.description.trim().chars().take(1_000).collect();
    let spot: String = t.spot.trim().chars().take(100).collect();
    let id = insert_ticket(
        c,
        InsertTicket {
            office,
            community: t.community_id,
            unit: None,
            kind: Kind::RepairPublic,
            category: &category,
            priority: if t.urgent { Priority::Urgent } else { Priority::Normal },
            source: Source::Inspection,
            spot: &spot,
            description: &description,
            preferred: "",
            reporter: None,
            caller_name: &actor,
            caller_phone: "",
            created_by: t.opened_by,
            actor: &actor,
            settings: &settings,
            now: Utc::now(),
        },
    )
    .await?;
    let number = service_tickets::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(|t| t.number)
        .unwrap_or_default();
    Ok((id, number))
}

// ---------------------------------------------------------------- lists

const OPEN: [&str; 4] = ["submitted", "accepted", "dispatched", "in_progress"];

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
        "open" => q = q.filter(service_tickets::Column::Status.is_in(OPEN)),
        "overdue" => {
            q = q
                .filter(service_tickets::Column::Status.is_in(OPEN))
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
    if let Some(b) = f.before {
        q = q.filter(service_tickets::Column::Id.lt(b));
    }
    let rows = q
        .order_by_desc(service_tickets::Column::Id)
        .limit(PAGE + 1)
        .all(&ctx.db)
        .await?;
    page(&ctx.db, rows, true).await
}

/// The resident's own tickets, newest first.
pub async fn my_tickets(ctx: &AppCtx, auth: &Authed, before: Option<i64>) -> Result<TicketPage, AppError> {
    let mut q = service_tickets::Entity::find().filter(service_tickets::Column::ReporterId.eq(auth.user_id.0));
    if let Some(b) = before {
        q = q.filter(service_tickets::Column::Id.lt(b));
    }
    let rows = q
        .order_by_desc(service_tickets::Column::Id)
        .limit(PAGE + 1)
        .all(&ctx.db)
        .await?;
    page(&ctx.db, rows, false).await
}

async fn page<C: ConnectionTrait>(
    c: &C,
    mut rows: Vec<service_tickets::Model>,
    staff: bool,
) -> Result<TicketPage, AppError> {
    let next = if rows.len() as u64 > PAGE {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(TicketPage {
        items: rows_of(c, &rows, staff).await?,
        next,
    })
}

/// List rows with names filled in: three lookups for the whole page.
async fn rows_of<C: ConnectionTrait>(
    c: &C,
    rows: &[service_tickets::Model],
    staff: bool,
) -> Result<Vec<TicketRow>, AppError> {
    let mut communities: Vec<i64> = rows.iter().map(|r| r.community_id).collect();
    communities.sort_unstable();
    communities.dedup();
    let names = crate::estate::service::org_names(c, &communities).await?;
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

fn row_of(
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

async fn detail_of(ctx: &AppCtx, acc: &Access, t: &service_tickets::Model) -> Result<TicketDetail, AppError> {
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
    Ok(TicketDetail {
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
fn probe_actions() -> Vec<Action> {
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

fn facts_of(t: &service_tickets::Model, s: &ServiceSettings) -> Facts {
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

fn refusal(r: Refusal) -> AppError {
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
    // Round-robin within a team, or the office's mode when dispatching with no technician.
    if let Action::Dispatch { to, pool } = &mut input.action {
        if to.is_none() && !*pool {
            match (input.team, settings.dispatch_mode) {
                (Some(team), _) => *to = Some(next_in_team(&ctx.db, &t, team).await?),
                (None, DispatchMode::Pool) => *pool = true,
                (None, DispatchMode::RoundRobin) => *to = Some(next_in_office(&ctx.db, &t, &settings).await?),
                (None, DispatchMode::Manual) => {}
            }
        }
        if let Some(tech) = *to {
            let scope = access::scope_for(&ctx.db, UserId(tech), Permission::ServiceWork).await?;
            if !scope.covers(OrgId(t.community_id)) {
                return Err(AppError::validation("assignee", "err.ticket_not_technician"));
            }
        }
    }
    let now = Utc::now();
    let facts = facts_of(&t, &settings);
    let out = transition(&facts, role, auth.user_id.0, &input.action, now).map_err(refusal)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let kind = facts.kind;
    // Completion: materials, labour and chargeable items.
    let mut charge: Option<(Money, String)> = None;
    let mut materials = String::new();
    if input.action == Action::Complete {
        if input.work_note.trim().chars().count() > 2_000 {
            return Err(AppError::validation("note", "err.too_long"));
        }
        for m in &input.materials {
            if m.name.trim().is_empty() || m.name.chars().count() > 60 {
                return Err(AppError::validation("materials", "err.ticket_material"));
            }
            if crate::shared::money::parse_fixed2(m.quantity.trim()).is_none_or(|q| q <= 0) {
                return Err(AppError::validation("materials", "err.ticket_quantity"));
            }
        }
        materials = serde_json::to_string(&input.materials).unwrap_or_else(|_| "[]".into());
        if input.labour_minutes.is_some_and(|m| !(0..=24 * 60 * 7).contains(&m)) {
            return Err(AppError::validation("labour_minutes", "err.ticket_labour"));
        }
        if !input.charges.is_empty() {
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
                if !(1..=1_000).contains(&l.quantity) {
                    return Err(AppError::validation("charges", "err.ticket_quantity"));
                }
                total = total
                    .checked_add(Money(p.price * l.quantity))
                    .ok_or_else(|| AppError::validation("charges", "err.ticket_quantity"))?;
                lines.push(format!("{}×{}", p.name, l.quantity));
            }
            if total.0 > 0 {
                charge = Some((total, lines.join("、")));
            }
        }
    }
    let text = match &input.action {
        Action::HandBack { reason }
        | Action::Rework { reason }
        | Action::Reopen { reason }
        | Action::Cancel { reason }
        | Action::Escalate { reason } => reason.trim().to_string(),
        Action::Resolve { reply } => reply.trim().to_string(),
        Action::Comment { text } => text.trim().to_string(),
        Action::Callback { note, satisfied } => {
            format!("{}{}", if *satisfied { "满意。" } else { "不满意。" }, note.trim())
        }
        Action::Rate { stars, comment } => format!("{}★ {}", stars, comment.trim()).trim().to_string(),
        Action::Complete => input.work_note.trim().to_string(),
        Action::SetPriority { priority } => tr_in("zh-CN", &priority.key()),
        _ => String::new(),
    };
    if text.chars().count() > 2_000 {
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
            let (r, h) = clocks(&settings, kind, &t.category, p, now);
            up = up
                .col_expr(service_tickets::Column::RespondDue, Expr::value(r))
                .col_expr(service_tickets::Column::HandleDue, Expr::value(h))
                .col_expr(
                    service_tickets::Column::RespondedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(
                    service_tickets::Column::HandledAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(
                    service_tickets::Column::ClosedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(service_tickets::Column::RespondBreached, Expr::value(false))
                .col_expr(service_tickets::Column::HandleBreached, Expr::value(false))
                .col_expr(service_tickets::Column::Stars, Expr::value(Option::<i32>::None))
                .col_expr(service_tickets::Column::TeamId, Expr::value(Option::<i64>::None))
                .col_expr(service_tickets::Column::Reopened, Expr::value(t.reopened + 1));
        }
        match &input.action {
            Action::Dispatch { .. } => {
                up = up.col_expr(service_tickets::Column::TeamId, Expr::value(input.team));
            }
            Action::HandBack { .. } => {
                up = up.col_expr(service_tickets::Column::TeamId, Expr::value(Option::<i64>::None));
            }
            Action::SetPriority { priority } => {
                let (r, h) = clocks(&settings, kind, &t.category, *priority, t.created_at);
                up = up
                    .col_expr(service_tickets::Column::Priority, Expr::value(priority.code()))
                    .col_expr(service_tickets::Column::RespondDue, Expr::value(r))
                    .col_expr(service_tickets::Column::HandleDue, Expr::value(h));
            }
            Action::Escalate { .. } => {
                up = up.col_expr(service_tickets::Column::Escalated, Expr::value(t.escalated + 1));
            }
            Action::Rate { stars, comment } => {
                let c: String = comment.trim().chars().take(500).collect();
                up = up
                    .col_expr(service_tickets::Column::Stars, Expr::value(Some(i32::from(*stars))))
                    .col_expr(service_tickets::Column::RatingComment, Expr::value(c));
            }
            Action::Complete => {
                up = up
                    .col_expr(service_tickets::Column::Materials, Expr::value(materials.clone()))
                    .col_expr(
                        service_tickets::Column::LabourMinutes,
                        Expr::value(input.labour_minutes),
                    );
            }
            _ => {}
        }
        // Guarded by what the rules looked at: a concurrent change makes this a no-op.
        let mut guard = Condition::all()
            .add(service_tickets::Column::Id.eq(t.id))
            .add(service_tickets::Column::Status.eq(t.status.clone()))
            .add(service_tickets::Column::Pool.eq(t.pool))
            .add(service_tickets::Column::TakenOn.eq(t.taken_on));
        guard = match t.assignee_id {
            Some(a) => guard.add(service_tickets::Column::AssigneeId.eq(a)),
            None => guard.add(service_tickets::Column::AssigneeId.is_null()),
        };
        guard = match t.stars {
            Some(_) => guard.add(service_tickets::Column::Stars.is_not_null()),
            None => guard.add(service_tickets::Column::Stars.is_null()),
        };
        let n = up.filter(guard).exec(&txn).await?.rows_affected;
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
        if let (Some((amount, what)), Some(unit)) = (&charge, t.unit_id) {
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
                "pool": out.pool, "photos": photos.len(), "charge": charge.as_ref().map(|c| c.0 .0),
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

/// Tells the reporter about status changes, a technician about work given to them, and the
/// supervisor about escalations.
async fn notify_change<C: ConnectionTrait>(
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
            Action::Comment { text } => Some(format!("{}：{}", tr_in("zh-CN", "service.new_comment"), text.trim())),
            Action::Complete => Some(tr_in("zh-CN", "service.notice_done")),
            Action::Verify => Some(tr_in("zh-CN", "service.notice_verified")),
            _ if status_changed => Some(tr_in("zh-CN", &status.key())),
            _ => None,
        };
        if let Some(body) = body {
            raise(
                c,
                &[UserId(r)],
                &Notice {
                    category: Category::Repairs,
                    title: format!("{} {}", tr_in("zh-CN", "service.ticket"), t.number),
                    body,
                    link: format!("/repair/{}", t.id),
                    dedupe: None,
                    ttl: Duration::days(3),
                    broadcast: None,
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
                    title: format!("{} {}", tr_in("zh-CN", "service.new_task"), t.number),
                    body: t.description.chars().take(100).collect(),
                    link: format!("/admin/service/tickets/{}", t.id),
                    dedupe: None,
                    ttl: Duration::hours(4),
                    broadcast: None,
                },
            )
            .await?;
        }
    }
    if let Action::Escalate { reason } = action {
        notify_supervisors(
            c,
            t,
            &format!("{}：{}", tr_in("zh-CN", "service.escalated"), reason.trim()),
        )
        .await?;
    }
    Ok(())
}

/// The nearest managers (service.dispatch + reports.read) over the ticket's community.
async fn notify_supervisors<C: ConnectionTrait>(c: &C, t: &service_tickets::Model, body: &str) -> Result<(), AppError> {
    let desk = access::holders_over(c, OrgId(t.community_id), Permission::ServiceDispatch).await?;
    let reports = access::holders_over(c, OrgId(t.community_id), Permission::ReportsRead).await?;
    let managers: Vec<(UserId, usize)> = desk
        .into_iter()
        .filter(|(u, _)| reports.iter().any(|(r, _)| r == u))
        .collect();
    let Some(deepest) = managers.iter().map(|(_, d)| *d).max() else {
        return Ok(());
    };
    let users: Vec<UserId> = managers
        .into_iter()
        .filter(|(_, d)| *d == deepest)
        .map(|(u, _)| u)
        .collect();
    raise(
        c,
        &users,
        &Notice {
            category: Category::Repairs,
            title: format!("{} {}", tr_in("zh-CN", "service.ticket"), t.number),
            body: body.to_string(),
            link: format!("/admin/service/tickets/{}", t.id),
            dedupe: None,
            ttl: Duration::hours(4),
            broadcast: None,
        },
    )
    .await?;
    Ok(())
}

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
    let office_depth = match crate::estate::service::path_of(c, OrgId(node)).await? {
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
        .filter(service_tickets::Column::Status.is_in(OPEN))
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
fn next_after(members: &[i64], last: Option<i64>) -> Option<i64> {
    if members.is_empty() {
        return None;
    }
    let i = last.and_then(|l| members.iter().position(|m| *m > l)).unwrap_or(0);
    Some(members[i])
}

async fn next_in_team<C: ConnectionTrait>(c: &C, t: &service_tickets::Model, team: i64) -> Result<i64, AppError> {
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

async fn next_in_office<C: ConnectionTrait>(
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
async fn rotate<C: ConnectionTrait>(c: &C, office: i64, members: &[i64]) -> Result<i64, AppError> {
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

async fn insert_settings<C: ConnectionTrait>(
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
            .filter(service_tickets::Column::Status.is_in(OPEN))
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
                notify_supervisors(&txn, &t, &text).await?;
                Ok(true)
            })?;
            n += usize::from(marked);
        }
    }
    Ok(n)
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
