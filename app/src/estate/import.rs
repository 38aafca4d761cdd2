//! (ssr) Property records in bulk. Import: an XLSX workbook with the sheets 房屋, 业主,
//! 房屋业主, 车位 and 车辆 (column layout common in Chinese property systems, columns found by
//! their header text in any order) goes into one community, first as a dry run that lists
//! every row-level error, then all or nothing in one transaction. Export: the unit list in the
//! 房屋 sheet's layout, so an export re-imports elsewhere. Reading the workbook and checking
//! its rows is pure ([`parse`]); the database is asked in bulk (IN lists in chunks), never
//! once per row.
use super::model::*;
use super::people::person_scope_cond;
use super::records::{seal_id_number, SealedId, UnitFilter};
use crate::access::model::{Authed, Permission, Phone, RequestMeta};
use crate::access::service::{self as access, actor_label, Scope};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{buildings, occupancies, org_units, parking_spaces, persons, units, vehicles};
use crate::db::AppCtx;
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::i18n::{tr_in, Locale};
use crate::shared::ids::OrgId;
use crate::shared::sealed::DataKey;
use crate::shared::xlsx::{self, header_key as norm, Limits, Row, Sheet, Workbook};
use crate::with_txn;
use chrono::{NaiveDate, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};

/// Rows per statement: keeps IN lists and multi-row inserts under SQLite's bound-parameter
/// limit (and far under PostgreSQL's).
const CHUNK: usize = 500;
/// Errors listed in one report; `error_count` still counts them all.
const MAX_LISTED_ERRORS: usize = 1_000;
/// Units one export may hold.
pub const EXPORT_MAX_ROWS: usize = 100_000;

// ---------------------------------------------------------------- sheets and columns

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Units,
    Owners,
    Occupancies,
    Spaces,
    Vehicles,
}

/// One column a sheet may have: its name in templates and exports, the header texts that
/// mean the same, and whether the sheet is unusable without it.
struct Col {
    title: &'static str,
    aliases: &'static [&'static str],
    required: bool,
}

const fn col(title: &'static str, aliases: &'static [&'static str], required: bool) -> Col {
    Col {
        title,
        aliases,
        required,
    }
}

const UNIT_NUMBER_NAMES: &[&str] = &["房屋编号", "房号", "房间号", "房屋编码", "房间编号"];
const PHONE_NAMES: &[&str] = &["手机号", "手机", "手机号码", "联系电话", "电话", "联系方式"];
const SPACE_NAMES: &[&str] = &["车位编号", "车位号", "车位"];

/// Field positions in each kind's column list.
mod f {
    pub mod unit {
        pub const COMMUNITY: usize = 0;
        pub const COMMUNITY_CODE: usize = 1;
        pub const BUILDING: usize = 2;
        pub const CELL: usize = 3;
        pub const FLOORS: usize = 4;
        pub const NUMBER: usize = 5;
        pub const FLOOR: usize = 6;
        pub const LAYOUT: usize = 7;
        pub const AREA: usize = 8;
        pub const INNER: usize = 9;
        pub const USE: usize = 10;
        pub const STATUS: usize = 11;
    }
    pub mod owner {
        pub const NAME: usize = 0;
        pub const PHONE: usize = 1;
        pub const ID: usize = 2;
    }
    pub mod occ {
        pub const UNIT: usize = 0;
        pub const PHONE: usize = 1;
        pub const RELATION: usize = 2;
        pub const SHARE: usize = 3;
        pub const START: usize = 4;
        pub const LEASE_END: usize = 5;
    }
    pub mod space {
        pub const CODE: usize = 0;
        pub const KIND: usize = 1;
        pub const AREA: usize = 2;
    }
    pub mod vehicle {
        pub const PLATE: usize = 0;
        pub const PHONE: usize = 1;
        pub const UNIT: usize = 2;
        pub const SPACE: usize = 3;
        pub const NOTE: usize = 4;
    }
}

const UNIT_COLS: &[Col] = &[
    col("小区", &["小区", "小区名称", "项目", "项目名称"], false),
    col("小区编码", &["小区编码", "小区代码", "项目编码"], false),
    col("楼栋号", &["楼栋号", "楼栋", "楼号", "楼栋编号", "栋号"], true),
    col("单元编号", &["单元编号", "单元", "单元号"], true),
    col("总层数", &["总层数", "楼层数", "总楼层"], true),
    col("房屋编号", UNIT_NUMBER_NAMES, true),
    col("房屋楼层", &["房屋楼层", "楼层", "所在楼层"], true),
    col("户型", &["户型"], true),
    col("建筑面积", &["建筑面积", "面积"], true),
    col("套内面积", &["套内面积", "使用面积"], false),
    col("用途", &["用途", "房屋用途", "房屋类型"], true),
    col("状态", &["状态", "房屋状态"], false),
];
const OWNER_COLS: &[Col] = &[
    col(
        "业主名称",
        &["业主名称", "业主姓名", "业主", "姓名", "名称", "客户名称"],
        true,
    ),
    col("手机号", PHONE_NAMES, true),
    col(
        "身份证号",
        &["身份证号", "身份证", "身份证号码", "证件号码", "证件号"],
        false,
    ),
];
const OCC_COLS: &[Col] = &[
    col("房屋编号", UNIT_NUMBER_NAMES, true),
    col("手机号", PHONE_NAMES, true),
    col("关系", &["关系", "身份", "与房屋关系", "客户类型"], true),
    col("份额", &["份额", "产权份额", "产权比例"], false),
    col("起始日期", &["起始日期", "开始日期", "入住日期", "起租日期"], false),
    col(
        "租期截止",
        &["租期截止", "租期截止日期", "租赁截止", "到期日期", "租期结束"],
        false,
    ),
];
const SPACE_COLS: &[Col] = &[
    col("车位编号", SPACE_NAMES, true),
    col("类型", &["类型", "车位类型", "产权类型"], true),
    col("面积", &["面积", "车位面积"], false),
];
const VEHICLE_COLS: &[Col] = &[
    col("车牌号", &["车牌号", "车牌", "车牌号码"], true),
    col(
        "手机号",
        &[
            "手机号",
            "手机",
            "手机号码",
            "联系电话",
            "电话",
            "车主手机号",
            "车主电话",
        ],
        true,
    ),
    col("房屋编号", UNIT_NUMBER_NAMES, false),
    col("车位编号", SPACE_NAMES, false),
    col("备注", &["备注", "说明"], false),
];

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Units,
        Kind::Owners,
        Kind::Occupancies,
        Kind::Spaces,
        Kind::Vehicles,
    ];

    fn title(self) -> &'static str {
        match self {
            Kind::Units => "房屋",
            Kind::Owners => "业主",
            Kind::Occupancies => "房屋业主",
            Kind::Spaces => "车位",
            Kind::Vehicles => "车辆",
        }
    }

    /// Sheet names that mean this kind (compared after [`norm`]).
    fn names(self) -> &'static [&'static str] {
        match self {
            Kind::Units => &["房屋", "房屋信息", "房屋资料", "房产", "房间", "units"],
            Kind::Owners => &["业主", "业主信息", "业主资料", "客户", "客户信息", "owners", "persons"],
            Kind::Occupancies => &[
                "房屋业主",
                "房屋业主关系",
                "业主房屋",
                "房屋客户",
                "客户房屋",
                "occupancies",
            ],
            Kind::Spaces => &["车位", "车位信息", "车位资料", "parking", "spaces"],
            Kind::Vehicles => &["车辆", "车辆信息", "车辆资料", "vehicles"],
        }
    }

    fn columns(self) -> &'static [Col] {
        match self {
            Kind::Units => UNIT_COLS,
            Kind::Owners => OWNER_COLS,
            Kind::Occupancies => OCC_COLS,
            Kind::Spaces => SPACE_COLS,
            Kind::Vehicles => VEHICLE_COLS,
        }
    }
}

// ---------------------------------------------------------------- values

fn parse_use(s: &str) -> Option<UnitUse> {
    Some(match s {
        "住宅" | "住房" | "住家" => UnitUse::Residential,
        "商铺" | "商业" | "底商" | "门面" | "商用" => UnitUse::Shop,
        "办公" | "写字楼" | "办公室" | "办公用房" => UnitUse::Office,
        "车位" | "车库" => UnitUse::Parking,
        other => return UnitUse::parse(other),
    })
}

