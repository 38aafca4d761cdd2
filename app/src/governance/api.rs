//! Server functions of owners' governance: authorize, call one use case, map the error.
use super::model::RegisterPreview;
use crate::org::model::OrgNode;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use leptos::prelude::*;

/// The communities whose voter register the caller may read.
#[server]
pub async fn gov_communities() -> Result<Vec<OrgNode>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::register::communities(&ctx, &meta, &auth).await).await
}

/// A community's voter register as it would be frozen today.
#[server]
pub async fn voter_register(community: OrgId) -> Result<RegisterPreview, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::register::preview(&ctx, &meta, &auth, community).await).await
}
