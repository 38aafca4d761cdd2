//! Property resources: buildings, units, areas, people and their relations, parking.
use crate::shared::ids::{BindRequestId, BuildingId, OccupancyId, OrgId, PersonId, SpaceId, UnitId, VehicleId};
use serde::{Deserialize, Serialize};

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
        f.write_str(&crate::shared::money::fixed2(self.0))
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

impl AreaSource {
    pub fn code(self) -> &'static str {
        match self {
            AreaSource::Registered => "registered",
            AreaSource::Measured => "measured",
            AreaSource::Contract => "contract",
        }
    }
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

/// A person's relation to a unit, as the unit page and 我的 show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Occupant {
    pub occupancy_id: OccupancyId,
    pub person_id: PersonId,
    pub name: String,
    /// Always masked (`138****0001`).
    pub phone_masked: Option<String>,
    pub relation: Relation,
    /// Move-in date (`YYYY-MM-DD`).
    pub since: String,
    /// Move-out date; `None` while current.
    pub until: Option<String>,
    /// A tenant's lease end.
    pub lease_end: Option<String>,
    /// An owner's share in basis points (10000 = 100 %).
    pub share_bp: Option<i32>,
}

/// A vehicle on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VehicleRow {
    pub id: VehicleId,
    pub plate: String,
    pub new_energy: bool,
    pub person_id: PersonId,
    pub person_name: String,
    pub unit_id: Option<UnitId>,
    pub unit_number: Option<String>,
    pub space_id: Option<SpaceId>,
    pub space_code: Option<String>,
    pub note: String,
}

/// A parking space and the vehicle using it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SpaceRow {
    pub id: SpaceId,
    pub community_id: OrgId,
    pub code: String,
    pub kind: SpaceKind,
    pub area: Option<Area>,
    /// Plates of the vehicles assigned to it.
    pub plates: Vec<String>,
}

/// Everything staff see on one unit's page (联查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitCard {
    pub unit: UnitRow,
    /// Every area figure on record (the list shows only the legal one).
    pub areas: UnitAreas,
    /// Current occupants.
    pub occupants: Vec<Occupant>,
    /// Everyone who moved out, newest first.
    pub history: Vec<Occupant>,
    pub vehicles: Vec<VehicleRow>,
    /// Handover inspections, newest first.
    pub handovers: Vec<HandoverRow>,
    /// The community's current handover checklist.
    pub checklist: Vec<String>,
}

/// A unit's area figures, each `None` when not on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitAreas {
    pub registered: Option<Area>,
    pub measured: Option<Area>,
    pub contract: Option<Area>,
    pub shared: Option<Area>,
}

/// A unit a person is or was related to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PersonHome {
    pub occupancy_id: OccupancyId,
    pub unit_id: UnitId,
    pub community: String,
    pub number: String,
    pub relation: Relation,
    pub since: String,
    pub until: Option<String>,
}

/// A person as search results and the person page show them. Phone and ID number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PersonRow {
    pub id: PersonId,
    pub name: String,
    pub phone_masked: Option<String>,
    /// `110101********1234`, or `None` when no ID number is on record.
    pub id_masked: Option<String>,
    /// When the person's consent to store the ID number was recorded.
    pub id_consent_at: Option<String>,
    /// Units within the caller's scope, current first.
    pub homes: Vec<PersonHome>,
    pub vehicles: Vec<VehicleRow>,
}

/// Where a bind request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BindStatus {
    Pending,
    Approved,
    Rejected,
    Cancelled,
}

impl BindStatus {
    pub const ALL: [BindStatus; 4] = [
        BindStatus::Pending,
        BindStatus::Approved,
        BindStatus::Rejected,
        BindStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BindStatus::Pending => "pending",
            BindStatus::Approved => "approved",
            BindStatus::Rejected => "rejected",
            BindStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<BindStatus> {
        BindStatus::ALL.into_iter().find(|u| u.code() == s)
    }
}

/// A resident's request to be bound to a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BindRequestRow {
    pub id: BindRequestId,
    pub community: String,
    pub unit_id: UnitId,
    pub unit_number: String,
    pub relation: Relation,
    pub name: String,
    pub phone_masked: Option<String>,
    pub status: BindStatus,
    pub note: String,
    pub created_at: String,
}

/// A community a resident may ask to join (name only: no records are exposed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommunityChoice {
    pub id: OrgId,
    pub name: String,
}

