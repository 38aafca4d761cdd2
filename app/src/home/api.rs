//! Server functions of 首页.
use super::model::HomeGlance;
use crate::shared::error::AppError;
use leptos::prelude::*;

/// 首页 in one request: dues, open tickets, and the community's notices, surveys and events.
#[server]
pub async fn home_today() -> Result<HomeGlance, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::glance::glance(&ctx, &auth).await).await
}
