//! Server functions of the audit area.
use super::model::{AuditFilter, AuditRow};
use crate::shared::error::AppError;
use crate::shared::pagination::Page;
use leptos::prelude::*;

#[server]
pub async fn list_audit(filter: AuditFilter) -> Result<Page<AuditRow>, AppError> {
    use crate::access::api::{authed, respond};
    respond(
        async {
            let (ctx, meta, auth) = authed()?;
            super::service::list_visible(&ctx, &meta, &auth, &filter, None).await
        }
        .await,
    )
}
