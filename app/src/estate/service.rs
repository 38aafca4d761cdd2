//! (ssr) The estate area's facade for other areas: units as billing needs them, households,
//! unit numbers and briefs, buildings. Other areas ask here; they never read estate's tables.
//! (The org tree itself is the `org` area.)
use crate::shared::error::AppError;
use crate::shared::ids::{BuildingId, OrgId, UnitId};
use sea_orm::prelude::*;

/// A unit as billing needs it for one month: its facts and who held it.
#[derive(Debug, Clone)]
pub struct BillableUnit {
    pub id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub number: String,
    pub floor: i32,
    pub use_type: super::model::UnitUse,
    pub status: super::model::UnitStatus,
    /// Legal area (hundredths of ㎡), registered > measured > contract.
    pub area: Option<i64>,
    pub shared_area: Option<i64>,
    /// Parking spaces held by the unit's cars.
    pub spaces: i64,
    /// Occupancies overlapping the month (owners, co-owners, tenants), oldest first.
    pub holders: Vec<Holder>,
}

#[derive(Debug, Clone)]
pub struct Holder {
    pub person_id: i64,
    pub name: String,
    pub relation: super::model::Relation,
    pub pays_fees: bool,
    pub start: chrono::NaiveDate,
    pub end: Option<chrono::NaiveDate>,
}

