//! (ssr) Venues (场地) and their closures: staff of a community's office set each venue's hours,
//! slot length and booking rules; a closure (maintenance, a holiday, slots staff block) cancels
//! the bookings it overlaps, reverses their unpaid charges and tells each household.
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{am_bookings as bookings, am_closures as closures, am_venues as venues};
use crate::db::AppCtx;
use crate::org::model::OrgKind;
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, UserId};
use crate::shared::money::Money;
use crate::shared::time::{format_local, parse_local_minute};
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};

/// Running the clubhouse's desk.
pub const PERM: Permission = Permission::AmenitiesManage;
const NAME_MAX: usize = 60;
const DESCRIPTION_MAX: usize = 2_000;
const VENUES_MAX: u64 = 200;

/// The stored week (`[[480,1320],null,…]`) as hours.
pub fn week_of(v: &venues::Model) -> Week {
    let raw: Vec<Option<(u16, u16)>> = serde_json::from_str(&v.hours).unwrap_or_default();
    let mut w: Week = [None; 7];
    for (i, h) in raw.into_iter().take(7).enumerate() {
        w[i] = h.map(|(open, close)| Hours { open, close });
    }
    w
}

pub fn rules_of(v: &venues::Model) -> Rules {
    let n = |x: i32| x.max(0) as u32;
    Rules {
        who: Booker::parse_list(&v.who),
        window_days: n(v.window_days),
        lead_minutes: n(v.lead_minutes),
        max_per_day: n(v.max_per_day),
        max_per_week: n(v.max_per_week),
        max_slots: n(v.max_slots),
        cancel_minutes: n(v.cancel_minutes),
        price_fen: v.price_fen,
        guest_price_fen: v.guest_price_fen,
        approval: v.approval,
        noshow_limit: n(v.noshow_limit),
        noshow_days: n(v.noshow_days),
        suspend_days: n(v.suspend_days),
    }
}

fn price(fen: i64) -> Option<String> {
    (fen > 0).then(|| Money(fen).plain())
}

/// Venues as the wire shows them, with their communities' names.
pub async fn views<C: ConnectionTrait>(c: &C, rows: Vec<venues::Model>) -> Result<Vec<Venue>, AppError> {
    let mut ids: Vec<i64> = rows.iter().map(|v| v.community_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = org::org_names(c, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|v| {
            let week = week_of(&v);
            Venue {
                id: v.id,
                community_id: OrgId(v.community_id),
                community: names.get(&v.community_id).cloned().unwrap_or_default(),
                kind: VenueKind::parse(&v.kind).unwrap_or(VenueKind::Other),
                capacity: v.capacity,
                slot_minutes: v.slot_minutes.clamp(0, i32::from(u16::MAX)) as u16,
                hours: week
                    .iter()
                    .map(|h| h.map(|h| h.show("+")).unwrap_or_default())
                    .collect(),
                rules: rules_of(&v),
                price: price(v.price_fen),
                guest_price: price(v.guest_price_fen),
                active: v.active,
                name: v.name,
                description: v.description,
            }
        })
        .collect())
}

/// A venue by id, for staff whose scope holds its community. Errors: `NotFound` otherwise.
pub async fn load(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: i64) -> Result<venues::Model, AppError> {
    access::record_within(ctx, meta, auth, PERM, venues::Entity::find_by_id(id), |v| {
        OrgId(v.community_id)
    })
    .await
}

/// The venues of the communities in the caller's scope (one community when given).
pub async fn list(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: Option<OrgId>,
) -> Result<Vec<Venue>, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    let mut q = scope.filter_org_column(venues::Entity::find(), venues::Column::CommunityId, false);
    if let Some(c) = community {
        access::within(ctx, meta, auth, PERM, &scope, c).await?;
        q = q.filter(venues::Column::CommunityId.eq(c.0));
    }
    let rows = q
        .order_by_asc(venues::Column::CommunityId)
        .order_by_asc(venues::Column::Id)
        .all(&ctx.db)
        .await?;
    views(&ctx.db, rows).await
}

/// The checked fields of a venue as stored.
struct Checked {
    name: String,
    description: String,
    hours: String,
    price: i64,
    guest_price: i64,
}

