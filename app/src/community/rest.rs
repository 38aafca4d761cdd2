//! `/api/v1` routes of the community area. Same services as the pages, same scope: staff with
//! `notices.publish` see their org subtree's notices and surveys, a resident only those that
//! reached them.
use super::model::*;
use super::{events, groups, notices, surveys};
use crate::db::AppCtx;
use crate::web::{query, ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;

#[utoipa::path(get, path = "/api/v1/notices", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = Vec<NoticeSummary>), (status = 403, body = ErrorBody)))]
/// Notices of the communities in the caller's scope, newest first (at most 100), with how many
/// households each reached and how many of them read it.
pub async fn notices_list(api: ApiCtx) -> Result<Json<Vec<NoticeSummary>>, ApiError> {
    let auth = api.authed()?;
    notices::list(&api.ctx, &api.meta, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/notices", tag = "community", request_body = NewNotice, security(("bearer" = [])),
    responses((status = 201, body = NoticeSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Writes a notice to a community, some of its buildings or units, and its owners, tenants or
/// everyone; it goes out now or at `publish_at` (an emergency one pushed to everyone targeted).
pub async fn notices_create(
    api: ApiCtx,
    ApiJson(n): ApiJson<NewNotice>,
) -> Result<(StatusCode, Json<NoticeSummary>), ApiError> {
    let auth = api.authed()?;
    let row = notices::create(&api.ctx, &api.meta, auth, n)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "community", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = NoticeDetail), (status = 404, body = ErrorBody)))]
/// One notice with its read count and the households that have not read it.
pub async fn notices_get(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<NoticeDetail>, ApiError> {
    let auth = api.authed()?;
    notices::detail(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/notices/{id}/receipts.xlsx", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
/// Every household's receipt of a notice: unit, read or not, when.
pub async fn receipts_xlsx(api: ApiCtx, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let bytes = notices::export(&api.ctx, &api.meta, auth, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(crate::web::xlsx_download(bytes, "notice-receipts.xlsx"))
}

#[utoipa::path(post, path = "/api/v1/notices/{id}/reminders", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = NoticeDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Pushes the notice once more, only to the households that have not read it (at most once an
/// hour).
pub async fn notices_remind(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<NoticeDetail>, ApiError> {
    let auth = api.authed()?;
    notices::remind(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/notices/{id}/withdrawal", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = NoticeDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Takes a notice back: residents no longer see it, and a scheduled one never goes out.
pub async fn notices_withdraw(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<NoticeDetail>, ApiError> {
    let auth = api.authed()?;
    notices::withdraw(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    /// One category's code (`notice`, `publicity`, `outage`, `activity`, `tip`); absent: all.
    pub category: Option<NoticeCategory>,
}

#[utoipa::path(get, path = "/api/v1/me/notices", tag = "community", params(CategoryQuery), security(("bearer" = [])),
    responses((status = 200, body = MyNotices), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// The notices that reached the caller's homes and are not archived: emergencies, pinned, then
/// unread, newest first.
pub async fn my_notices(
    api: ApiCtx,
    q: Result<Query<CategoryQuery>, QueryRejection>,
) -> Result<Json<MyNotices>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    notices::mine(&api.ctx, auth, q.category)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/me/notices/{id}", tag = "community", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MyNotice), (status = 404, body = ErrorBody)))]
/// A notice that reached the caller; reading it marks it read for their household.
pub async fn my_notice(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<MyNotice>, ApiError> {
    let auth = api.authed()?;
    notices::open(&api.ctx, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

/// Which size of a photo.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThumbQuery {
    /// The 320 px thumbnail instead of the full photo.
    #[serde(default)]
    pub thumb: bool,
}

#[utoipa::path(get, path = "/api/v1/notices/{id}/documents/{file}", tag = "community",
    params(("id" = i64, Path), ("file" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
/// A notice's PDF, for a household it reached and for staff whose scope holds it.
pub async fn notices_document(api: ApiCtx, Path((id, file)): Path<(i64, i64)>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let (doc, bytes) = notices::document(&api.ctx, &api.meta, auth, id, file)
        .await
        .map_err(|e| api.err(e))?;
    Ok(crate::files::rest::document_response(&doc, bytes))
}

#[utoipa::path(get, path = "/api/v1/notices/{id}/photos/{file}", tag = "community",
    params(("id" = i64, Path), ("file" = i64, Path), ThumbQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
/// A notice's photo, for a household it reached and for staff whose scope holds it.
pub async fn notices_photo(
    api: ApiCtx,
    Path((id, file)): Path<(i64, i64)>,
    q: Result<Query<ThumbQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let bytes = notices::photo(&api.ctx, &api.meta, auth, id, file, q.thumb)
        .await
        .map_err(|e| api.err(e))?;
    Ok(crate::files::rest::photo_response(bytes))
}

#[utoipa::path(get, path = "/api/v1/surveys", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = Vec<SurveySummary>), (status = 403, body = ErrorBody)))]
/// Surveys of the communities in the caller's scope, newest first (at most 100), with how many
/// households each reached and how many answered.
pub async fn surveys_list(api: ApiCtx) -> Result<Json<Vec<SurveySummary>>, ApiError> {
    let auth = api.authed()?;
    surveys::list(&api.ctx, &api.meta, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/surveys", tag = "community", request_body = NewSurvey, security(("bearer" = [])),
    responses((status = 201, body = SurveySummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Puts a survey to a community, some of its buildings or units, and its owners, tenants or
/// everyone, open from `opens_at` (or now) to `closes_at`.
pub async fn surveys_create(
    api: ApiCtx,
    ApiJson(n): ApiJson<NewSurvey>,
) -> Result<(StatusCode, Json<SurveySummary>), ApiError> {
    let auth = api.authed()?;
    let row = surveys::create(&api.ctx, &api.meta, auth, n)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/surveys/{id}/results", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = SurveyResults), (status = 404, body = ErrorBody)))]
/// A survey's live results: per question the answers, counts per option or star, the star
/// average and the newest text answers (with who wrote them on a named survey, for staff who may
/// read people).
pub async fn surveys_results(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<SurveyResults>, ApiError> {
    let auth = api.authed()?;
    surveys::results(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/surveys/{id}/results.xlsx", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
/// A survey's results and every answer as a workbook.
pub async fn surveys_xlsx(api: ApiCtx, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let bytes = surveys::export(&api.ctx, &api.meta, auth, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(crate::web::xlsx_download(bytes, "survey-results.xlsx"))
}

#[utoipa::path(post, path = "/api/v1/surveys/{id}/closing", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SurveyResults), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Closes an open survey now.
pub async fn surveys_close(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<SurveyResults>, ApiError> {
    let auth = api.authed()?;
    surveys::close(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/surveys/{id}/withdrawal", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SurveyResults), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Takes a survey back: residents no longer see it; its answers stay on record.
pub async fn surveys_withdraw(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<SurveyResults>, ApiError> {
    let auth = api.authed()?;
    surveys::withdraw(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/me/surveys", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = Vec<MySurveyRow>), (status = 401, body = ErrorBody)))]
/// The surveys that reached the caller's homes: open ones first, closing soonest first.
pub async fn my_surveys(api: ApiCtx) -> Result<Json<Vec<MySurveyRow>>, ApiError> {
    let auth = api.authed()?;
    surveys::mine(&api.ctx, auth).await.map(Json).map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/me/surveys/{id}", tag = "community", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MySurvey), (status = 404, body = ErrorBody)))]
/// A survey that reached the caller, with their answers so far.
pub async fn my_survey(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<MySurvey>, ApiError> {
    let auth = api.authed()?;
    surveys::open(&api.ctx, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(put, path = "/api/v1/me/surveys/{id}/answers", tag = "community", params(("id" = i64, Path)),
    request_body = SurveyAnswers, security(("bearer" = [])),
    responses((status = 200, body = MySurvey), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Answers a survey (for one of the caller's homes it reached), or replaces the answer when the
/// survey allows; a closed survey, or a second answer where answers are final, is refused.
pub async fn my_survey_answer(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<SurveyAnswers>,
) -> Result<Json<MySurvey>, ApiError> {
    let auth = api.authed()?;
    surveys::answer(&api.ctx, auth, id, a.unit_id, |_| a.answers)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/events", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = Vec<EventSummary>), (status = 403, body = ErrorBody)))]
/// Events of the communities in the caller's scope, newest first (at most 100), with seats
/// taken and households confirmed, waiting and checked in.
pub async fn events_list(api: ApiCtx) -> Result<Json<Vec<EventSummary>>, ApiError> {
    let auth = api.authed()?;
    events::list(&api.ctx, &api.meta, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/events", tag = "community", request_body = NewEvent, security(("bearer" = [])),
    responses((status = 201, body = EventSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Puts on an event for a community, some of its buildings or units, and its owners, tenants or
/// everyone; it is published at `publish_at` (or now) and reminded the day before.
pub async fn events_create(
    api: ApiCtx,
    ApiJson(n): ApiJson<NewEvent>,
) -> Result<(StatusCode, Json<EventSummary>), ApiError> {
    let auth = api.authed()?;
    let row = events::create(&api.ctx, &api.meta, auth, n)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "community", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = EventDetail), (status = 404, body = ErrorBody)))]
/// One event with its sign-ups: confirmed households, then the line in order.
pub async fn events_get(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<EventDetail>, ApiError> {
    let auth = api.authed()?;
    events::detail(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/events/{id}/signups/{signup}/check-in", tag = "community",
    params(("id" = i64, Path), ("signup" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = EventDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Marks a household with confirmed seats as arrived (once).
pub async fn events_check_in(api: ApiCtx, Path((id, signup)): Path<(i64, i64)>) -> Result<Json<EventDetail>, ApiError> {
    let auth = api.authed()?;
    events::check_in(&api.ctx, &api.meta, auth, id, signup)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/events/{id}/photos", tag = "community", params(("id" = i64, Path)),
    request_body = EventPhotos, security(("bearer" = [])),
    responses((status = 200, body = EventDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Adds photos taken at an event that has begun; everyone it reached sees them.
pub async fn events_photos_add(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<EventPhotos>,
) -> Result<Json<EventDetail>, ApiError> {
    let auth = api.authed()?;
    events::add_photos(&api.ctx, &api.meta, auth, id, &p.photos)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/events/{id}/photos/{file}", tag = "community",
    params(("id" = i64, Path), ("file" = i64, Path), ThumbQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
/// An event's photo, for a household it reached and for staff whose scope holds it.
pub async fn events_photo(
    api: ApiCtx,
    Path((id, file)): Path<(i64, i64)>,
    q: Result<Query<ThumbQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let bytes = events::photo(&api.ctx, &api.meta, auth, id, file, q.thumb)
        .await
        .map_err(|e| api.err(e))?;
    Ok(crate::files::rest::photo_response(bytes))
}

#[utoipa::path(post, path = "/api/v1/events/{id}/cancellation", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = EventDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Cancels the event: households signed up are told, unpaid fees reversed.
pub async fn events_cancel(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<EventDetail>, ApiError> {
    let auth = api.authed()?;
    events::cancel(&api.ctx, &api.meta, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/me/events", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = Vec<MyEventRow>), (status = 401, body = ErrorBody)))]
/// The events that reached the caller's homes: upcoming first, with the household's sign-up.
pub async fn my_events(api: ApiCtx) -> Result<Json<Vec<MyEventRow>>, ApiError> {
    let auth = api.authed()?;
    events::mine(&api.ctx, auth).await.map(Json).map_err(|e| api.err(e))
}

#[utoipa::path(get, path = "/api/v1/me/events/{id}", tag = "community", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MyEvent), (status = 404, body = ErrorBody)))]
/// An event that reached the caller, with seats left and the household's sign-up.
pub async fn my_event(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<MyEvent>, ApiError> {
    let auth = api.authed()?;
    events::open(&api.ctx, auth, id).await.map(Json).map_err(|e| api.err(e))
}

#[utoipa::path(put, path = "/api/v1/me/events/{id}/signup", tag = "community", params(("id" = i64, Path)),
    request_body = SignupRequest, security(("bearer" = [])),
    responses((status = 200, body = MyEvent), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Signs the household up: confirmed while seats last, otherwise in line.
pub async fn my_event_sign_up(
    api: ApiCtx,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<SignupRequest>,
) -> Result<Json<MyEvent>, ApiError> {
    let auth = api.authed()?;
    events::sign_up(&api.ctx, auth, id, r.unit_id, r.headcount)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(delete, path = "/api/v1/me/events/{id}/signup", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = MyEvent), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
/// Cancels the household's sign-up before sign-ups close; its seats go to the line.
pub async fn my_event_cancel(api: ApiCtx, Path(id): Path<i64>) -> Result<Json<MyEvent>, ApiError> {
    let auth = api.authed()?;
    events::cancel_signup(&api.ctx, auth, id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunityQuery {
    pub community_id: i64,
}

#[utoipa::path(get, path = "/api/v1/target-groups", tag = "community", params(CommunityQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<TargetGroup>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// The saved target groups (常用发送对象) of a community in the caller's scope, by name.
pub async fn groups_list(
    api: ApiCtx,
    q: Result<Query<CommunityQuery>, QueryRejection>,
) -> Result<Json<Vec<TargetGroup>>, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    groups::list(&api.ctx, &api.meta, auth, crate::shared::ids::OrgId(q.community_id))
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[utoipa::path(post, path = "/api/v1/target-groups", tag = "community", request_body = NewTargetGroup, security(("bearer" = [])),
    responses((status = 201, body = TargetGroup), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Keeps some of a community's buildings and units and an audience under a name; a group of that
/// name in the community is replaced. Send to it by copying its `audience`, `buildings` and
/// `units` into a notice, survey or event.
pub async fn groups_save(
    api: ApiCtx,
    ApiJson(g): ApiJson<NewTargetGroup>,
) -> Result<(StatusCode, Json<TargetGroup>), ApiError> {
    let auth = api.authed()?;
    let row = groups::save(&api.ctx, &api.meta, auth, g)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(row)))
}

#[utoipa::path(delete, path = "/api/v1/target-groups/{id}", tag = "community", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Forgets a saved target group; what was sent to it keeps its households.
pub async fn groups_delete(api: ApiCtx, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    let auth = api.authed()?;
    groups::delete(&api.ctx, &api.meta, auth, id)
        .await
        .map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/notices", get(notices_list).post(notices_create))
        .route("/notices/{id}", get(notices_get))
        .route("/notices/{id}/receipts.xlsx", get(receipts_xlsx))
        .route("/notices/{id}/documents/{file}", get(notices_document))
        .route("/notices/{id}/photos/{file}", get(notices_photo))
        .route("/notices/{id}/reminders", post(notices_remind))
        .route("/notices/{id}/withdrawal", post(notices_withdraw))
        .route("/me/notices", get(my_notices))
        .route("/me/notices/{id}", get(my_notice))
        .route("/surveys", get(surveys_list).post(surveys_create))
        .route("/surveys/{id}/results", get(surveys_results))
        .route("/surveys/{id}/results.xlsx", get(surveys_xlsx))
        .route("/surveys/{id}/closing", post(surveys_close))
        .route("/surveys/{id}/withdrawal", post(surveys_withdraw))
        .route("/me/surveys", get(my_surveys))
        .route("/me/surveys/{id}", get(my_survey))
        .route("/me/surveys/{id}/answers", put(my_survey_answer))
        .route("/events", get(events_list).post(events_create))
        .route("/events/{id}", get(events_get))
        .route("/events/{id}/signups/{signup}/check-in", post(events_check_in))
        .route("/events/{id}/cancellation", post(events_cancel))
        .route("/events/{id}/photos", post(events_photos_add))
        .route("/events/{id}/photos/{file}", get(events_photo))
        .route("/me/events", get(my_events))
        .route("/me/events/{id}", get(my_event))
        .route("/me/events/{id}/signup", put(my_event_sign_up).delete(my_event_cancel))
        .route("/target-groups", get(groups_list).post(groups_save))
        .route("/target-groups/{id}", delete(groups_delete))
}
