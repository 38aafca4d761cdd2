//! `/api/v1` routes of owners' governance. Same services as the pages, same scope.
use super::model::RegisterPreview;
use super::register;
use crate::db::AppCtx;
use crate::shared::ids::OrgId;
use crate::web::{ApiCtx, ApiError, ErrorBody};
use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};

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

pub fn router() -> Router<AppCtx> {
    Router::new().route("/communities/{id}/voter-register", get(voter_register))
}
