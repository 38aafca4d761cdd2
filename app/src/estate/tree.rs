//! (ssr) Staff grow and rename the org tree (company > region > office > community) inside
//! their `org.write` scope. The bare insert lives in `service::create_org` (also used by the
//! CLI and the demo); this adds the scope check and the audit row.
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::org_units;
use crate::db::AppCtx;
use crate::org::model::{check_contact, OrgContact, OrgKind, OrgNode};
use crate::org::service as tree;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::with_txn;
use sea_orm::{prelude::*, ActiveValue::Set};

/// A new node under a parent the caller may write.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NewOrg {
    pub parent_id: OrgId,
    pub kind: OrgKind,
    pub name: String,
    /// A short code unique in the installation, e.g. `LL-HD-GHY`.
    pub code: String,
}

/// Adds a region, office or community. Errors: `Forbidden` outside the caller's scope,
/// `Validation` (`kind` not allowed under the parent, `name`, `code`), `Conflict` on a code.
pub async fn add_org(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, new: NewOrg) -> Result<OrgNode, AppError> {
    access::require_over(ctx, meta, auth, Permission::OrgWrite, new.parent_id).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let node = tree::create_org(&txn, Some(new.parent_id), new.kind, &new.name, &new.code).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("org.create", "org", node.id.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(node.id))
                .summary(serde_json::json!({ "parent": new.parent_id.0, "kind": new.kind.code(), "name": node.name, "code": node.code })),
        )
        .await?;
        Ok(node)
    })
}

/// Renames a node the caller may write.
pub async fn rename_org(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: OrgId,
    name: &str,
) -> Result<OrgNode, AppError> {
    access::require_over(ctx, meta, auth, Permission::OrgWrite, id).await?;
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(AppError::validation("name", "err.required"));
    }
    if name.chars().count() > 100 {
        return Err(AppError::validation("name", "err.too_long"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let m = org_units::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        let before = m.name.clone();
        let mut am: org_units::ActiveModel = m.into();
        am.name = Set(name.clone());
        am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("org.rename", "org", id.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(id))
                .summary(serde_json::json!({ "name": [before, name] })),
        )
        .await?;
        tree::get(&txn, id).await?.ok_or(AppError::NotFound)
    })
}

/// A node's own contact, for the form that edits it (`org.read` over the node).
pub async fn org_contact(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: OrgId) -> Result<OrgContact, AppError> {
    access::require_over(ctx, meta, auth, Permission::OrgRead, id).await?;
    tree::own_contact(&ctx.db, id).await?.ok_or(AppError::NotFound)
}

/// Sets how residents under a node reach the property: phone, address, hours (`org.write`
/// over the node). Empty parts are cleared. Errors: `Validation` naming the part.
pub async fn set_org_contact(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: OrgId,
    phone: &str,
    address: &str,
    hours: &str,
) -> Result<OrgContact, AppError> {
    access::require_over(ctx, meta, auth, Permission::OrgWrite, id).await?;
    let (phone, address, hours) =
        check_contact(phone, address, hours).map_err(|(field, code)| AppError::validation(field, code))?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let mut k = tree::own_contact(&txn, id).await?.ok_or(AppError::NotFound)?;
        k.phone = phone.clone();
        k.address = address.clone();
        k.hours = hours.clone();
        tree::set_contact(&txn, id, &k).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("org.contact", "org", id.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(id))
                .summary(serde_json::json!({ "phone": k.phone, "address": k.address, "hours": k.hours })),
        )
        .await?;
        Ok(k)
    })
}

/// How the caller reaches the property office of each of their homes (one per office, in the
/// order of the homes), for 我的 and 缴费.
pub async fn my_contacts(ctx: &AppCtx, auth: &Authed) -> Result<Vec<OrgContact>, AppError> {
    let homes = super::records::my_homes(ctx, auth).await?;
    let mut out: Vec<OrgContact> = vec![];
    for h in homes {
        if let Some(k) = tree::contact_of(&ctx.db, h.unit.community_id).await? {
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }
    Ok(out)
}
