//! (ssr) `/api/v1` handlers of the access area, as thin as the server functions.
use super::model::*;
use super::{accounts, service, sessions};
use crate::db::AppCtx;
use crate::org::model::OrgNode;
use crate::shared::error::AppError;
use crate::shared::pagination::Page;
use crate::web::{ApiCtx, ApiError, ApiJson, ErrorBody};
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// Login name (staff) or mobile number.
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>` on `/api/v1`.
    pub token: String,
    pub user: Me,
}

/// Logs in; sets the session cookie and returns a bearer token for API clients.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "Wrong login or password", body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(api: ApiCtx, ApiJson(req): ApiJson<LoginRequest>) -> Result<Response, ApiError> {
    if req.login.chars().count() > 64 || req.password.chars().count() > PASSWORD_HARD_MAX {
        return Err(api.err(AppError::validation("login", "err.too_long")));
    }
    let ok = sessions::login(&api.ctx, &api.meta, &req.login, &req.password, AuthVia::Bearer)
        .await
        .map_err(|e| api.err(e))?;
    let mut res = Json(LoginResponse {
        token: ok.token.clone(),
        user: ok.me,
    })
    .into_response();
    for c in super::api::login_cookies(api.ctx.cfg.secure_cookies, &ok.token, &ok.csrf_token) {
        if let Ok(v) = c.parse() {
            res.headers_mut().append(axum::http::header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// Ends the current session (cookie or bearer token) on the server.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(api: ApiCtx) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    sessions::logout(&api.ctx, &api.meta, auth)
        .await
        .map_err(|e| api.err(e))?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    for c in super::api::logout_cookies(api.ctx.cfg.secure_cookies, &service::new_csrf_token()) {
        if let Ok(v) = c.parse() {
            res.headers_mut().append(axum::http::header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// The caller's account, roles and permissions.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(api: ApiCtx) -> Result<Json<Me>, ApiError> {
    let auth = api.authed()?;
    accounts::me(&api.ctx.db, auth.user_id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Matches login, name or phone.
    pub q: Option<String>,
    /// Keyset cursor: the `next` of the previous page.
    pub before: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserPage {
    pub items: Vec<UserRow>,
    pub next: Option<i64>,
}

/// Staff accounts inside the caller's `users.read` scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "access", params(UserQuery), security(("bearer" = [])),
    responses((status = 200, body = UserPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn users(api: ApiCtx, Query(q): Query<UserQuery>) -> Result<Json<UserPage>, ApiError> {
    let auth = api.authed()?;
    let Page { items, next } = accounts::list_users(&api.ctx, &api.meta, auth, q.q, q.before, q.limit)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(UserPage { items, next }))
}

/// Create a staff account with one role over one org subtree.
#[utoipa::path(post, path = "/api/v1/users", tag = "access", request_body = accounts::NewStaff, security(("bearer" = [])),
    responses((status = 201, body = UserRow), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    api: ApiCtx,
    ApiJson(input): ApiJson<accounts::NewStaff>,
) -> Result<(StatusCode, Json<UserRow>), ApiError> {
    let auth = api.authed()?;
    if input.password.chars().count() > PASSWORD_HARD_MAX {
        return Err(api.err(AppError::validation("password", "err.password_long")));
    }
    let row = accounts::create_staff(&api.ctx, &api.meta, auth, input)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// The org nodes inside the caller's `org.read` scope.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "access", security(("bearer" = [])),
    responses((status = 200, body = [OrgNode]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn orgs(api: ApiCtx) -> Result<Json<Vec<OrgNode>>, ApiError> {
    let auth = api.authed()?;
    accounts::visible_orgs(&api.ctx, &api.meta, auth)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/users", get(users).post(create_user))
        .route("/orgs", get(orgs))
}
