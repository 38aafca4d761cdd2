//! `/api/v1` routes of the clubhouse. Same use cases as the pages, same scope: staff with
//! `amenities.manage` see their org subtree's venues and bookings; a resident sees the venues of
//! the communities they live in and only their households' bookings (another's id is a 404).
use super::model::*;
use super::venues::ClosureView;
use super::{bookings, venues};
use crate::db::AppCtx;
use crate::shared::ids::OrgId;
use crate::web::{query, ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VenueQuery {
    /// One community's venues (staff); empty for all in scope.
    pub community_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/venues", tag = "amenities", params(VenueQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Venue>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Staff: the venues of the communities in the caller's scope.
pub async fn venues_list(
    api: ApiCtx,
    q: Result<Query<VenueQuery>, QueryRejection>,
) -> Result<Json<Vec<Venue>>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    venues::list(&api.ctx, &api.meta, auth, q.community_id.map(OrgId))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/venues", tag = "amenities", request_body = VenueInput, security(("bearer" = [])),
    responses((status = 201, body = Venue), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Staff: a new venue with its hours and rules.
pub async fn venues_create(
    api: ApiCtx,
    ApiJson(v): ApiJson<VenueInput>,
) -> Result<(StatusCode, Json<Venue>), ApiError> {
    let auth = api.authed()?;
    let v = venues::save(&api.ctx, &api.meta, auth, None, v)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[utoipa::path(put, path = "/api/v1/venues/{id}", tag = "amenities", params(("id" = i64, Path)), request_body = VenueInput,
    security(("bearer" = [])),
    responses((status = 200, body = Venue), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Staff: changes a venue (bookings already made keep their slots and price).
pub async fn venues_update(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<VenueInput>,
) -> Result<Json<Venue>, ApiError> {
    let auth = api.authed()?;
    venues::save(&api.ctx, &api.meta, auth, Some(id), v)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewClosure {
    /// `2026-12-08T09:00`, local.
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ClosureOutcome {
    /// Bookings the closure cancelled.
    pub cancelled: u64,
    pub closures: Vec<ClosureView>,
}

#[utoipa::path(post, path = "/api/v1/venues/{id}/closures", tag = "amenities", params(("id" = i64, Path)),
    request_body = NewClosure, security(("bearer" = [])),
    responses((status = 201, body = ClosureOutcome), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Staff: closes a venue for a time; the bookings it overlaps are cancelled and told.
pub async fn venues_close(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<NewClosure>,
) -> Result<(StatusCode, Json<ClosureOutcome>), ApiError> {
    let auth = api.authed()?;
    let cancelled = venues::close(&api.ctx, &api.meta, auth, id, &c.starts_at, &c.ends_at, &c.reason)
        .await
        .map_err(|e| api.err(e))?;
    let closures = venues::closures_of(&api.ctx.db, id).await.map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(ClosureOutcome { cancelled, closures })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// `2026-12-08`; empty for today.
    pub date: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/me/venues", tag = "amenities", security(("bearer" = [])),
    responses((status = 200, body = Vec<Venue>), (status = 401, body = ErrorBody)))]
/// Resident: the venues of the communities they live in.
pub async fn my_venues(api: ApiCtx) -> Result<Json<Vec<Venue>>, ApiError> {
    let auth = api.authed()?;
    bookings::resident_venues(&api.ctx, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/me/venues/{id}/slots", tag = "amenities", params(("id" = i64, Path), DayQuery),
    security(("bearer" = [])),
    responses((status = 200, body = DaySlots), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Resident: a venue's day, each slot free, taken, past or closed.
pub async fn my_venue_slots(
    api: ApiCtx,
    Path(id): Path<i64>,
    q: Result<Query<DayQuery>, QueryRejection>,
) -> Result<Json<DaySlots>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    bookings::day(&api.ctx, auth, id, q.date.as_deref())
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/me/bookings", tag = "amenities", security(("bearer" = [])),
    responses((status = 200, body = Vec<Booking>), (status = 401, body = ErrorBody)))]
/// Resident: their households' bookings, upcoming first.
pub async fn my_bookings(api: ApiCtx) -> Result<Json<Vec<Booking>>, ApiError> {
    let auth = api.authed()?;
    bookings::mine(&api.ctx, auth).await.map(Json).map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/me/bookings", tag = "amenities", request_body = NewBooking, security(("bearer" = [])),
    responses((status = 201, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Resident: books slots of a venue within its rules; a refusal names the rule and its figures.
pub async fn my_bookings_create(
    api: ApiCtx,
    ApiJson(b): ApiJson<NewBooking>,
) -> Result<(StatusCode, Json<Booking>), ApiError> {
    let auth = api.authed()?;
    let b = bookings::book(&api.ctx, auth, b).await.map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(b)))
}

#[utoipa::path(get, path = "/api/v1/me/bookings/{id}", tag = "amenities", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody)))]
/// Resident: one of their households' bookings.
pub async fn my_booking(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<Booking>, ApiError> {
    let auth = api.authed()?;
    bookings::open_mine(&api.ctx, auth, id)
        .await
        .map(|b| Json(b.0))
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/me/bookings/{id}/cancellation", tag = "amenities", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Resident: cancels their booking before the venue's deadline.
pub async fn my_booking_cancel(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<Booking>, ApiError> {
    let auth = api.authed()?;
    bookings::cancel_mine(&api.ctx, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridQuery {
    pub community_id: i64,
    /// `2026-12-08`; empty for today.
    pub date: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/bookings", tag = "amenities", params(GridQuery), security(("bearer" = [])),
    responses((status = 200, body = DayGrid), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Staff: a community's day: every venue's slots and who holds each, and the day's bookings.
pub async fn bookings_day(api: ApiCtx, q: Result<Query<GridQuery>, QueryRejection>) -> Result<Json<DayGrid>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    bookings::grid(&api.ctx, &api.meta, auth, OrgId(q.community_id), q.date.as_deref())
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/bookings", tag = "amenities", request_body = NewBooking, security(("bearer" = [])),
    responses((status = 201, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Staff: books at the desk for a household (`unit_id`) or a walk-in customer.
pub async fn bookings_create(
    api: ApiCtx,
    ApiJson(b): ApiJson<NewBooking>,
) -> Result<(StatusCode, Json<Booking>), ApiError> {
    let auth = api.authed()?;
    let b = bookings::book_at_desk(&api.ctx, &api.meta, auth, b)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(b)))
}

#[utoipa::path(get, path = "/api/v1/bookings/{id}", tag = "amenities", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody)))]
/// Staff: one booking.
pub async fn bookings_get(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<Booking>, ApiError> {
    let auth = api.authed()?;
    bookings::staff_booking(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BookingDecision {
    pub approve: bool,
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(put, path = "/api/v1/bookings/{id}/decision", tag = "amenities", params(("id" = i64, Path)),
    request_body = BookingDecision, security(("bearer" = [])),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Staff: approves a pending booking, or rejects it with a reason.
pub async fn bookings_decide(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<BookingDecision>,
) -> Result<Json<Booking>, ApiError> {
    let auth = api.authed()?;
    bookings::decide(&api.ctx, &api.meta, auth, id, d.approve, &d.reason)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Reason {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/bookings/{id}/cancellation", tag = "amenities", params(("id" = i64, Path)),
    request_body = Reason, security(("bearer" = [])),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Staff: cancels a booking with a reason the household is told.
pub async fn bookings_cancel(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<Reason>,
) -> Result<Json<Booking>, ApiError> {
    let auth = api.authed()?;
    bookings::cancel_at_desk(&api.ctx, &api.meta, auth, id, &r.reason)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CheckIn {
    /// The booking's eight digits, typed or read from its QR code.
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/bookings/check-in", tag = "amenities", request_body = CheckIn, security(("bearer" = [])),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Staff: checks a booking in by its code.
pub async fn bookings_check_in(api: ApiCtx, ApiJson(c): ApiJson<CheckIn>) -> Result<Json<Booking>, ApiError> {
    let auth = api.authed()?;
    bookings::check_in(&api.ctx, &api.meta, auth, &c.code)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/venues", get(venues_list).post(venues_create))
        .route("/venues/{id}", put(venues_update))
        .route("/venues/{id}/closures", post(venues_close))
        .route("/me/venues", get(my_venues))
        .route("/me/venues/{id}/slots", get(my_venue_slots))
        .route("/me/bookings", get(my_bookings).post(my_bookings_create))
        .route("/me/bookings/{id}", get(my_booking))
        .route("/me/bookings/{id}/cancellation", post(my_booking_cancel))
        .route("/bookings", get(bookings_day).post(bookings_create))
        .route("/bookings/check-in", post(bookings_check_in))
        .route("/bookings/{id}", get(bookings_get))
        .route("/bookings/{id}/decision", put(bookings_decide))
        .route("/bookings/{id}/cancellation", post(bookings_cancel))
}