fn check_input(v: &VenueInput) -> Result<Checked, AppError> {
    let name: String = v.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(AppError::validation("name", "am.err.name"));
    }
    let description = v.description.trim().to_string();
    if description.chars().count() > DESCRIPTION_MAX {
        return Err(AppError::validation("description", "am.err.description"));
    }
    if v.capacity == 0 || v.capacity > 10_000 {
        return Err(AppError::validation("capacity", "am.err.capacity"));
    }
    if !SLOT_LENGTHS.contains(&v.slot_minutes) {
        return Err(AppError::validation("slot_minutes", "am.err.slot_minutes"));
    }
    let weekday = Hours::parse(&v.hours_weekday).map_err(|_| AppError::validation("hours_weekday", "am.err.hours"))?;
    let weekend = Hours::parse(&v.hours_weekend).map_err(|_| AppError::validation("hours_weekend", "am.err.hours"))?;
    if weekday.is_none() && weekend.is_none() {
        return Err(AppError::validation("hours_weekday", "am.err.never_open"));
    }
    for (field, h) in [("hours_weekday", weekday), ("hours_weekend", weekend)] {
        if h.is_some_and(|h| h.close - h.open < v.slot_minutes) {
            return Err(AppError::validation(field, "am.err.hours_short"));
        }
    }
    if v.who.is_empty() {
        return Err(AppError::validation("who", "am.err.who"));
    }
    if v.window_days == 0 || v.window_days > 90 {
        return Err(AppError::validation("window_days", "am.err.window_days"));
    }
    if v.lead_minutes > 7 * 24 * 60 {
        return Err(AppError::validation("lead_minutes", "am.err.lead_minutes"));
    }
    if v.max_per_day > 20 || v.max_per_week > 100 {
        return Err(AppError::validation("max_per_week", "am.err.limits"));
    }
    if v.max_slots == 0 || v.max_slots > 16 {
        return Err(AppError::validation("max_slots", "am.err.max_slots"));
    }
    if v.cancel_minutes > 14 * 24 * 60 {
        return Err(AppError::validation("cancel_minutes", "am.err.cancel_minutes"));
    }
    if v.noshow_limit > 0 && (v.noshow_days == 0 || v.noshow_days > 365 || v.suspend_days == 0 || v.suspend_days > 365)
    {
        return Err(AppError::validation("noshow_days", "am.err.noshow"));
    }
    let money = |field: &str, s: &str| -> Result<i64, AppError> {
        match s.trim() {
            "" => Ok(0),
            s => {
                let m = Money::parse_yuan(s).map_err(|e| AppError::validation(field, e.key()))?;
                if m.0 < 0 || m.0 > 10_000_000 {
                    return Err(AppError::validation(field, "err.amount_invalid"));
                }
                Ok(m.0)
            }
        }
    };
    let price = money("price", &v.price)?;
    let guest_price = money("guest_price", &v.guest_price)?;
    let mut week: Vec<Option<(u16, u16)>> = vec![weekday.map(|h| (h.open, h.close)); 5];
    week.extend([weekend.map(|h| (h.open, h.close)); 2]);
    Ok(Checked {
        name,
        description,
        hours: serde_json::to_string(&week).map_err(|_| AppError::Internal)?,
        price,
        guest_price,
    })
}

