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

/// The register of `community` as it would be frozen today, for its owners' committee or staff
/// holding `people.read` over it; outside the caller's scope (or not a community) it does not
/// exist.
pub async fn preview(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<RegisterPreview, AppError> {
    let node = may_read(ctx, meta, auth, community).await?;
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

/// Who may read `community`'s register: its owners' committee, or staff holding `people.read`
/// over it. Errors: `Forbidden` (audited) / `NotFound` out of scope, as [`preview`].
async fn may_read(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, community: OrgId) -> Result<OrgNode, AppError> {
    if !super::meetings::committee_communities(ctx, auth)
        .await?
        .contains(&community)
    {
        let scope = access::require(ctx, meta, auth, Permission::PeopleRead).await?;
        access::within(ctx, meta, auth, Permission::PeopleRead, &scope, community).await?;
    }
    org::get(&ctx.db, community)
        .await?
        .filter(|n| n.kind == OrgKind::Community)
        .ok_or(AppError::NotFound)
}

/// The register of `community` as it would be frozen today, one row per unit, as the city
/// e-vote platforms that some cities require import it: unit, exclusive area and its source,
/// the person key it counts for (units of one person share it), owners' names and phones
/// masked; and a sheet of totals. For its committee or staff with `people.read` over it.
/// Errors: as [`may_read`]; `Internal` when the workbook cannot be written.
pub async fn export(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, community: OrgId) -> Result<Vec<u8>, AppError> {
    use crate::access::model::mask_phone;
    use crate::estate::model::{mask_name, AreaSource};
    use crate::shared::money::fixed2;
    let node = may_read(ctx, meta, auth, community).await?;
    let on = crate::shared::time::today_cn();
    let Records { input, numbers, names } = records(&ctx.db, community, on).await?;
    let (register, problems) = Register::assemble(&input);
    let owners: Vec<PersonId> = input.iter().flat_map(|u| u.owners.iter().copied()).collect();
    let phones = estate::phones_of_persons(&ctx.db, &owners).await?;
    let mut key_of: HashMap<i64, String> = HashMap::new();
    for (i, v) in register.voters().iter().enumerate() {
        let key = match v.key {
            VoterKey::Developer => "开发商".to_string(),
            VoterKey::Owners { .. } => format!("P{:05}", i + 1),
        };
        for u in &v.units {
            key_of.insert(u.0, key.clone());
        }
    }
    let lacking: std::collections::HashSet<i64> = problems.iter().map(|p| p.unit().0).collect();
    let rows: Vec<Vec<String>> = input
        .iter()
        .map(|u| {
            let (area, source) = match u.area {
                Some((a, s)) => (
                    fixed2(a.0),
                    match s {
                        AreaSource::Registered => "不动产登记",
                        AreaSource::Measured => "实测",
                        AreaSource::Contract => "合同",
                    }
                    .to_string(),
                ),
                None => (String::new(), String::new()),
            };
            let key = key_of.get(&u.unit.0).cloned().unwrap_or_default();
            let developer = key == "开发商";
            let join = |f: &dyn Fn(&PersonId) -> Option<String>| {
                if developer {
                    String::new()
                } else {
                    u.owners.iter().filter_map(f).collect::<Vec<_>>().join("、")
                }
            };
            let note = if lacking.contains(&u.unit.0) {
                "记录不全，不计入".to_string()
            } else if u.owners.len() > 1 && !developer {
                format!("共有 {} 人，计一人", u.owners.len())
            } else {
                String::new()
            };
            vec![
                numbers.get(&u.unit.0).cloned().unwrap_or_default(),
                area,
                source,
                key,
                join(&|p| names.get(p).map(|n| mask_name(n))),
                join(&|p| phones.get(p).map(|ph| mask_phone(ph))),
                note,
            ]
        })
        .collect();
    let headers = [
        "房号",
        "专有部分面积（㎡）",
        "面积来源",
        "表决人编号",
        "业主",
        "手机号",
        "备注",
    ]
    .map(String::from)
    .to_vec();
    let totals = vec![
        vec!["小区".into(), node.name],
        vec!["统计日".into(), on.to_string()],
        vec!["专有部分户数".into(), register.units().to_string()],
        vec!["专有部分总面积（㎡）".into(), fixed2(register.total_area())],
        vec!["业主总人数".into(), register.total_persons().to_string()],
        vec!["记录不全的房屋".into(), problems.len().to_string()],
    ];
    crate::shared::xlsx::write_workbook(&[
        ("表决名册", headers, rows),
        ("汇总", vec!["项目".into(), "数值".into()], totals),
    ])
    .map_err(|_| AppError::Internal)
}
