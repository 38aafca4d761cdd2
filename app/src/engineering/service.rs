//! (ssr) What every engineering use case shares: who may see and do what where, the
//! communities of a scope, QR tokens, links and pictures, and photos through the files area.
//!
//! Who: managing the ledger, plans, checkpoints and routes (and printing codes) takes
//! `service.dispatch`; recording inspections and maintenance takes `inspection.work`; seeing
//! them takes either. Everything belongs to a community, and scope checks use its org id.
use super::model::{Abilities, Community};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, Scope};
use crate::db::AppCtx;
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use std::collections::HashMap;

/// Manage the ledger, plans, checkpoints and routes; print QR sheets.
pub const MANAGE: Permission = Permission::ServiceDispatch;
/// Record inspections and maintenance.
pub const RECORD: Permission = Permission::InspectionWork;

/// Photos of a piece of equipment.
pub const PHOTO_EQUIPMENT: &str = "equipment";
/// Photos of an inspection result.
pub const PHOTO_INSPECTION: &str = "inspection";
/// Photos of a maintenance record.
pub const PHOTO_MAINTENANCE: &str = "maintenance";
pub const MAX_PHOTOS: usize = 6;
/// Documents (PDF manuals, warranty cards) of a piece of equipment.
pub const DOC_EQUIPMENT: &str = "equipment_doc";

/// The caller's scope for seeing engineering records: the union of their `service.dispatch`
/// and `inspection.work` scopes, or `Forbidden` (audited) when both are empty.
pub async fn view_scope(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Scope, AppError> {
    let a = access::scope_for(&ctx.db, auth.user_id, MANAGE).await?;
    let b = access::scope_for(&ctx.db, auth.user_id, RECORD).await?;
    let mut org_ids = a.org_ids;
    org_ids.extend(b.org_ids);
    org_ids.sort_unstable();
    org_ids.dedup();
    let scope = Scope {
        org_ids,
        global: a.global || b.global,
    };
    if scope.is_empty() {
        access::deny(ctx, meta, auth, RECORD.code(), None).await;
        return Err(AppError::Forbidden);
    }
    Ok(scope)
}

/// What the caller may do in `community` (pages show their forms by it; every write checks
/// again).
pub async fn abilities(ctx: &AppCtx, auth: &Authed, community: OrgId) -> Result<Abilities, AppError> {
    Ok(Abilities {
        manage: access::scope_for(&ctx.db, auth.user_id, MANAGE)
            .await?
            .covers(community),
        record: access::scope_for(&ctx.db, auth.user_id, RECORD)
            .await?
            .covers(community),
    })
}

/// Checks that `community` is a community (小区) the caller holds `perm` over.
pub async fn require_community(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    community: OrgId,
) -> Result<Scope, AppError> {
    let scope = access::require_over(ctx, meta, auth, perm, community).await?;
    match crate::org::service::get(&ctx.db, community).await? {
        Some(n) if n.kind == OrgKind::Community => Ok(scope),
        Some(_) => Err(AppError::validation("community_id", "err.eng_not_community")),
        None => Err(AppError::NotFound),
    }
}

/// The communities inside a scope, depth-first, with names.
pub async fn communities_in(ctx: &AppCtx, scope: &Scope) -> Result<Vec<Community>, AppError> {
    Ok(access::nodes_in(&ctx.db, scope, Some(OrgKind::Community))
        .await?
        .into_iter()
        .map(|n| Community { id: n.id, name: n.name })
        .collect())
}

/// The communities the caller may see engineering records of (for pickers).
pub async fn communities(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<Community>, AppError> {
    let scope = view_scope(ctx, meta, auth).await?;
    communities_in(ctx, &scope).await
}

/// A fresh QR token: 16 random bytes, base64url (22 characters). Nobody can guess another
/// checkpoint's code from one they have seen.
pub fn new_token() -> String {
    use base64::Engine as _;
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Where codes point: `LINLI_PUBLIC_URL`, or else this request's own origin.
pub fn public_base(ctx: &AppCtx, host: Option<&str>) -> String {
    let configured = ctx.cfg.public_url.trim().trim_end_matches('/');
    if !configured.is_empty() {
        return configured.to_string();
    }
    match host.map(str::trim).filter(|h| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    }) {
        Some(h) => format!("http://{h}"),
        None => String::new(),
    }
}

/// The address a code of `token` opens.
pub fn scan_url(base: &str, token: &str) -> String {
    format!("{base}/i/{token}")
}

/// The QR code of `url` as inline SVG markup (no XML declaration), dark modules on white.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).map_err(|e| {
        tracing::error!(error = %e, "QR code could not be made");
        AppError::Internal
    })?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn codes_are_inline_svg() {
        let s = qr_svg("https://linli.example/i/abcdefghijklmnopqrstuv").unwrap();
        assert!(s.starts_with("<svg"), "{}", &s[..40]);
        assert!(s.contains("</svg>"));
    }
}
