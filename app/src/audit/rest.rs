//! (ssr) `/api/v1/audit`.
use super::model::{AuditFilter, AuditRow};
use crate::db::AppCtx;
use crate::web::{ApiCtx, ApiError, ErrorBody};
use axum::extract::Query;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Action prefix, e.g. `auth.` or `user.create`.
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_type: Option<String>,
    /// `ok`, `failed` or `denied`.
    pub outcome: Option<String>,
    /// Keyset cursor: the `next` of the previous page.
    pub before: Option<i64>,
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditRow>,
    pub next: Option<i64>,
}

/// Audit rows inside the caller's `audit.read` scope, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(api: ApiCtx, Query(q): Query<AuditQuery>) -> Result<Json<AuditPage>, ApiError> {
    let auth = api.authed()?;
    let f = AuditFilter {
        action: q.action,
        actor: q.actor,
        object_type: q.object_type,
        outcome: q.outcome,
        before: q.before,
    };
    let page = super::list::list_visible(&api.ctx, &api.meta, auth, &f, q.limit)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(AuditPage {
        items: page.items,
        next: page.next,
    }))
}

pub fn router() -> Router<AppCtx> {
    Router::new().route("/audit", get(list))
}
