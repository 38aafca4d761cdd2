//! (ssr) The `/api/v1` edge: the request context every handler extracts ([`ApiCtx`]), errors as
//! localized JSON ([`ApiError`]) with the status the `AppError` carries, a JSON body and a query
//! string whose parse errors are ours too, and XLSX uploads and downloads.
use crate::access::model::{Authed, RequestMeta};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::i18n::{locale_of_request, Locale};
use axum::extract::FromRequestParts;
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
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
    if media != crate::shared::XLSX_TYPE && media != "application/octet-stream" {
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
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(crate::shared::XLSX_TYPE));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
