//! Server functions of the property records: authorize, call one service fn, map the error.
use super::model::{Home, Occupant, Relation, UnitRow};
use crate::shared::error::AppError;
use crate::shared::ids::{OrgId, UnitId};
use crate::shared::pagination::Page;
use leptos::prelude::*;

#[server]
pub async fn list_units(
    community_id: Option<i64>,
    q: Option<String>,
    after: Option<i64>,
) -> Result<Page<UnitRow>, AppError> {
    use crate::access::api::{authed, respond};
    respond(
        async {
            let (ctx, meta, auth) = authed()?;
            let f = super::records::UnitFilter {
                community_id,
                q,
                after,
                limit: None,
            };
            super::records::list_units(&ctx, &meta, &auth, &f).await
        }
        .await,
    )
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
    use crate::access::api::{authed, respond};
    respond(
        async {
            let (ctx, meta, auth) = authed()?;
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
        }
        .await,
    )
}

#[server]
pub async fn unit_detail(id: UnitId) -> Result<(UnitRow, Vec<Occupant>), AppError> {
    use crate::access::api::{authed, respond};
    respond(
        async {
            let (ctx, meta, auth) = authed()?;
            super::records::unit_detail(&ctx, &meta, &auth, id).await
        }
        .await,
    )
}

#[server]
pub async fn add_occupant(unit: UnitId, name: String, phone: String, relation: Relation) -> Result<Occupant, AppError> {
    use crate::access::api::{authed, respond};
    respond(
        async {
            let (ctx, meta, auth) = authed()?;
            let who = super::records::NewOccupant { name, phone, relation };
            super::records::add_occupant(&ctx, &meta, &auth, unit, who).await
        }
        .await,
    )
}

#[server]
pub async fn my_homes() -> Result<Vec<Home>, AppError> {
    use crate::access::api::{authed, respond};
    respond(
        async {
            let (ctx, _meta, auth) = authed()?;
            super::records::my_homes(&ctx, &auth).await
        }
        .await,
    )
}