fn use_label(u: UnitUse) -> &'static str {
    match u {
        UnitUse::Residential => "住宅",
        UnitUse::Shop => "商铺",
        UnitUse::Office => "办公",
        UnitUse::Parking => "车位",
    }
}

fn parse_status(s: &str) -> Option<UnitStatus> {
    Some(match s {
        "未售" | "待售" => UnitStatus::Unsold,
        "已售未交付" | "已售" | "未交付" => UnitStatus::SoldUndelivered,
        "已交付" | "交付" | "已交房" => UnitStatus::Delivered,
        "已入住" | "入住" | "自住" => UnitStatus::Occupied,
        "空置" | "空房" => UnitStatus::Vacant,
        other => return UnitStatus::parse(other),
    })
}

fn status_label(s: UnitStatus) -> &'static str {
    match s {
        UnitStatus::Unsold => "未售",
        UnitStatus::SoldUndelivered => "已售未交付",
        UnitStatus::Delivered => "已交付",
        UnitStatus::Occupied => "已入住",
        UnitStatus::Vacant => "空置",
    }
}

fn parse_relation(s: &str) -> Option<Relation> {
    Some(match s {
        "业主" | "产权人" => Relation::Owner,
        "共有人" | "产权共有人" | "共同业主" => Relation::CoOwner,
        "租户" | "承租人" | "租客" => Relation::Tenant,
        "住户" | "居住人" | "居住者" => Relation::Resident,
        "家属" | "家庭成员" | "亲属" => Relation::Family,
        other => return Relation::parse(other),
    })
}

fn parse_space_kind(s: &str) -> Option<SpaceKind> {
    Some(match s {
        "产权" | "自有" | "产权车位" => SpaceKind::Owned,
        "租赁" | "租用" | "租赁车位" => SpaceKind::Rented,
        "公共" | "公用" | "临停" | "公共车位" => SpaceKind::Public,
        other => return SpaceKind::parse(other),
    })
}

/// A non-negative decimal scaled by 10^`decimals`, exactly (`"0.5"`, 4 → 5000).
fn fixed(s: &str, decimals: u32) -> Option<i64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > 9 || !digits(int) || !digits(frac) || frac.len() > decimals as usize {
        return None;
    }
    if s.ends_with('.') {
        return None;
    }
    let i: i64 = int.parse().ok()?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<w$}", w = decimals as usize).parse().ok()?
    };
    Some(i * 10i64.pow(decimals) + f)
}

/// A share of ownership in basis points (1–10 000): `50%`, `50.5%`, a fraction up to 1
/// (`0.5`, `1`; what a percent-formatted cell holds) or a bare percentage above 1 (`50`).
fn parse_share(s: &str) -> Option<i32> {
    let t = s.trim();
    let bp = match t.strip_suffix(['%', '％']) {
        Some(p) => {
            let v = fixed(p.trim(), 2)?;
            v
        }
        None => {
            let v = fixed(t, 4)?;
            if v <= 10_000 {
                v
            } else if v % 100 == 0 {
                v / 100
            } else {
                return None;
            }
        }
    };
    i32::try_from(bp).ok().filter(|b| (1..=10_000).contains(b))
}

/// `2026-01-31`, `2026/1/31`, `2026.1.31`, `2026年1月31日`, `20260131`, a date-time whose
/// date part is one of those, or an Excel day number (a date cell formatted as a number).
fn parse_date(s: &str) -> Option<NaiveDate> {
    let d = s.split_whitespace().next()?;
    let ok = |v: NaiveDate| {
        use chrono::Datelike as _;
        (1900..=2200).contains(&v.year()).then_some(v)
    };
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"] {
        if let Ok(v) = NaiveDate::parse_from_str(d, fmt) {
            return ok(v);
        }
    }
    if d.bytes().all(|b| b.is_ascii_digit()) {
        if d.len() == 8 {
            let n = |r: std::ops::Range<usize>| d[r].parse::<u32>().ok();
            return NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?).and_then(ok);
        }
        if d.len() == 5 {
            let days: i64 = d.parse().ok()?;
            return NaiveDate::from_ymd_opt(1899, 12, 30)?
                .checked_add_signed(chrono::Duration::days(days))
                .and_then(ok);
        }
    }
    None
}

fn parse_int(s: &str, range: std::ops::RangeInclusive<i32>) -> Result<i32, &'static str> {
    let v: i32 = s.parse().map_err(|_| "err.import_int")?;
    if range.contains(&v) {
        Ok(v)
    } else {
        Err("err.out_of_range")
    }
}

/// Same rule as the one-step building generator: short, no spaces, no `-`.
fn building_code_ok(code: &str) -> bool {
    !code.is_empty() && code.chars().count() <= 10 && !code.contains(char::is_whitespace) && !code.contains('-')
}

fn phone_of(s: &str) -> Option<String> {
    Phone::try_from(s).ok().map(String::from)
}

// ---------------------------------------------------------------- parsing (pure)

/// One problem, before it is put into words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Issue {
    sheet: String,
    row: u32,
    column: String,
    code: &'static str,
    /// The other row of a duplicate.
    other_row: Option<u32>,
}

/// A recognised sheet with its columns located.
struct Table<'a> {
    sheet: &'a Sheet,
    /// Per column of the kind: its position in the sheet, if present.
    at: Vec<Option<usize>>,
    /// Per column: the header as written, or the column's title when absent.
    names: Vec<String>,
}

impl<'a> Table<'a> {
    /// Finds the columns in the first row. `None` (with one issue per missing column) when a
    /// required one is missing, or when the sheet is empty.
    fn locate(kind: Kind, sheet: &'a Sheet, issues: &mut Vec<Issue>) -> Option<Table<'a>> {
        let header = sheet.rows.first()?;
        let heads: Vec<String> = header.cells.iter().map(|h| norm(h)).collect();
        let mut at = vec![];
        let mut names = vec![];
        let mut missing = false;
        for c in kind.columns() {
            let pos = c
                .aliases
                .iter()
                .find_map(|a| heads.iter().position(|h| !h.is_empty() && *h == norm(a)));
            if pos.is_none() && c.required {
                missing = true;
                issues.push(Issue {
                    sheet: sheet.name.clone(),
                    row: header.number,
                    column: c.title.to_string(),
                    code: "err.import_missing_column",
                    other_row: None,
                });
            }
            names.push(pos.map_or(c.title.to_string(), |p| header.cell(p).trim().to_string()));
            at.push(pos);
        }
        (!missing).then_some(Table { sheet, at, names })
    }

    fn rows(&self) -> &'a [Row] {
        self.sheet.rows.get(1..).unwrap_or(&[])
    }

    /// The trimmed text of a field; empty when the column is absent.
    fn text<'r>(&self, row: &'r Row, field: usize) -> &'r str {
        self.at[field].map_or("", |p| row.cell(p).trim())
    }

    fn issue(&self, row: &Row, field: usize, code: &'static str) -> Issue {
        Issue {
            sheet: self.sheet.name.clone(),
            row: row.number,
            column: self.names[field].clone(),
            code,
            other_row: None,
        }
    }
}

/// Where a later (database) check reports about a kind's field.
#[derive(Debug, Default, Clone)]
struct Place {
    sheet: String,
    names: Vec<String>,
}

#[derive(Debug, Clone)]
struct UnitIn {
    row: u32,
    building: String,
    cell: String,
    floors: i32,
    number: String,
    floor: i32,
    layout: String,
    area: Area,
    inner: Option<Area>,
    use_type: UnitUse,
    status: UnitStatus,
}

#[derive(Debug, Clone)]
struct PersonIn {
    row: u32,
    name: String,
    phone: String,
    id: Option<IdNumber>,
}

