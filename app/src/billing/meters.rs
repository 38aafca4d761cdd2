//! (ssr) Meters (水、电、燃气) and their monthly readings: per-unit meters and shared meters
//! (公摊表) whose usage is apportioned to the units they serve, by area or by the units' own
//! usage. A reading below the last one, or far above the unit's own history, is flagged.
use super::charge::Basis;
use super::model::split;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{bill_lines, charge_items, meter_readings, meters};
use crate::db::{map_unique, AppCtx};
use crate::shared::error::AppError;
use crate::shared::ids::{BuildingId, OrgId};
use crate::shared::money::Money;
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Usage above this many times the unit's recent average is flagged.
const HIGH_FACTOR: i64 = 3;

/// Why a reading looks wrong, or `None`.
pub fn anomaly(usage: i64, history: &[i64]) -> Option<&'static str> {
    if usage < 0 {
        return Some("negative");
    }
    let recent: Vec<i64> = history.iter().rev().take(6).copied().filter(|u| *u >= 0).collect();
    if recent.len() >= 3 {
        let avg = recent.iter().sum::<i64>() / recent.len() as i64;
        if avg > 0 && usage > avg * HIGH_FACTOR {
            return Some("high");
        }
    }
    None
}

pub use super::model::{MeterRow, NewMeter, ReadingRow};

/// Readings up to this value (hundredths) are accepted: 99 999 999.99.
const MAX_READING: i64 = 10_000_000_000;

/// A reading as typed or read from a spreadsheet: not negative, at most two decimals.
pub fn parse_reading(s: &str) -> Option<i64> {
    crate::shared::money::parse_fixed2(s).filter(|v| *v < MAX_READING)
}

/// One stored reading of a meter: (period, reading, usage).
pub(super) type Past = (i32, i64, i64);

/// What storing `value` as a meter's reading of `period` does: the month's usage and flag,
/// and the next month already entered (if any) recomputed against it, since its usage is
/// the difference from this reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Plan {
    pub usage: i64,
    pub flag: Option<&'static str>,
    /// (period, usage, flag) of the next reading after `period`.
    pub next: Option<(i32, i64, Option<&'static str>)>,
}

/// Plans a reading against the meter's other readings (`past`, in period order; a reading of
/// `period` itself is being replaced). The first reading of a meter has no usage, and its 0
/// is no history to judge the next ones by.
pub(super) fn plan(past: &[Past], period: i32, value: i64) -> Plan {
    let before: Vec<&Past> = past.iter().filter(|r| r.0 < period).collect();
    let usage = before.last().map(|h| value - h.1).unwrap_or(0);
    let mut history: Vec<i64> = before.iter().skip(1).map(|h| h.2).collect();
    let flag = anomaly(usage, &history);
    if !before.is_empty() {
        history.push(usage);
    }
    let next = past.iter().find(|r| r.0 > period).map(|n| {
        let u = n.1 - value;
        (n.0, u, anomaly(u, &history))
    });
    Plan { usage, flag, next }
}

/// A reading to store: entered (new or corrected), or a next month's usage recomputed.
#[derive(Debug, Clone)]
pub(super) struct Write {
    pub meter_id: i64,
    pub period: i32,
    pub reading: i64,
    pub usage: i64,
    pub flag: Option<&'static str>,
    /// The row it replaces.
    pub existing: Option<i64>,
    /// Only the usage changed (the next month after a corrected reading).
    pub recomputed: bool,
}

