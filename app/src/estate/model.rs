//! Org tree types and rules.
use crate::shared::ids::{BuildingId, OrgId, PersonId, UnitId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Company,
    Region,
    Office,
    Community,
}

impl OrgKind {
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Company => "company",
            OrgKind::Region => "region",
            OrgKind::Office => "office",
            OrgKind::Community => "community",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        [OrgKind::Company, OrgKind::Region, OrgKind::Office, OrgKind::Community]
            .into_iter()
            .find(|k| k.code() == s)
    }

    /// Which kind may sit under which: a company under nothing (or a group company),
    /// regions under a company, offices under a company or region, communities under an office.
    pub fn may_have_child(self, child: OrgKind) -> bool {
        matches!(
            (self, child),
            (OrgKind::Company, OrgKind::Company)
                | (OrgKind::Company, OrgKind::Region)
                | (OrgKind::Company, OrgKind::Office)
                | (OrgKind::Region, OrgKind::Office)
                | (OrgKind::Office, OrgKind::Community)
        )
    }
}

/// The materialised path of a child: parent's path plus its own id.
pub fn child_path(parent_path: &str, id: i64) -> String {
    format!("{parent_path}{id}/")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgNode {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub kind: OrgKind,
    pub name: String,
    pub code: String,
    pub depth: i32,
}

// ---------------------------------------------------------------- buildings and units

/// What a unit is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitUse {
    Residential,
    Shop,
    Office,
    Parking,
}

impl UnitUse {
    pub const ALL: [UnitUse; 4] = [UnitUse::Residential, UnitUse::Shop, UnitUse::Office, UnitUse::Parking];

    pub fn code(self) -> &'static str {
        match self {
            UnitUse::Residential => "residential",
            UnitUse::Shop => "shop",
            UnitUse::Office => "office",
            UnitUse::Parking => "parking",
        }
    }

    pub fn parse(s: &str) -> Option<UnitUse> {
        UnitUse::ALL.into_iter().find(|u| u.code() == s)
    }
}

/// Where a unit stands in its life: 未售 / 已售未交付 / 已交付 / 已入住 / 空置.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    Unsold,
    SoldUndelivered,
    Delivered,
    Occupied,
    Vacant,
}

impl UnitStatus {
    pub const ALL: [UnitStatus; 5] = [
        UnitStatus::Unsold,
        UnitStatus::SoldUndelivered,
        UnitStatus::Delivered,
        UnitStatus::Occupied,
        UnitStatus::Vacant,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitStatus::Unsold => "unsold",
            UnitStatus::SoldUndelivered => "sold_undelivered",
            UnitStatus::Delivered => "delivered",
            UnitStatus::Occupied => "occupied",
            UnitStatus::Vacant => "vacant",
        }
    }

    pub fn parse(s: &str) -> Option<UnitStatus> {
        UnitStatus::ALL.into_iter().find(|u| u.code() == s)
    }
}

/// An area in hundredths of a square metre: exact, so 89.57 ㎡ × 2.50 元 is exact too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Area(pub i64);

impl Area {
    /// Parses `89`, `89.5` or `89.57` (at most two decimals, positive, below 100 000 ㎡).
    pub fn parse(s: &str) -> Option<Area> {
        let s = s.trim();
        let (int, frac) = match s.split_once('.') {
            Some((_, "")) => return None,
            Some(parts) => parts,
            None => (s, ""),
        };
        if int.is_empty() || int.len() > 5 || frac.len() > 2 || !int.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let i: i64 = int.parse().ok()?;
        let f: i64 = format!("{frac:0<2}").parse().ok()?;
        let v = i * 100 + f;
        (v > 0).then_some(Area(v))
    }
}

impl std::fmt::Display for Area {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Where an area figure came from. The legal exclusive area is the most authoritative one
/// on record: 不动产登记 (registered) > 实测 (measured) > 合同 (contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AreaSource {
    Registered,
    Measured,
    Contract,
}

/// The legal exclusive area and its source, if any figure is on record.
pub fn legal_area(registered: Option<i64>, measured: Option<i64>, contract: Option<i64>) -> Option<(Area, AreaSource)> {
    registered
        .map(|a| (Area(a), AreaSource::Registered))
        .or(measured.map(|a| (Area(a), AreaSource::Measured)))
        .or(contract.map(|a| (Area(a), AreaSource::Contract)))
}

/// How to generate a building's units in one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BuildingPlan {
    pub community_id: OrgId,
    /// 楼栋号, e.g. `1`.
    pub code: String,
    /// Number of 单元 (entrances), 1–20.
    pub cells: u32,
    /// Highest floor, 1–99.
    pub floors: u32,
    /// Units per floor per 单元, 1–20.
    pub per_floor: u32,
    /// Floors that have no units (e.g. 4, 13, 14), left out of the numbering.
    #[serde(default)]
    pub skip_floors: Vec<u32>,
    /// Contract area of every generated unit, e.g. `89.57`; edited per unit later.
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub layout: Option<String>,
}

/// One unit a plan will create: 单元, floor and number `楼栋-单元-楼层房号`, e.g. `1-2-0301`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedUnit {
    pub cell: u32,
    pub floor: u32,
    pub number: String,
}