#[derive(Debug, Clone)]
struct OccIn {
    row: u32,
    unit: String,
    phone: String,
    relation: Relation,
    share_bp: Option<i32>,
    start: Option<NaiveDate>,
    lease_end: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
struct SpaceIn {
    row: u32,
    code: String,
    kind: SpaceKind,
    area: Option<Area>,
}

#[derive(Debug, Clone)]
struct VehicleIn {
    row: u32,
    plate: Plate,
    phone: String,
    unit: Option<String>,
    space: Option<String>,
    note: String,
}

/// The valid rows of a workbook, the keys every sheet mentions (valid or not, so a reference
/// to a bad row is not reported a second time as unknown), and the problems found.
#[derive(Debug, Default)]
struct Parsed {
    units: Vec<UnitIn>,
    persons: Vec<PersonIn>,
    occs: Vec<OccIn>,
    spaces: Vec<SpaceIn>,
    vehicles: Vec<VehicleIn>,
    unit_numbers: HashSet<String>,
    phones: HashSet<String>,
    space_codes: HashSet<String>,
    places: HashMap<Kind, Place>,
    issues: Vec<Issue>,
}

impl Parsed {
    fn issue(&self, kind: Kind, row: u32, field: usize, code: &'static str) -> Issue {
        let p = self.places.get(&kind).cloned().unwrap_or_default();
        Issue {
            sheet: p.sheet,
            row,
            column: p.names.get(field).cloned().unwrap_or_default(),
            code,
            other_row: None,
        }
    }
}

/// Remembers the first row of each key and reports a later one as a duplicate of it.
fn dup_check<K: std::hash::Hash + Eq>(
    seen: &mut HashMap<K, u32>,
    key: K,
    t: &Table<'_>,
    row: &Row,
    field: usize,
    issues: &mut Vec<Issue>,
) {
    match seen.get(&key) {
        Some(first) => issues.push(Issue {
            other_row: Some(*first),
            ..t.issue(row, field, "err.import_duplicate")
        }),
        None => {
            seen.insert(key, row.number);
        }
    }
}

/// Checks every row of every recognised sheet on its own and against the other rows of the
/// file. `today` bounds birth dates and is the default start of an occupancy.
fn parse(wb: &Workbook, id_consent: bool, today: NaiveDate) -> Parsed {
    let mut p = Parsed::default();
    let mut found: HashMap<Kind, &Sheet> = HashMap::new();
    for sheet in &wb.sheets {
        let n = norm(&sheet.name);
        let Some(kind) = Kind::ALL.into_iter().find(|k| k.names().iter().any(|a| norm(a) == n)) else {
            continue;
        };
        if found.contains_key(&kind) {
            p.issues.push(Issue {
                sheet: sheet.name.clone(),
                row: 0,
                column: String::new(),
                code: "err.import_duplicate_sheet",
                other_row: None,
            });
            continue;
        }
        found.insert(kind, sheet);
    }
    if found.is_empty() {
        p.issues.push(Issue {
            sheet: String::new(),
            row: 0,
            column: String::new(),
            code: "err.import_no_sheets",
            other_row: None,
        });
        return p;
    }
    let mut tables = HashMap::new();
    for kind in Kind::ALL {
        let Some(sheet) = found.get(&kind) else { continue };
        let located = Table::locate(kind, sheet, &mut p.issues);
        let names = match &located {
            Some(t) => t.names.clone(),
            None => kind.columns().iter().map(|c| c.title.to_string()).collect(),
        };
        p.places.insert(
            kind,
            Place {
                sheet: sheet.name.clone(),
                names,
            },
        );
        if let Some(t) = located {
            tables.insert(kind, t);
        }
    }
    if let Some(t) = tables.get(&Kind::Units) {
        parse_units(t, &mut p);
    }
    if let Some(t) = tables.get(&Kind::Owners) {
        parse_owners(t, id_consent, today, &mut p);
    }
    if let Some(t) = tables.get(&Kind::Occupancies) {
        parse_occupancies(t, &mut p);
    }
    if let Some(t) = tables.get(&Kind::Spaces) {
        parse_spaces(t, &mut p);
    }
    if let Some(t) = tables.get(&Kind::Vehicles) {
        parse_vehicles(t, &mut p);
    }
    p
}

/// The text of a required field, or an `err.required` issue.
fn required<'r>(t: &Table<'_>, row: &'r Row, field: usize, issues: &mut Vec<Issue>) -> Option<&'r str> {
    let v = t.text(row, field);
    if v.is_empty() {
        issues.push(t.issue(row, field, "err.required"));
        None
    } else {
        Some(v)
    }
}

/// The text of a field if not longer than `max` characters.
fn short<'r>(t: &Table<'_>, row: &'r Row, field: usize, max: usize, issues: &mut Vec<Issue>) -> Option<&'r str> {
    let v = t.text(row, field);
    if v.chars().count() > max {
        issues.push(t.issue(row, field, "err.too_long"));
        None
    } else {
        Some(v)
    }
}

fn parse_units(t: &Table<'_>, p: &mut Parsed) {
    use f::unit::*;
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut floors_of: HashMap<String, (i32, u32)> = HashMap::new();
    let mut community: [Option<(String, u32)>; 2] = [None, None];
    for row in t.rows() {
        let before = p.issues.len();
        let is = &mut p.issues;
        for (i, field) in [COMMUNITY, COMMUNITY_CODE].into_iter().enumerate() {
            let v = t.text(row, field);
            if v.is_empty() {
                continue;
            }
            match &community[i] {
                None => community[i] = Some((v.to_string(), row.number)),
                Some((first, r)) if first != v => is.push(Issue {
                    other_row: Some(*r),
                    ..t.issue(row, field, "err.import_many_communities")
                }),
                Some(_) => {}
            }
        }
        let number = required(t, row, NUMBER, is).and_then(|n| short(t, row, NUMBER, 40, is).map(|_| n));
        if let Some(n) = number {
            p.unit_numbers.insert(n.to_string());
            dup_check(&mut numbers, n.to_string(), t, row, NUMBER, is);
        }
        let building = required(t, row, BUILDING, is).and_then(|b| {
            if building_code_ok(b) {
                Some(b)
            } else {
                is.push(t.issue(row, BUILDING, "err.building_code"));
                None
            }
        });
        let cell = short(t, row, CELL, 20, is);
        let floors = required(t, row, FLOORS, is)
            .and_then(|s| parse_int(s, 1..=200).map_err(|c| is.push(t.issue(row, FLOORS, c))).ok());
        let floor = required(t, row, FLOOR, is).and_then(|s| {
            match parse_int(s, -9..=200) {
                Ok(0) => Err("err.out_of_range"),
                other => other,
            }
            .map_err(|c| is.push(t.issue(row, FLOOR, c)))
            .ok()
        });
        if let (Some(fl), Some(top)) = (floor, floors) {
            if fl > top {
                is.push(t.issue(row, FLOOR, "err.import_floor_above"));
            }
        }
        if let (Some(b), Some(top)) = (building, floors) {
            match floors_of.get(b) {
                Some((other, r)) if *other != top => is.push(Issue {
                    other_row: Some(*r),
                    ..t.issue(row, FLOORS, "err.import_floors_mismatch")
                }),
                Some(_) => {}
                None => {
                    floors_of.insert(b.to_string(), (top, row.number));
                }
            }
        }
        let layout = short(t, row, LAYOUT, 40, is);
        let area = required(t, row, AREA, is).and_then(|s| {
            let a = Area::parse(s);
            if a.is_none() {
                is.push(t.issue(row, AREA, "err.area_invalid"));
            }
            a
        });
        let inner = match t.text(row, INNER) {
            "" => Some(None),
            s => match Area::parse(s) {
                Some(i) if area.is_some_and(|a| i > a) => {
                    is.push(t.issue(row, INNER, "err.import_inner_area"));
                    None
                }
                Some(i) => Some(Some(i)),
                None => {
                    is.push(t.issue(row, INNER, "err.area_invalid"));
                    None
                }
            },
        };
        let use_type = required(t, row, USE, is).and_then(|s| {
            let u = parse_use(s);
            if u.is_none() {
                is.push(t.issue(row, USE, "err.import_use"));
            }
            u
        });
        let status = match t.text(row, STATUS) {
            "" => Some(UnitStatus::Unsold),
            s => {
                let st = parse_status(s);
                if st.is_none() {
                    is.push(t.issue(row, STATUS, "err.import_status"));
                }
                st
            }
        };
        if p.issues.len() > before {
            continue;
        }
        if let (
            Some(number),
            Some(building),
            Some(cell),
            Some(floors),
            Some(floor),
            Some(layout),
            Some(area),
            Some(inner),
            Some(use_type),
            Some(status),
        ) = (
            number, building, cell, floors, floor, layout, area, inner, use_type, status,
        ) {
            p.units.push(UnitIn {
                row: row.number,
                building: building.to_string(),
                cell: cell.to_string(),
                floors,
                number: number.to_string(),
                floor,
                layout: layout.to_string(),
                area,
                inner,
                use_type,
                status,
            });
        }
    }
}

fn parse_owners(t: &Table<'_>, id_consent: bool, today: NaiveDate, p: &mut Parsed) {
    use f::owner::*;
    let mut phones: HashMap<String, u32> = HashMap::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut consent_reported = false;
    for row in t.rows() {
        let before = p.issues.len();
        let is = &mut p.issues;
        let phone = required(t, row, PHONE, is).and_then(|s| match phone_of(s) {
            Some(ph) => Some(ph),
            None => {
                p.phones.insert(s.to_string());
                is.push(t.issue(row, PHONE, "err.phone_invalid"));
                None
            }
        });
        if let Some(ph) = &phone {
            p.phones.insert(ph.clone());
            dup_check(&mut phones, ph.clone(), t, row, PHONE, is);
        }
        let name = required(t, row, NAME, is).and_then(|_| short(t, row, NAME, 64, is));
        let id = match t.text(row, ID) {
            "" => Some(None),
            s => match IdNumber::parse(s, today) {
                Ok(id) => {
                    dup_check(&mut ids, id.as_str().to_string(), t, row, ID, is);
                    if !id_consent && !consent_reported {
                        consent_reported = true;
                        is.push(Issue {
                            column: "id_consent".into(),
                            ..t.issue(row, ID, "err.import_id_consent")
                        });
                    }
                    Some(Some(id))
                }
                Err(code) => {
                    is.push(t.issue(row, ID, code));
                    None
                }
            },
        };
        if p.issues.len() > before {
            continue;
        }
        if let (Some(phone), Some(name), Some(id)) = (phone, name, id) {
            p.persons.push(PersonIn {
                row: row.number,
                name: name.to_string(),
                phone,
                id,
            });
        }
    }
}

fn parse_occupancies(t: &Table<'_>, p: &mut Parsed) {
    use f::occ::*;
    let mut pairs: HashMap<(String, String), u32> = HashMap::new();
    for row in t.rows() {
        let before = p.issues.len();
        let is = &mut p.issues;
        let unit = required(t, row, UNIT, is);
        let phone = required(t, row, PHONE, is).and_then(|s| {
            let ph = phone_of(s);
            if ph.is_none() {
                is.push(t.issue(row, PHONE, "err.phone_invalid"));
            }
            ph
        });
        let relation = required(t, row, RELATION, is).and_then(|s| {
            let r = parse_relation(s);
            if r.is_none() {
                is.push(t.issue(row, RELATION, "err.import_relation"));
            }
            r
        });
        let share = match t.text(row, SHARE) {
            "" => Some(None),
            s => match parse_share(s) {
                None => {
                    is.push(t.issue(row, SHARE, "err.import_share"));
                    None
                }
                Some(_) if relation.is_some_and(|r| !matches!(r, Relation::Owner | Relation::CoOwner)) => {
                    is.push(t.issue(row, SHARE, "err.import_share_relation"));
                    None
                }
                Some(bp) => Some(Some(bp)),
            },
        };
        let date = |field: usize, is: &mut Vec<Issue>| match t.text(row, field) {
            "" => Some(None),
            s => {
                let d = parse_date(s);
                if d.is_none() {
                    is.push(t.issue(row, field, "err.import_date"));
                }
                d.map(Some)
            }
        };
        let start = date(START, is);
        let lease_end = date(LEASE_END, is);
        if let Some(Some(end)) = lease_end {
            if relation.is_some_and(|r| r != Relation::Tenant) {
                is.push(t.issue(row, LEASE_END, "err.import_lease_relation"));
            } else if start.flatten().is_some_and(|s| end < s) {
                is.push(t.issue(row, LEASE_END, "err.import_lease_before_start"));
            }
        }
        if let (Some(u), Some(ph)) = (unit, &phone) {
            dup_check(&mut pairs, (u.to_string(), ph.clone()), t, row, PHONE, is);
        }
        if p.issues.len() > before {
            continue;
        }
        if let (Some(unit), Some(phone), Some(relation), Some(share_bp), Some(start), Some(lease_end)) =
            (unit, phone, relation, share, start, lease_end)
        {
            p.occs.push(OccIn {
                row: row.number,
                unit: unit.to_string(),
                phone,
                relation,
                share_bp,
                start,
                lease_end,
            });
        }
    }
}

fn parse_spaces(t: &Table<'_>, p: &mut Parsed) {
    use f::space::*;
    let mut codes: HashMap<String, u32> = HashMap::new();
    for row in t.rows() {
        let before = p.issues.len();
        let is = &mut p.issues;
        let code = required(t, row, CODE, is).and_then(|_| short(t, row, CODE, 20, is));
        if let Some(c) = code {
            p.space_codes.insert(c.to_string());
            dup_check(&mut codes, c.to_string(), t, row, CODE, is);
        }
        let kind = required(t, row, KIND, is).and_then(|s| {
            let k = parse_space_kind(s);
            if k.is_none() {
                is.push(t.issue(row, KIND, "err.import_space_kind"));
            }
            k
        });
        let area = match t.text(row, AREA) {
            "" => Some(None),
            s => {
                let a = Area::parse(s);
                if a.is_none() {
                    is.push(t.issue(row, AREA, "err.area_invalid"));
                }
                a.map(Some)
            }
        };
        if p.issues.len() > before {
            continue;
        }
        if let (Some(code), Some(kind), Some(area)) = (code, kind, area) {
            p.spaces.push(SpaceIn {
                row: row.number,
                code: code.to_string(),
                kind,
                area,
            });
        }
    }
}

fn parse_vehicles(t: &Table<'_>, p: &mut Parsed) {
    use f::vehicle::*;
    let mut plates: HashMap<String, u32> = HashMap::new();
    for row in t.rows() {
        let before = p.issues.len();
        let is = &mut p.issues;
        let plate = required(t, row, PLATE, is).and_then(|s| match Plate::parse(s) {
            Ok(pl) => {
                dup_check(&mut plates, pl.text.clone(), t, row, PLATE, is);
                Some(pl)
            }
            Err(code) => {
                is.push(t.issue(row, PLATE, code));
                None
            }
        });
        let phone = required(t, row, PHONE, is).and_then(|s| {
            let ph = phone_of(s);
            if ph.is_none() {
                is.push(t.issue(row, PHONE, "err.phone_invalid"));
            }
            ph
        });
        let unit = short(t, row, UNIT, 40, is);
        let space = short(t, row, SPACE, 20, is);
        let note = short(t, row, NOTE, 60, is);
        if p.issues.len() > before {
            continue;
        }
        if let (Some(plate), Some(phone), Some(unit), Some(space), Some(note)) = (plate, phone, unit, space, note) {
            p.vehicles.push(VehicleIn {
                row: row.number,
                plate,
                phone,
                unit: (!unit.is_empty()).then(|| unit.to_string()),
                space: (!space.is_empty()).then(|| space.to_string()),
                note: note.to_string(),
            });
        }
    }
}

// ---------------------------------------------------------------- against the database

/// A row to be, or a row already on record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Ref {
    Existing(i64),
    /// Keyed by unit number, phone or space code.
    New(String),
}

