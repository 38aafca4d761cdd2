//! `/api/v1` routes of the property records. Same services as the pages, same scope.
use super::binding::{self, BindAsk};
use super::handover;
use super::import::{self, ImportRequest};
use super::model::{
    BindRequestRow, BuildingPlan, HandoverRow, ImportReport, Inspection, Occupant, PersonRow, SpaceRow, UnitCard,
    UnitRow, VehicleRow,
};
use super::people::{self, NewVehicle, SpaceFilter, SpaceRun, VehicleFilter, VehiclePatch};
use super::records::{self, BuildingCreated, NewOccupant, UnitFilter, UnitPatch};
use super::tree::{self, NewOrg};
use crate::db::AppCtx;
use crate::org::model::OrgNode;
use crate::shared::ids::{BindRequestId, OccupancyId, OrgId, PersonId, UnitId, VehicleId};
use crate::shared::pagination::Page;
use crate::web::{query, xlsx_download, ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// Where workbooks are uploaded; the server allows this path a larger request body.
pub const IMPORT_PATH_PREFIX: &str = "/api/v1/imports/";

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitRow>,
    pub next: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/units", tag = "estate", params(UnitFilter), security(("bearer" = [])),
    responses((status = 200, body = UnitPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn units(api: ApiCtx, Query(f): Query<UnitFilter>) -> Result<Json<UnitPage>, ApiError> {
    let auth = api.authed()?;
    let Page { items, next } = records::list_units(&api.ctx, &api.meta, auth, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(UnitPage { items, next }))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "estate", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = UnitCard), (status = 404, body = ErrorBody)))]
pub async fn unit(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<UnitCard>, ApiError> {
    let auth = api.authed()?;
    let card = records::unit_detail(&api.ctx, &api.meta, auth, UnitId(id))
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(card))
}

#[utoipa::path(post, path = "/api/v1/units/{id}/occupants", tag = "estate", params(("id" = i64, Path)),
    request_body = NewOccupant, security(("bearer" = [])),
    responses((status = 201, body = Occupant), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_occupant(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(who): ApiJson<NewOccupant>,
) -> Result<(StatusCode, Json<Occupant>), ApiError> {
    let auth = api.authed()?;
    let o = records::add_occupant(&api.ctx, &api.meta, auth, UnitId(id), who)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(o)))
}

#[utoipa::path(post, path = "/api/v1/buildings", tag = "estate", request_body = BuildingPlan, security(("bearer" = [])),
    responses((status = 201, body = BuildingCreated), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_building(
    api: ApiCtx,
    ApiJson(plan): ApiJson<BuildingPlan>,
) -> Result<(StatusCode, Json<BuildingCreated>), ApiError> {
    let auth = api.authed()?;
    let b = records::create_building(&api.ctx, &api.meta, auth, plan)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(b)))
}

#[utoipa::path(get, path = "/api/v1/me/current-home", tag = "estate", security(("bearer" = [])),
    responses((status = 200, body = super::model::CurrentHome), (status = 401, body = ErrorBody)))]