/// Units of `communities` (optionally only the units `only`), with the owners and tenants whose
/// occupancy overlaps `[from, to]`. Two queries per 10 000 units, whatever the size.
pub async fn billable_units<C: ConnectionTrait>(
    c: &C,
    communities: &[i64],
    only: Option<&[i64]>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<BillableUnit>, AppError> {
    use super::model::{legal_area, Relation};
    use crate::db::entities::{occupancies, units, vehicles};
    use sea_orm::QueryOrder;
    use std::collections::HashMap;
    let mut q = units::Entity::find().filter(units::Column::CommunityId.is_in(communities.to_vec()));
    if let Some(ids) = only {
        q = q.filter(units::Column::Id.is_in(ids.to_vec()));
    }
    let us = q.order_by_asc(units::Column::Id).all(c).await?;
    let mut out = Vec::with_capacity(us.len());
    for chunk in us.chunks(10_000) {
        let ids: Vec<i64> = chunk.iter().map(|u| u.id).collect();
        let (lo, hi) = (ids[0], ids[ids.len() - 1]);
        let occ = occupancies::Entity::find()
            .filter(occupancies::Column::UnitId.between(lo, hi))
            .filter(occupancies::Column::CommunityId.is_in(communities.to_vec()))
            .filter(
                occupancies::Column::Relation
                    .is_in([Relation::Owner, Relation::CoOwner, Relation::Tenant].map(Relation::code)),
            )
            .filter(occupancies::Column::StartDate.lte(to))
            .filter(
                sea_orm::Condition::any()
                    .add(occupancies::Column::EndDate.is_null())
                    .add(occupancies::Column::EndDate.gte(from)),
            )
            .order_by_asc(occupancies::Column::Id)
            .all(c)
            .await?;
        let names = person_names(c, occ.iter().map(|o| o.person_id)).await?;
        let mut spaces: HashMap<i64, std::collections::HashSet<i64>> = HashMap::new();
        for v in vehicles::Entity::find()
            .filter(vehicles::Column::UnitId.between(lo, hi))
            .filter(vehicles::Column::ParkingSpaceId.is_not_null())
            .all(c)
            .await?
        {
            if let (Some(u), Some(s)) = (v.unit_id, v.parking_space_id) {
                spaces.entry(u).or_default().insert(s);
            }
        }
        let mut holders: HashMap<i64, Vec<Holder>> = HashMap::new();
        for o in occ {
            let Some(relation) = Relation::parse(&o.relation) else {
                continue;
            };
            holders.entry(o.unit_id).or_default().push(Holder {
                person_id: o.person_id,
                name: names.get(&o.person_id).cloned().unwrap_or_default(),
                relation,
                pays_fees: o.pays_fees,
                start: o.start_date,
                end: o.end_date,
            });
        }
        for u in chunk {
            out.push(BillableUnit {
                id: u.id,
                community_id: u.community_id,
                building_id: u.building_id,
                number: u.number.clone(),
                floor: u.floor,
                use_type: super::model::UnitUse::parse(&u.use_type).unwrap_or(super::model::UnitUse::Residential),
                status: super::model::UnitStatus::parse(&u.status).unwrap_or_else(|| {
                    tracing::warn!(unit = u.id, status = %u.status, "a unit with an unknown status is billed as occupied");
                    super::model::UnitStatus::Occupied
                }),
                area: legal_area(u.area_registered, u.area_measured, u.area_contract).map(|a| a.0 .0),
                shared_area: u.shared_area,
                spaces: spaces.get(&u.id).map(|s| s.len() as i64).unwrap_or(0),
                holders: holders.remove(&u.id).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// A unit as an owners' vote counts it: its legal area and where that figure came from, its
/// status, and the owners and co-owners holding it on the day asked.
#[derive(Debug, Clone)]
pub struct OwnedUnit {
    pub id: UnitId,
    pub number: String,
    pub area: Option<(super::model::Area, super::model::AreaSource)>,
    pub status: super::model::UnitStatus,
    /// Each owner with their name.
    pub owners: Vec<(crate::shared::ids::PersonId, String)>,
}

/// Every unit of `community`, oldest first, with its owners and co-owners on `on`. Three queries
/// per 10 000 units.
pub async fn owned_units<C: ConnectionTrait>(
    c: &C,
    community: OrgId,
    on: chrono::NaiveDate,
) -> Result<Vec<OwnedUnit>, AppError> {
    use super::model::{legal_area, Relation, UnitStatus};
    use crate::db::entities::{occupancies, units};
    use crate::shared::ids::PersonId;
    use sea_orm::QueryOrder;
    use std::collections::HashMap;
    let us = units::Entity::find()
        .filter(units::Column::CommunityId.eq(community.0))
        .order_by_asc(units::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::with_capacity(us.len());
    for chunk in us.chunks(10_000) {
        let (lo, hi) = (chunk[0].id, chunk[chunk.len() - 1].id);
        let mut owners: HashMap<i64, Vec<(PersonId, String)>> = HashMap::new();
        let occ = occupancies::Entity::find()
            .filter(occupancies::Column::UnitId.between(lo, hi))
            .filter(occupancies::Column::CommunityId.eq(community.0))
            .filter(occupancies::Column::Relation.is_in([Relation::Owner, Relation::CoOwner].map(Relation::code)))
            .filter(occupancies::Column::StartDate.lte(on))
            .filter(
                sea_orm::Condition::any()
                    .add(occupancies::Column::EndDate.is_null())
                    .add(occupancies::Column::EndDate.gte(on)),
            )
            .all(c)
            .await?;
        let names = person_names(c, occ.iter().map(|o| o.person_id)).await?;
        for o in occ {
            let name = names.get(&o.person_id).cloned().unwrap_or_default();
            owners.entry(o.unit_id).or_default().push((PersonId(o.person_id), name));
        }
        for u in chunk {
            out.push(OwnedUnit {
                id: UnitId(u.id),
                number: u.number.clone(),
                area: legal_area(u.area_registered, u.area_measured, u.area_contract),
                status: UnitStatus::parse(&u.status).unwrap_or_else(|| {
                    tracing::warn!(unit = u.id, status = %u.status, "a unit with an unknown status counts as occupied");
                    UnitStatus::Occupied
                }),
                owners: owners.remove(&u.id).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// The names of persons `ids` (in any order, with repeats), 5 000 per query.
async fn person_names<C: ConnectionTrait>(
    c: &C,
    ids: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    use crate::db::entities::persons;
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    let mut names = std::collections::HashMap::new();
    for chunk in ids.chunks(5_000) {
        for row in persons::Entity::find()
            .filter(persons::Column::Id.is_in(chunk.to_vec()))
            .all(c)
            .await?
        {
            names.insert(row.id, row.name);
        }
    }
    Ok(names)
}

#[derive(Debug, Clone)]
pub struct UnitBrief {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub building_id: i64,
    pub number: String,
    pub owners: String,
}

pub async fn unit_briefs<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<Vec<UnitBrief>, AppError> {
    use crate::db::entities::units;
    let rows = units::Entity::find()
        .filter(units::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?;
    Ok(super::records::unit_rows(c, rows)
        .await?
        .into_iter()
        .map(|r| UnitBrief {
            id: r.id.0,
            community_id: r.community_id.0,
            community: r.community,
            building_id: r.building_id.0,
            number: r.number,
            owners: r.owners,
        })
        .collect())
}

/// Units in `communities` matching the counter's search: a unit number prefix, an occupant's
/// name prefix or phone (current occupants only), at most `limit`.
pub async fn find_units<C: ConnectionTrait>(
    c: &C,
    communities: &[i64],
    q: &str,
    limit: u64,
) -> Result<Vec<UnitBrief>, AppError> {
    use crate::db::entities::{occupancies, persons, units};
    use sea_orm::{QueryOrder, QuerySelect};
    let q = q.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let mut ids: Vec<i64> = units::Entity::find()
        .filter(units::Column::CommunityId.is_in(communities.to_vec()))
        .filter(units::Column::Number.starts_with(q))
        .order_by_asc(units::Column::Id)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    if (ids.len() as u64) < limit {
        let digits = q.chars().all(|ch| ch.is_ascii_digit()) && q.len() == 11;
        // Only people living in these communities now, so namesakes elsewhere never crowd
        // out the ones the caller may see.
        let here = sea_orm::sea_query::Query::select()
            .column(occupancies::Column::PersonId)
            .from(occupancies::Entity)
            .and_where(occupancies::Column::CommunityId.is_in(communities.to_vec()))
            .and_where(occupancies::Column::EndDate.is_null())
            .to_owned();
        let people = persons::Entity::find()
            .filter(if digits {
                persons::Column::Phone.eq(q)
            } else {
                persons::Column::Name.starts_with(q)
            })
            .filter(persons::Column::Id.in_subquery(here))
            .limit(50)
            .all(c)
            .await?;
        let pids: Vec<i64> = people.iter().map(|p| p.id).collect();
        if !pids.is_empty() {
            for o in occupancies::Entity::find()
                .filter(occupancies::Column::PersonId.is_in(pids))
                .filter(occupancies::Column::CommunityId.is_in(communities.to_vec()))
                .filter(occupancies::Column::EndDate.is_null())
                .limit(limit)
                .all(c)
                .await?
            {
                if !ids.contains(&o.unit_id) && (ids.len() as u64) < limit {
                    ids.push(o.unit_id);
                }
            }
        }
    }
    let mut out = unit_briefs(c, &ids).await?;
    out.sort_by_key(|b| ids.iter().position(|i| *i == b.id));
    Ok(out)
}

/// The units the signed-in resident's household holds now (any current relation).
pub async fn my_unit_ids<C: ConnectionTrait>(c: &C, user: crate::shared::ids::UserId) -> Result<Vec<UnitId>, AppError> {
    let mut ids: Vec<UnitId> = my_places(c, user).await?.into_iter().map(|p| p.unit).collect();
    ids.sort_unstable_by_key(|u| u.0);
    ids.dedup();
    Ok(ids)
}

/// Where the signed-in resident is on record now: every current occupancy of a person with
/// the caller's phone, with its unit, community and relation (owner, tenant, family …).
pub struct MyPlace {
    pub person: crate::shared::ids::PersonId,
    pub unit: UnitId,
    pub community: OrgId,
    pub relation: super::model::Relation,
}

/// The caller's current places (see [`MyPlace`]); none without a phone on record.
pub async fn my_places<C: ConnectionTrait>(c: &C, user: crate::shared::ids::UserId) -> Result<Vec<MyPlace>, AppError> {
    use crate::db::entities::{occupancies, persons, users};
    let Some(phone) = users::Entity::find_by_id(user.0).one(c).await?.and_then(|u| u.phone) else {
        return Ok(vec![]);
    };
    let me: Vec<i64> = persons::Entity::find()
        .filter(persons::Column::Phone.eq(phone))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if me.is_empty() {
        return Ok(vec![]);
    }
    Ok(occupancies::Entity::find()
        .filter(occupancies::Column::PersonId.is_in(me))
        .filter(occupancies::Column::EndDate.is_null())
        .all(c)
        .await?
        .into_iter()
        .filter_map(|o| {
            Some(MyPlace {
                person: crate::shared::ids::PersonId(o.person_id),
                unit: UnitId(o.unit_id),
                community: OrgId(o.community_id),
                relation: super::model::Relation::parse(&o.relation)?,
            })
        })
        .collect())
}

/// The home a resident with several is looking at (当前房屋) among `homes` (theirs): the one
/// they picked while they still hold it, else the first. `None` without a home.
async fn current_among<C: ConnectionTrait>(
    c: &C,
    user: crate::shared::ids::UserId,
    homes: &[UnitId],
) -> Result<Option<UnitId>, AppError> {
    if homes.len() <= 1 {
        return Ok(homes.first().copied());
    }
    let picked = crate::db::entities::current_homes::Entity::find_by_id(user.0)
        .one(c)
        .await?
        .map(|r| UnitId(r.unit_id));
    Ok(picked.filter(|p| homes.contains(p)).or_else(|| homes.first().copied()))
}

/// The caller's homes, by community and number, and the current one (当前房屋): what the
/// switcher at the top of 首页, 社区 and 缴费 offers, carried in those pages' own data.
pub async fn home_choices<C: ConnectionTrait>(
    c: &C,
    user: crate::shared::ids::UserId,
) -> Result<super::model::CurrentHome, AppError> {
    let homes = my_unit_ids(c, user).await?;
    let current = current_among(c, user, &homes).await?;
    let ids: Vec<i64> = homes.iter().map(|u| u.0).collect();
    let mut briefs = unit_briefs(c, &ids).await?;
    briefs.sort_by(|a, b| {
        (a.community.as_str(), natural_key(&a.number)).cmp(&(b.community.as_str(), natural_key(&b.number)))
    });
    Ok(super::model::CurrentHome {
        current,
        homes: briefs
            .into_iter()
            .map(|b| super::model::HomeChoice {
                unit: UnitId(b.id),
                community: b.community,
                number: b.number,
            })
            .collect(),
    })
}

/// The caller's current home (see [`current_among`]).
pub async fn current_home<C: ConnectionTrait>(
    c: &C,
    user: crate::shared::ids::UserId,
) -> Result<Option<UnitId>, AppError> {
    let homes = my_unit_ids(c, user).await?;
    current_among(c, user, &homes).await
}

/// The caller's homes (as [`my_unit_ids`]) with their current one first: the order 缴费 and the
/// repair form offer them in.
pub async fn my_unit_ids_current_first<C: ConnectionTrait>(
    c: &C,
    user: crate::shared::ids::UserId,
) -> Result<Vec<UnitId>, AppError> {
    let mut homes = my_unit_ids(c, user).await?;
    if let Some(here) = current_among(c, user, &homes).await? {
        homes.sort_by_key(|u| *u != here);
    }
    Ok(homes)
}

/// The caller's places in their current home only: what 社区 lists. Opening one record by id
/// still goes by all of [`my_places`], so a link to another of the caller's homes works.
pub async fn current_places<C: ConnectionTrait>(
    c: &C,
    user: crate::shared::ids::UserId,
) -> Result<Vec<MyPlace>, AppError> {
    let places = my_places(c, user).await?;
    let mut homes: Vec<UnitId> = places.iter().map(|p| p.unit).collect();
    homes.sort_unstable_by_key(|u| u.0);
    homes.dedup();
    let Some(here) = current_among(c, user, &homes).await? else {
        return Ok(vec![]);
    };
    Ok(places.into_iter().filter(|p| p.unit == here).collect())
}

/// Makes `unit` the caller's current home. Errors: `NotFound` unless the caller holds it now.
pub async fn set_current_home<C: ConnectionTrait>(
    c: &C,
    user: crate::shared::ids::UserId,
    unit: UnitId,
) -> Result<(), AppError> {
    use crate::db::entities::current_homes;
    use sea_orm::sea_query::OnConflict;
    use sea_orm::ActiveValue::Set;
    if !my_unit_ids(c, user).await?.contains(&unit) {
        return Err(AppError::NotFound);
    }
    current_homes::Entity::insert(current_homes::ActiveModel {
        user_id: Set(user.0),
        unit_id: Set(unit.0),
        updated_at: Set(chrono::Utc::now()),
    })
    .on_conflict(
        OnConflict::column(current_homes::Column::UserId)
            .update_columns([current_homes::Column::UnitId, current_homes::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The phone on record of each of persons `ids` that has one.
pub async fn phones_of_persons<C: ConnectionTrait>(
    c: &C,
    ids: &[crate::shared::ids::PersonId],
) -> Result<std::collections::HashMap<crate::shared::ids::PersonId, String>, AppError> {
    use crate::db::entities::persons;
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        for p in persons::Entity::find()
            .filter(persons::Column::Id.is_in(chunk.iter().map(|p| p.0).collect::<Vec<_>>()))
            .all(c)
            .await?
        {
            if let Some(phone) = p.phone {
                out.insert(crate::shared::ids::PersonId(p.id), phone);
            }
        }
    }
    Ok(out)
}

/// The accounts of persons `ids` (matched by phone, as [`my_places`] matches them).
pub async fn users_of_persons<C: ConnectionTrait>(
    c: &C,
    ids: &[crate::shared::ids::PersonId],
) -> Result<Vec<crate::shared::ids::UserId>, AppError> {
    use crate::db::entities::{persons, users};
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let phones: Vec<String> = persons::Entity::find()
            .filter(persons::Column::Id.is_in(chunk.iter().map(|p| p.0).collect::<Vec<_>>()))
            .all(c)
            .await?
            .into_iter()
            .filter_map(|p| p.phone)
            .collect();
        out.extend(
            users::Entity::find()
                .filter(users::Column::Phone.is_in(phones))
                .all(c)
                .await?
                .into_iter()
                .map(|u| crate::shared::ids::UserId(u.id)),
        );
    }
    out.sort_unstable_by_key(|u| u.0);
    out.dedup();
    Ok(out)
}

/// The community a building belongs to.
pub async fn building_community<C: ConnectionTrait>(c: &C, building: BuildingId) -> Result<Option<OrgId>, AppError> {
    use crate::db::entities::buildings;
    Ok(buildings::Entity::find_by_id(building.0)
        .one(c)
        .await?
        .map(|b| OrgId(b.community_id)))
}

/// Building codes by id.
pub async fn building_codes<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    use crate::db::entities::buildings;
    Ok(buildings::Entity::find()
        .filter(buildings::Column::Id.is_in(ids.to_vec()))
        .all(c)
        .await?
        .into_iter()
        .map(|b| (b.id, b.code))
        .collect())
}

/// A few units of `communities` with their facts, varied by floor (for previews).
pub async fn sample_units<C: ConnectionTrait>(
    c: &C,
    communities: &[i64],
    n: u64,
) -> Result<Vec<BillableUnit>, AppError> {
    use crate::db::entities::units;
    use sea_orm::{QueryOrder, QuerySelect};
    let Some(first) = communities.first() else {
        return Ok(vec![]);
    };
    let ids: Vec<i64> = units::Entity::find()
        .filter(units::Column::CommunityId.eq(*first))
        .order_by_asc(units::Column::Id)
        .limit(200)
        .all(c)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let step = (ids.len() as u64 / n.max(1)).max(1) as usize;
    let pick: Vec<i64> = ids.iter().step_by(step).take(n as usize).copied().collect();
    let today = crate::shared::time::today_cn();
    billable_units(c, &[*first], Some(&pick), today, today).await
}

/// A community's buildings as (id, code), in natural code order (`2` before `10`).
pub async fn buildings_of<C: ConnectionTrait>(c: &C, community: i64) -> Result<Vec<(i64, String)>, AppError> {
    use crate::db::entities::buildings;
    let mut v: Vec<(i64, String)> = buildings::Entity::find()
        .filter(buildings::Column::CommunityId.eq(community))
        .all(c)
        .await?
        .into_iter()
        .map(|b| (b.id, b.code))
        .collect();
    v.sort_by_key(|a| natural_key(&a.1));
    Ok(v)
}

/// Sorts `2` before `10` and `2-1` before `10-1`: digit runs compare as numbers.
pub fn natural_key(s: &str) -> Vec<(u64, String)> {
    let mut out = vec![];
    let mut digits = String::new();
    let mut text = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            if !text.is_empty() {
                out.push((u64::MAX, std::mem::take(&mut text)));
            }
            digits.push(ch);
        } else {
            if !digits.is_empty() {
                out.push((digits.parse().unwrap_or(u64::MAX), std::mem::take(&mut digits)));
            }
            text.push(ch);
        }
    }
    if !digits.is_empty() {
        out.push((digits.parse().unwrap_or(u64::MAX), digits));
    }
    if !text.is_empty() {
        out.push((u64::MAX, text));
    }
    out
}

/// A unit's number and building, by unit id (units of any community).
pub async fn unit_numbers<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (String, i64)>, AppError> {
    use crate::db::entities::units;
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        for u in units::Entity::find()
            .filter(units::Column::Id.is_in(chunk.to_vec()))
            .all(c)
            .await?
        {
            out.insert(u.id, (u.number, u.building_id));
        }
    }
    Ok(out)
}

/// The units of a community with these numbers: number → (unit id, building id). Numbers
/// not found are simply absent.
pub async fn units_by_number<C: ConnectionTrait>(
    c: &C,
    community: i64,
    numbers: &[String],
) -> Result<std::collections::HashMap<String, (i64, i64)>, AppError> {
    use crate::db::entities::units;
    let mut out = std::collections::HashMap::new();
    for chunk in numbers.chunks(500) {
        for u in units::Entity::find()
            .filter(units::Column::CommunityId.eq(community))
            .filter(units::Column::Number.is_in(chunk.to_vec()))
            .all(c)
            .await?
        {
            out.insert(u.number, (u.id, u.building_id));
        }
    }
    Ok(out)
}

/// Someone living in a unit now: their relation to it and their account, where one signs in
/// with the phone on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupant {
    pub unit: i64,
    pub relation: super::model::Relation,
    pub user: Option<crate::shared::ids::UserId>,
}

/// Everyone living in `units` now (what [`my_places`] answers the other way round), for notices
/// aimed at owners or tenants.
pub async fn occupants<C: ConnectionTrait>(c: &C, units: &[i64]) -> Result<Vec<Occupant>, AppError> {
    use crate::db::entities::{occupancies, persons, users};
    use std::collections::HashMap;
    let mut out = vec![];
    for chunk in units.chunks(500) {
        let occ = occupancies::Entity::find()
            .filter(occupancies::Column::UnitId.is_in(chunk.to_vec()))
            .filter(occupancies::Column::EndDate.is_null())
            .all(c)
            .await?;
        let person_ids: Vec<i64> = occ.iter().map(|o| o.person_id).collect();
        let phones: HashMap<i64, String> = persons::Entity::find()
            .filter(persons::Column::Id.is_in(person_ids))
            .all(c)
            .await?
            .into_iter()
            .filter_map(|p| p.phone.map(|ph| (p.id, ph)))
            .collect();
        let mut wanted: Vec<String> = phones.values().cloned().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let by_phone: HashMap<String, i64> = users::Entity::find()
            .filter(users::Column::Phone.is_in(wanted))
            .all(c)
            .await?
            .into_iter()
            .filter_map(|u| u.phone.map(|ph| (ph, u.id)))
            .collect();
        for o in occ {
            let Some(relation) = super::model::Relation::parse(&o.relation) else {
                continue;
            };
            out.push(Occupant {
                unit: o.unit_id,
                relation,
                user: phones
                    .get(&o.person_id)
                    .and_then(|ph| by_phone.get(ph))
                    .map(|u| crate::shared::ids::UserId(*u)),
            });
        }
    }
    Ok(out)
}

/// The accounts of the households living in `units` now: unit → user ids, for notices.
pub async fn household_users<C: ConnectionTrait>(
    c: &C,
    units: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<crate::shared::ids::UserId>>, AppError> {
    let mut out: std::collections::HashMap<i64, Vec<crate::shared::ids::UserId>> = Default::default();
    for o in occupants(c, units).await? {
        if let Some(u) = o.user {
            let v = out.entry(o.unit).or_default();
            if !v.contains(&u) {
                v.push(u);
            }
        }
    }
    Ok(out)
}

/// The homes of `communities`, or of these buildings of them only (`buildings` not empty).
pub async fn unit_ids_in<C: ConnectionTrait>(c: &C, community: i64, buildings: &[i64]) -> Result<Vec<i64>, AppError> {
    use crate::db::entities::units;
    use sea_orm::QuerySelect;
    let mut q = units::Entity::find()
        .select_only()
        .column(units::Column::Id)
        .filter(units::Column::CommunityId.eq(community));
    if !buildings.is_empty() {
        q = q.filter(units::Column::BuildingId.is_in(buildings.to_vec()));
    }
    Ok(q.into_tuple::<i64>().all(c).await?)
}

/// The homes of `communities`.
pub async fn unit_ids_of<C: ConnectionTrait>(c: &C, communities: &[i64]) -> Result<Vec<i64>, AppError> {
    use crate::db::entities::units;
    use sea_orm::QuerySelect;
    Ok(units::Entity::find()
        .select_only()
        .column(units::Column::Id)
        .filter(units::Column::CommunityId.is_in(communities.to_vec()))
        .into_tuple::<i64>()
        .all(c)
        .await?)
}