/// Saves a new venue (`id` None) or changes one. Errors: `Forbidden` without
/// `amenities.manage`, `NotFound` outside the scope, `Validation` naming the field,
/// `Conflict{name}` for a name the community already uses. A change applies to bookings made
/// after it; those already made keep their slots and price.
pub async fn save(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: Option<i64>,
    v: VenueInput,
) -> Result<Venue, AppError> {
    let scope = access::require(ctx, meta, auth, PERM).await?;
    access::within(ctx, meta, auth, PERM, &scope, v.community_id).await?;
    if !org::get(&ctx.db, v.community_id)
        .await?
        .is_some_and(|c| c.kind == OrgKind::Community)
    {
        return Err(AppError::validation("community_id", "am.err.community"));
    }
    let old = match id {
        Some(id) => {
            let old = load(ctx, meta, auth, id).await?;
            if old.community_id != v.community_id.0 {
                return Err(AppError::validation("community_id", "am.err.community"));
            }
            Some(old)
        }
        None => None,
    };
    let c = check_input(&v)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let now = Utc::now();
    let row = with_txn!(ctx.db, |txn| {
        if old.is_none()
            && venues::Entity::find()
                .filter(venues::Column::CommunityId.eq(v.community_id.0))
                .count(&txn)
                .await?
                >= VENUES_MAX
        {
            return Err(AppError::conflict("name", "am.err.too_many_venues"));
        }
        let mut am = match &old {
            Some(o) => venues::ActiveModel::from(o.clone()),
            None => venues::ActiveModel {
                community_id: Set(v.community_id.0),
                created_at: Set(now),
                ..Default::default()
            },
        };
        am.name = Set(c.name.clone());
        am.kind = Set(v.kind.code().into());
        am.description = Set(c.description.clone());
        am.capacity = Set(v.capacity as i32);
        am.slot_minutes = Set(i32::from(v.slot_minutes));
        am.hours = Set(c.hours.clone());
        am.who = Set(Booker::list_code(&v.who));
        am.window_days = Set(v.window_days as i32);
        am.lead_minutes = Set(v.lead_minutes as i32);
        am.max_per_day = Set(v.max_per_day as i32);
        am.max_per_week = Set(v.max_per_week as i32);
        am.max_slots = Set(v.max_slots as i32);
        am.cancel_minutes = Set(v.cancel_minutes as i32);
        am.price_fen = Set(c.price);
        am.guest_price_fen = Set(c.guest_price);
        am.approval = Set(v.approval);
        am.noshow_limit = Set(v.noshow_limit as i32);
        am.noshow_days = Set(v.noshow_days as i32);
        am.suspend_days = Set(v.suspend_days as i32);
        am.active = Set(v.active);
        am.updated_at = Set(now);
        let row = match old {
            Some(_) => am.update(&txn).await,
            None => am.insert(&txn).await,
        }
        .map_err(|e| crate::db::map_unique(e, "name", "am.err.name_taken"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new(
                if id.is_some() {
                    "amenities.venue_change"
                } else {
                    "amenities.venue_create"
                },
                "venue",
                row.id,
            )
            .actor(Some(auth.user_id), &actor)
            .org(Some(v.community_id))
            .summary(serde_json::json!({
                "name": c.name, "hours": c.hours, "price": c.price, "who": row.who, "active": v.active,
            })),
        )
        .await?;
        Ok(row)
    })?;
    views(&ctx.db, vec![row]).await?.pop().ok_or(AppError::Internal)
}

/// A closure as staff list it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ClosureView {
    pub id: i64,
    pub venue_id: i64,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

/// The closures of a venue that have not ended.
pub async fn closures_of<C: ConnectionTrait>(c: &C, venue: i64) -> Result<Vec<ClosureView>, AppError> {
    Ok(closures::Entity::find()
        .filter(closures::Column::VenueId.eq(venue))
        .filter(closures::Column::EndsAt.gt(Utc::now()))
        .order_by_asc(closures::Column::StartsAt)
        .all(c)
        .await?
        .into_iter()
        .map(|x| ClosureView {
            id: x.id,
            venue_id: x.venue_id,
            starts_at: format_local(x.starts_at),
            ends_at: format_local(x.ends_at),
            reason: x.reason,
        })
        .collect())
}

/// Closes a venue from `starts_at` to `ends_at` (local minutes) for `reason`: the live
/// bookings it overlaps are cancelled with the reason, their slots freed and their unpaid
/// charges reversed (a paid one stays on the bill for the desk to refund), and each household
/// is told. Returns how many bookings it cancelled. Errors: `NotFound` outside the scope,
/// `Validation` naming the field.
pub async fn close(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    venue: i64,
    starts_at: &str,
    ends_at: &str,
    reason: &str,
) -> Result<u64, AppError> {
    let v = load(ctx, meta, auth, venue).await?;
    let from = parse_local_minute(starts_at)
        .map_err(|_| AppError::validation("starts_at", "am.err.time"))?
        .ok_or_else(|| AppError::validation("starts_at", "am.err.time"))?;
    let to = parse_local_minute(ends_at)
        .map_err(|_| AppError::validation("ends_at", "am.err.time"))?
        .ok_or_else(|| AppError::validation("ends_at", "am.err.time"))?;
    if to <= from || to - from > chrono::Duration::days(366) {
        return Err(AppError::validation("ends_at", "am.err.closure_span"));
    }
    if to <= Utc::now() {
        return Err(AppError::validation("ends_at", "am.err.closure_past"));
    }
    let reason: String = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "am.err.reason"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        closures::ActiveModel {
            venue_id: Set(v.id),
            starts_at: Set(from),
            ends_at: Set(to),
            reason: Set(reason.clone()),
            created_by: Set(auth.user_id.0),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let hit = bookings::Entity::find()
            .filter(bookings::Column::VenueId.eq(v.id))
            .filter(bookings::Column::StartsAt.lt(to))
            .filter(bookings::Column::EndsAt.gt(from))
            .filter(bookings::Column::Status.is_in([BookingStatus::Pending.code(), BookingStatus::Confirmed.code()]))
            .all(&txn)
            .await?;
        for b in &hit {
            super::bookings::end(&txn, b, BookingStatus::Cancelled, &reason, auth.user_id, true).await?;
        }
        audit::record(
            &txn,
            meta,
            AuditEntry::new("amenities.closure", "venue", v.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(v.community_id)))
                .summary(serde_json::json!({
                    "from": format_local(from), "to": format_local(to), "reason": reason, "cancelled": hit.len(),
                })),
        )
        .await?;
        Ok(hit.len() as u64)
    })
}

/// Who a closure's cancellation tells: the household's accounts (or the booker).
pub(super) async fn household_of<C: ConnectionTrait>(c: &C, b: &bookings::Model) -> Result<Vec<UserId>, AppError> {
    let mut users = match b.unit_id {
        Some(u) => crate::estate::service::household_users(c, &[u])
            .await?
            .remove(&u)
            .unwrap_or_default(),
        None => vec![],
    };
    if b.unit_id.is_some() && !users.contains(&UserId(b.user_id)) {
        users.push(UserId(b.user_id));
    }
    Ok(users)
}