/// Stores readings: updates rows in place, inserts the new ones in batches.
pub(super) async fn store<C: ConnectionTrait>(c: &C, writes: &[Write], user: i64) -> Result<(), AppError> {
    let now = Utc::now();
    let mut inserts = vec![];
    for w in writes {
        match w.existing {
            Some(id) => {
                let mut am = meter_readings::ActiveModel {
                    id: sea_orm::ActiveValue::Unchanged(id),
                    ..Default::default()
                };
                am.usage = Set(w.usage);
                am.anomaly = Set(w.flag.map(String::from));
                if !w.recomputed {
                    am.reading = Set(w.reading);
                    am.entered_by = Set(user);
                    am.created_at = Set(now);
                }
                am.update(c).await?;
            }
            None => inserts.push(meter_readings::ActiveModel {
                meter_id: Set(w.meter_id),
                period: Set(w.period),
                reading: Set(w.reading),
                usage: Set(w.usage),
                anomaly: Set(w.flag.map(String::from)),
                entered_by: Set(user),
                created_at: Set(now),
                ..Default::default()
            }),
        }
    }
    for chunk in inserts.chunks(500) {
        meter_readings::Entity::insert_many(chunk.to_vec()).exec(c).await?;
    }
    Ok(())
}

/// Every reading of these meters, in period order, by meter.
pub(super) async fn readings_of<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<meter_readings::Model>>, AppError> {
    let mut out: HashMap<i64, Vec<meter_readings::Model>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in meter_readings::Entity::find()
            .filter(meter_readings::Column::MeterId.is_in(chunk.to_vec()))
            .order_by_asc(meter_readings::Column::Period)
            .all(c)
            .await?
        {
            out.entry(r.meter_id).or_default().push(r);
        }
    }
    Ok(out)
}

pub(super) fn past(rows: &[meter_readings::Model]) -> Vec<Past> {
    rows.iter().map(|r| (r.period, r.reading, r.usage)).collect()
}

/// Which months of a community are billed on which meters: once a month is billed on a
/// reading, the reading stays (a unit meter's own line, or for a shared meter any line of its
/// item in the units it serves).
#[derive(Debug, Default)]
pub(super) struct Billed {
    units: std::collections::HashSet<(i64, i32, i64)>,
    buildings: std::collections::HashSet<(i64, i32, i64)>,
    items: std::collections::HashSet<(i64, i32)>,
}

impl Billed {
    pub async fn load<C: ConnectionTrait>(
        c: &C,
        community: i64,
        items: &[i64],
        periods: &[i32],
    ) -> Result<Billed, AppError> {
        let mut b = Billed::default();
        if items.is_empty() || periods.is_empty() {
            return Ok(b);
        }
        let rows: Vec<(i64, i32, i64, i64)> = bill_lines::Entity::find()
            .select_only()
            .column(bill_lines::Column::ItemId)
            .column(bill_lines::Column::Period)
            .column(bill_lines::Column::UnitId)
            .column(bill_lines::Column::BuildingId)
            .filter(bill_lines::Column::CommunityId.eq(community))
            .filter(bill_lines::Column::ItemId.is_in(items.to_vec()))
            .filter(bill_lines::Column::Period.is_in(periods.to_vec()))
            .distinct()
            .into_tuple()
            .all(c)
            .await?;
        for (item, period, unit, building) in rows {
            b.units.insert((item, period, unit));
            b.buildings.insert((item, period, building));
            b.items.insert((item, period));
        }
        Ok(b)
    }

    pub fn covers(&self, m: &meters::Model, period: i32) -> bool {
        match (m.unit_id, m.building_id) {
            (Some(u), _) => self.units.contains(&(m.item_id, period, u)),
            (None, Some(b)) => self.buildings.contains(&(m.item_id, period, b)),
            (None, None) => self.items.contains(&(m.item_id, period)),
        }
    }
}

/// Checks that `id` is a community node.
pub(super) async fn ensure_community<C: ConnectionTrait>(c: &C, id: OrgId) -> Result<(), AppError> {
    match crate::org::service::get(c, id).await? {
        Some(n) if n.kind == crate::org::model::OrgKind::Community => Ok(()),
        Some(_) => Err(AppError::validation("community_id", "err.not_a_community")),
        None => Err(AppError::NotFound),
    }
}

async fn meter_in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    id: i64,
) -> Result<meters::Model, AppError> {
    access::record_within(ctx, meta, auth, perm, meters::Entity::find_by_id(id), |m| {
        OrgId(m.community_id)
    })
    .await
}