/// One of a resident's homes, as the 当前房屋 switcher names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HomeChoice {
    pub unit: UnitId,
    pub community: String,
    pub number: String,
}

/// A resident's homes and the one they are looking at (当前房屋): 社区 lists that home's notices,
/// surveys and events, 缴费 shows it first, a new repair is for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentHome {
    /// `None` without a home.
    pub current: Option<UnitId>,
    /// By community, then unit number.
    pub homes: Vec<HomeChoice>,
}

/// The home to look at from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChosenHome {
    pub unit_id: UnitId,
}

/// One of the caller's homes: the unit and who lives there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Home {
    pub unit: UnitRow,
    pub relation: Relation,
    pub household: Vec<Occupant>,
    /// Family invites of this home still waiting for the invited person's answer.
    pub invites: Vec<FamilyInvite>,
}

crate::code_enum! {
    /// Where a family invite stands.
    pub enum InviteStatus {
        /// Waiting for the invited person.
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        /// Withdrawn by the household.
        Cancelled = "cancelled",
    }
}

/// A household head's invite for someone to join their home as family. The invited person
/// joins only by accepting from their own account; until then the household sees the name
/// masked (the head typed it; the person's own record is never shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FamilyInvite {
    pub id: i64,
    pub unit_id: UnitId,
    /// Community and unit number (`桂花苑 2-1-0302`).
    pub unit: String,
    /// The name typed by the head, masked (`小*`).
    pub name_masked: String,
    pub phone_masked: String,
    /// Who invited (their display name), for the invited person.
    pub inviter: String,
    pub status: InviteStatus,
    pub created_at: String,
}

/// A name masked for someone who has not yet been let see it: its first character, then `*`.
pub fn mask_name(name: &str) -> String {
    let mut c = name.trim().chars();
    match c.next() {
        Some(first) => std::iter::once(first).chain(c.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// A resident identity card number (GB 11643-1999): 6-digit region, 8-digit birth date,
/// 3-digit sequence, one check character (ISO 7064 MOD 11-2). Stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber(String);

impl IdNumber {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    /// Province-level codes in use (incl. 71 Taiwan, 81/82 Hong Kong/Macao, 83 residence permits).
    const PROVINCES: [u32; 35] = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62,
        63, 64, 65, 71, 81, 82, 83,
    ];

    /// Validates and normalises (trim, lower-case `x`). `today` bounds the birth date.
    /// Errors name the problem: `err.id_length`, `err.id_chars`, `err.id_region`,
    /// `err.id_birth`, `err.id_check`.
    pub fn parse(s: &str, today: chrono::NaiveDate) -> Result<IdNumber, &'static str> {
        let s = s.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err("err.id_length");
        }
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err("err.id_chars");
        }
        let digit = |i: usize| (b[i] - b'0') as u32;
        if !Self::PROVINCES.contains(&(digit(0) * 10 + digit(1))) {
            return Err("err.id_region");
        }
        let sum: u32 = (0..17).map(|i| digit(i) * Self::WEIGHTS[i]).sum();
        if Self::CHECK[(sum % 11) as usize] != b[17] as char {
            return Err("err.id_check");
        }
        use chrono::Datelike as _;
        let birth = chrono::NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").map_err(|_| "err.id_birth")?;
        if birth > today || birth.year_ce().1 < 1800 {
            return Err("err.id_birth");
        }
        Ok(IdNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `110101********1234`: the form every page and export shows.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// A Chinese vehicle plate, normalised (no spaces or dots, upper-case): a province character,
/// a letter for the issuing city, then 5 characters (fuel) or 6 (new energy: `D`/`F` first for
/// small cars, last for large ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plate {
    pub text: String,
    pub new_energy: bool,
}

impl Plate {
    const PROVINCES: &'static str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

    fn is_serial(c: char) -> bool {
        (c.is_ascii_uppercase() && c != 'I' && c != 'O') || c.is_ascii_digit()
    }

    /// Errors: `err.plate`.
    pub fn parse(s: &str) -> Result<Plate, &'static str> {
        let text: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '·' | '•' | '-' | '.'))
            .collect::<String>()
            .to_uppercase();
        let c: Vec<char> = text.chars().collect();
        let ok_head = c.len() >= 2 && Self::PROVINCES.contains(c[0]) && c[1].is_ascii_uppercase();
        if !ok_head {
            return Err("err.plate");
        }
        let tail = &c[2..];
        let fuel = tail.len() == 5
            && tail[..4].iter().all(|&x| Self::is_serial(x))
            && (Self::is_serial(tail[4]) || "学警挂港澳领".contains(tail[4]));
        let small_ne = tail.len() == 6
            && matches!(tail[0], 'D' | 'F')
            && Self::is_serial(tail[1])
            && tail[2..].iter().all(char::is_ascii_digit);
        let large_ne = tail.len() == 6 && tail[..5].iter().all(char::is_ascii_digit) && matches!(tail[5], 'D' | 'F');
        if fuel || small_ne || large_ne {
            Ok(Plate {
                text,
                new_energy: !fuel,
            })
        } else {
            Err("err.plate")
        }
    }
}

