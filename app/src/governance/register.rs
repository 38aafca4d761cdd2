//! (ssr) The voter register from the estate records: who would vote, with what area, if a vote
//! opened today, and which records keep it from being exact.
use super::model::{ProblemRow, Register, RegisterPreview, RegisterUnit, Voter, VoterKey, VoterRow};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service as access;
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::org::model::OrgKind;
use crate::org::model::OrgNode;
use crate::org::service as org;
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, PersonId};
use std::collections::HashMap;

/// The register of `community` as it would be frozen today. Needs `people.read` over the
/// community; outside the caller's scope (or not a community) it does not exist.
pub async fn preview(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<RegisterPreview, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::PeopleRead).await?;
    access::within(ctx, meta, auth, Permission::PeopleRead, &scope, community).await?;
    let node = org::get(&ctx.db, community)
        .await?
        .filter(|n| n.kind == OrgKind::Community)
        .ok_or(AppError::NotFound)?;
    let on = crate::shared::time::today_cn();
    let Records { input, numbers, names } = records(&ctx.db, community, on).await?;
    let (register, problems) = Register::assemble(&input);
    let row = |v: &Voter| VoterRow {
        key: v.key.clone(),
        names: match &v.key {
            VoterKey::Developer => Vec::new(),
            VoterKey::Owners { owners } => owners
                .iter()
                .map(|p| names.get(p).cloned().unwrap_or_default())
                .collect(),
        },
        units: v
            .units
            .iter()
            .map(|u| numbers.get(&u.0).cloned().unwrap_or_default())
            .collect(),
        area: v.area,
    };
    let developer = register.voters().iter().find(|v| v.key == VoterKey::Developer).map(row);
    let merged = register
        .voters()
        .iter()
        .filter(|v| match &v.key {
            VoterKey::Developer => false,
            VoterKey::Owners { owners } => v.units.len() > 1 || owners.len() > 1,
        })
        .count() as i64;
    let problems: Vec<ProblemRow> = problems
        .into_iter()
        .map(|problem| ProblemRow {
            number: numbers.get(&problem.unit().0).cloned().unwrap_or_default(),
            problem,
        })
        .collect();
    Ok(RegisterPreview {
        community_id: community,
        community: node.name,
        on,
        units: register.units() as i64,
        total_area: register.total_area(),
        total_persons: register.total_persons(),
        developer,
        merged,
        voters: register.voters().iter().map(row).collect(),
        complete: problems.is_empty(),
        problems,
    })
}

/// A community's units as the register takes them on `on`, with their numbers and the owners'
/// names (for showing the register).
pub(crate) struct Records {
    pub input: Vec<RegisterUnit>,
    pub numbers: HashMap<i64, String>,
    pub names: HashMap<PersonId, String>,
}

/// The estate records of `community` on `on`, for the register (the preview and the freeze).
pub(crate) async fn records<C: sea_orm::ConnectionTrait>(
    c: &C,
    community: OrgId,
    on: chrono::NaiveDate,
) -> Result<Records, AppError> {
    let units = estate::owned_units(c, community, on).await?;
    let numbers = units.iter().map(|u| (u.id.0, u.number.clone())).collect();
    let names = units.iter().flat_map(|u| u.owners.iter().cloned()).collect();
    let input = units
        .into_iter()
        .map(|u| RegisterUnit {
            unit: u.id,
            area: u.area,
            status: u.status,
            owners: u.owners.into_iter().map(|(p, _)| p).collect(),
        })
        .collect();
    Ok(Records { input, numbers, names })
}

/// The communities whose register the caller may read (for the page's picker).
pub async fn communities(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<OrgNode>, AppError> {
    access::orgs_in_scope(ctx, meta, auth, Permission::PeopleRead, Some(OrgKind::Community)).await
}
