//! (ssr) Meters (水、电、燃气) and their monthly readings: per-unit meters and shared meters
//! (公摊表) whose usage is apportioned to the units they serve, by area or by the units' own
//! usage. A reading below the last one, or far above the unit's own history, is flagged.
use super::model::split;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{bill_lines, charge_items, meter_readings, meters};
use crate::db::{map_unique, AppCtx};
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::shared::money::Money;
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
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

/// A new meter.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewMeter {
    pub community_id: OrgId,
    /// The unit it measures; `None` for a shared meter.
    pub unit_id: Option<i64>,
    /// A shared meter may serve one building only.
    pub building_id: Option<i64>,
    /// The metered charge item that bills it.
    pub item_id: i64,
    pub code: String,
    pub kind: String,
    /// `area` or `usage` (shared meters only).
    #[serde(default)]
    pub apportion: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema, PartialEq, Eq)]
pub struct MeterRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub unit_id: Option<i64>,
    pub shared: bool,
    pub apportion: String,
    pub last_period: Option<i32>,
    pub last_reading: Option<i64>,
}

async fn meter_in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    id: i64,
) -> Result<meters::Model, AppError> {
    let scope = access::require(ctx, meta, auth, perm).await?;
    let m = meters::Entity::find_by_id(id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    access::within(ctx, meta, auth, perm, &scope, OrgId(m.community_id)).await?;
    Ok(m)
}

pub async fn add_meter(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, n: NewMeter) -> Result<MeterRow, AppError> {
    access::require_over(ctx, meta, auth, Permission::BillingManage, n.community_id).await?;
    if !matches!(n.kind.as_str(), "water" | "electricity" | "gas") {
        return Err(AppError::validation("kind", "err.bad_request"));
    }
    let code = n.code.trim().to_string();
    if code.is_empty() || code.len() > 40 {
        return Err(AppError::validation("code", "err.required"));
    }
    let apportion = n.apportion.clone().unwrap_or_else(|| "area".into());
    if !matches!(apportion.as_str(), "area" | "usage") {
        return Err(AppError::validation("apportion", "err.bad_request"));
    }
    let item = charge_items::Entity::find_by_id(n.item_id)
        .one(&ctx.db)
        .await?
        .ok_or_else(|| AppError::validation("item_id", "err.not_found"))?;
    let communities = crate::estate::service::communities_under(&ctx.db, OrgId(item.office_id)).await?;
    if !communities.contains(&n.community_id.0) {
        return Err(AppError::validation("item_id", "err.community_not_in_office"));
    }
    if let Some(u) = n.unit_id {
        let b = crate::estate::service::unit_briefs(&ctx.db, &[u]).await?;
        if b.first().map(|b| b.community_id) != Some(n.community_id.0) {
            return Err(AppError::validation("unit_id", "err.not_found"));
        }
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let m = with_txn!(ctx.db, |txn| {
        let m = meters::ActiveModel {
            community_id: Set(n.community_id.0),
            unit_id: Set(n.unit_id),
            building_id: Set(n.building_id),
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
        .map_err(|e| map_unique(e, "code", "err.code_taken"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.meter.add", "meter", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(n.community_id))
                .summary(serde_json::json!({ "code": code, "unit": n.unit_id })),
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

/// A recorded reading and what was flagged.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema, PartialEq, Eq)]
pub struct ReadingRow {
    pub meter_id: i64,
    pub period: i32,
    /// Reading and usage in hundredths.
    pub reading: i64,
    pub usage: i64,
    pub anomaly: Option<String>,
}

/// Records (or corrects, while not yet billed) a meter's reading for a month. Usage is the
/// difference from the previous month's reading; the first reading of a meter has no usage.
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
    let value = crate::shared::money::parse_fixed2(reading)
        .filter(|v| *v < 10_000_000_000)
        .ok_or_else(|| AppError::validation("reading", "err.reading_invalid"))?;
    let office = crate::estate::service::offices_of(&ctx.db, &[m.community_id]).await?;
    let office = office.get(&m.community_id).copied().unwrap_or(m.community_id);
    super::service::ensure_open(&ctx.db, office, period).await?;
    // Once a month is billed on a reading, the reading stays: a unit meter's own line, or
    // for a shared meter any line of its item in the units it serves.
    let mut billed = bill_lines::Entity::find()
        .filter(bill_lines::Column::ItemId.eq(m.item_id))
        .filter(bill_lines::Column::Period.eq(period));
    billed = match (m.unit_id, m.building_id) {
        (Some(u), _) => billed.filter(bill_lines::Column::UnitId.eq(u)),
        (None, Some(b)) => billed.filter(bill_lines::Column::BuildingId.eq(b)),
        (None, None) => billed.filter(bill_lines::Column::CommunityId.eq(m.community_id)),
    };
    if billed.one(&ctx.db).await?.is_some() {
        return Err(AppError::conflict("period", "err.reading_billed"));
    }
    let history = meter_readings::Entity::find()
        .filter(meter_readings::Column::MeterId.eq(m.id))
        .filter(meter_readings::Column::Period.lt(period))
        .order_by_asc(meter_readings::Column::Period)
        .all(&ctx.db)
        .await?;
    let usage = history.last().map(|h| value - h.reading).unwrap_or(0);
    let flag = anomaly(usage, &history.iter().skip(1).map(|h| h.usage).collect::<Vec<_>>());
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let existing = meter_readings::Entity::find()
            .filter(meter_readings::Column::MeterId.eq(m.id))
            .filter(meter_readings::Column::Period.eq(period))
            .one(&txn)
            .await?;
        let before = existing.as_ref().map(|e| e.reading);
        let mut am = match existing {
            Some(e) => e.into(),
            None => meter_readings::ActiveModel {
                meter_id: Set(m.id),
                period: Set(period),
                ..Default::default()
            },
        };
        am.reading = Set(value);
        am.usage = Set(usage);
        am.anomaly = Set(flag.map(String::from));
        am.entered_by = Set(auth.user_id.0);
        am.created_at = Set(Utc::now());
        am.save(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.reading", "meter", m.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(m.community_id)))
                .summary(serde_json::json!({ "period": period, "reading": [before, value], "anomaly": flag })),
        )
        .await?;
        Ok(())
    })?;
    Ok(ReadingRow {
        meter_id: m.id,
        period,
        reading: value,
        usage,
        anomaly: flag.map(String::from),
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
                out.entry((*u, m.item_id)).or_default().shared += part.0;
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
}