/// Adds a meter. Errors: `Forbidden` without `billing.manage` over the community;
/// `Validation` for a bad kind, code or apportionment, an item of another office, a unit or
/// building outside the community; `Conflict` on `code` when the community already has it.
pub async fn add_meter(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, n: NewMeter) -> Result<MeterRow, AppError> {
    access::require_over(ctx, meta, auth, Permission::BillingManage, n.community_id).await?;
    ensure_community(&ctx.db, n.community_id).await?;
    if !matches!(n.kind.as_str(), "water" | "electricity" | "gas") {
        return Err(AppError::validation("kind", "err.meter_kind"));
    }
    let code = n.code.trim().to_string();
    if code.is_empty() {
        return Err(AppError::validation("code", "err.required"));
    }
    if code.chars().count() > 40 {
        return Err(AppError::validation("code", "err.too_long"));
    }
    let apportion = n.apportion.clone().unwrap_or_else(|| "area".into());
    if !matches!(apportion.as_str(), "area" | "usage") {
        return Err(AppError::validation("apportion", "err.bad_request"));
    }
    let item = charge_items::Entity::find_by_id(n.item_id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::validation("item_id", "err.not_found"))?;
    let communities = crate::org::service::communities_under(&ctx.db, OrgId(item.office_id)).await?;
    if !communities.contains(&n.community_id) {
        return Err(AppError::validation("item_id", "err.community_not_in_office"));
    }
    let mut building_id = n.building_id;
    if let Some(b) = building_id {
        if crate::estate::service::building_community(&ctx.db, BuildingId(b)).await? != Some(n.community_id) {
            return Err(AppError::validation("building_id", "err.not_found"));
        }
    }
    if let Some(u) = n.unit_id {
        let units = crate::estate::service::unit_briefs(&ctx.db, &[u]).await?;
        let Some(unit) = units.first().filter(|b| b.community_id == n.community_id.0) else {
            return Err(AppError::validation("unit_id", "err.unit_unknown"));
        };
        // A unit meter belongs to its unit's building, so a building filter finds it.
        building_id = Some(unit.building_id);
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let m = with_txn!(ctx.db, |txn| {
        let m = meters::ActiveModel {
            community_id: Set(n.community_id.0),
            unit_id: Set(n.unit_id),
            building_id: Set(building_id),
            item_id: Set(n.item_id),
            code: Set(code.clone()),
            kind: Set(n.kind.clone()),
            shared: Set(n.unit_id.is_none()),
            apportion: Set(apportion.clone()),
            active: Set(true),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "code", "err.meter_code_taken"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.meter.add", "meter", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(n.community_id))
                .summary(serde_json::json!({ "code": code, "unit": n.unit_id, "building": building_id })),
        )
        .await?;
        Ok(m)
    })?;
    Ok(MeterRow {
        id: m.id,
        code: m.code,
        kind: m.kind,
        unit_id: m.unit_id,
        shared: m.shared,
        apportion: m.apportion,
        last_period: None,
        last_reading: None,
    })
}

/// A meter as the meters page adds it: a unit meter names its unit by number.
#[derive(Debug, Clone)]
pub struct MeterForm {
    pub community_id: OrgId,
    /// `true` for a shared meter (总表/公摊表).
    pub shared: bool,
    /// The unit's number, e.g. `1-1-0101` (unit meters).
    pub unit: String,
    /// The building a shared meter serves; `None` for the whole community.
    pub building_id: Option<i64>,
    pub item_id: i64,
    pub code: String,
    pub kind: String,
    pub apportion: Option<String>,
}

/// Adds a meter from the meters page. Errors: those of [`add_meter`], and `Validation` on
/// `unit` when a unit meter names no unit of the community.
pub async fn add_meter_form(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    f: MeterForm,
) -> Result<MeterRow, AppError> {
    access::require_over(ctx, meta, auth, Permission::BillingManage, f.community_id).await?;
    let unit_id = if f.shared {
        None
    } else {
        let number = f.unit.trim().to_string();
        if number.is_empty() {
            return Err(AppError::validation("unit", "err.required"));
        }
        let found =
            crate::estate::service::units_by_number(&ctx.db, f.community_id.0, std::slice::from_ref(&number)).await?;
        Some(
            found
                .get(&number)
                .map(|u| u.0)
                .ok_or_else(|| AppError::validation("unit", "err.unit_unknown"))?,
        )
    };
    let n = NewMeter {
        community_id: f.community_id,
        unit_id,
        building_id: if f.shared { f.building_id } else { None },
        item_id: f.item_id,
        code: f.code,
        kind: f.kind,
        apportion: if f.shared { f.apportion } else { None },
    };
    add_meter(ctx, meta, auth, n).await.map_err(|e| match e {
        AppError::Validation { field, code } if field == "unit_id" => AppError::Validation {
            field: "unit".into(),
            code,
        },
        e => e,
    })
}

/// Records (or corrects, while not yet billed) a meter's reading for a month. Usage is the
/// difference from the previous reading; the first reading of a meter has no usage. A
/// correction also recomputes the next month's usage when that month is already entered.
/// Errors: `Forbidden`/`NotFound` without `billing.collect` over the meter's community;
/// `Validation` on `period` or `reading`; `Conflict` on `period` when the month is closed
/// (月结), or when it or the next entered month is billed on the reading.
pub async fn record_reading(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    meter: i64,
    period: i32,
    reading: &str,
) -> Result<ReadingRow, AppError> {
    let m = meter_in_scope(ctx, meta, auth, Permission::BillingCollect, meter).await?;
    if super::charge::month_days(period).is_none() {
        return Err(AppError::validation("period", "err.period_invalid"));
    }
    let value = parse_reading(reading).ok_or_else(|| AppError::validation("reading", "err.reading_invalid"))?;
    let office = crate::org::service::office_of(&ctx.db, OrgId(m.community_id)).await?.0;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    // Checked and written in one transaction: a bill run or a second reading cannot slip in
    // between (a lost race is retried by `with_txn!` and then sees the other's work).
    let p = with_txn!(ctx.db, |txn| {
        super::service::ensure_open(&txn, OrgId(office), period).await?;
        let rows = readings_of(&txn, &[m.id]).await?.remove(&m.id).unwrap_or_default();
        let p = plan(&past(&rows), period, value);
        let periods: Vec<i32> = std::iter::once(period).chain(p.next.map(|n| n.0)).collect();
        let billed = Billed::load(&txn, m.community_id, &[m.item_id], &periods).await?;
        if billed.covers(&m, period) {
            return Err(AppError::conflict("period", "err.reading_billed"));
        }
        if p.next.is_some_and(|n| billed.covers(&m, n.0)) {
            return Err(AppError::conflict("period", "err.reading_next_billed"));
        }
        let existing = rows.iter().find(|r| r.period == period);
        let before = existing.map(|e| e.reading);
        let mut writes = vec![Write {
            meter_id: m.id,
            period,
            reading: value,
            usage: p.usage,
            flag: p.flag,
            existing: existing.map(|e| e.id),
            recomputed: false,
        }];
        if let Some((np, usage, flag)) = p.next {
            if let Some(n) = rows.iter().find(|r| r.period == np) {
                writes.push(Write {
                    meter_id: m.id,
                    period: np,
                    reading: n.reading,
                    usage,
                    flag,
                    existing: Some(n.id),
                    recomputed: true,
                });
            }
        }
        store(&txn, &writes, auth.user_id.0).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.reading", "meter", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({
                    "period": period, "reading": [before, value], "anomaly": p.flag,
                    "next": p.next.map(|n| serde_json::json!({ "period": n.0, "usage": n.1 })),
                })),
        )
        .await?;
        Ok(p)
    })?;
    Ok(ReadingRow {
        meter_id: m.id,
        period,
        reading: value,
        usage: p.usage,
        anomaly: p.flag.map(String::from),
    })
}