/// How a parking space is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpaceKind {
    /// 产权车位: sold, owned.
    Owned,
    /// 租赁车位: rented from the developer or the property company.
    Rented,
    /// 公共车位: visitors, first come.
    Public,
}

impl SpaceKind {
    pub const ALL: [SpaceKind; 3] = [SpaceKind::Owned, SpaceKind::Rented, SpaceKind::Public];

    pub fn code(self) -> &'static str {
        match self {
            SpaceKind::Owned => "owned",
            SpaceKind::Rented => "rented",
            SpaceKind::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<SpaceKind> {
        SpaceKind::ALL.into_iter().find(|u| u.code() == s)
    }
}

/// One checklist item's result in a handover inspection (交付验收).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HandoverItem {
    pub item: String,
    pub ok: bool,
    #[serde(default)]
    pub note: String,
}

/// A handover inspection of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HandoverRow {
    pub id: i64,
    pub inspected_on: String,
    pub inspector: String,
    /// Every item passed.
    pub passed: bool,
    pub results: Vec<HandoverItem>,
    pub note: String,
}

/// An inspection as the inspector submits it: one answer per checklist item, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inspection {
    /// `YYYY-MM-DD`; today when absent.
    #[serde(default)]
    pub inspected_on: Option<String>,
    /// Whether each checklist item passed, in checklist order.
    pub ok: Vec<bool>,
    /// A note per item (same order; may be shorter, missing notes are empty).
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// The checklist a community starts with until staff set their own.
pub const DEFAULT_CHECKLIST: [&str; 10] = [
    "入户门及门锁",
    "窗户与玻璃",
    "墙面与顶棚",
    "地面",
    "给排水（无渗漏）",
    "电路与开关插座",
    "燃气管道与阀门",
    "卫生间防水",
    "可视对讲与门禁",
    "水电燃气表读数",
];

/// Parses a checklist typed one item per line. Errors: `err.checklist_empty`,
/// `err.checklist_long` (over 40 items or an item over 40 characters), `err.checklist_dup`.
pub fn parse_checklist(text: &str) -> Result<Vec<String>, &'static str> {
    let items: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if items.is_empty() {
        return Err("err.checklist_empty");
    }
    if items.len() > 40 || items.iter().any(|i| i.chars().count() > 40) {
        return Err("err.checklist_long");
    }
    let mut seen = std::collections::HashSet::new();
    if !items.iter().all(|i| seen.insert(i.as_str())) {
        return Err("err.checklist_dup");
    }
    Ok(items)
}

/// Pairs a checklist with the inspector's answers, in order. The answers must cover the
/// checklist exactly (`err.checklist_mismatch`); notes are trimmed and at most 100 characters.
pub fn handover_results(checklist: &[String], answers: &[(bool, String)]) -> Result<Vec<HandoverItem>, &'static str> {
    if checklist.len() != answers.len() {
        return Err("err.checklist_mismatch");
    }
    checklist
        .iter()
        .zip(answers)
        .map(|(item, (ok, note))| {
            let note = note.trim().to_string();
            if note.chars().count() > 100 {
                return Err("err.too_long");
            }
            Ok(HandoverItem {
                item: item.clone(),
                ok: *ok,
                note,
            })
        })
        .collect()
}

/// One problem in an imported workbook: where it is and what is wrong, in the caller's
/// language. `row` is the spreadsheet's own 1-based row number (the header is row 1); 0 when
/// the problem concerns the whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RowError {
    pub sheet: String,
    pub row: u32,
    /// The column's header text (or the field, e.g. `id_consent`).
    pub column: String,
    /// Stable i18n key, e.g. `err.area_invalid`.
    pub code: String,
    pub message: String,
}

