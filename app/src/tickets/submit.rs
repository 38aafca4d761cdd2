//! (ssr) Opening tickets: a resident for their home, the desk for a caller, and the system
//! for an abnormal inspection result (in the engineering area's transaction).
use super::config::settings_of;
use super::model::*;
use super::service::PHOTO_KIND;
use super::sla::clocks;
use super::timeline::{event, last_event};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::service_tickets;
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::ids::{OrgId, UnitId, UserId};
use crate::with_txn;
use chrono::{DateTime, Utc};
use sea_orm::{prelude::*, ActiveValue::Set};

pub(super) fn clean(s: &str, max: usize, field: &str) -> Result<String, AppError> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(AppError::validation(field, "err.too_long"));
    }
    Ok(t.to_string())
}

/// Checks a new ticket's text fields; returns (description, spot, preferred time).
pub(super) fn check_new(n: &NewTicket) -> Result<(String, String, String), AppError> {
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

/// What the resident's form offers: their homes, the current one (当前房屋) first and so chosen.
pub async fn submit_form(ctx: &AppCtx, auth: &Authed) -> Result<SubmitForm, AppError> {
    let ids: Vec<i64> = crate::estate::service::my_unit_ids_current_first(&ctx.db, auth.user_id)
        .await?
        .into_iter()
        .map(|u| u.0)
        .collect();
    let mut briefs = crate::estate::service::unit_briefs(&ctx.db, &ids).await?;
    briefs.sort_by_key(|b| ids.iter().position(|u| *u == b.id));
    let units = briefs
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.community, u.number)))
        .collect();
    Ok(SubmitForm { units })
}

/// Where a new ticket belongs and who reports it.
pub(super) struct Placement {
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
            && (!(5..=20).contains(&caller_phone.len())
                || !caller_phone.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+'))
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
        if !mine.contains(&UnitId(unit)) {
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
    let office = crate::org::service::office_of(&ctx.db, OrgId(place.community)).await?;
    let settings = settings_of(&ctx.db, office.0).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let photos = n.photos.clone();
    let id = with_txn!(ctx.db, |txn| {
        let now = Utc::now();
        let id = insert_ticket(
            &txn,
            InsertTicket {
                office: office.0,
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

pub(super) struct InsertTicket<'a> {
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

pub(super) async fn insert_ticket<C: ConnectionTrait>(c: &C, t: InsertTicket<'_>) -> Result<i64, AppError> {
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
        .col_expr(service_tickets::Column::Number, Expr::value(number.clone()))
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
    // The service desk hears of every new ticket (not of one they registered themselves).
    super::timeline::notify_desk(
        c,
        OrgId(t.community),
        row.id,
        Msg::key("service.notice_new_ticket").then(Msg::text(&number)),
        Msg::text(t.description.chars().take(100).collect::<String>()),
        &[t.created_by],
    )
    .await?;
    Ok(row.id)
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
    let office = crate::org::service::office_of(c, OrgId(t.community_id)).await?;
    let settings = settings_of(c, office.0).await?;
    let actor = actor_label(c, t.opened_by).await;
    let description: String = t.description.trim().chars().take(1_000).collect();
    let spot: String = t.spot.trim().chars().take(100).collect();
    let id = insert_ticket(
        c,
        InsertTicket {
            office: office.0,
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
