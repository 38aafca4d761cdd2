//! Server functions of the property records: authorize, call one service fn, map the error.
use super::model::{
    BindRequestRow, CommunityChoice, CurrentHome, FamilyInvite, Home, Occupant, PersonRow, Relation, SpaceKind,
    SpaceRow, UnitCard, UnitRow, VehicleRow,
};
use crate::shared::error::AppError;
use crate::shared::ids::{BindRequestId, OccupancyId, OrgId, PersonId, UnitId, VehicleId};
use crate::shared::pagination::Page;
use leptos::prelude::*;

#[server]
pub async fn list_units(
    community_id: Option<i64>,
    q: Option<String>,
    after: Option<i64>,
) -> Result<Page<UnitRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let f = super::records::UnitFilter {
            community_id,
            q,
            after,
            limit: None,
        };
        super::records::list_units(&ctx, &meta, &auth, &f).await
    })
    .await
}

/// Generates a building with its units; returns how many units were created.
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn create_building(
    community_id: OrgId,
    code: String,
    cells: u32,
    floors: u32,
    per_floor: u32,
    skip_floors: String,
    area: String,
    layout: String,
) -> Result<usize, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let skip = super::model::parse_floor_list(&skip_floors)
            .ok_or_else(|| AppError::validation("skip_floors", "err.floor_list"))?;
        let plan = super::model::BuildingPlan {
            community_id,
            code,
            cells,
            floors,
            per_floor,
            skip_floors: skip,
            area: Some(area),
            layout: Some(layout),
        };
        Ok(super::records::create_building(&ctx, &meta, &auth, plan).await?.units)
    })
    .await
}

#[server]
pub async fn unit_detail(id: UnitId) -> Result<UnitCard, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::records::unit_detail(&ctx, &meta, &auth, id).await).await
}

#[server]
pub async fn add_occupant(
    unit: UnitId,
    name: String,
    phone: String,
    relation: Relation,
    #[server(default)] lease_end: Option<String>,
) -> Result<Occupant, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let who = super::records::NewOccupant {
            name,
            phone,
            relation,
            lease_end,
        };
        super::records::add_occupant(&ctx, &meta, &auth, unit, who).await
    })
    .await
}

/// Looks at home `unit` from now on (one of the caller's): the 当前房屋 picker's form.
#[server]
pub async fn choose_home(unit: UnitId) -> Result<CurrentHome, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::records::choose_home(&ctx, &auth, unit).await).await
}

#[server]
pub async fn my_homes() -> Result<Vec<Home>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::records::my_homes(&ctx, &auth).await).await
}

#[server]
pub async fn move_out(occupancy: OccupancyId, #[server(default)] date: Option<String>) -> Result<Occupant, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::records::move_out(&ctx, &meta, &auth, occupancy, date).await).await
}

#[server]
pub async fn search_people(q: Option<String>, after: Option<i64>) -> Result<Page<PersonRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::people::search_people(&ctx, &meta, &auth, q.as_deref(), after, None).await
    })
    .await
}

#[server]
pub async fn person_detail(id: PersonId) -> Result<PersonRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::people::person_detail(&ctx, &meta, &auth, id).await).await
}

/// `consent` is the checkbox: present when ticked.
#[server]
pub async fn set_id_number(
    person: PersonId,
    id_number: String,
    #[server(default)] consent: Option<String>,
) -> Result<PersonRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::people::set_id_number(&ctx, &meta, &auth, person, &id_number, consent.is_some()).await
    })
    .await
}

#[server]
pub async fn reveal_id_number(person: PersonId) -> Result<String, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::people::reveal_id_number(&ctx, &meta, &auth, person).await).await
}

#[server]
pub async fn add_vehicle(
    unit: UnitId,
    plate: String,
    person_id: PersonId,
    #[server(default)] space_code: Option<String>,
    #[server(default)] note: Option<String>,
) -> Result<VehicleRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let v = super::people::NewVehicle {
            plate,
            person_id,
            space_code,
            note,
        };
        super::people::add_vehicle(&ctx, &meta, &auth, unit, v).await
    })
    .await
}

#[server]
pub async fn remove_vehicle(id: VehicleId) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::people::remove_vehicle(&ctx, &meta, &auth, id).await).await
}

#[server]
pub async fn create_spaces(
    community_id: OrgId,
    prefix: String,
    from: u32,
    to: u32,
    kind: SpaceKind,
    #[server(default)] area: Option<String>,
) -> Result<usize, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let run = super::people::SpaceRun {
            community_id,
            prefix,
            from,
            to,
            kind,
            area,
        };
        super::people::create_spaces(&ctx, &meta, &auth, run).await
    })
    .await
}

#[server]
pub async fn list_spaces(
    community_id: Option<i64>,
    q: Option<String>,
    after: Option<i64>,
) -> Result<Page<SpaceRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let f = super::people::SpaceFilter {
            community_id,
            q,
            after,
            limit: None,
        };
        super::people::list_spaces(&ctx, &meta, &auth, &f).await
    })
    .await
}

#[server]
pub async fn bind_communities() -> Result<Vec<CommunityChoice>, AppError> {
    crate::web::serve(async |ctx, _meta, _auth| super::binding::communities(&ctx).await).await
}

