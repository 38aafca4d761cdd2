//! (ssr) `/api/v1/files/…`: photo and document uploads by any signed-in user, as thin as the
//! server functions. Files are shown through the routes of the area they are attached to,
//! which answer with [`photo_response`] or [`document_response`].
use super::document::{DOC_TYPE, MAX_DOC_BYTES};
use super::image::MAX_PHOTO_BYTES;
use super::model::{DocRef, FileRef, DOC_UPLOAD_TYPES, PHOTO_UPLOAD_TYPES};
use super::service;
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::web::{query, ApiCtx, ApiError, ErrorBody};
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
/// Where documents are uploaded; the server's body limit lets [`DOC_BODY_LIMIT`] through.
pub const DOC_UPLOAD_PATH: &str = "/api/v1/files/documents";
/// Largest request body on [`DOC_UPLOAD_PATH`], as for photos.
pub const DOC_BODY_LIMIT: usize = MAX_DOC_BYTES + 64 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
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

/// The raw file of the request body: 415 (`not_type`) unless sent as one of `types`, 413
/// (`too_large`) over `limit` bytes. `Err` is the response to send.
async fn raw_body(
    api: &ApiCtx,
    headers: &HeaderMap,
    body: Body,
    types: &[&str],
    limit: usize,
    (not_type, too_large): (&str, &str),
) -> Result<Vec<u8>, Response> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !types.contains(&media.as_str()) {
        return Err(refuse(api, StatusCode::UNSUPPORTED_MEDIA_TYPE, not_type));
    }
    axum::body::to_bytes(body, limit)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| refuse(api, StatusCode::PAYLOAD_TOO_LARGE, too_large))
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
    let codes = ("err.photo_not_image", "err.photo_too_large");
    let bytes = match raw_body(&api, &headers, body, &PHOTO_UPLOAD_TYPES, MAX_PHOTO_BYTES, codes).await {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let f = service::upload_photo(&api.ctx, auth, bytes, &q.name)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

/// Uploads one document (the raw PDF is the body): a manual or a warranty card for a piece of
/// equipment. It is checked by its content and kept as it is for the caller until a form they
/// send attaches it (pass the returned `id` in `documents`); uploads never attached are
/// deleted after a day. Downloads always come as attachments, never shown inline.
#[utoipa::path(post, path = "/api/v1/files/documents", tag = "files", params(PhotoQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf",
        description = "The PDF, at most 20 MB (`application/octet-stream` is accepted too)"),
    security(("bearer" = [])),
    responses(
        (status = 201, body = DocRef),
        (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody, description = "Over 20 MB"),
        (status = 415, body = ErrorBody, description = "Not sent as a PDF"),
        (status = 422, body = ErrorBody, description = "Not a PDF by its content, a name not ending in .pdf, cut off"),
        (status = 429, body = ErrorBody, description = "Too many uploads not attached to anything yet"),
    ))]
pub async fn upload_document(
    api: ApiCtx,
    q: Result<Query<PhotoQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let auth = api.authed()?;
    let q = query(&api, q)?;
    let codes = ("err.doc_not_pdf", "err.doc_too_large");
    let bytes = match raw_body(&api, &headers, body, &DOC_UPLOAD_TYPES, MAX_DOC_BYTES, codes).await {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    let f = service::upload_document(&api.ctx, auth, bytes, &q.name)
        .await
        .map_err(|e| api.err(e))?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

/// Throws away one of the caller's uploads (a photo or a document) not attached to anything.
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

/// A stored document as a download: `application/pdf`, saved under its uploaded name, never
/// rendered inline by the browser (a PDF may carry scripts), cached privately.
pub fn document_response(doc: &DocRef, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(DOC_TYPE));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&doc.name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `attachment` with an ASCII fallback name and the real one (RFC 6266 / 5987).
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = crate::shared::pagination::query_value(name);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub fn router() -> Router<AppCtx> {
    Router::new()
        .route("/files/photos", post(upload))
        .route("/files/photos/{id}", delete(discard))
        .route("/files/documents", post(upload_document))
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_document_downloads_name_the_file_safely() {
        assert_eq!(
            super::content_disposition("水泵 说明书.pdf"),
            "attachment; filename=\"______.pdf\"; filename*=UTF-8''%E6%B0%B4%E6%B3%B5%20%E8%AF%B4%E6%98%8E%E4%B9%A6.pdf"
        );
        assert_eq!(
            super::content_disposition("a.pdf"),
            "attachment; filename=\"a.pdf\"; filename*=UTF-8''a.pdf"
        );
    }
}
