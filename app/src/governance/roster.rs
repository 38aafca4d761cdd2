//! (ssr) The owners' committee's roster (业委会名册): kept by the committee, read by everyone
//! living in the community and by the community's staff. Filing documents (备案回执 …) are PDFs
//! attached to the community.
use super::meetings::{committee_communities, require_committee};
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::gov_committees;
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::files::model::DocRef;
use crate::files::service as files;
use crate::org::model::OrgKind;
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, sea_query::OnConflict, ActiveValue::Set};

/// The attachment kind of filing documents (attached to the community).
const DOC_KIND: &str = "gov_committee";

/// `NotFound` unless the caller lives in `community`, sits on its committee, or holds
/// `people.read` over it.
async fn may_read(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, community: OrgId) -> Result<(), AppError> {
    if committee_communities(ctx, auth).await?.contains(&community)
        || estate::my_places(&ctx.db, auth.user_id)
            .await?
            .iter()
            .any(|p| p.community == community)
    {
        return Ok(());
    }
    let scope = access::scope_for(&ctx.db, auth.user_id, Permission::PeopleRead).await?;
    access::within(ctx, meta, auth, Permission::PeopleRead, &scope, community).await
}

async fn roster_of<C: ConnectionTrait>(c: &C, community: OrgId) -> Result<Option<Roster>, AppError> {
    let Some(r) = gov_committees::Entity::find_by_id(community.0).one(c).await? else {
        return Ok(None);
    };
    let name = org::get(c, community).await?.map(|n| n.name).unwrap_or_default();
    Ok(Some(Roster {
        community,
        community_name: name,
        term_start: r.term_start,
        term_end: r.term_end,
        filed_on: r.filed_on,
        filed_with: r.filed_with,
        members: serde_json::from_str(&r.members).unwrap_or_default(),
        documents: files::documents_of(c, DOC_KIND, community.0).await?,
        updated_at: r.updated_at,
    }))
}

/// The roster of `community`, `None` while its committee has kept none. Errors: `NotFound` for
/// a caller who neither lives there, sits on its committee, nor holds `people.read` over it.
pub async fn get(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<Option<Roster>, AppError> {
    may_read(ctx, meta, auth, community).await?;
    roster_of(&ctx.db, community).await
}

/// The rosters of the communities the caller lives in or whose committee they sit on (for
/// 社区 → 业主大会), and the communities among them whose committee they sit on.
pub async fn mine(ctx: &AppCtx, auth: &Authed) -> Result<(Vec<Roster>, Vec<OrgId>), AppError> {
    let committee = committee_communities(ctx, auth).await?;
    let mut communities: Vec<OrgId> = estate::my_places(&ctx.db, auth.user_id)
        .await?
        .into_iter()
        .map(|p| p.community)
        .chain(committee.iter().copied())
        .collect();
    communities.sort_unstable_by_key(|c| c.0);
    communities.dedup();
    let mut out = Vec::new();
    for c in communities {
        if let Some(r) = roster_of(&ctx.db, c).await? {
            out.push(r);
        }
    }
    Ok((out, committee))
}

/// Saves the roster of `new.community` (its committee only), replacing the one before, and adds
/// the uploaded filing documents. Audited with the members before and after.
/// Errors: `Forbidden` off the committee; `NotFound` for a community that does not exist; the
/// validation error [`NewRoster::problem`] names; `documents` for uploads that are not the
/// caller's or over five in all.
pub async fn save(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, new: NewRoster) -> Result<Roster, AppError> {
    require_committee(ctx, meta, auth, new.community).await?;
    org::get(&ctx.db, new.community)
        .await?
        .filter(|n| n.kind == OrgKind::Community)
        .ok_or(AppError::NotFound)?;
    if let Some((field, key)) = new.problem() {
        return Err(AppError::validation(field, key));
    }
    let members: Vec<CommitteeMember> = new
        .members
        .iter()
        .map(|m| CommitteeMember {
            name: m.name.trim().to_string(),
            position: m.position,
        })
        .collect();
    let json = serde_json::to_string(&members).map_err(|_| AppError::Internal)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let before = roster_of(&ctx.db, new.community).await?;
    with_txn!(ctx.db, |txn| {
        let row = gov_committees::ActiveModel {
            community_id: Set(new.community.0),
            term_start: Set(new.term_start),
            term_end: Set(new.term_end),
            filed_on: Set(new.filed_on),
            filed_with: Set(new.filed_with.trim().to_string()),
            members: Set(json.clone()),
            updated_by: Set(auth.user_id.0),
            updated_at: Set(Utc::now()),
        };
        gov_committees::Entity::insert(row)
            .on_conflict(
                OnConflict::column(gov_committees::Column::CommunityId)
                    .update_columns([
                        gov_committees::Column::TermStart,
                        gov_committees::Column::TermEnd,
                        gov_committees::Column::FiledOn,
                        gov_committees::Column::FiledWith,
                        gov_committees::Column::Members,
                        gov_committees::Column::UpdatedBy,
                        gov_committees::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
        files::attach_documents(
            &txn,
            auth.user_id,
            &new.documents,
            DOC_KIND,
            new.community.0,
            MAX_ROSTER_DOCS,
        )
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.roster", "community", new.community.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(new.community))
                .summary(serde_json::json!({
                    "before": before.as_ref().map(|b| &b.members),
                    "after": members,
                    "term": [new.term_start, new.term_end],
                    "filed_on": new.filed_on,
                    "documents": new.documents,
                })),
        )
        .await?;
        Ok(())
    })?;
    roster_of(&ctx.db, new.community).await?.ok_or(AppError::Internal)
}

/// A filing document of `community`'s roster, for whoever may read the roster.
/// Errors: `NotFound`.
pub async fn document(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
    file: i64,
) -> Result<(DocRef, Vec<u8>), AppError> {
    may_read(ctx, meta, auth, community).await?;
    files::read_document(ctx, file, DOC_KIND, community.0).await
}

/// Takes a filing document off the roster (its committee only), audited.
/// Errors: `Forbidden`; `NotFound` when it is not there.
pub async fn remove_document(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
    file: i64,
) -> Result<Roster, AppError> {
    require_committee(ctx, meta, auth, community).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let removed = with_txn!(ctx.db, |txn| {
        let r = files::remove_document(&txn, DOC_KIND, community.0, file).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("assembly.roster_document_remove", "community", community.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(community))
                .summary(serde_json::json!({ "file": file, "name": r.name })),
        )
        .await?;
        Ok(r)
    })?;
    files::delete_objects(ctx, &removed).await;
    roster_of(&ctx.db, community).await?.ok_or(AppError::NotFound)
}
