//! `/api/v1` route of 首页: the same one request as the page.
use super::model::HomeGlance;
use crate::db::AppCtx;
use crate::web::{ApiCtx, ApiError, ErrorBody};
use axum::routing::get;
use axum::{Json, Router};

#[utoipa::path(get, path = "/api/v1/me/home", tag = "home", security(("bearer" = [])),
    responses((status = 200, body = HomeGlance), (status = 401, body = ErrorBody)))]
/// The caller's day at a glance: what each of their homes owes today, their open repairs and
/// complaints, the notices that matter, the surveys waiting for them and the events coming up.
pub async fn my_home(api: ApiCtx) -> Result<Json<HomeGlance>, ApiError> {
    let auth = api.authed()?;
    super::glance::glance(&api.ctx, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

pub fn router() -> Router<AppCtx> {
    Router::new().route("/me/home", get(my_home))
}
