//! (ssr) `/api/v1/files/…`: photo uploads by any signed-in user, as thin as the server
//! functions. Photos are shown through the routes of the area they are attached to, which
//! answer with [`photo_response`].
use super::image::MAX_PHOTO_BYTES;
use super::model::{FileRef, PHOTO_UPLOAD_TYPES};
use super::service;
use crate::access::rest::{query, ApiCtx, ApiError, ErrorBody};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::{Json, Router};
use serde::Deserialize;

/// Where photos are uploaded; the server's body limit lets [`PHOTO_BODY_LIMIT`] through here.
pub const PHOTO_UPLOAD_PATH: &str = "/api/v1/files/photos";
/// Largest request body on [`PHOTO_UPLOAD_PATH`]: the photo limit and a little more, so that
/// a body just over it reaches the handler and gets the photo's own message.
pub const PHOTO_BODY_LIMIT: usize = MAX_PHOTO_BYTES + 64 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PhotoQuery {
    /// The file's name on the device (`IMG_0412.jpg`); its extension must match the content.
    /// Only the extension is used: stored names are made by the server.
    pub name: String,
}

fn refuse(api: &ApiCtx, status: StatusCode, code: &str) -> Response {
    let mut r = api.err(AppError::validation("file", code)).into_response();
    *r.status_mut() = status;
    r
}

/// The raw photo of the request body: 415 unless sent as JPEG, PNG, WebP or octet-stream,
/// 413 over the photo limit. `Err` is the response to send.
async fn photo_body(api: &ApiCtx, headers: &HeaderMap, body: Body) -> Result<Vec<u8>, Response> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !PHOTO_UPLOAD_TYPES.contains(&media.as_str()) {
        return Err(refuse(api, StatusCode::UNSUPPORTED_MEDIA_TYPE, "err.photo_not_image"));
    }
    axum::body::to_bytes(body, MAX_PHOTO_BYTES)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| refuse(api, StatusCode::PAYLOAD_TOO_LARGE, "err.photo_too_large"))
}

/// Uploads one photo (the raw file is the body). It is checked by its content, re-encoded
/// without metadata (location, camera) and kept for the caller until a form they send attaches
/// it (pass the returned `id`); uploads never attached are deleted after a day.
#[utoipa::path(post, path = "/api/v1/files/photos", tag = "files", params(PhotoQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg",
        description = "The photo: JPEG, PNG or WebP, at most 10 MB (`image/png`, `image/webp` and `application/octet-stream` are accepted too)"),
    security(("bearer" = [])),
    responses(
        (status = 201, body = FileRef),
        (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody, description = "Over 10 MB"),
        (status = 415, body = ErrorBody, description = "Not sent as an image"),
        (status = 422, body = ErrorBody, description = "Not a JPEG/PNG/WebP photo, extension not matching, too many pixels, unreadable"),
        (status = 429, body = ErrorBody, description = "Too many uploads not attached to anything yet"),
    ))]
pub async fn upload(
    api: ApiCtx,
    q: Result<Query<PhotoQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let bytes = match photo_body(&api, &headers, body).await {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let f = service::upload_photo(&api.ctx, auth, bytes, &q.name)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

/// Throws away one of the caller's uploads that is not attached to anything.
#[utoipa::path(delete, path = "/api/v1/files/photos/{id}", tag = "files", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn discard(api: ApiCtx, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    let auth = api.authed()?;
    service::discard(&api.ctx, auth, id).await.map_err(|e| api.err(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A stored photo as a response, for the routes of the areas that show them: `image/jpeg`,
/// never sniffed as anything else, cached by the browser only (it may be someone's home).
pub fn photo_response(bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(service::PHOTO_TYPE));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    res
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/files/photos", post(upload))
        .route("/files/photos/{id}", delete(discard))
}
