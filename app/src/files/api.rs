//! Server functions of files: a user throws away an upload they removed from a form before
//! sending it. Uploading itself goes through `POST /api/v1/files/photos` (a raw body).
use crate::shared::error::AppError;
use leptos::prelude::*;

/// Deletes one of the caller's uploads that is not attached to anything.
#[server]
pub async fn discard_photo(id: i64) -> Result<(), AppError> {
    crate::web::serve(async |ctx, _, auth| super::service::discard(&ctx, &auth, id).await).await
}