struct NewUnit {
    unit: UnitIn,
    building: Ref,
    status: UnitStatus,
}

struct NewPerson {
    name: String,
    phone: String,
    id: Option<SealedId>,
}

struct NewOcc {
    unit: Ref,
    person: Ref,
    relation: Relation,
    share_bp: Option<i32>,
    start: NaiveDate,
    lease_end: Option<NaiveDate>,
}

struct NewVehicle {
    person: Ref,
    unit: Option<Ref>,
    space: Option<Ref>,
    plate: Plate,
    note: String,
}

/// Everything a commit writes, decided before the first write.
#[derive(Default)]
struct Plan {
    buildings: Vec<(String, i32)>,
    units: Vec<NewUnit>,
    persons: Vec<NewPerson>,
    /// People on record without an ID number who get the one in the file.
    id_updates: Vec<(i64, SealedId)>,
    occs: Vec<NewOcc>,
    /// Units on record, unsold, that get an owner.
    deliver: Vec<i64>,
    spaces: Vec<SpaceIn>,
    vehicles: Vec<NewVehicle>,
}

impl Plan {
    fn ids_stored(&self) -> usize {
        self.persons.iter().filter(|p| p.id.is_some()).count() + self.id_updates.len()
    }
}

/// Runs `q` over `keys` a chunk at a time and gathers the rows.
async fn in_chunks<E, C, K, Q>(c: &C, keys: &[K], q: Q) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
    Q: Fn(&[K]) -> Select<E>,
{
    let mut out = vec![];
    for chunk in keys.chunks(CHUNK) {
        out.extend(q(chunk).all(c).await?);
    }
    Ok(out)
}

