//! Server functions of the audit area.
use super::model::AuditRow;
use crate::shared::error::AppError;
use crate::shared::pagination::Page;
use leptos::prelude::*;

#[server]
pub async fn list_audit(
    action: Option<String>,
    actor: Option<String>,
    outcome: Option<String>,
    before: Option<i64>,
) -> Result<Page<AuditRow>, AppError> {
    // Flat optional arguments: an all-empty filter struct would encode as no argument at all.
    let filter = super::model::AuditFilter {
        action,
        actor,
        object_type: None,
        outcome,
        before,
    };
    crate::web::serve(async |ctx, meta, auth| super::list::list_visible(&ctx, &meta, &auth, &filter, None).await).await
}