/// Items a meter may bill in an office: active items of a utility category or with a metered
/// standard.
pub(super) async fn meter_items<C: ConnectionTrait>(c: &C, office: i64) -> Result<Vec<charge_items::Model>, AppError> {
    use crate::db::entities::fee_standards;
    let items = charge_items::Entity::find()
        .filter(charge_items::Column::OfficeId.eq(office))
        .filter(charge_items::Column::Active.eq(true))
        .order_by_asc(charge_items::Column::Code)
        .all(c)
        .await?;
    let metered: std::collections::HashSet<i64> = fee_standards::Entity::find()
        .filter(fee_standards::Column::ItemId.is_in(items.iter().map(|i| i.id).collect::<Vec<_>>()))
        .filter(fee_standards::Column::Basis.eq(Basis::Metered.code()))
        .all(c)
        .await?
        .into_iter()
        .map(|s| s.item_id)
        .collect();
    Ok(items
        .into_iter()
        .filter(|i| metered.contains(&i.id) || matches!(i.category.as_str(), "water" | "electricity" | "gas"))
        .collect())
}

/// Meters listed on one sheet at most.
const SHEET_MAX: u64 = 5_000;

/// The month's reading sheet (抄表单) of a community, or of one of its buildings: every meter
/// with its last reading before the month, the month's reading, usage and flag, and why it
/// can no longer change. `period` empty means this month. Errors: `Forbidden` without
/// `billing.read` over the community; `Validation` on `community_id` for a node that is not a
/// community, on `period` for a malformed month.
pub async fn meter_sheet(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
    building: Option<i64>,
    period: &str,
) -> Result<super::model::MeterSheet, AppError> {
    use super::charge::{parse_period, period_label};
    use super::model::{BuildingChoice, MeterItem, MeterLine, MeterSheet};
    access::require_over(ctx, meta, auth, Permission::BillingRead, community).await?;
    ensure_community(&ctx.db, community).await?;
    let period = if period.trim().is_empty() {
        super::service::current_period()
    } else {
        parse_period(period).ok_or_else(|| AppError::validation("period", "err.period_invalid"))?
    };
    let db = &ctx.db;
    let can = |p| async move { Ok::<_, AppError>(access::scope_for(db, auth.user_id, p).await?.covers(community)) };
    let (can_record, can_manage) = (
        can(Permission::BillingCollect).await?,
        can(Permission::BillingManage).await?,
    );
    let office = crate::org::service::office_of(db, community).await?;
    let closed = super::service::last_closed(db, office)
        .await?
        .is_some_and(|c| c >= period);
    let buildings = crate::estate::service::buildings_of(db, community.0).await?;
    let mut ms = meters::Entity::find()
        .filter(meters::Column::CommunityId.eq(community.0))
        .filter(meters::Column::Active.eq(true))
        .limit(SHEET_MAX)
        .all(db)
        .await?;
    let units =
        crate::estate::service::unit_numbers(db, &ms.iter().filter_map(|m| m.unit_id).collect::<Vec<_>>()).await?;
    let building_of = |m: &meters::Model| {
        m.building_id
            .or_else(|| m.unit_id.and_then(|u| units.get(&u).map(|x| x.1)))
    };
    if let Some(b) = building {
        ms.retain(|m| building_of(m) == Some(b));
    }
    let ids: Vec<i64> = ms.iter().map(|m| m.id).collect();
    // Only what the sheet shows: the month's reading, the last one before it, and whether a
    // later month is entered (its bill freezes this reading too).
    let mut this: HashMap<i64, meter_readings::Model> = HashMap::new();
    let mut prev: HashMap<i64, i32> = HashMap::new();
    let mut next: HashMap<i64, i32> = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in meter_readings::Entity::find()
            .filter(meter_readings::Column::MeterId.is_in(chunk.to_vec()))
            .filter(meter_readings::Column::Period.eq(period))
            .all(db)
            .await?
        {
            this.insert(r.meter_id, r);
        }
        let max: Vec<(i64, Option<i32>)> = meter_readings::Entity::find()
            .select_only()
            .column(meter_readings::Column::MeterId)
            .column_as(meter_readings::Column::Period.max(), "p")
            .filter(meter_readings::Column::MeterId.is_in(chunk.to_vec()))
            .filter(meter_readings::Column::Period.lt(period))
            .group_by(meter_readings::Column::MeterId)
            .into_tuple()
            .all(db)
            .await?;
        prev.extend(max.into_iter().filter_map(|(m, p)| p.map(|p| (m, p))));
        let min: Vec<(i64, Option<i32>)> = meter_readings::Entity::find()
            .select_only()
            .column(meter_readings::Column::MeterId)
            .column_as(meter_readings::Column::Period.min(), "p")
            .filter(meter_readings::Column::MeterId.is_in(chunk.to_vec()))
            .filter(meter_readings::Column::Period.gt(period))
            .group_by(meter_readings::Column::MeterId)
            .into_tuple()
            .all(db)
            .await?;
        next.extend(min.into_iter().filter_map(|(m, p)| p.map(|p| (m, p))));
    }
    let mut prev_reading: HashMap<i64, i64> = HashMap::new();
    let prev_periods: std::collections::BTreeSet<i32> = prev.values().copied().collect();
    for chunk in ids.chunks(500) {
        for r in meter_readings::Entity::find()
            .filter(meter_readings::Column::MeterId.is_in(chunk.to_vec()))
            .filter(meter_readings::Column::Period.is_in(prev_periods.iter().copied().collect::<Vec<_>>()))
            .all(db)
            .await?
        {
            if prev.get(&r.meter_id) == Some(&r.period) {
                prev_reading.insert(r.meter_id, r.reading);
            }
        }
    }
    let mut item_ids: Vec<i64> = ms.iter().map(|m| m.item_id).collect();
    item_ids.sort_unstable();
    item_ids.dedup();
    let mut periods: Vec<i32> = next.values().copied().collect();
    periods.push(period);
    periods.sort_unstable();
    periods.dedup();
    let billed = Billed::load(db, community.0, &item_ids, &periods).await?;
    let item_names: HashMap<i64, String> = charge_items::Entity::find()
        .filter(charge_items::Column::Id.is_in(item_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let codes: HashMap<i64, String> = buildings.iter().cloned().collect();
    let key = crate::estate::service::natural_key;
    let mut lines: Vec<(Vec<(u64, String)>, bool, Vec<(u64, String)>, MeterLine)> = ms
        .into_iter()
        .map(|m| {
            let b = building_of(&m);
            let unit = m.unit_id.and_then(|u| units.get(&u).map(|x| x.0.clone()));
            let r = this.get(&m.id);
            let frozen = if closed {
                Some("err.period_closed")
            } else if billed.covers(&m, period) {
                Some("err.reading_billed")
            } else if next.get(&m.id).is_some_and(|n| billed.covers(&m, *n)) {
                Some("err.reading_next_billed")
            } else {
                None
            };
            let line = MeterLine {
                id: m.id,
                code: m.code.clone(),
                kind: m.kind.clone(),
                shared: m.shared,
                unit_id: m.unit_id,
                unit: unit.clone(),
                building_id: b,
                building: b.and_then(|b| codes.get(&b).cloned()),
                item_id: m.item_id,
                item: item_names.get(&m.item_id).cloned().unwrap_or_default(),
                apportion: m.apportion.clone(),
                prev_period: prev.get(&m.id).map(|p| period_label(*p)),
                prev_reading: prev_reading.get(&m.id).copied(),
                reading: r.map(|r| r.reading),
                usage: r.map(|r| r.usage),
                anomaly: r.and_then(|r| r.anomaly.clone()),
                frozen: frozen.map(String::from),
            };
            let bkey = b.and_then(|b| codes.get(&b)).map(|c| key(c)).unwrap_or_default();
            (bkey, !m.shared, key(unit.as_deref().unwrap_or(&m.code)), line)
        })
        .collect();
    // Walking order: building by building, its shared meters first, then the units.
    lines.sort_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
    let items = meter_items(db, office.0)
        .await?
        .into_iter()
        .map(|i| MeterItem {
            id: i.id,
            name: i.name,
            category: i.category,
        })
        .collect();
    Ok(MeterSheet {
        community_id: community,
        period: period_label(period),
        closed,
        can_record,
        can_manage,
        buildings: buildings
            .into_iter()
            .map(|(id, code)| BuildingChoice { id, code })
            .collect(),
        items,
        meters: lines.into_iter().map(|l| l.3).collect(),
    })
}

/// The meters of a community with their last reading.
pub async fn list_meters(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: OrgId,
) -> Result<Vec<MeterRow>, AppError> {
    access::require_over(ctx, meta, auth, Permission::BillingRead, community).await?;
    let ms = meters::Entity::find()
        .filter(meters::Column::CommunityId.eq(community.0))
        .order_by_asc(meters::Column::Code)
        .limit(2_000)
        .all(&ctx.db)
        .await?;
    let mut last: HashMap<i64, (i32, i64)> = HashMap::new();
    for r in meter_readings::Entity::find()
        .filter(meter_readings::Column::MeterId.is_in(ms.iter().map(|m| m.id).collect::<Vec<_>>()))
        .order_by_asc(meter_readings::Column::Period)
        .all(&ctx.db)
        .await?
    {
        last.insert(r.meter_id, (r.period, r.reading));
    }
    Ok(ms
        .into_iter()
        .map(|m| MeterRow {
            last_period: last.get(&m.id).map(|l| l.0),
            last_reading: last.get(&m.id).map(|l| l.1),
            id: m.id,
            code: m.code,
            kind: m.kind,
            unit_id: m.unit_id,
            shared: m.shared,
            apportion: m.apportion,
        })
        .collect())
}

/// One unit's usage of one item for a month: its own meter and its apportioned share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub own: Option<i64>,
    pub shared: i64,
    /// The own reading was flagged negative and cannot be billed.
    pub negative: bool,
    /// What the meters measure in (`m³`, `kWh`), shown after the quantity on the bill.
    pub measure: &'static str,
}