/// Expands a plan into its units, or names the first field that is out of range.
pub fn plan_units(p: &BuildingPlan) -> Result<Vec<PlannedUnit>, (&'static str, &'static str)> {
    let code = p.code.trim();
    if code.is_empty() || code.chars().count() > 10 || code.contains(char::is_whitespace) || code.contains('-') {
        return Err(("code", "err.building_code"));
    }
    if !(1..=20).contains(&p.cells) {
        return Err(("cells", "err.out_of_range"));
    }
    if !(1..=99).contains(&p.floors) {
        return Err(("floors", "err.out_of_range"));
    }
    if !(1..=20).contains(&p.per_floor) {
        return Err(("per_floor", "err.out_of_range"));
    }
    let mut out = vec![];
    for cell in 1..=p.cells {
        for floor in (1..=p.floors).filter(|f| !p.skip_floors.contains(f)) {
            for n in 1..=p.per_floor {
                out.push(PlannedUnit {
                    cell,
                    floor,
                    number: format!("{code}-{cell}-{floor:02}{n:02}"),
                });
            }
        }
    }
    if out.is_empty() {
        return Err(("skip_floors", "err.no_units"));
    }
    Ok(out)
}

/// Parses a floor list such as `4, 13，14` (ASCII or full-width commas, spaces). Empty is none.
pub fn parse_floor_list(s: &str) -> Option<Vec<u32>> {
    s.split([',', '，', ' ', '、'])
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<u32>().ok().filter(|f| (1..=99).contains(f)))
        .collect()
}

/// A unit as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitRow {
    pub id: UnitId,
    pub community_id: OrgId,
    pub community: String,
    pub building_id: BuildingId,
    pub number: String,
    pub floor: i32,
    pub layout: String,
    pub use_type: UnitUse,
    pub status: UnitStatus,
    /// The legal exclusive area, `None` when no figure is on record.
    pub area: Option<Area>,
    pub area_source: Option<AreaSource>,
    /// Current owners' names, comma-separated, for the list.
    pub owners: String,
}

/// How a person relates to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Owner,
    CoOwner,
    Tenant,
    Resident,
    Family,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::Owner,
        Relation::CoOwner,
        Relation::Tenant,
        Relation::Resident,
        Relation::Family,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relation::Owner => "owner",
            Relation::CoOwner => "co_owner",
            Relation::Tenant => "tenant",
            Relation::Resident => "resident",
            Relation::Family => "family",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|u| u.code() == s)
    }
}

/// A person's current relation to a unit, as the unit page and 我的 show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Occupant {
    pub person_id: PersonId,
    pub name: String,
    /// Always masked (`138****0001`).
    pub phone_masked: Option<String>,
    pub relation: Relation,
    pub since: String,
}

/// One of the caller's homes: the unit and who lives there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Home {
    pub unit: UnitRow,
    pub relation: Relation,
    pub household: Vec<Occupant>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_shape_rules() {
        assert!(OrgKind::Office.may_have_child(OrgKind::Community));
        assert!(!OrgKind::Community.may_have_child(OrgKind::Office));
        assert!(!OrgKind::Region.may_have_child(OrgKind::Community));
        assert_eq!(child_path("/1/", 4), "/1/4/");
        assert_eq!(OrgKind::parse("office"), Some(OrgKind::Office));
        assert_eq!(OrgKind::parse("x"), None);
    }

    #[test]
    fn areas_are_exact_and_validated() {
        assert_eq!(Area::parse("89.57"), Some(Area(8957)));
        assert_eq!(Area::parse("89.5"), Some(Area(8950)));
        assert_eq!(Area::parse(" 120 "), Some(Area(12000)));
        for bad in ["", "0", "-3", "1.234", "abc", "1e3", "12.", ".5x", "123456"] {
            assert_eq!(Area::parse(bad), None, "{bad}");
        }
        assert_eq!(Area(8957).to_string(), "89.57");
        assert_eq!(Area(5).to_string(), "0.05");
    }

    #[test]
    fn legal_area_prefers_registered_then_measured_then_contract() {
        assert_eq!(
            legal_area(Some(1), Some(2), Some(3)),
            Some((Area(1), AreaSource::Registered))
        );
        assert_eq!(
            legal_area(None, Some(2), Some(3)),
            Some((Area(2), AreaSource::Measured))
        );
        assert_eq!(legal_area(None, None, Some(3)), Some((Area(3), AreaSource::Contract)));
        assert_eq!(legal_area(None, None, None), None);
    }

    #[test]
    fn building_plan_numbers_units_and_skips_floors() {
        let p = BuildingPlan {
            community_id: OrgId(1),
            code: "1".into(),
            cells: 2,
            floors: 15,
            per_floor: 2,
            skip_floors: vec![4, 13, 14],
            area: None,
            layout: None,
        };
        let u = plan_units(&p).unwrap();
        assert_eq!(u.len(), 2 * 12 * 2);
        assert!(u.iter().any(|x| x.number == "1-2-0301"));
        assert!(!u.iter().any(|x| x.floor == 4 || x.floor == 13 || x.floor == 14));
        assert_eq!(u.last().unwrap().number, "1-2-1502");
        let all_skipped = BuildingPlan {
            floors: 1,
            skip_floors: vec![1],
            ..p.clone()
        };
        assert_eq!(plan_units(&all_skipped), Err(("skip_floors", "err.no_units")));
        assert_eq!(
            plan_units(&BuildingPlan { cells: 0, ..p.clone() }),
            Err(("cells", "err.out_of_range"))
        );
        assert_eq!(
            plan_units(&BuildingPlan {
                code: "1-2".into(),
                ..p
            }),
            Err(("code", "err.building_code"))
        );
        assert_eq!(parse_floor_list("4, 13，14"), Some(vec![4, 13, 14]));
        assert_eq!(parse_floor_list(""), Some(vec![]));
        assert_eq!(parse_floor_list("4,x"), None);
        assert_eq!(parse_floor_list("0"), None);
    }
}