/// What an import would create (dry run) or created (commit), or why it cannot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// True only when the records were written.
    pub committed: bool,
    pub buildings: u32,
    pub units: u32,
    /// New persons; people already on record (by phone) are reused and not counted.
    pub persons: u32,
    pub occupancies: u32,
    pub spaces: u32,
    pub vehicles: u32,
    /// Every error found, up to a cap (see `error_count`).
    pub errors: Vec<RowError>,
    /// How many errors there are in all.
    pub error_count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn id_numbers_follow_gb_11643() {
        // The standard's own examples (GB 11643-1999, appendix), and a lower-case x.
        for good in ["11010519491231002X", "440524188001010014", "11010519491231002x"] {
            let id = IdNumber::parse(good, today()).unwrap_or_else(|e| panic!("{good}: {e}"));
            assert_eq!(id.as_str(), good.to_ascii_uppercase());
        }
        assert_eq!(
            IdNumber::parse("11010519491231002X", today()).unwrap().masked(),
            "110105********002X"
        );
        // Every single-character change of either example is refused.
        for good in ["11010519491231002X", "440524188001010014"] {
            for i in 0..18 {
                for c in "0123456789X".chars() {
                    let mut v: Vec<char> = good.chars().collect();
                    if v[i] == c || (i < 17 && c == 'X') {
                        continue;
                    }
                    v[i] = c;
                    let bad: String = v.into_iter().collect();
                    assert!(IdNumber::parse(&bad, today()).is_err(), "{bad} accepted");
                }
            }
        }
        assert_eq!(IdNumber::parse("1101051949123100", today()), Err("err.id_length"));
        assert_eq!(IdNumber::parse("1101051949123100AX", today()), Err("err.id_chars"));
        assert_eq!(IdNumber::parse("990105194912310026", today()), Err("err.id_region"));
        // A valid check digit over an impossible date (Feb 30).
        let v = *b"11010519490230000";
        let sum: u32 = v
            .iter()
            .zip(IdNumber::WEIGHTS)
            .map(|(d, w)| (d - b'0') as u32 * w)
            .sum();
        let full = format!(
            "{}{}",
            std::str::from_utf8(&v).unwrap(),
            IdNumber::CHECK[(sum % 11) as usize]
        );
        assert_eq!(IdNumber::parse(&full, today()), Err("err.id_birth"));
    }

    #[test]
    fn plates_fuel_and_new_energy() {
        let p = Plate::parse("京A·12345").unwrap();
        assert_eq!((p.text.as_str(), p.new_energy), ("京A12345", false));
        assert!(Plate::parse("粤b d12345").unwrap().new_energy);
        assert_eq!(Plate::parse("粤BD12345").unwrap().text, "粤BD12345");
        assert!(Plate::parse("沪A12345F").unwrap().new_energy);
        assert!(!Plate::parse("浙A1234学").unwrap().new_energy);
        for bad in [
            "",
            "京",
            "A12345",
            "京112345",
            "京A1234",
            "京A123456",
            "京AI2345",
            "京AD1234X",
            "港A12345",
        ] {
            assert_eq!(Plate::parse(bad), Err("err.plate"), "{bad}");
        }
    }

    #[test]
    fn checklists_are_parsed_and_answers_must_match_them() {
        let c = parse_checklist(" 门窗 \n\n 地面\r\n墙面").unwrap();
        assert_eq!(c, vec!["门窗", "地面", "墙面"]);
        assert_eq!(parse_checklist("\n  \n"), Err("err.checklist_empty"));
        assert_eq!(parse_checklist("门窗\n门窗"), Err("err.checklist_dup"));
        let many: String = (0..41).map(|i| format!("项目{i}\n")).collect();
        assert_eq!(parse_checklist(&many), Err("err.checklist_long"));
        assert_eq!(parse_checklist(&"长".repeat(41)), Err("err.checklist_long"));
        let r = handover_results(&c, &[(true, "".into()), (false, " 有裂缝 ".into()), (true, "".into())]).unwrap();
        assert_eq!(
            (r[1].item.as_str(), r[1].ok, r[1].note.as_str()),
            ("地面", false, "有裂缝")
        );
        assert!(!r.iter().all(|i| i.ok));
        assert_eq!(
            handover_results(&c, &[(true, String::new())]),
            Err("err.checklist_mismatch")
        );
        assert_eq!(DEFAULT_CHECKLIST.len(), 10);
    }
}
