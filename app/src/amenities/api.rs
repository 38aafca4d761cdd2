//! Server functions for the clubhouse pages. Each authorizes through its use case.
use super::model::*;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// 社区 → 会所预订: the venues the resident may book and their households' bookings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clubhouse {
    pub venues: Vec<Venue>,
    pub bookings: Vec<Booking>,
}

/// One booking with its QR code (SVG markup made on the server from its code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingCard {
    pub booking: Booking,
    pub qr: String,
}

/// The desk's day: the communities the caller runs and, for the chosen one, its grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desk {
    pub communities: Vec<(OrgId, String)>,
    pub grid: Option<DayGrid>,
}

#[server]
pub async fn load_clubhouse() -> Result<Clubhouse, AppError> {
    crate::web::serve(async |ctx, _meta, auth| {
        Ok(Clubhouse {
            venues: super::bookings::resident_venues(&ctx, &auth).await?,
            bookings: super::bookings::mine(&ctx, &auth).await?,
        })
    })
    .await
}

/// A venue's day (`date` empty: today).
#[server]
pub async fn venue_day(id: i64, date: String) -> Result<DaySlots, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::bookings::day(&ctx, &auth, id, Some(&date)).await).await
}

/// Books from the venue page (`unit` empty: the first home the venue admits).
#[server]
pub async fn book_venue(venue_id: i64, start: String, slots: u32, unit: Option<String>) -> Result<Booking, AppError> {
    crate::web::serve(async |ctx, _meta, auth| {
        let unit_id = match unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(u) => Some(
                u.parse::<i64>()
                    .map_err(|_| AppError::validation("unit_id", "am.err.home"))?,
            ),
            None => None,
        };
        let b = NewBooking {
            venue_id,
            start,
            slots,
            unit_id,
            guest_name: String::new(),
            guest_phone: String::new(),
        };
        super::bookings::book(&ctx, &auth, b).await
    })
    .await
}

#[server]
pub async fn load_booking(id: i64) -> Result<BookingCard, AppError> {
    crate::web::serve(async |ctx, _meta, auth| {
        let (booking, qr) = super::bookings::open_mine(&ctx, &auth, id).await?;
        Ok(BookingCard { booking, qr })
    })
    .await
}

#[server]
pub async fn cancel_booking(id: i64) -> Result<Booking, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::bookings::cancel_mine(&ctx, &auth, id).await).await
}

// ---------------------------------------------------------------- staff

/// The desk's day of `community` (empty: the first the caller runs) on `date` (empty: today).
#[server]
pub async fn load_desk(community: Option<i64>, date: String) -> Result<Desk, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        use crate::org::model::OrgKind;
        let communities: Vec<(OrgId, String)> =
            crate::access::service::org_choices(&ctx, &meta, &auth, super::venues::PERM)
                .await?
                .into_iter()
                .filter(|c| c.kind == OrgKind::Community)
                .map(|c| (c.id, c.name))
                .collect();
        let chosen = community.map(OrgId).or(communities.first().map(|c| c.0));
        let grid = match chosen {
            Some(c) => Some(super::bookings::grid(&ctx, &meta, &auth, c, Some(&date)).await?),
            None => None,
        };
        Ok(Desk { communities, grid })
    })
    .await
}

#[server]
pub async fn desk_check_in(code: String) -> Result<Booking, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::bookings::check_in(&ctx, &meta, &auth, &code).await).await
}

/// Books at the desk: for the home `unit` (its number, e.g. `1-1-0401`) or a walk-in customer.
#[server]
pub async fn desk_book(
    venue_id: i64,
    start: String,
    slots: u32,
    unit: String,
    guest_name: String,
    guest_phone: String,
) -> Result<Booking, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let unit = unit.trim().to_string();
        let unit_id = if unit.is_empty() {
            None
        } else {
            let v = super::venues::load(&ctx, &meta, &auth, venue_id).await?;
            let found =
                crate::estate::service::units_by_number(&ctx.db, v.community_id, std::slice::from_ref(&unit)).await?;
            Some(
                found
                    .get(&unit)
                    .map(|u| u.0)
                    .ok_or_else(|| AppError::validation("unit", "am.err.unit"))?,
            )
        };
        let b = NewBooking {
            venue_id,
            start,
            slots,
            unit_id,
            guest_name,
            guest_phone,
        };
        super::bookings::book_at_desk(&ctx, &meta, &auth, b).await
    })
    .await
}