/// The caller's homes and the one they are looking at (当前房屋): `/me/notices`, `/me/surveys` and
/// `/me/events` list that home's; with one home, it is that one.
pub async fn my_current_home(api: ApiCtx) -> Result<Json<super::model::CurrentHome>, ApiError> {
    let auth = api.authed()?;
    records::current_home(&api.ctx, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(put, path = "/api/v1/me/current-home", tag = "estate", request_body = super::model::ChosenHome,
    security(("bearer" = [])),
    responses((status = 200, body = super::model::CurrentHome), (status = 404, body = ErrorBody)))]
/// Looks at another of the caller's homes from now on, on every device.
pub async fn choose_home(
    api: ApiCtx,
    ApiJson(c): ApiJson<super::model::ChosenHome>,
) -> Result<Json<super::model::CurrentHome>, ApiError> {
    let auth = api.authed()?;
    records::choose_home(&api.ctx, auth, c.unit_id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/me/homes", tag = "estate", security(("bearer" = [])),
    responses((status = 200, body = [super::model::Home]), (status = 401, body = ErrorBody)))]
pub async fn my_homes(api: ApiCtx) -> Result<Json<Vec<super::model::Home>>, ApiError> {
    let auth = api.authed()?;
    records::my_homes(&api.ctx, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonRow>,
    pub next: Option<i64>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    /// A phone number (11 digits), a plate, a unit number prefix (`1-2-`) or a name prefix.
    pub q: Option<String>,
    pub after: Option<i64>,
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/v1/persons", tag = "estate", params(PersonQuery), security(("bearer" = [])),
    responses((status = 200, body = PersonPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn persons(api: ApiCtx, Query(f): Query<PersonQuery>) -> Result<Json<PersonPage>, ApiError> {
    let auth = api.authed()?;
    let Page { items, next } = people::search_people(&api.ctx, &api.meta, auth, f.q.as_deref(), f.after, f.limit)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(PersonPage { items, next }))
}

#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "estate", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PersonRow), (status = 404, body = ErrorBody)))]
pub async fn person(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<PersonRow>, ApiError> {
    let auth = api.authed()?;
    people::person_detail(&api.ctx, &api.meta, auth, PersonId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct IdNumberInput {
    pub id_number: String,
    /// The person agreed to their ID number being stored; required.
    pub consent: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IdNumberPlain {
    pub id_number: String,
}

#[utoipa::path(put, path = "/api/v1/persons/{id}/id-number", tag = "estate", params(("id" = i64, Path)),
    request_body = IdNumberInput, security(("bearer" = [])),
    responses((status = 200, body = PersonRow), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_id_number(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<IdNumberInput>,
) -> Result<Json<PersonRow>, ApiError> {
    let auth = api.authed()?;
    people::set_id_number(&api.ctx, &api.meta, auth, PersonId(id), &b.id_number, b.consent)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// The full ID number; needs `people.reveal_id` and writes an audit row.
#[utoipa::path(post, path = "/api/v1/persons/{id}/id-number/reveal", tag = "estate", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = IdNumberPlain), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reveal_id_number(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<IdNumberPlain>, ApiError> {
    let auth = api.authed()?;
    people::reveal_id_number(&api.ctx, &api.meta, auth, PersonId(id))
        .await
        .map(|id_number| Json(IdNumberPlain { id_number }))
        .map_err(|e| api.err(e))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct EndOccupancy {
    /// Move-out date `YYYY-MM-DD`; today when absent.
    #[serde(default)]
    pub date: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/occupancies/{id}/end", tag = "estate", params(("id" = i64, Path)),
    request_body = EndOccupancy, security(("bearer" = [])),
    responses((status = 200, body = Occupant), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end_occupancy(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EndOccupancy>,
) -> Result<Json<Occupant>, ApiError> {
    let auth = api.authed()?;
    records::move_out(&api.ctx, &api.meta, auth, OccupancyId(id), b.date)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/units/{id}/vehicles", tag = "estate", params(("id" = i64, Path)),
    request_body = NewVehicle, security(("bearer" = [])),
    responses((status = 201, body = VehicleRow), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_vehicle(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(v): ApiJson<NewVehicle>,
) -> Result<(StatusCode, Json<VehicleRow>), ApiError> {
    let auth = api.authed()?;
    let row = people::add_vehicle(&api.ctx, &api.meta, auth, UnitId(id), v)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(delete, path = "/api/v1/vehicles/{id}", tag = "estate", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_vehicle(api: ApiCtx, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    let auth = api.authed()?;
    people::remove_vehicle(&api.ctx, &api.meta, auth, VehicleId(id))
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpacePage {
    pub items: Vec<SpaceRow>,
    pub next: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/parking-spaces", tag = "estate", params(SpaceFilter), security(("bearer" = [])),
    responses((status = 200, body = SpacePage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn spaces(api: ApiCtx, Query(f): Query<SpaceFilter>) -> Result<Json<SpacePage>, ApiError> {
    let auth = api.authed()?;
    let Page { items, next } = people::list_spaces(&api.ctx, &api.meta, auth, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(SpacePage { items, next }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpacesCreated {
    pub created: usize,
}

#[utoipa::path(post, path = "/api/v1/parking-spaces", tag = "estate", request_body = SpaceRun, security(("bearer" = [])),
    responses((status = 201, body = SpacesCreated), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_spaces(
    api: ApiCtx,
    ApiJson(run): ApiJson<SpaceRun>,
) -> Result<(StatusCode, Json<SpacesCreated>), ApiError> {
    let auth = api.authed()?;
    let created = people::create_spaces(&api.ctx, &api.meta, auth, run)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(SpacesCreated { created })))
}

#[utoipa::path(get, path = "/api/v1/me/bind-requests", tag = "estate", security(("bearer" = [])),
    responses((status = 200, body = [BindRequestRow]), (status = 401, body = ErrorBody)))]
pub async fn my_bind_requests(api: ApiCtx) -> Result<Json<Vec<BindRequestRow>>, ApiError> {
    let auth = api.authed()?;
    binding::my_requests(&api.ctx, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/me/bind-requests", tag = "estate", request_body = BindAsk, security(("bearer" = [])),
    responses((status = 201, body = BindRequestRow), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_bind(
    api: ApiCtx,
    ApiJson(ask): ApiJson<BindAsk>,
) -> Result<(StatusCode, Json<BindRequestRow>), ApiError> {
    let auth = api.authed()?;
    let r = binding::request_bind(&api.ctx, &api.meta, auth, ask)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BindQuery {
    /// Include decided requests (default: only pending ones).
    #[serde(default)]
    pub all: bool,
    pub after: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BindPage {
    pub items: Vec<BindRequestRow>,
    pub next: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/bind-requests", tag = "estate", params(BindQuery), security(("bearer" = [])),
    responses((status = 200, body = BindPage), (status = 403, body = ErrorBody)))]
pub async fn bind_requests(api: ApiCtx, Query(q): Query<BindQuery>) -> Result<Json<BindPage>, ApiError> {
    let auth = api.authed()?;
    let Page { items, next } = binding::list_requests(&api.ctx, &api.meta, auth, q.all, q.after)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(BindPage { items, next }))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub approve: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/bind-requests/{id}/decision", tag = "estate", params(("id" = i64, Path)),
    request_body = Decision, security(("bearer" = [])),
    responses((status = 200, body = BindRequestRow), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide_bind(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<Decision>,
) -> Result<Json<BindRequestRow>, ApiError> {
    let auth = api.authed()?;
    binding::decide(&api.ctx, &api.meta, auth, BindRequestId(id), d.approve, d.note)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewFamilyInvite {
    pub name: String,
    pub phone: String,
}

/// The household head (owner, co-owner or tenant) invites a family member; they join when
/// they accept from their own account.
#[utoipa::path(post, path = "/api/v1/me/homes/{unit_id}/family", tag = "estate", params(("unit_id" = i64, Path)),
    request_body = NewFamilyInvite, security(("bearer" = [])),
    responses((status = 201, body = super::model::FamilyInvite), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invite_family(
    api: ApiCtx,
    Path(unit_id): Path<i64>,
    ApiJson(f): ApiJson<NewFamilyInvite>,
) -> Result<(StatusCode, Json<super::model::FamilyInvite>), ApiError> {
    let auth = api.authed()?;
    let o = binding::invite_family(&api.ctx, &api.meta, auth, UnitId(unit_id), &f.name, &f.phone)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(o)))
}

/// Family invites waiting for the caller's answer.
#[utoipa::path(get, path = "/api/v1/me/family-invites", tag = "estate", security(("bearer" = [])),
    responses((status = 200, body = [super::model::FamilyInvite])))]
pub async fn my_family_invites(api: ApiCtx) -> Result<Json<Vec<super::model::FamilyInvite>>, ApiError> {
    let auth = api.authed()?;
    let v = binding::my_invites(&api.ctx, auth).await.map_err(|e| api.err(e))?;
    Ok(Json(v))
}

/// The invited person joins the home as family.
#[utoipa::path(post, path = "/api/v1/me/family-invites/{id}/accept", tag = "estate", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = super::model::FamilyInvite), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn accept_family_invite(
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<super::model::FamilyInvite>, ApiError> {
    let auth = api.authed()?;
    let v = binding::answer_invite(&api.ctx, &api.meta, auth, id, true)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(v))
}

/// The invited person declines.
#[utoipa::path(post, path = "/api/v1/me/family-invites/{id}/decline", tag = "estate", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = super::model::FamilyInvite), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline_family_invite(
    api: ApiCtx,
    Path(id): Path<i64>,
) -> Result<Json<super::model::FamilyInvite>, ApiError> {
    let auth = api.authed()?;
    let v = binding::answer_invite(&api.ctx, &api.meta, auth, id, false)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(v))
}

/// The household head withdraws a pending invite.
#[utoipa::path(delete, path = "/api/v1/me/family-invites/{id}", tag = "estate", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel_family_invite(api: ApiCtx, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    let auth = api.authed()?;
    binding::cancel_invite(&api.ctx, &api.meta, auth, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "estate", params(("id" = i64, Path)),
    request_body = UnitPatch, security(("bearer" = [])),
    responses((status = 200, body = UnitRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_unit(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<UnitPatch>,
) -> Result<Json<UnitRow>, ApiError> {
    let auth = api.authed()?;
    records::update_unit(&api.ctx, &api.meta, auth, UnitId(id), p)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "estate", request_body = NewOrg, security(("bearer" = [])),
    responses((status = 201, body = OrgNode), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_org(api: ApiCtx, ApiJson(new): ApiJson<NewOrg>) -> Result<(StatusCode, Json<OrgNode>), ApiError> {
    let auth = api.authed()?;
    let node = tree::add_org(&api.ctx, &api.meta, auth, new)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(node)))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct OrgRename {
    pub name: String,
}

#[utoipa::path(patch, path = "/api/v1/orgs/{id}", tag = "estate", params(("id" = i64, Path)), request_body = OrgRename,
    security(("bearer" = [])), responses((status = 200, body = OrgNode), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rename_org(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<OrgRename>,
) -> Result<Json<OrgNode>, ApiError> {
    let auth = api.authed()?;
    tree::rename_org(&api.ctx, &api.meta, auth, OrgId(id), &b.name)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/units/{id}/handovers", tag = "estate", params(("id" = i64, Path)),
    request_body = Inspection, security(("bearer" = [])),
    responses((status = 201, body = HandoverRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_handover(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(ins): ApiJson<Inspection>,
) -> Result<(StatusCode, Json<HandoverRow>), ApiError> {
    let auth = api.authed()?;
    let h = handover::record_handover(&api.ctx, &api.meta, auth, UnitId(id), ins)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(h)))
}

#[utoipa::path(get, path = "/api/v1/communities/{id}/handover-checklist", tag = "estate", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = [String]), (status = 403, body = ErrorBody)))]
pub async fn get_checklist(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<Vec<String>>, ApiError> {
    let auth = api.authed()?;
    handover::community_checklist(&api.ctx, &api.meta, auth, OrgId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ChecklistInput {
    pub items: Vec<String>,
}

#[utoipa::path(put, path = "/api/v1/communities/{id}/handover-checklist", tag = "estate", params(("id" = i64, Path)),
    request_body = ChecklistInput, security(("bearer" = [])),
    responses((status = 200, body = [String]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_checklist(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ChecklistInput>,
) -> Result<Json<Vec<String>>, ApiError> {
    let auth = api.authed()?;
    handover::set_checklist(&api.ctx, &api.meta, auth, OrgId(id), &b.items.join("\n"))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

fn yes() -> bool {
    true
}

/// Where and how to import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The community the records go into (needs `people.write` and `org.write` over it).
    pub community_id: i64,
    /// `true` (the default): check and count, write nothing.
    #[serde(default = "yes")]
    pub dry_run: bool,
    /// Confirms that the people whose ID numbers the file holds agreed to their storage;
    /// required when there are any.
    #[serde(default)]
    pub id_consent: bool,
}

/// A refused import: the report with every row's errors, or an `ErrorBody` when the file or
/// the query could not be read at all (documentation only: both are sent with 422).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ImportRejected {
    Report(ImportReport),
    Error(ErrorBody),
}

/// Imports units, owners, their relations, parking spaces and vehicles from an XLSX workbook
/// (the raw file is the body, at most 10 MB). A dry run answers 200 with what would be created
/// and every row-level error; a commit answers 201 when everything was written, or 422 with
/// the same report and nothing written. A file that is not a safe, readable workbook gets 422
/// (or 413 when too large) with an `ErrorBody`.
#[utoipa::path(post, path = "/api/v1/imports/records", tag = "estate", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        description = "The workbook (`application/octet-stream` is accepted too)"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ImportReport, description = "Dry run: counts and errors"),
        (status = 201, body = ImportReport, description = "Committed"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody, description = "Over 10 MB"),
        (status = 415, body = ErrorBody, description = "Not sent as a workbook"),
        (status = 422, body = ImportRejected, description = "Rows with errors, nothing written; or an ErrorBody for an unreadable file or a bad query"),
    ))]
pub async fn import_records(
    api: ApiCtx,
    q: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let bytes = match crate::web::xlsx_upload(&api, &headers, body).await {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let req = ImportRequest {
        community_id: OrgId(q.community_id),
        dry_run: q.dry_run,
        id_consent: q.id_consent,
    };
    let report = import::import_records(&api.ctx, &api.meta, auth, api.locale, req, bytes)
        .await
        .map_err(|e| api.err(e))?;
    let status = if report.committed {
        StatusCode::CREATED
    } else if q.dry_run {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

/// An empty import workbook: the five sheets' headers and one example row each.
#[utoipa::path(get, path = "/api/v1/imports/records/template.xlsx", tag = "estate", security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ErrorBody)))]
pub async fn import_template(api: ApiCtx) -> Result<Response, ApiError> {
    api.authed()?;
    let bytes = import::template().map_err(|e| api.err(e))?;
    Ok(xlsx_download(bytes, "records-template.xlsx"))
}

/// Every unit matching the filters of `/api/v1/units` (all pages, at most 100 000) as a
/// workbook in the import's 房屋 layout; formula-like text is neutralised.
#[utoipa::path(get, path = "/api/v1/units/export.xlsx", tag = "estate", params(UnitFilter), security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export_units(api: ApiCtx, q: Result<Query<UnitFilter>, QueryRejection>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let f = query(&api, q)?;
    let bytes = import::export_units(&api.ctx, &api.meta, auth, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(xlsx_download(bytes, "units.xlsx"))
}

#[utoipa::path(get, path = "/api/v1/persons/export.xlsx", tag = "estate", params(PersonQuery), security(("bearer" = [])),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody)))]
pub async fn export_people(api: ApiCtx, q: Result<Query<PersonQuery>, QueryRejection>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let f = query(&api, q)?;
    let bytes = people::export_people(&api.ctx, &api.meta, auth, f.q.as_deref())
        .await
        .map_err(|e| api.err(e))?;
    Ok(xlsx_download(bytes, "people.xlsx"))
}

#[utoipa::path(get, path = "/api/v1/parking-spaces/export.xlsx", tag = "estate", params(SpaceFilter), security(("bearer" = [])),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody)))]
pub async fn export_spaces(api: ApiCtx, q: Result<Query<SpaceFilter>, QueryRejection>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let f = query(&api, q)?;
    let bytes = people::export_spaces(&api.ctx, &api.meta, auth, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(xlsx_download(bytes, "parking.xlsx"))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VehiclePage {
    pub items: Vec<VehicleRow>,
    pub next: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/vehicles", tag = "estate", params(VehicleFilter), security(("bearer" = [])),
    responses((status = 200, body = VehiclePage), (status = 403, body = ErrorBody)))]
pub async fn vehicles(api: ApiCtx, Query(f): Query<VehicleFilter>) -> Result<Json<VehiclePage>, ApiError> {
    let auth = api.authed()?;
    let Page { items, next } = people::list_vehicles(&api.ctx, &api.meta, auth, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(VehiclePage { items, next }))
}

#[utoipa::path(patch, path = "/api/v1/vehicles/{id}", tag = "estate", params(("id" = i64, Path)), request_body = VehiclePatch,
    security(("bearer" = [])), responses((status = 200, body = VehicleRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_vehicle(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<VehiclePatch>,
) -> Result<Json<VehicleRow>, ApiError> {
    let auth = api.authed()?;
    people::update_vehicle(&api.ctx, &api.meta, auth, VehicleId(id), p)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct PersonPatch {
    pub name: String,
}

#[utoipa::path(patch, path = "/api/v1/persons/{id}", tag = "estate", params(("id" = i64, Path)), request_body = PersonPatch,
    security(("bearer" = [])), responses((status = 200, body = PersonRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rename_person(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<PersonPatch>,
) -> Result<Json<PersonRow>, ApiError> {
    let auth = api.authed()?;
    people::rename_person(&api.ctx, &api.meta, auth, PersonId(id), &p.name)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BuildingPage {
    pub items: Vec<records::BuildingRow>,
    pub next: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/buildings", tag = "estate", params(records::BuildingFilter), security(("bearer" = [])),
    responses((status = 200, body = BuildingPage), (status = 403, body = ErrorBody)))]
pub async fn buildings(api: ApiCtx, Query(f): Query<records::BuildingFilter>) -> Result<Json<BuildingPage>, ApiError> {
    let auth = api.authed()?;
    let Page { items, next } = records::list_buildings(&api.ctx, &api.meta, auth, &f)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(BuildingPage { items, next }))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct BuildingRename {
    pub name: String,
}

#[utoipa::path(patch, path = "/api/v1/buildings/{id}", tag = "estate", params(("id" = i64, Path)), request_body = BuildingRename,
    security(("bearer" = [])), responses((status = 200, body = records::BuildingRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rename_building(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<BuildingRename>,
) -> Result<Json<records::BuildingRow>, ApiError> {
    let auth = api.authed()?;
    records::rename_building(&api.ctx, &api.meta, auth, crate::shared::ids::BuildingId(id), &b.name)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(patch, path = "/api/v1/parking-spaces/{id}", tag = "estate", params(("id" = i64, Path)), request_body = people::SpacePatch,
    security(("bearer" = [])), responses((status = 200, body = SpaceRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_space(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<people::SpacePatch>,
) -> Result<Json<SpaceRow>, ApiError> {
    let auth = api.authed()?;
    people::update_space(&api.ctx, &api.meta, auth, crate::shared::ids::SpaceId(id), p)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/units", get(units))
        .route("/units/{id}", get(unit).patch(update_unit))
        .route("/orgs", post(add_org))
        .route("/units/{id}/handovers", post(record_handover))
        .route(
            "/communities/{id}/handover-checklist",
            get(get_checklist).put(put_checklist),
        )
        .route("/orgs/{id}", patch(rename_org))
        .route("/units/export.xlsx", get(export_units))
        .route("/persons/export.xlsx", get(export_people))
        .route("/parking-spaces/export.xlsx", get(export_spaces))
        .route("/imports/records", post(import_records))
        .route("/imports/records/template.xlsx", get(import_template))
        .route("/units/{id}/occupants", post(add_occupant))
        .route("/buildings", get(buildings).post(create_building))
        .route("/vehicles", get(vehicles))
        .route("/buildings/{id}", patch(rename_building))
        .route("/parking-spaces/{id}", patch(update_space))
        .route("/me/homes", get(my_homes))
        .route("/me/current-home", get(my_current_home).put(choose_home))
        .route("/persons", get(persons))
        .route("/persons/{id}", get(person).patch(rename_person))
        .route("/persons/{id}/id-number", put(set_id_number))
        .route("/persons/{id}/id-number/reveal", post(reveal_id_number))
        .route("/occupancies/{id}/end", post(end_occupancy))
        .route("/units/{id}/vehicles", post(add_vehicle))
        .route("/vehicles/{id}", delete(remove_vehicle).patch(update_vehicle))
        .route("/parking-spaces", get(spaces).post(create_spaces))
        .route("/me/bind-requests", get(my_bind_requests).post(request_bind))
        .route("/bind-requests", get(bind_requests))
        .route("/bind-requests/{id}/decision", post(decide_bind))
        .route("/me/homes/{unit_id}/family", post(invite_family))
        .route("/me/family-invites", get(my_family_invites))
        .route("/me/family-invites/{id}", delete(cancel_family_invite))
        .route("/me/family-invites/{id}/accept", post(accept_family_invite))
        .route("/me/family-invites/{id}/decline", post(decline_family_invite))
}
