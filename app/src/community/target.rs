//! (ssr) Whom a notice or a survey is for: a community, some of its buildings or units, and its
//! owners, tenants or everyone. Checked when staff write it, resolved once when it goes out into
//! households (units) and accounts (`send_out` writes a row per household and tells the
//! accounts), and labelled for staff's lists.
use super::model::{unit_numbers, Audience};
use crate::db::AppCtx;
use crate::estate::service as estate;
use crate::notify::service::{raise, Notice};
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, UserId};
use crate::with_txn;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};
use std::collections::BTreeSet;

/// Unit numbers one target may name.
const UNITS_MAX: usize = 2_000;

/// Staff's buildings and free-form unit numbers checked against `community`: the building ids
/// and unit ids, sorted, each once. Errors: `Validation` on `buildings` (not of the community)
/// or `units` (too many, or a number the community does not have).
pub async fn check<C: ConnectionTrait>(
    c: &C,
    community: OrgId,
    buildings: &[i64],
    units: &str,
) -> Result<(Vec<i64>, Vec<i64>), AppError> {
    let known: Vec<i64> = estate::buildings_of(c, community.0)
        .await?
        .into_iter()
        .map(|b| b.0)
        .collect();
    let mut buildings = buildings.to_vec();
    buildings.sort_unstable();
    buildings.dedup();
    if buildings.iter().any(|b| !known.contains(b)) {
        return Err(AppError::validation("buildings", "cm.err.building"));
    }
    let numbers = unit_numbers(units);
    if numbers.len() > UNITS_MAX {
        return Err(AppError::validation("units", "cm.err.units_many"));
    }
    let found = estate::units_by_number(c, community.0, &numbers).await?;
    if numbers.iter().any(|u| !found.contains_key(u)) {
        return Err(AppError::validation("units", "cm.err.unit_unknown"));
    }
    let mut units: Vec<i64> = found.values().map(|u| u.0).collect();
    units.sort_unstable();
    Ok((buildings, units))
}

/// The units a stored target names (JSON building ids and unit ids): its buildings' and its own,
/// or, with neither, the whole community's.
pub async fn units<C: ConnectionTrait>(
    c: &C,
    community: i64,
    buildings_json: &str,
    units_json: &str,
) -> Result<Vec<i64>, AppError> {
    let buildings: Vec<i64> = serde_json::from_str(buildings_json).unwrap_or_default();
    let mut units: Vec<i64> = serde_json::from_str(units_json).unwrap_or_default();
    if buildings.is_empty() && units.is_empty() {
        return estate::unit_ids_in(c, community, &[]).await;
    }
    if !buildings.is_empty() {
        units.extend(estate::unit_ids_in(c, community, &buildings).await?);
    }
    units.sort_unstable();
    units.dedup();
    Ok(units)
}

/// Of the people living in `units`, the households (units) and accounts `audience` reaches.
pub async fn reach<C: ConnectionTrait>(
    c: &C,
    units: &[i64],
    audience: Audience,
) -> Result<(Vec<i64>, Vec<UserId>), AppError> {
    let mut homes = BTreeSet::new();
    let mut users = BTreeSet::new();
    for o in estate::occupants(c, units).await? {
        if audience.reaches(o.relation) {
            homes.insert(o.unit);
            if let Some(u) = o.user {
                users.insert(u);
            }
        }
    }
    Ok((homes.into_iter().collect(), users.into_iter().collect()))
}

/// Sends a stored target out: resolves it, writes one row per household reached (`row(unit)`,
/// in chunks of 1 000, each its own transaction; rows already there are kept, so a rerun adds
/// nothing) and raises `note` to every account of the audience. Returns the households reached.
#[allow(clippy::too_many_arguments)]
pub async fn send_out<A, F>(
    ctx: &AppCtx,
    community: i64,
    buildings_json: &str,
    units_json: &str,
    audience: Audience,
    key: [<A::Entity as EntityTrait>::Column; 2],
    row: F,
    note: &Notice,
) -> Result<usize, AppError>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send + Sync + Clone + 'static,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    F: Fn(i64) -> A,
{
    let targeted = units(&ctx.db, community, buildings_json, units_json).await?;
    let (homes, users) = reach(&ctx.db, &targeted, audience).await?;
    for chunk in homes.chunks(1_000) {
        let rows: Vec<A> = chunk.iter().map(|u| row(*u)).collect();
        with_txn!(ctx.db, |txn| {
            <A::Entity as EntityTrait>::insert_many(rows.clone())
                .on_conflict(OnConflict::columns(key).do_nothing().to_owned())
                .exec_without_returning(&txn)
                .await?;
            Ok(())
        })?;
    }
    for chunk in users.chunks(1_000) {
        with_txn!(ctx.db, |txn| { raise(&txn, chunk, note).await })?;
    }
    Ok(homes.len())
}

/// Whether staff member `user` may see who residents of `community` are (names beside unit
/// numbers on survey answers and event sign-ups): `people.read` over it.
pub async fn may_see_people<C: ConnectionTrait>(c: &C, user: UserId, community: i64) -> Result<bool, AppError> {
    Ok(
        crate::access::service::scope_for(c, user, crate::access::model::Permission::PeopleRead)
            .await?
            .covers(OrgId(community)),
    )
}

/// For each stored target (JSON building ids, JSON unit ids), its building codes and unit
/// numbers in natural order: two queries whatever the number of targets.
pub async fn labels<'a, C: ConnectionTrait>(
    c: &C,
    targets: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<(Vec<String>, Vec<String>)>, AppError> {
    let ids: Vec<(Vec<i64>, Vec<i64>)> = targets
        .map(|(b, u)| {
            (
                serde_json::from_str(b).unwrap_or_default(),
                serde_json::from_str(u).unwrap_or_default(),
            )
        })
        .collect();
    let all_buildings: Vec<i64> = ids.iter().flat_map(|t| t.0.iter().copied()).collect();
    let all_units: Vec<i64> = ids.iter().flat_map(|t| t.1.iter().copied()).collect();
    let codes = estate::building_codes(c, &all_buildings).await?;
    let numbers = estate::unit_numbers(c, &all_units).await?;
    Ok(ids
        .into_iter()
        .map(|(b, u)| {
            let mut b: Vec<String> = b.iter().filter_map(|x| codes.get(x).cloned()).collect();
            b.sort_by_key(|s| estate::natural_key(s));
            let mut u: Vec<String> = u.iter().filter_map(|x| numbers.get(x).map(|n| n.0.clone())).collect();
            u.sort_by_key(|s| estate::natural_key(s));
            (b, u)
        })
        .collect())
}