/// Approves (`approve` = `yes`) or rejects a pending booking.
#[server]
pub async fn desk_decide(id: i64, approve: String, reason: String) -> Result<Booking, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::bookings::decide(&ctx, &meta, &auth, id, approve == "yes", &reason).await
    })
    .await
}

#[server]
pub async fn desk_cancel(id: i64, reason: String) -> Result<Booking, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::bookings::cancel_at_desk(&ctx, &meta, &auth, id, &reason).await)
        .await
}

/// The venues of a community, for the venue settings.
#[server]
pub async fn staff_venues(community: i64) -> Result<Vec<Venue>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::venues::list(&ctx, &meta, &auth, Some(OrgId(community))).await)
        .await
}

/// Saves a venue from the settings form (`id` empty: a new one; boxes ticked send `on`).
#[allow(clippy::too_many_arguments)]
#[server]
pub async fn save_venue(
    community_id: i64,
    id: Option<i64>,
    name: String,
    kind: String,
    description: String,
    capacity: String,
    slot_minutes: String,
    hours_weekday: String,
    hours_weekend: String,
    who_owners: Option<String>,
    who_tenants: Option<String>,
    who_family: Option<String>,
    window_days: String,
    lead_minutes: String,
    max_per_day: String,
    max_per_week: String,
    max_slots: String,
    cancel_hours: String,
    price: String,
    guest_price: String,
    approval: Option<String>,
    noshow_limit: String,
    noshow_days: String,
    suspend_days: String,
) -> Result<Venue, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let num = |field: &str, s: &str| -> Result<u32, AppError> {
            match s.trim() {
                "" => Ok(0),
                s => s
                    .parse::<u32>()
                    .map_err(|_| AppError::validation(field, "am.err.number")),
            }
        };
        let mut who = vec![];
        for (on, b) in [
            (&who_owners, Booker::Owners),
            (&who_tenants, Booker::Tenants),
            (&who_family, Booker::Family),
        ] {
            if on.is_some() {
                who.push(b);
            }
        }
        let v = VenueInput {
            community_id: OrgId(community_id),
            name,
            kind: VenueKind::parse(&kind).ok_or_else(|| AppError::validation("kind", "am.err.kind"))?,
            description,
            capacity: num("capacity", &capacity)?,
            slot_minutes: u16::try_from(num("slot_minutes", &slot_minutes)?)
                .map_err(|_| AppError::validation("slot_minutes", "am.err.slot_minutes"))?,
            hours_weekday,
            hours_weekend,
            who,
            window_days: num("window_days", &window_days)?,
            lead_minutes: num("lead_minutes", &lead_minutes)?,
            max_per_day: num("max_per_day", &max_per_day)?,
            max_per_week: num("max_per_week", &max_per_week)?,
            max_slots: num("max_slots", &max_slots)?,
            cancel_minutes: num("cancel_hours", &cancel_hours)?.saturating_mul(60),
            price,
            guest_price,
            approval: approval.is_some(),
            noshow_limit: num("noshow_limit", &noshow_limit)?,
            noshow_days: num("noshow_days", &noshow_days)?,
            suspend_days: num("suspend_days", &suspend_days)?,
            active: true,
        };
        super::venues::save(&ctx, &meta, &auth, id, v).await
    })
    .await
}

/// Closes a venue for a time (local `datetime-local` values) with a reason.
#[server]
pub async fn close_venue(venue_id: i64, starts_at: String, ends_at: String, reason: String) -> Result<u64, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::venues::close(&ctx, &meta, &auth, venue_id, &starts_at, &ends_at, &reason).await
    })
    .await
}
