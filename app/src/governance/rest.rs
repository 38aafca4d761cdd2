//! `/api/v1` routes of owners' governance. Same services as the pages, same scope: a committee
//! member sees their community's meetings, a resident those of their community from the
//! notice on, nobody anything else.
use super::model::*;
use super::{ballots, corrections, meetings, proxies, register, roster, rules};
use crate::db::AppCtx;
use crate::shared::ids::{MeetingId, OrgId};
use crate::web::{query, ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

#[utoipa::path(get, path = "/api/v1/communities/{id}/voter-register", tag = "governance", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = RegisterPreview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// The community's voter register as it would be frozen today (Civil Code art. 278): persons,
/// areas in hundredths of a square metre, and the units whose records keep it from being exact.
pub async fn voter_register(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<RegisterPreview>, ApiError> {
    let auth = api.authed()?;
    register::preview(&api.ctx, &api.meta, auth, OrgId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/communities/{id}/voter-register.xlsx", tag = "governance", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// The voter register as a workbook for the city e-vote platforms: per unit its number,
/// exclusive area and source, person key, masked owners and phones; and the totals.
pub async fn voter_register_xlsx(api: ApiCtx, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let bytes = register::export(&api.ctx, &api.meta, auth, OrgId(id))
        .await
        .map_err(|e| api.err(e))?;
    Ok(crate::web::xlsx_download(bytes, "voter-register.xlsx"))
}

#[utoipa::path(get, path = "/api/v1/votes", tag = "governance", security(("bearer" = [])),
    responses((status = 200, body = Vec<MeetingRow>)))]
/// Owners' assembly meetings the caller may see, newest first.
pub async fn votes_list(api: ApiCtx) -> Result<Json<Vec<MeetingRow>>, ApiError> {
    let auth = api.authed()?;
    meetings::list(&api.ctx, auth).await.map(Json).map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/votes", tag = "governance", request_body = NewMeeting, security(("bearer" = [])),
    responses((status = 201, body = Meeting), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Drafts a meeting (the community's owners' committee only).
pub async fn votes_create(
    api: ApiCtx,
    ApiJson(new): ApiJson<NewMeeting>,
) -> Result<(StatusCode, Json<Meeting>), ApiError> {
    let auth = api.authed()?;
    let m = meetings::create(&api.ctx, &api.meta, auth, new)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(m)))
}

#[utoipa::path(get, path = "/api/v1/votes/{id}", tag = "governance", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MyMeeting), (status = 404, body = ErrorBody)))]
/// A meeting with its items, turnout and result, and the caller's own voters and ballots.
pub async fn votes_get(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<MyMeeting>, ApiError> {
    let auth = api.authed()?;
    meetings::mine(&api.ctx, auth, MeetingId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/items", tag = "governance", params(("id" = i64, Path)), request_body = NewMeetingItem,
    security(("bearer" = [])),
    responses((status = 201, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Adds an item (a matter or an election) to a draft meeting.
pub async fn items_add(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(new): ApiJson<NewMeetingItem>,
) -> Result<(StatusCode, Json<Meeting>), ApiError> {
    let auth = api.authed()?;
    let m = meetings::add_item(&api.ctx, &api.meta, auth, MeetingId(id), new)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(m)))
}

#[utoipa::path(delete, path = "/api/v1/votes/{id}/items/{item}", tag = "governance",
    params(("id" = i64, Path), ("item" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
/// Removes an item from a draft meeting.
pub async fn items_remove(api: ApiCtx, Path((id, item)): Path<(i64, i64)>) -> Result<Json<Meeting>, ApiError> {
    let auth = api.authed()?;
    meetings::remove_item(&api.ctx, &api.meta, auth, MeetingId(id), item)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// The next step of a meeting.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActionInput {
    pub action: MeetingAction,
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/actions", tag = "governance", params(("id" = i64, Path)),
    request_body = ActionInput, security(("bearer" = [])),
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Gives notice, opens the vote (freezing the register), closes it after the announced close,
/// or publishes the result (the community's owners' committee only).
pub async fn votes_act(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<ActionInput>,
) -> Result<Json<Meeting>, ApiError> {
    let auth = api.authed()?;
    meetings::act(&api.ctx, &api.meta, auth, MeetingId(id), i.action)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// A ballot: for register voter `voter` (see `voters` of `GET /votes/{id}`), one answer per
/// item in order: `"agree"`, `"oppose"`, `"abstain"`, a list of candidate indexes, or `null`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BallotInput {
    pub voter: i32,
    #[schema(value_type = Vec<Option<Vote>>)]
    pub answers: Ballot,
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/ballots", tag = "governance", params(("id" = i64, Path)),
    request_body = BallotInput, security(("bearer" = [])),
    responses((status = 200, body = MyVoter), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Casts (or, where the meeting allows it, replaces) a ballot; the answer carries the receipt.
pub async fn ballots_cast(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<BallotInput>,
) -> Result<Json<MyVoter>, ApiError> {
    let auth = api.authed()?;
    ballots::cast(&api.ctx, &api.meta, auth, MeetingId(id), b.voter, b.answers)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/ballots", tag = "governance", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = BallotLog), (status = 404, body = ErrorBody)))]
/// The hash-chained ballot log, for re-walking and re-tallying (the committee from the opening
/// on, residents once published; voters as tokens unless the meeting is 实名).
pub async fn ballots_log(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<BallotLog>, ApiError> {
    let auth = api.authed()?;
    ballots::log(&api.ctx, auth, MeetingId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/result", tag = "governance", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MeetingResult), (status = 404, body = ErrorBody)))]
/// The published result: exact figures per item (areas in hundredths of m², persons), quorum,
/// verdict and the rule applied, with the log head it was tallied from.
pub async fn votes_result(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<MeetingResult>, ApiError> {
    let auth = api.authed()?;
    ballots::result(&api.ctx, auth, MeetingId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VoterQuery {
    /// Part of a unit number (`3-1-2`); empty for the register's first voters.
    #[serde(default)]
    pub q: String,
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/voters", tag = "governance", params(("id" = i64, Path), VoterQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<RegisterVoter>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
/// Voters of the meeting's frozen register whose units contain `q` (at most 20), with the
/// ballots they hold (the community's owners' committee, from the opening on).
pub async fn voters_find(
    api: ApiCtx,
    Path(id): Path<i64>,
    q: Result<Query<VoterQuery>, QueryRejection>,
) -> Result<Json<Vec<RegisterVoter>>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    ballots::find_voters(&api.ctx, &api.meta, auth, MeetingId(id), &q.q)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// A paper ballot (书面表决票) as the committee enters it: the register voter, their answers
/// as on [`BallotInput`], and the scan, a photo uploaded through `POST /api/v1/files/photos`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaperBallotInput {
    pub voter: i32,
    #[schema(value_type = Vec<Option<Vote>>)]
    pub answers: Ballot,
    pub scan: i64,
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/paper-ballots", tag = "governance", params(("id" = i64, Path)),
    request_body = PaperBallotInput, security(("bearer" = [])),
    responses((status = 201, body = RegisterVoter), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Enters a paper ballot from its scan (the committee, from the opening until publication). A
/// voter who also voted online keeps both until the committee settles the conflict.
pub async fn paper_enter(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PaperBallotInput>,
) -> Result<(StatusCode, Json<RegisterVoter>), ApiError> {
    let auth = api.authed()?;
    let v = ballots::enter_paper(&api.ctx, &api.meta, auth, MeetingId(id), b.voter, b.answers, b.scan)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/conflicts", tag = "governance", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<BallotConflict>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Voters holding both a paper and an online ballot; the result cannot be published until the
/// committee has settled each.
pub async fn conflicts_list(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<Vec<BallotConflict>>, ApiError> {
    let auth = api.authed()?;
    ballots::conflicts(&api.ctx, &api.meta, auth, MeetingId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// Which of a voter's two ballots stands.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResolveInput {
    pub keep: BallotSource,
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/conflicts/{voter}", tag = "governance",
    params(("id" = i64, Path), ("voter" = i32, Path)), request_body = ResolveInput, security(("bearer" = [])),
    responses((status = 200, body = Vec<BallotConflict>, description = "The conflicts left"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Settles a voter's conflict: the ballot from `keep` stands, the other no longer counts (one
/// `resolve` row in the log).
pub async fn conflicts_resolve(
    api: ApiCtx,
    Path((id, voter)): Path<(i64, i32)>,
    ApiJson(i): ApiJson<ResolveInput>,
) -> Result<Json<Vec<BallotConflict>>, ApiError> {
    let auth = api.authed()?;
    ballots::resolve(&api.ctx, &api.meta, auth, MeetingId(id), voter, i.keep)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScanQuery {
    /// The 320 px thumbnail instead of the full scan.
    #[serde(default)]
    pub thumb: bool,
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/scans/{file}", tag = "governance",
    params(("id" = i64, Path), ("file" = i64, Path), ScanQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
/// A scanned paper ballot of the meeting (its committee only).
pub async fn scan_get(
    api: ApiCtx,
    Path((id, file)): Path<(i64, i64)>,
    q: Result<Query<ScanQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    ballots::scan(&api.ctx, &api.meta, auth, MeetingId(id), file, q.thumb)
        .await
        .map(crate::files::rest::photo_response)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/communities/{id}/assembly-rules", tag = "governance", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = AssemblyRules), (status = 403, body = ErrorBody)))]
/// The community's rules for its owners' assemblies (its owners' committee only).
pub async fn rules_get(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<AssemblyRules>, ApiError> {
    let auth = api.authed()?;
    rules::get(&api.ctx, &api.meta, auth, OrgId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(put, path = "/api/v1/communities/{id}/assembly-rules", tag = "governance", params(("id" = i64, Path)),
    request_body = AssemblyRules, security(("bearer" = [])),
    responses((status = 200, body = AssemblyRules), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Sets the notice period (15 to 60 days), the reminder (0 to 14 days before the close) and how
/// many owners one proxy may vote for (1 to 20) for meetings drafted from now on, and whether
/// staff holding `people.write` may run the meetings' procedure (its owners' committee only).
pub async fn rules_put(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<AssemblyRules>,
) -> Result<Json<AssemblyRules>, ApiError> {
    let auth = api.authed()?;
    let r = AssemblyRules {
        community: OrgId(id),
        ..r
    };
    rules::save(&api.ctx, &api.meta, auth, r)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/communities/{id}/committee", tag = "governance", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Roster), (status = 404, body = ErrorBody, description = "No roster kept, or not the caller's community")))]
/// The owners' committee's roster: term, filing (备案) and its documents, members with their
/// positions. For those living in the community, its committee and its staff.
pub async fn roster_get(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<Roster>, ApiError> {
    let auth = api.authed()?;
    roster::get(&api.ctx, &api.meta, auth, OrgId(id))
        .await
        .and_then(|r| r.ok_or(crate::shared::error::AppError::NotFound))
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(put, path = "/api/v1/communities/{id}/committee", tag = "governance", params(("id" = i64, Path)),
    request_body = NewRoster, security(("bearer" = [])),
    responses((status = 200, body = Roster), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Replaces the roster (the committee only): `term_start`, `term_end` (at most five years),
/// `filed_on` with `filed_with` (or neither), `members` (1 to 21, at most one `chair`), and
/// filing documents to add (ids from `POST /api/v1/files/documents`; five in all).
pub async fn roster_put(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<NewRoster>,
) -> Result<Json<Roster>, ApiError> {
    let auth = api.authed()?;
    let r = NewRoster {
        community: OrgId(id),
        ..r
    };
    roster::save(&api.ctx, &api.meta, auth, r)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/communities/{id}/committee/documents/{file}", tag = "governance",
    params(("id" = i64, Path), ("file" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
/// Downloads a filing document of the roster.
pub async fn roster_document(api: ApiCtx, Path((id, file)): Path<(i64, i64)>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let (doc, bytes) = roster::document(&api.ctx, &api.meta, auth, OrgId(id), file)
        .await
        .map_err(|e| api.err(e))?;
    Ok(crate::files::rest::document_response(&doc, bytes))
}

#[utoipa::path(delete, path = "/api/v1/communities/{id}/committee/documents/{file}", tag = "governance",
    params(("id" = i64, Path), ("file" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Roster), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Takes a filing document off the roster (the committee only).
pub async fn roster_document_remove(api: ApiCtx, Path((id, file)): Path<(i64, i64)>) -> Result<Json<Roster>, ApiError> {
    let auth = api.authed()?;
    roster::remove_document(&api.ctx, &api.meta, auth, OrgId(id), file)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/proxies", tag = "governance", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Proxy>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Every proxy (委托投票) of the meeting, pending first, with how many each proxy holds (the
/// committee only). Owners see their own voters' proxies on `GET /api/v1/votes/{id}`.
pub async fn proxies_list(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<Vec<Proxy>>, ApiError> {
    let auth = api.authed()?;
    proxies::list(&api.ctx, &api.meta, auth, MeetingId(id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/proxies", tag = "governance", params(("id" = i64, Path)),
    request_body = NewProxy, security(("bearer" = [])),
    responses((status = 201, body = Proxy), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Names a proxy for one of the caller's register voters while voting is open: the proxy's
/// name, their mobile number (they vote signed in with it), and the photo of the signed
/// authorization (uploaded through `POST /api/v1/files/photos`). The committee then accepts
/// or rejects it.
pub async fn proxies_request(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<NewProxy>,
) -> Result<(StatusCode, Json<Proxy>), ApiError> {
    let auth = api.authed()?;
    let p = proxies::request(&api.ctx, &api.meta, auth, MeetingId(id), p)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(p)))
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/proxies/{proxy}/decision", tag = "governance",
    params(("id" = i64, Path), ("proxy" = i64, Path)), request_body = ProxyDecision, security(("bearer" = [])),
    responses((status = 200, body = Proxy), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Accepts or rejects (with a reason) a pending proxy (the committee, while voting is open). An
/// acceptance is a `proxy` row of the ballot log; a proxy holds at most the meeting's
/// `proxy_max`.
pub async fn proxies_decide(
    api: ApiCtx,
    Path((id, proxy)): Path<(i64, i64)>,
    ApiJson(d): ApiJson<ProxyDecision>,
) -> Result<Json<Proxy>, ApiError> {
    let auth = api.authed()?;
    proxies::decide(&api.ctx, &api.meta, auth, MeetingId(id), proxy, d)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(delete, path = "/api/v1/votes/{id}/proxies/{proxy}", tag = "governance",
    params(("id" = i64, Path), ("proxy" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Proxy), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Withdraws a proxy (an owner of its voter, until the close); an accepted one leaves a
/// `revoke` row in the log.
pub async fn proxies_withdraw(api: ApiCtx, Path((id, proxy)): Path<(i64, i64)>) -> Result<Json<Proxy>, ApiError> {
    let auth = api.authed()?;
    proxies::withdraw(&api.ctx, &api.meta, auth, MeetingId(id), proxy)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/proxies/{proxy}/authorization", tag = "governance",
    params(("id" = i64, Path), ("proxy" = i64, Path), ScanQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
/// The photo of a proxy's signed authorization (the committee and the voter's owners).
pub async fn proxies_authorization(
    api: ApiCtx,
    Path((id, proxy)): Path<(i64, i64)>,
    q: Result<Query<ScanQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    proxies::authorization(&api.ctx, auth, MeetingId(id), proxy, q.thumb)
        .await
        .map(crate::files::rest::photo_response)
        .map_err(|e| api.err(e))
}

/// Why one register voter is re-read from the estate records.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CorrectionInput {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/register/{voter}/correction", tag = "governance",
    params(("id" = i64, Path), ("voter" = i32, Path)), request_body = CorrectionInput, security(("bearer" = [])),
    responses((status = 201, body = RegisterFix), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Corrects the frozen register before the close (the committee): the voter's units are re-read
/// from today's estate records (area, and owners while the voter holds no ballot or proxy).
/// Audited, a `correct` row of the log, and listed on the meeting as `corrections`.
pub async fn register_correct(
    api: ApiCtx,
    Path((id, voter)): Path<(i64, i32)>,
    ApiJson(i): ApiJson<CorrectionInput>,
) -> Result<(StatusCode, Json<RegisterFix>), ApiError> {
    let auth = api.authed()?;
    let f = corrections::correct(&api.ctx, &api.meta, auth, MeetingId(id), voter, &i.reason)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(f)))
}

/// Documents to attach to a draft meeting's notice.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentsInput {
    /// Ids from `POST /api/v1/files/documents` (PDF).
    pub documents: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/votes/{id}/documents", tag = "governance", params(("id" = i64, Path)),
    request_body = DocumentsInput, security(("bearer" = [])),
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Attaches PDFs to a draft meeting's notice (its committee, or staff it lets assist); ten in
/// all. The owners read them with the notice.
pub async fn documents_add(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(i): ApiJson<DocumentsInput>,
) -> Result<Json<Meeting>, ApiError> {
    let auth = api.authed()?;
    meetings::add_documents(&api.ctx, &api.meta, auth, MeetingId(id), &i.documents)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/votes/{id}/documents/{file}", tag = "governance",
    params(("id" = i64, Path), ("file" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
/// Downloads a document of the meeting's notice (everyone who sees the meeting).
pub async fn documents_get(api: ApiCtx, Path((id, file)): Path<(i64, i64)>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let (doc, bytes) = meetings::document(&api.ctx, auth, MeetingId(id), file)
        .await
        .map_err(|e| api.err(e))?;
    Ok(crate::files::rest::document_response(&doc, bytes))
}

#[utoipa::path(delete, path = "/api/v1/votes/{id}/documents/{file}", tag = "governance",
    params(("id" = i64, Path), ("file" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
/// Takes a document off a draft meeting's notice.
pub async fn documents_remove(api: ApiCtx, Path((id, file)): Path<(i64, i64)>) -> Result<Json<Meeting>, ApiError> {
    let auth = api.authed()?;
    meetings::remove_document(&api.ctx, &api.meta, auth, MeetingId(id), file)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/communities/{id}/voter-register", get(voter_register))
        .route("/communities/{id}/voter-register.xlsx", get(voter_register_xlsx))
        .route("/communities/{id}/assembly-rules", get(rules_get).put(rules_put))
        .route("/communities/{id}/committee", get(roster_get).put(roster_put))
        .route(
            "/communities/{id}/committee/documents/{file}",
            get(roster_document).delete(roster_document_remove),
        )
        .route("/votes", get(votes_list).post(votes_create))
        .route("/votes/{id}", get(votes_get))
        .route("/votes/{id}/items", post(items_add))
        .route("/votes/{id}/items/{item}", delete(items_remove))
        .route("/votes/{id}/actions", post(votes_act))
        .route("/votes/{id}/ballots", get(ballots_log).post(ballots_cast))
        .route("/votes/{id}/result", get(votes_result))
        .route("/votes/{id}/voters", get(voters_find))
        .route("/votes/{id}/paper-ballots", post(paper_enter))
        .route("/votes/{id}/conflicts", get(conflicts_list))
        .route("/votes/{id}/conflicts/{voter}", post(conflicts_resolve))
        .route("/votes/{id}/scans/{file}", get(scan_get))
        .route("/votes/{id}/proxies", get(proxies_list).post(proxies_request))
        .route("/votes/{id}/proxies/{proxy}", delete(proxies_withdraw))
        .route("/votes/{id}/proxies/{proxy}/decision", post(proxies_decide))
        .route("/votes/{id}/proxies/{proxy}/authorization", get(proxies_authorization))
        .route("/votes/{id}/register/{voter}/correction", post(register_correct))
        .route("/votes/{id}/documents", post(documents_add))
        .route(
            "/votes/{id}/documents/{file}",
            get(documents_get).delete(documents_remove),
        )
}