fn sorted<I: IntoIterator<Item = String>>(i: I) -> Vec<String> {
    let mut v: Vec<String> = i.into_iter().collect::<HashSet<_>>().into_iter().collect();
    v.sort();
    v
}

/// Checks the parsed rows against what is on record in `community` (and, for phones, ID
/// numbers and plates, in the whole installation), and plans the writes.
async fn resolve<C: ConnectionTrait>(
    c: &C,
    key: &DataKey,
    scope: &Scope,
    community: i64,
    p: &Parsed,
    today: NaiveDate,
) -> Result<(Plan, Vec<Issue>), AppError> {
    let mut plan = Plan::default();
    let mut issues = vec![];

    // Buildings: one with the same code is reused.
    let existing_buildings: HashMap<String, i64> = buildings::Entity::find()
        .filter(buildings::Column::CommunityId.eq(community))
        .all(c)
        .await?
        .into_iter()
        .map(|b| (b.code, b.id))
        .collect();
    let mut new_buildings: HashSet<String> = HashSet::new();
    for u in &p.units {
        if !existing_buildings.contains_key(&u.building) && new_buildings.insert(u.building.clone()) {
            plan.buildings.push((u.building.clone(), u.floors));
        }
    }

    // Units: the file's own and every one it refers to, in one pass of IN lists.
    let numbers = sorted(
        p.units
            .iter()
            .map(|u| u.number.clone())
            .chain(p.occs.iter().map(|o| o.unit.clone()))
            .chain(p.vehicles.iter().filter_map(|v| v.unit.clone())),
    );
    let existing_units: HashMap<String, (i64, String)> = in_chunks(c, &numbers, |ks| {
        units::Entity::find()
            .filter(units::Column::CommunityId.eq(community))
            .filter(units::Column::Number.is_in(ks.iter().cloned()))
    })
    .await?
    .into_iter()
    .map(|u| (u.number, (u.id, u.status)))
    .collect();
    let file_units: HashMap<&str, &UnitIn> = p.units.iter().map(|u| (u.number.as_str(), u)).collect();
    for u in &p.units {
        if existing_units.contains_key(&u.number) {
            issues.push(p.issue(Kind::Units, u.row, f::unit::NUMBER, "err.import_unit_exists"));
        }
    }
    let unit_ref = |number: &str| -> Option<Ref> {
        if let Some((id, _)) = existing_units.get(number) {
            Some(Ref::Existing(*id))
        } else {
            file_units.get(number).map(|_| Ref::New(number.to_string()))
        }
    };

    // People: one phone is one person in the whole installation.
    let phones = sorted(
        p.persons
            .iter()
            .map(|x| x.phone.clone())
            .chain(p.occs.iter().map(|o| o.phone.clone()))
            .chain(p.vehicles.iter().map(|v| v.phone.clone())),
    );
    let existing_people: HashMap<String, persons::Model> = in_chunks(c, &phones, |ks| {
        persons::Entity::find().filter(persons::Column::Phone.is_in(ks.iter().cloned()))
    })
    .await?
    .into_iter()
    .filter_map(|x| x.phone.clone().map(|ph| (ph, x)))
    .collect();
    let sealed: Vec<Option<SealedId>> = p
        .persons
        .iter()
        .map(|x| x.id.as_ref().map(|id| seal_id_number(key, id)))
        .collect();
    let indexes = sorted(sealed.iter().flatten().map(|s| s.index.clone()));
    let id_holders: HashMap<String, Option<String>> = in_chunks(c, &indexes, |ks| {
        // Only holders the importer may see: one at another office is not revealed.
        persons::Entity::find()
            .filter(persons::Column::IdIndex.is_in(ks.iter().cloned()))
            .filter(person_scope_cond(scope))
    })
    .await?
    .into_iter()
    .filter_map(|x| x.id_index.map(|i| (i, x.phone)))
    .collect();
    let mut file_people: HashMap<&str, Ref> = HashMap::new();
    for (x, sealed) in p.persons.iter().zip(sealed) {
        let taken_by_other = sealed
            .as_ref()
            .and_then(|s| id_holders.get(&s.index))
            .is_some_and(|holder| holder.as_deref() != Some(x.phone.as_str()));
        match existing_people.get(&x.phone) {
            Some(e) => {
                file_people.insert(&x.phone, Ref::Existing(e.id));
                let Some(s) = sealed else { continue };
                if e.id_index.as_deref() == Some(s.index.as_str()) {
                    continue;
                }
                if e.id_index.is_some() {
                    issues.push(p.issue(Kind::Owners, x.row, f::owner::ID, "err.import_id_mismatch"));
                } else if taken_by_other {
                    issues.push(p.issue(Kind::Owners, x.row, f::owner::ID, "err.import_id_taken"));
                } else {
                    plan.id_updates.push((e.id, s));
                }
            }
            None => {
                file_people.insert(&x.phone, Ref::New(x.phone.clone()));
                if taken_by_other {
                    issues.push(p.issue(Kind::Owners, x.row, f::owner::ID, "err.import_id_taken"));
                }
                plan.persons.push(NewPerson {
                    name: x.name.clone(),
                    phone: x.phone.clone(),
                    id: sealed,
                });
            }
        }
    }
    let person_ref = |phone: &str| -> Option<Ref> {
        file_people
            .get(phone)
            .cloned()
            .or_else(|| existing_people.get(phone).map(|e| Ref::Existing(e.id)))
    };

    // Occupancies: the current ones of the units on record, for duplicates and shares.
    let existing_unit_ids: Vec<i64> = {
        let mut v: Vec<i64> = p
            .occs
            .iter()
            .filter_map(|o| existing_units.get(&o.unit).map(|(id, _)| *id))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let current = in_chunks(c, &existing_unit_ids, |ks| {
        occupancies::Entity::find()
            .filter(occupancies::Column::UnitId.is_in(ks.iter().copied()))
            .filter(occupancies::Column::EndDate.is_null())
    })
    .await?;
    let on_record: HashSet<(i64, i64)> = current.iter().map(|o| (o.unit_id, o.person_id)).collect();
    let mut share_sum: HashMap<Ref, i64> = HashMap::new();
    let mut owners: HashMap<Ref, usize> = HashMap::new();
    for o in &current {
        if matches!(Relation::parse(&o.relation), Some(Relation::Owner | Relation::CoOwner)) {
            *share_sum.entry(Ref::Existing(o.unit_id)).or_default() += i64::from(o.share_bp.unwrap_or(0));
            *owners.entry(Ref::Existing(o.unit_id)).or_default() += 1;
        }
    }
    let mut resolved: Vec<(&OccIn, Ref, Ref)> = vec![];
    for o in &p.occs {
        let unit = unit_ref(&o.unit);
        if unit.is_none() && !p.unit_numbers.contains(&o.unit) {
            issues.push(p.issue(Kind::Occupancies, o.row, f::occ::UNIT, "err.import_unknown_unit"));
        }
        let person = person_ref(&o.phone);
        if person.is_none() && !p.phones.contains(&o.phone) {
            issues.push(p.issue(Kind::Occupancies, o.row, f::occ::PHONE, "err.import_unknown_phone"));
        }
        let (Some(unit), Some(person)) = (unit, person) else {
            continue;
        };
        if let (Ref::Existing(u), Ref::Existing(x)) = (&unit, &person) {
            if on_record.contains(&(*u, *x)) {
                issues.push(p.issue(Kind::Occupancies, o.row, f::occ::PHONE, "err.already_occupant"));
                continue;
            }
        }
        if matches!(o.relation, Relation::Owner | Relation::CoOwner) {
            *owners.entry(unit.clone()).or_default() += 1;
        }
        resolved.push((o, unit, person));
    }
    let mut delivered_new: HashSet<String> = HashSet::new();
    for (o, unit, person) in resolved {
        let is_owner = matches!(o.relation, Relation::Owner | Relation::CoOwner);
        // A sole owner with no share given holds it all, as when recorded one at a time.
        let share_bp = match o.share_bp {
            None if o.relation == Relation::Owner && owners.get(&unit) == Some(&1) => Some(10_000),
            s => s,
        };
        if is_owner {
            let sum = share_sum.entry(unit.clone()).or_default();
            *sum += i64::from(share_bp.unwrap_or(0));
            if *sum > 10_000 {
                issues.push(p.issue(Kind::Occupancies, o.row, f::occ::SHARE, "err.import_share_sum"));
            }
        }
        if o.relation == Relation::Owner {
            match &unit {
                Ref::Existing(id) => {
                    let unsold = existing_units
                        .get(&o.unit)
                        .is_some_and(|(_, st)| st == UnitStatus::Unsold.code());
                    if unsold && !plan.deliver.contains(id) {
                        plan.deliver.push(*id);
                    }
                }
                Ref::New(n) => {
                    delivered_new.insert(n.clone());
                }
            }
        }
        plan.occs.push(NewOcc {
            unit,
            person,
            relation: o.relation,
            share_bp,
            start: o.start.unwrap_or(today),
            lease_end: o.lease_end,
        });
    }
    for u in p.units.iter().filter(|u| !existing_units.contains_key(&u.number)) {
        let building = match existing_buildings.get(&u.building) {
            Some(id) => Ref::Existing(*id),
            None => Ref::New(u.building.clone()),
        };
        // An owner makes an unsold unit delivered, as recording one by hand does.
        let status = if u.status == UnitStatus::Unsold && delivered_new.contains(&u.number) {
            UnitStatus::Delivered
        } else {
            u.status
        };
        plan.units.push(NewUnit {
            unit: u.clone(),
            building,
            status,
        });
    }

    // Parking spaces: codes are unique within the community.
    let codes = sorted(
        p.spaces
            .iter()
            .map(|s| s.code.clone())
            .chain(p.vehicles.iter().filter_map(|v| v.space.clone())),
    );
    let existing_spaces: HashMap<String, i64> = in_chunks(c, &codes, |ks| {
        parking_spaces::Entity::find()
            .filter(parking_spaces::Column::CommunityId.eq(community))
            .filter(parking_spaces::Column::Code.is_in(ks.iter().cloned()))
    })
    .await?
    .into_iter()
    .map(|s| (s.code, s.id))
    .collect();
    for s in &p.spaces {
        if existing_spaces.contains_key(&s.code) {
            issues.push(p.issue(Kind::Spaces, s.row, f::space::CODE, "err.import_space_exists"));
        } else {
            plan.spaces.push(s.clone());
        }
    }
    let file_spaces: HashSet<&str> = p.spaces.iter().map(|s| s.code.as_str()).collect();

    // Vehicles: a plate is unique nationally, so once per installation.
    let plates = sorted(p.vehicles.iter().map(|v| v.plate.text.clone()));
    let taken_plates: HashSet<String> = in_chunks(c, &plates, |ks| {
        vehicles::Entity::find().filter(vehicles::Column::Plate.is_in(ks.iter().cloned()))
    })
    .await?
    .into_iter()
    .map(|v| v.plate)
    .collect();
    for v in &p.vehicles {
        let before = issues.len();
        if taken_plates.contains(&v.plate.text) {
            issues.push(p.issue(Kind::Vehicles, v.row, f::vehicle::PLATE, "err.import_plate_exists"));
        }
        let person = person_ref(&v.phone);
        if person.is_none() && !p.phones.contains(&v.phone) {
            issues.push(p.issue(Kind::Vehicles, v.row, f::vehicle::PHONE, "err.import_unknown_phone"));
        }
        let unit = v.unit.as_deref().map(|n| (n, unit_ref(n)));
        if let Some((n, None)) = unit {
            if !p.unit_numbers.contains(n) {
                issues.push(p.issue(Kind::Vehicles, v.row, f::vehicle::UNIT, "err.import_unknown_unit"));
            }
        }
        let space = v.space.as_deref().map(|code| {
            let r = match existing_spaces.get(code) {
                Some(id) => Some(Ref::Existing(*id)),
                None => file_spaces.contains(code).then(|| Ref::New(code.to_string())),
            };
            (code, r)
        });
        if let Some((code, None)) = space {
            if !p.space_codes.contains(code) {
                issues.push(p.issue(Kind::Vehicles, v.row, f::vehicle::SPACE, "err.import_unknown_space"));
            }
        }
        if issues.len() > before {
            continue;
        }
        let (Some(person), Some(unit), Some(space)) = (
            person,
            unit.map_or(Some(None), |(_, r)| r.map(Some)),
            space.map_or(Some(None), |(_, r)| r.map(Some)),
        ) else {
            continue;
        };
        plan.vehicles.push(NewVehicle {
            person,
            unit,
            space,
            plate: v.plate.clone(),
            note: v.note.clone(),
        });
    }
    Ok((plan, issues))
}

// ---------------------------------------------------------------- writing

/// Writes the plan. Runs inside the caller's transaction; all or nothing.
async fn write<C: ConnectionTrait>(c: &C, community: i64, plan: Plan, auth: &Authed) -> Result<(), AppError> {
    let now = Utc::now();
    let mut building_ids: HashMap<String, i64> = HashMap::new();
    for chunk in plan.buildings.chunks(CHUNK) {
        let rows = chunk.iter().map(|(code, floors)| buildings::ActiveModel {
            community_id: Set(community),
            code: Set(code.clone()),
            name: Set(format!("{code}栋")),
            floors: Set(*floors),
            created_at: Set(now),
            ..Default::default()
        });
        for b in buildings::Entity::insert_many(rows).exec_with_returning(c).await? {
            building_ids.insert(b.code, b.id);
        }
    }
    let id_of = |r: &Ref, map: &HashMap<String, i64>| -> Result<i64, AppError> {
        match r {
            Ref::Existing(id) => Ok(*id),
            Ref::New(k) => map.get(k).copied().ok_or_else(|| {
                tracing::error!("import plan refers to a row it did not write");
                AppError::Internal
            }),
        }
    };

    let mut unit_ids: HashMap<String, i64> = HashMap::new();
    for chunk in plan.units.chunks(CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        for n in chunk {
            let u = &n.unit;
            rows.push(units::ActiveModel {
                community_id: Set(community),
                building_id: Set(id_of(&n.building, &building_ids)?),
                cell: Set(u.cell.clone()),
                number: Set(u.number.clone()),
                floor: Set(u.floor),
                layout: Set(u.layout.clone()),
                use_type: Set(u.use_type.code().into()),
                area_registered: Set(None),
                area_measured: Set(None),
                area_contract: Set(Some(u.area.0)),
                shared_area: Set(u.inner.map(|i| u.area.0 - i.0)),
                status: Set(n.status.code().into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
        for m in units::Entity::insert_many(rows).exec_with_returning(c).await? {
            unit_ids.insert(m.number, m.id);
        }
    }

    let mut person_ids: HashMap<String, i64> = HashMap::new();
    for chunk in plan.persons.chunks(CHUNK) {
        let rows = chunk.iter().map(|x| {
            let consent = x.id.is_some();
            persons::ActiveModel {
                name: Set(x.name.clone()),
                phone: Set(Some(x.phone.clone())),
                id_cipher: Set(x.id.as_ref().map(|s| s.cipher.clone())),
                id_index: Set(x.id.as_ref().map(|s| s.index.clone())),
                id_masked: Set(x.id.as_ref().map(|s| s.masked.clone())),
                id_consent_at: Set(consent.then_some(now)),
                id_consent_by: Set(consent.then_some(auth.user_id.0)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        for m in persons::Entity::insert_many(rows).exec_with_returning(c).await? {
            if let Some(ph) = m.phone {
                person_ids.insert(ph, m.id);
            }
        }
    }
    for (id, s) in plan.id_updates {
        persons::ActiveModel {
            id: Set(id),
            id_cipher: Set(Some(s.cipher)),
            id_index: Set(Some(s.index)),
            id_masked: Set(Some(s.masked)),
            id_consent_at: Set(Some(now)),
            id_consent_by: Set(Some(auth.user_id.0)),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(c)
        .await?;
    }

    for chunk in plan.occs.chunks(CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        for o in chunk {
            rows.push(occupancies::ActiveModel {
                unit_id: Set(id_of(&o.unit, &unit_ids)?),
                person_id: Set(id_of(&o.person, &person_ids)?),
                community_id: Set(community),
                relation: Set(o.relation.code().into()),
                share_bp: Set(o.share_bp),
                start_date: Set(o.start),
                end_date: Set(None),
                lease_end: Set(o.lease_end),
                created_at: Set(now),
                ..Default::default()
            });
        }
        occupancies::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    for chunk in plan.deliver.chunks(CHUNK) {
        units::Entity::update_many()
            .col_expr(units::Column::Status, Expr::value(UnitStatus::Delivered.code()))
            .col_expr(units::Column::UpdatedAt, Expr::value(now))
            .filter(units::Column::Id.is_in(chunk.iter().copied()))
            .filter(units::Column::Status.eq(UnitStatus::Unsold.code()))
            .exec(c)
            .await?;
    }

    let mut space_ids: HashMap<String, i64> = HashMap::new();
    for chunk in plan.spaces.chunks(CHUNK) {
        let rows = chunk.iter().map(|s| parking_spaces::ActiveModel {
            community_id: Set(community),
            code: Set(s.code.clone()),
            kind: Set(s.kind.code().into()),
            area: Set(s.area.map(|a| a.0)),
            created_at: Set(now),
            ..Default::default()
        });
        for m in parking_spaces::Entity::insert_many(rows).exec_with_returning(c).await? {
            space_ids.insert(m.code, m.id);
        }
    }
    for chunk in plan.vehicles.chunks(CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        for v in chunk {
            rows.push(vehicles::ActiveModel {
                community_id: Set(community),
                person_id: Set(id_of(&v.person, &person_ids)?),
                unit_id: Set(v.unit.as_ref().map(|u| id_of(u, &unit_ids)).transpose()?),
                plate: Set(v.plate.text.clone()),
                new_energy: Set(v.plate.new_energy),
                parking_space_id: Set(v.space.as_ref().map(|s| id_of(s, &space_ids)).transpose()?),
                note: Set(v.note.clone()),
                created_at: Set(now),
                ..Default::default()
            });
        }
        vehicles::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- use cases

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest {
    pub community_id: OrgId,
    /// Check and count only; write nothing.
    pub dry_run: bool,
    /// The staff member confirms that the people whose ID numbers the file holds agreed to
    /// their being stored. Required when any ID number is present.
    pub id_consent: bool,
}

fn report(issues: Vec<Issue>, locale: Locale) -> ImportReport {
    let error_count = u32::try_from(issues.len()).unwrap_or(u32::MAX);
    let errors = issues
        .into_iter()
        .take(MAX_LISTED_ERRORS)
        .map(|i| {
            let mut message = tr_in(locale.code(), i.code);
            if let Some(r) = i.other_row {
                message = message.replace("{row}", &r.to_string());
            }
            RowError {
                sheet: i.sheet,
                row: i.row,
                column: i.column,
                code: i.code.to_string(),
                message,
            }
        })
        .collect();
    ImportReport {
        errors,
        error_count,
        ..Default::default()
    }
}

fn counted(mut r: ImportReport, plan: &Plan) -> ImportReport {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    r.buildings = n(plan.buildings.len());
    r.units = n(plan.units.len());
    r.persons = n(plan.persons.len());
    r.occupancies = n(plan.occs.len());
    r.spaces = n(plan.spaces.len());
    r.vehicles = n(plan.vehicles.len());
    r
}

/// Reads `bytes` as a workbook and imports its records into one community: a dry run reports
/// what would be created and every problem; a commit checks again and writes everything in
/// one transaction, or nothing when there is any problem (the report then lists them and
/// `committed` is false). Errors: `Forbidden` without `people.write` and `org.write` over the
/// community, `Validation` on `community_id` for a node that is not a community, and on
/// `file` for a file that is not a readable, reasonably sized XLSX workbook.
pub async fn import_records(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    locale: Locale,
    req: ImportRequest,
    bytes: Vec<u8>,
) -> Result<ImportReport, AppError> {
    access::require_over(ctx, meta, auth, Permission::PeopleWrite, req.community_id).await?;
    access::require_over(ctx, meta, auth, Permission::OrgWrite, req.community_id).await?;
    let scope = access::require(ctx, meta, auth, Permission::PeopleRead).await?;
    let community = org_units::Entity::find_by_id(req.community_id.0)
        .one(&ctx.db)
        .await?
        .filter(|o| o.kind == OrgKind::Community.code())
        .ok_or_else(|| AppError::validation("community_id", "err.org_invalid"))?;
    let wb = tokio::task::spawn_blocking(move || xlsx::open_workbook(&bytes, &Limits::default()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "workbook reader failed");
            AppError::Internal
        })??;
    let today = Utc::now().date_naive();
    let parsed = parse(&wb, req.id_consent, today);
    drop(wb);
    let key = &ctx.cfg.data_key;
    if req.dry_run {
        let (plan, db_issues) = resolve(&ctx.db, key, &scope, community.id, &parsed, today).await?;
        let mut issues = parsed.issues.clone();
        issues.extend(db_issues);
        return Ok(counted(report(issues, locale), &plan));
    }
    if !parsed.issues.is_empty() {
        return Ok(report(parsed.issues, locale));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    // Checked again inside the transaction, so a concurrent change cannot slip between the
    // check and the writes (a lost race is retried by `with_txn!` and then reported).
    let outcome = with_txn!(ctx.db, |txn| {
        let (plan, issues) = resolve(&txn, key, &scope, community.id, &parsed, today).await?;
        if !issues.is_empty() {
            return Ok(Err(issues));
        }
        let summary = serde_json::json!({
            "buildings": plan.buildings.len(), "units": plan.units.len(), "persons": plan.persons.len(),
            "occupancies": plan.occs.len(), "spaces": plan.spaces.len(), "vehicles": plan.vehicles.len(),
            "id_numbers": plan.ids_stored(), "delivered": plan.deliver.len(),
        });
        let counts = counted(ImportReport::default(), &plan);
        write(&txn, community.id, plan, auth).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("records.import", "community", community.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(community.id)))
                .summary(summary),
        )
        .await?;
        Ok(Ok(counts))
    })?;
    Ok(match outcome {
        Ok(counts) => ImportReport {
            committed: true,
            ..counts
        },
        Err(issues) => report(issues, locale),
    })
}

/// An area as the plainest decimal (`120`, `89.5`, `89.57`), so a spreadsheet takes it for a
/// number and it reads back unchanged.
fn area_text(a: Area) -> String {
    let s = a.to_string();
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The 房屋 sheet's columns, in template and export order.
fn unit_headers() -> Vec<String> {
    [
        f::unit::COMMUNITY,
        f::unit::BUILDING,
        f::unit::CELL,
        f::unit::FLOORS,
        f::unit::NUMBER,
        f::unit::FLOOR,
        f::unit::LAYOUT,
        f::unit::AREA,
        f::unit::INNER,
        f::unit::USE,
        f::unit::STATUS,
    ]
    .iter()
    .map(|i| UNIT_COLS[*i].title.to_string())
    .collect()
}

fn titles(cols: &[Col]) -> Vec<String> {
    cols.iter().map(|c| c.title.to_string()).collect()
}

/// An empty workbook with the five sheets' headers and one example row each.
/// Errors: `Internal` if the workbook cannot be written.
pub fn template() -> Result<Vec<u8>, AppError> {
    let s = |v: &[&str]| v.iter().map(|x| String::from(*x)).collect::<Vec<_>>();
    Ok(xlsx::write_workbook(&[
        (
            Kind::Units.title(),
            unit_headers(),
            vec![s(&[
                "",
                "1",
                "1",
                "18",
                "1-1-0101",
                "1",
                "三室两厅",
                "89.57",
                "75.2",
                "住宅",
                "未售",
            ])],
        ),
        (
            Kind::Owners.title(),
            titles(OWNER_COLS),
            vec![s(&["张三", "13800000000", ""])],
        ),
        (
            Kind::Occupancies.title(),
            titles(OCC_COLS),
            vec![s(&["1-1-0101", "13800000000", "业主", "100%", "2026-01-01", ""])],
        ),
        (
            Kind::Spaces.title(),
            titles(SPACE_COLS),
            vec![s(&["B1-001", "产权", "12.5"])],
        ),
        (
            Kind::Vehicles.title(),
            titles(VEHICLE_COLS),
            vec![s(&["京A12345", "13800000000", "1-1-0101", "B1-001", ""])],
        ),
    ])?)
}

/// The units matching `f` within the caller's `org.read` scope (every page, in id order) as
/// an XLSX workbook in the 房屋 sheet's layout. Errors: `Forbidden`, `Validation` on `q`, or
/// on `limit` when more than [`EXPORT_MAX_ROWS`] units match.
pub async fn export_units(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: &UnitFilter,
) -> Result<Vec<u8>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::OrgRead).await?;
    let mut base = scope.filter_org_column(units::Entity::find(), units::Column::CommunityId, false);
    if let Some(c) = f.community_id {
        base = base.filter(units::Column::CommunityId.eq(c));
    }
    if let Some(p) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if p.chars().count() > 40 {
            return Err(AppError::validation("q", "err.too_long"));
        }
        base = base.filter(units::Column::Number.starts_with(p));
    }
    let mut all: Vec<units::Model> = vec![];
    let mut after = 0i64;
    loop {
        let page = base
            .clone()
            .filter(units::Column::Id.gt(after))
            .order_by_asc(units::Column::Id)
            .limit(5_000)
            .all(&ctx.db)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        all.extend(page);
        if all.len() > EXPORT_MAX_ROWS {
            return Err(AppError::validation("limit", "err.export_too_many"));
        }
    }
    let mut bids: Vec<i64> = all.iter().map(|u| u.building_id).collect();
    bids.sort_unstable();
    bids.dedup();
    let blds: HashMap<i64, buildings::Model> = in_chunks(&ctx.db, &bids, |ks| {
        buildings::Entity::find().filter(buildings::Column::Id.is_in(ks.iter().copied()))
    })
    .await?
    .into_iter()
    .map(|b| (b.id, b))
    .collect();
    let mut cids: Vec<i64> = all.iter().map(|u| u.community_id).collect();
    cids.sort_unstable();
    cids.dedup();
    let names: HashMap<i64, String> = org_units::Entity::find()
        .filter(org_units::Column::Id.is_in(cids))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let rows: Vec<Vec<String>> = all
        .into_iter()
        .map(|u| {
            let b = blds.get(&u.building_id);
            let legal = legal_area(u.area_registered, u.area_measured, u.area_contract).map(|l| l.0);
            let inner = match (legal, u.shared_area) {
                (Some(a), Some(s)) if (0..a.0).contains(&s) => area_text(Area(a.0 - s)),
                _ => String::new(),
            };
            vec![
                names.get(&u.community_id).cloned().unwrap_or_default(),
                b.map(|b| b.code.clone()).unwrap_or_default(),
                u.cell,
                b.map(|b| b.floors.to_string()).unwrap_or_default(),
                u.number,
                u.floor.to_string(),
                u.layout,
                legal.map(area_text).unwrap_or_default(),
                inner,
                UnitUse::parse(&u.use_type)
                    .map(use_label)
                    .unwrap_or_default()
                    .to_string(),
                UnitStatus::parse(&u.status)
                    .map(status_label)
                    .unwrap_or_default()
                    .to_string(),
            ]
        })
        .collect();
    let bytes =
        tokio::task::spawn_blocking(move || xlsx::write_workbook(&[(Kind::Units.title(), unit_headers(), rows)]))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "workbook writer failed");
                AppError::Internal
            })??;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.into(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| Row {
                    number: i as u32 + 1,
                    cells: r.iter().map(|c| String::from(*c)).collect(),
                })
                .collect(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    const UNIT_HEAD: &[&str] = &[
        "楼栋号",
        "单元编号",
        "总层数",
        "房屋编号",
        "房屋楼层",
        "户型",
        "建筑面积(㎡)",
        "套内面积",
        "用途",
        "状态",
    ];

    #[test]
    fn values_in_the_usual_spellings() {
        assert_eq!(parse_share("50%"), Some(5000));
        assert_eq!(parse_share("50.5％"), Some(5050));
        assert_eq!(parse_share("0.5"), Some(5000));
        assert_eq!(parse_share("1"), Some(10_000));
        assert_eq!(parse_share("50"), Some(5000));
        for bad in ["0", "101%", "abc", "-5%", "0.33333", "150"] {
            assert_eq!(parse_share(bad), None, "{bad}");
        }
        let d = NaiveDate::from_ymd_opt(2026, 1, 31);
        for s in [
            "2026-01-31",
            "2026/1/31",
            "2026.1.31",
            "2026年1月31日",
            "20260131",
            "2026-01-31 00:00:00",
            "46053",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("明天"), None);
        assert_eq!(parse_use("商铺"), Some(UnitUse::Shop));
        assert_eq!(parse_relation("家属"), Some(Relation::Family));
        assert_eq!(parse_status("已售"), Some(UnitStatus::SoldUndelivered));
        assert_eq!(parse_space_kind("公共"), Some(SpaceKind::Public));
        assert_eq!(norm(" 建筑面积（㎡）* "), "建筑面积");
        assert_eq!(norm("Units"), "units");
        assert_eq!(area_text(Area(12000)), "120");
        assert_eq!(area_text(Area(8950)), "89.5");
        assert_eq!(area_text(Area(8957)), "89.57");
        assert_eq!(area_text(Area(5)), "0.05");
    }

    #[test]
    fn rows_are_checked_and_located() {
        let wb = Workbook {
            sheets: vec![
                sheet(
                    "房屋",
                    &[
                        UNIT_HEAD,
                        &[
                            "1",
                            "1",
                            "18",
                            "1-1-0101",
                            "1",
                            "三室两厅",
                            "89.57",
                            "75.20",
                            "住宅",
                            "",
                        ],
                        &["1", "1", "18", "1-1-0101", "2", "", "89.57", "", "住宅", ""],
                        &["1", "1", "17", "1-1-0201", "19", "", "abc", "", "别墅", "卖了"],
                        &["2", "1", "6", "2-1-0101", "1", "", "50", "60", "商铺", "已入住"],
                    ],
                ),
                sheet(
                    "业主信息",
                    &[
                        &["姓名", "手机号", "身份证号"],
                        &["张三", "13900000001", "11010519491231002X"],
                    ],
                ),
                sheet("房屋业主", &[&["房号", "手机号"]]),
                sheet("说明", &[&["随便写"]]),
            ],
        };
        let p = parse(&wb, false, today());
        assert_eq!(p.units.len(), 1);
        assert_eq!(p.units[0].area, Area(8957));
        assert_eq!(p.units[0].inner, Some(Area(7520)));
        let got: Vec<(String, u32, String, &str, Option<u32>)> = p
            .issues
            .iter()
            .map(|i| (i.sheet.clone(), i.row, i.column.clone(), i.code, i.other_row))
            .collect();
        let want = |sheet: &str, row, col: &str, code, other| (sheet.to_string(), row, col.to_string(), code, other);
        assert!(
            got.contains(&want("房屋", 3, "房屋编号", "err.import_duplicate", Some(2))),
            "{got:?}"
        );
        assert!(got.contains(&want("房屋", 4, "总层数", "err.import_floors_mismatch", Some(2))));
        assert!(got.contains(&want("房屋", 4, "房屋楼层", "err.import_floor_above", None)));
        assert!(got.contains(&want("房屋", 4, "建筑面积(㎡)", "err.area_invalid", None)));
        assert!(got.contains(&want("房屋", 4, "用途", "err.import_use", None)));
        assert!(got.contains(&want("房屋", 4, "状态", "err.import_status", None)));
        assert!(got.contains(&want("房屋", 5, "套内面积", "err.import_inner_area", None)));
        assert!(got.contains(&want("业主信息", 2, "id_consent", "err.import_id_consent", None)));
        assert!(got.contains(&want("房屋业主", 1, "关系", "err.import_missing_column", None)));
        // Invalid rows still count as mentioned: references to them are not reported twice.
        assert!(p.unit_numbers.contains("1-1-0201"));
        assert_eq!(parse(&wb, true, today()).issues.len(), got.len() - 1);
    }

    #[test]
    fn a_workbook_without_known_sheets_says_so() {
        let p = parse(
            &Workbook {
                sheets: vec![sheet("Sheet1", &[&["a"]])],
            },
            false,
            today(),
        );
        assert_eq!(p.issues.len(), 1);
        assert_eq!(p.issues[0].code, "err.import_no_sheets");
    }
}
