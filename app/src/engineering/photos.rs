//! (ssr) Photos and documents of engineering records, kept by the files area.
use crate::access::model::Authed;
use crate::shared::error::AppError;
use std::collections::HashMap;

/// Photos of a piece of equipment.
pub const PHOTO_EQUIPMENT: &str = "equipment";
/// Photos of an inspection result.
pub const PHOTO_INSPECTION: &str = "inspection";
/// Photos of a maintenance record.
pub const PHOTO_MAINTENANCE: &str = "maintenance";
pub const MAX_PHOTOS: usize = 6;
/// Documents (PDF manuals, warranty cards) of a piece of equipment.
pub const DOC_EQUIPMENT: &str = "equipment_doc";

/// Attaches uploaded photos to an object inside the caller's transaction.
pub async fn attach_photos<C: sea_orm::ConnectionTrait + sea_orm::TransactionTrait>(
    c: &C,
    auth: &Authed,
    ids: &[i64],
    kind: &str,
    obj: i64,
) -> Result<(), AppError> {
    crate::files::service::attach(c, auth.user_id, ids, kind, obj, MAX_PHOTOS).await
}

/// The photo ids of each object.
pub async fn photos_of<C: sea_orm::ConnectionTrait>(
    c: &C,
    kind: &str,
    objs: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    Ok(crate::files::service::attached(c, kind, objs)
        .await?
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().map(|f| f.id).collect()))
        .collect())
}