/// The unit a meter of `kind` reads in: `m³` for water and gas, `kWh` for electricity.
pub fn measure_of(kind: &str) -> &'static str {
    match kind {
        "water" | "gas" => "m³",
        "electricity" => "kWh",
        _ => "",
    }
}

impl Usage {
    pub fn total(self) -> Option<i64> {
        match (self.own, self.shared) {
            (None, 0) => None,
            (o, s) => Some(o.unwrap_or(0) + s),
        }
    }
}

/// The month's usage per (unit, item) for `units` in `communities`, with shared meters
/// apportioned. `areas` gives each unit's legal area (hundredths) for area apportionment.
pub async fn usage_for_period<C: ConnectionTrait>(
    c: &C,
    communities: &[i64],
    period: i32,
    units: &[(i64, i64, Option<i64>)],
) -> Result<HashMap<(i64, i64), Usage>, AppError> {
    let ms = meters::Entity::find()
        .filter(meters::Column::CommunityId.is_in(communities.to_vec()))
        .filter(meters::Column::Active.eq(true))
        .all(c)
        .await?;
    let mut out: HashMap<(i64, i64), Usage> = HashMap::new();
    if ms.is_empty() {
        return Ok(out);
    }
    let readings: HashMap<i64, meter_readings::Model> = meter_readings::Entity::find()
        .filter(meter_readings::Column::MeterId.is_in(ms.iter().map(|m| m.id).collect::<Vec<_>>()))
        .filter(meter_readings::Column::Period.eq(period))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.meter_id, r))
        .collect();
    for m in ms.iter().filter(|m| !m.shared) {
        if let (Some(u), Some(r)) = (m.unit_id, readings.get(&m.id)) {
            let e = out.entry((u, m.item_id)).or_default();
            e.measure = measure_of(&m.kind);
            if r.usage < 0 {
                e.negative = true;
            } else {
                e.own = Some(e.own.unwrap_or(0) + r.usage);
            }
        }
    }
    // units: (unit id, building id, area)
    for m in ms.iter().filter(|m| m.shared) {
        let Some(r) = readings.get(&m.id) else { continue };
        if r.usage <= 0 {
            continue;
        }
        let served: Vec<&(i64, i64, Option<i64>)> = units
            .iter()
            .filter(|(_, b, _)| m.building_id.is_none_or(|mb| mb == *b))
            .collect();
        let weights: Vec<u32> = served
            .iter()
            .map(|(u, _, area)| {
                if m.apportion == "usage" {
                    out.get(&(*u, m.item_id))
                        .and_then(|x| x.own)
                        .unwrap_or(0)
                        .clamp(0, u32::MAX as i64) as u32
                } else {
                    area.unwrap_or(0).clamp(0, u32::MAX as i64) as u32
                }
            })
            .collect();
        for ((u, _, _), part) in served.iter().zip(split(Money(r.usage), &weights)) {
            if part.0 > 0 {
                let e = out.entry((*u, m.item_id)).or_default();
                e.shared += part.0;
                e.measure = measure_of(&m.kind);
            }
        }
    }
    Ok(out)
}

