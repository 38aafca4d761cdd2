//! (ssr) `/api/v1` handlers of the access area, as thin as the server functions.
use super::model::*;
use super::service;
use crate::db::AppCtx;
use crate::estate::model::OrgNode;
use crate::shared::error::AppError;
use crate::shared::i18n::{locale_of_request, Locale};
use crate::shared::pagination::Page;
use axum::extract::{FromRequestParts, Query};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// The JSON body of every API error.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `err.phone_invalid`.
    pub code: String,
    /// The message in the request's language (`Accept-Language`).
    pub message: String,
    /// The offending field, when there is one.
    pub field: Option<String>,
}

/// An `AppError` rendered as JSON in the caller's language with its status.
pub struct ApiError(pub AppError, pub Locale);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.message_key(),
                message: self.0.localized(self.1.code()),
                field: self.0.field().map(str::to_string),
            },
        };
        let mut res = (status, Json(body)).into_response();
        if let AppError::RateLimited { retry_after_secs } = self.0 {
            if let Ok(v) = retry_after_secs.to_string().parse() {
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        res
    }
}

/// Everything a handler needs from the request: state, facts, caller, language.
pub struct ApiCtx {
    pub ctx: AppCtx,
    pub meta: RequestMeta,
    pub auth: Option<Authed>,
    pub locale: Locale,
}

impl ApiCtx {
    /// The caller, or a 401.
    pub fn authed(&self) -> Result<&Authed, ApiError> {
        self.auth
            .as_ref()
            .ok_or(ApiError(AppError::Unauthenticated, self.locale))
    }

    pub fn err(&self, e: AppError) -> ApiError {
        ApiError(e, self.locale)
    }
}

impl FromRequestParts<AppCtx> for ApiCtx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppCtx) -> Result<Self, Self::Rejection> {
        Ok(ApiCtx {
            ctx: state.clone(),
            meta: parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default(),
            auth: parts.extensions.get::<Authed>().cloned(),
            locale: locale_of_request(&parts.headers),
        })
    }
}

/// A JSON body whose parse errors become a localized 400/422 instead of axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let locale = locale_of_request(req.headers());
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => {
                use axum::extract::rejection::JsonRejection as R;
                let code = match rej {
                    R::MissingJsonContentType(_) => "err.json_content_type",
                    R::JsonSyntaxError(_) => "err.json_syntax",
                    R::JsonDataError(_) => "err.json_data",
                    _ => "err.bad_request",
                };
                Err(ApiError(AppError::validation("body", code), locale))
            }
        }
    }
}

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
    responses((status = 200, body = LoginResponse), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(api: ApiCtx, ApiJson(req): ApiJson<LoginRequest>) -> Result<Response, ApiError> {
    if req.login.chars().count() > 64 || req.password.chars().count() > PASSWORD_HARD_MAX {
        return Err(api.err(AppError::validation("login", "err.too_long")));
    }
    let ok = service::login(&api.ctx, &api.meta, &req.login, &req.password, AuthVia::Bearer)
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
    service::logout(&api.ctx, &api.meta, auth)
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
    service::me(&api.ctx.db, auth.user_id)
        .await
        .map(Json)
        .map_err(|e| api.err(e))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
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
    let Page { items, next } = service::list_users(&api.ctx, &api.meta, auth, q.q, q.before, q.limit)
        .await
        .map_err(|e| api.err(e))?;
    Ok(Json(UserPage { items, next }))
}

/// Create a staff account with one role over one org subtree.
#[utoipa::path(post, path = "/api/v1/users", tag = "access", request_body = service::NewStaff, security(("bearer" = [])),
    responses((status = 201, body = UserRow), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    api: ApiCtx,
    ApiJson(input): ApiJson<service::NewStaff>,
) -> Result<(StatusCode, Json<UserRow>), ApiError> {
    let auth = api.authed()?;
    if input.password.chars().count() > PASSWORD_HARD_MAX {
        return Err(api.err(AppError::validation("password", "err.password_long")));
    }
    let row = service::create_staff(&api.ctx, &api.meta, auth, input)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// The org nodes inside the caller's `org.read` scope.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "access", security(("bearer" = [])),
    responses((status = 200, body = [OrgNode]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn orgs(api: ApiCtx) -> Result<Json<Vec<OrgNode>>, ApiError> {
    let auth = api.authed()?;
    service::visible_orgs(&api.ctx, &api.meta, auth)
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

/// A query string, or a 400 naming `query`.
pub fn query<T>(
    api: &ApiCtx,
    q: Result<axum::extract::Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ApiError> {
    q.map(|axum::extract::Query(v)| v)
        .map_err(|_| api.err(AppError::validation("query", "err.bad_request")))
}

/// An uploaded workbook (the raw request body): 415 unless sent as XLSX (or octet-stream),
/// 413 over the import size limit. `Err` is the response to send.
pub async fn xlsx_upload(
    api: &ApiCtx,
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<Vec<u8>, axum::response::Response> {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media != crate::estate::model::XLSX_TYPE && media != "application/octet-stream" {
        let mut r = api
            .err(AppError::validation("file", "err.import_content_type"))
            .into_response();
        *r.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        return Err(r);
    }
    let limit = crate::shared::xlsx::Limits::default().max_file_bytes;
    match axum::body::to_bytes(body, limit).await {
        Ok(b) => Ok(b.to_vec()),
        Err(_) => {
            let mut r = api
                .err(AppError::validation("file", "err.xlsx_file_too_large"))
                .into_response();
            *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            Err(r)
        }
    }
}

/// A workbook as a download (no caching: exports hold personal and financial data).
pub fn xlsx_download(bytes: Vec<u8>, filename: &str) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    use axum::response::IntoResponse;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::estate::model::XLSX_TYPE),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