#[server]
pub async fn request_bind(
    community_id: OrgId,
    unit_number: String,
    relation: Relation,
    name: String,
) -> Result<BindRequestRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let ask = super::binding::BindAsk {
            community_id,
            unit_number,
            relation,
            name,
        };
        super::binding::request_bind(&ctx, &meta, &auth, ask).await
    })
    .await
}

#[server]
pub async fn my_bind_requests() -> Result<Vec<BindRequestRow>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::binding::my_requests(&ctx, &auth).await).await
}

#[server]
pub async fn cancel_bind(id: BindRequestId) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::binding::cancel_request(&ctx, &meta, &auth, id).await).await
}

#[server]
pub async fn list_bind_requests(all: bool, after: Option<i64>) -> Result<Page<BindRequestRow>, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::binding::list_requests(&ctx, &meta, &auth, all, after).await).await
}

/// `approve` is `"true"` or `"false"` (a hidden field of each button's form).
#[server]
pub async fn decide_bind(
    id: BindRequestId,
    approve: bool,
    #[server(default)] note: Option<String>,
) -> Result<BindRequestRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::binding::decide(&ctx, &meta, &auth, id, approve, note).await).await
}

#[server]
pub async fn invite_family(unit: UnitId, name: String, phone: String) -> Result<FamilyInvite, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::binding::invite_family(&ctx, &meta, &auth, unit, &name, &phone).await
    })
    .await
}

/// Family invites waiting for the caller's answer.
#[server]
pub async fn my_family_invites() -> Result<Vec<FamilyInvite>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::binding::my_invites(&ctx, &auth).await).await
}

#[server]
pub async fn answer_family_invite(id: i64, accept: bool) -> Result<FamilyInvite, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::binding::answer_invite(&ctx, &meta, &auth, id, accept).await).await
}

#[server]
pub async fn cancel_family_invite(id: i64) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::binding::cancel_invite(&ctx, &meta, &auth, id).await).await
}

#[server]
pub async fn remove_family(occupancy: OccupancyId) -> Result<(), AppError> {
    crate::web::serve(async |ctx, meta, auth| super::binding::remove_family(&ctx, &meta, &auth, occupancy).await).await
}

/// Saves the unit form: every field as the form sends it (an empty area clears it).
#[server]
pub async fn update_unit(
    id: UnitId,
    layout: String,
    use_type: super::model::UnitUse,
    status: super::model::UnitStatus,
    area_registered: String,
    area_measured: String,
    area_contract: String,
    shared_area: String,
) -> Result<UnitRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let p = super::records::UnitPatch {
            layout: Some(layout),
            use_type: Some(use_type),
            status: Some(status),
            area_registered: Some(area_registered),
            area_measured: Some(area_measured),
            area_contract: Some(area_contract),
            shared_area: Some(shared_area),
        };
        super::records::update_unit(&ctx, &meta, &auth, id, p).await
    })
    .await
}

#[server]
pub async fn add_org(
    parent_id: OrgId,
    kind: crate::org::model::OrgKind,
    name: String,
    code: String,
) -> Result<crate::org::model::OrgNode, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        let new = super::tree::NewOrg {
            parent_id,
            kind,
            name,
            code,
        };
        super::tree::add_org(&ctx, &meta, &auth, new).await
    })
    .await
}

/// A node's own contact, for the form that edits it.
#[server]
pub async fn org_contact(id: OrgId) -> Result<crate::org::model::OrgContact, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::tree::org_contact(&ctx, &meta, &auth, id).await).await
}

/// Sets how residents under a node reach the property (phone, address, hours).
#[server]
pub async fn set_org_contact(
    id: OrgId,
    #[server(default)] phone: String,
    #[server(default)] address: String,
    #[server(default)] hours: String,
) -> Result<crate::org::model::OrgContact, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::tree::set_org_contact(&ctx, &meta, &auth, id, &phone, &address, &hours).await
    })
    .await
}

/// How the caller reaches the property office of each of their homes.
#[server]
pub async fn my_contacts() -> Result<Vec<crate::org::model::OrgContact>, AppError> {
    crate::web::serve(async |ctx, _meta, auth| super::tree::my_contacts(&ctx, &auth).await).await
}

#[server]
pub async fn rename_org(id: OrgId, name: String) -> Result<crate::org::model::OrgNode, AppError> {
    crate::web::serve(async |ctx, meta, auth| super::tree::rename_org(&ctx, &meta, &auth, id, &name).await).await
}

/// Records a handover inspection (sent as JSON: the answers are a list).
#[server(input = leptos::server_fn::codec::Json)]
pub async fn record_handover(
    unit: UnitId,
    inspection: super::model::Inspection,
) -> Result<super::model::HandoverRow, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::handover::record_handover(&ctx, &meta, &auth, unit, inspection).await
    })
    .await
}

/// Replaces a community's handover checklist, one item per line.
#[server]
pub async fn set_checklist(community_id: OrgId, items: String) -> Result<Vec<String>, AppError> {
    crate::web::serve(async |ctx, meta, auth| {
        super::handover::set_checklist(&ctx, &meta, &auth, community_id, &items).await
    })
    .await
}