/// Usage of the current month's readings for a few units (formula previews).
pub async fn sample_usage<C: ConnectionTrait>(c: &C, units: &[i64]) -> Result<HashMap<i64, i64>, AppError> {
    let ms = meters::Entity::find()
        .filter(meters::Column::UnitId.is_in(units.to_vec()))
        .all(c)
        .await?;
    let mut out = HashMap::new();
    for m in ms {
        if let Some(r) = meter_readings::Entity::find()
            .filter(meter_readings::Column::MeterId.eq(m.id))
            .order_by_desc(meter_readings::Column::Period)
            .one(c)
            .await?
        {
            if let Some(u) = m.unit_id {
                out.insert(u, r.usage.max(0));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_below_the_last_or_far_above_history_are_flagged() {
        assert_eq!(anomaly(-100, &[]), Some("negative"));
        assert_eq!(anomaly(1_000, &[900, 1_100]), None, "too little history to judge");
        assert_eq!(anomaly(1_000, &[900, 1_100, 1_000]), None);
        assert_eq!(anomaly(4_000, &[900, 1_100, 1_000]), Some("high"));
        assert_eq!(anomaly(0, &[0, 0, 0]), None);
    }

    #[test]
    fn a_reading_is_planned_against_the_one_before_and_recomputes_the_one_after() {
        // The first reading has no usage.
        let p = plan(&[], 202601, 10_000);
        assert_eq!((p.usage, p.flag, p.next), (0, None, None));
        let past = [(202601, 10_000, 0), (202602, 11_000, 1_000), (202603, 12_100, 1_100)];
        // A new month after the last.
        let p = plan(&past, 202604, 13_000);
        assert_eq!((p.usage, p.flag, p.next), (900, None, None));
        // Two months of history are too little to judge; three are enough: four months'
        // usage in one is far above about 1 000 a month.
        assert_eq!(plan(&past, 202604, 16_500).flag, None);
        let longer = [past[0], past[1], past[2], (202604, 13_000, 900)];
        assert_eq!(plan(&longer, 202605, 17_000).flag, Some("high"));
        // Below the last reading: negative usage, flagged, stored all the same.
        let p = plan(&past, 202604, 12_000);
        assert_eq!((p.usage, p.flag), (-100, Some("negative")));
        // Correcting February moves March's usage with it.
        let p = plan(&past, 202602, 10_500);
        assert_eq!((p.usage, p.flag), (500, None));
        assert_eq!(p.next, Some((202603, 1_600, None)));
        // A correction above the next reading makes the next month negative.
        let p = plan(&past, 202602, 12_500);
        assert_eq!(p.next, Some((202603, -400, Some("negative"))));
        // A month before the first reading: the old first reading gets a usage.
        let p = plan(&past, 202512, 9_000);
        assert_eq!((p.usage, p.next), (0, Some((202601, 1_000, None))));
        assert_eq!(parse_reading("12345.6"), Some(1_234_560));
        assert_eq!(parse_reading("99999999.99"), Some(9_999_999_999));
        for bad in ["", "-1", "1.234", "100000000", "abc"] {
            assert_eq!(parse_reading(bad), None, "{bad}");
        }
    }
}
