//! (ssr) Charge items (收费项目) of an office, their dated fee standards (收费标准), the
//! assignment of items to units by community, building and use, and the formula preview.
use super::charge::{self, Basis, Facts, Held, Standard};
use super::formula;
use super::model::*;
use super::service::require_office;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{charge_assignments, charge_items, fee_standards};
use crate::db::{map_unique, AppCtx};
use crate::shared::error::AppError;
use crate::shared::ids::{BuildingId, ChargeItemId, OrgId};
use crate::shared::money::{fixed2, parse_fixed2};
use crate::with_txn;
use chrono::{NaiveDate, Utc};
use sea_orm::{prelude::*, ActiveValue::Set, QueryOrder};
use std::collections::HashMap;

pub const CATEGORIES: [&str; 6] = ["property", "water", "electricity", "gas", "parking", "other"];

/// Parses a tier table written `10:3.50, 20:4.00, :5.00` (up to 10 units at 3.50, …).
pub fn parse_tiers(s: &str) -> Result<Vec<Tier>, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(vec![]);
    }
    let mut out = vec![];
    for part in s.split([',', '，', ';', '；']) {
        let (lim, price) = part.split_once([':', '：']).ok_or("err.tiers_format")?;
        let up_to = match lim.trim() {
            "" => None,
            l => Some(parse_fixed2(l).ok_or("err.tiers_format")?),
        };
        out.push(Tier {
            up_to,
            price: Price::parse(price).ok_or("err.tiers_format")?,
        });
    }
    check_tiers(&out).map_err(|_| "err.tiers_order")?;
    Ok(out)
}

fn tiers_label(t: &[Tier]) -> String {
    t.iter()
        .map(|t| {
            let lim = t
                .up_to
                .map(|u| format!("{}.{:02}", u / 100, u % 100))
                .unwrap_or_default();
            format!("{lim}:{}", t.price)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks a standard as typed into the form. A formula that does not parse or type-check is
/// refused with its position: the error's field is `formula@<0-based char position>`.
pub fn check_standard(i: &StandardInput) -> Result<(NaiveDate, Standard), AppError> {
    let from = NaiveDate::parse_from_str(i.effective_from.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::validation("effective_from", "err.date_invalid"))?;
    let basis = Basis::parse(&i.basis).ok_or_else(|| AppError::validation("basis", "err.bad_request"))?;
    let rounding = Rounding {
        mode: RoundMode::parse(&i.round_mode).ok_or_else(|| AppError::validation("round_mode", "err.bad_request"))?,
        to: RoundTo::parse(&i.round_to).ok_or_else(|| AppError::validation("round_to", "err.bad_request"))?,
    };
    let tiers = if basis == Basis::Metered {
        parse_tiers(&i.tiers).map_err(|c| AppError::validation("tiers", c))?
    } else {
        vec![]
    };
    let price = match basis {
        Basis::Formula => Price(0),
        Basis::Metered if !tiers.is_empty() => Price(0),
        _ => Price::parse(&i.price).ok_or_else(|| AppError::validation("price", "err.price_invalid"))?,
    };
    let formula = if basis == Basis::Formula {
        Some(formula::parse(&i.formula).map_err(|e| AppError::validation(&format!("formula@{}", e.pos), e.code))?)
    } else {
        None
    };
    Ok((
        from,
        Standard {
            basis,
            price,
            tiers,
            formula,
            rounding,
        },
    ))
}

/// The standard stored in a row, ready to charge with.
pub fn standard_of(row: &fee_standards::Model) -> Result<Standard, AppError> {
    let input = StandardInput {
        effective_from: row.effective_from.to_string(),
        basis: row.basis.clone(),
        price: Price(row.price).to_string(),
        tiers: row.tiers.clone(),
        formula: row.formula.clone(),
        round_mode: row.round_mode.clone(),
        round_to: row.round_to.clone(),
    };
    check_standard(&input).map(|(_, s)| s).map_err(|_| AppError::Internal)
}

fn standard_row(s: &fee_standards::Model) -> StandardRow {
    StandardRow {
        id: s.id,
        effective_from: s.effective_from.to_string(),
        basis: s.basis.clone(),
        price: Price(s.price).to_string(),
        tiers: s.tiers.clone(),
        formula: s.formula.clone(),
        round_mode: s.round_mode.clone(),
        round_to: s.round_to.clone(),
    }
}

async fn insert_standard<C: ConnectionTrait>(
    c: &C,
    item: i64,
    i: &StandardInput,
    by: i64,
) -> Result<fee_standards::Model, AppError> {
    let (from, s) = check_standard(i)?;
    fee_standards::ActiveModel {
        item_id: Set(item),
        effective_from: Set(from),
        basis: Set(s.basis.code().into()),
        price: Set(s.price.0),
        tiers: Set(tiers_label(&s.tiers)),
        formula: Set(if s.basis == Basis::Formula {
            i.formula.trim().to_string()
        } else {
            String::new()
        }),
        round_mode: Set(s.rounding.mode.code().into()),
        round_to: Set(s.rounding.to.code().into()),
        created_by: Set(by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| map_unique(e, "effective_from", "err.standard_date_taken"))
}

/// A new charge item of an office with its first standard.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NewItem {
    pub office_id: OrgId,
    pub code: String,
    pub name: String,
    pub category: String,
    pub standard: StandardInput,
}

pub async fn create_item(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, n: NewItem) -> Result<ItemRow, AppError> {
    require_office(ctx, meta, auth, Permission::BillingManage, n.office_id).await?;
    let name = n.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation("name", "err.required"));
    }
    let code = n.code.trim().to_string();
    if code.is_empty() || code.len() > 40 {
        return Err(AppError::validation("code", "err.required"));
    }
    if !CATEGORIES.contains(&n.category.as_str()) {
        return Err(AppError::validation("category", "err.bad_request"));
    }
    check_standard(&n.standard)?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let id = with_txn!(ctx.db, |txn| {
        let item = charge_items::ActiveModel {
            office_id: Set(n.office_id.0),
            code: Set(code.clone()),
            name: Set(name.clone()),
            category: Set(n.category.clone()),
            active: Set(true),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "code", "err.code_taken"))?;
        insert_standard(&txn, item.id, &n.standard, auth.user_id.0).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.item.create", "charge_item", item.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(n.office_id))
                .summary(serde_json::json!({ "code": code, "name": name, "standard": n.standard })),
        )
        .await?;
        Ok(item.id)
    })?;
    item_row(ctx, ChargeItemId(id)).await
}

async fn item_in_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    id: ChargeItemId,
) -> Result<charge_items::Model, AppError> {
    access::record_within(ctx, meta, auth, perm, charge_items::Entity::find_by_id(id.0), |item| {
        OrgId(item.office_id)
    })
    .await
}

/// Adds a standard from a date on (a price change). Earlier bills keep the standard they
/// were made with; a date inside a closed month is refused.
pub async fn add_standard(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: ChargeItemId,
    i: StandardInput,
) -> Result<ItemRow, AppError> {
    let item = item_in_scope(ctx, meta, auth, Permission::BillingManage, id).await?;
    let (from, _) = check_standard(&i)?;
    use chrono::Datelike;
    super::service::ensure_open(&ctx.db, OrgId(item.office_id), from.year() * 100 + from.month() as i32).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let s = insert_standard(&txn, item.id, &i, auth.user_id.0).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.standard.add", "charge_item", item.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(item.office_id)))
                .summary(serde_json::json!({ "standard": s.id, "input": i })),
        )
        .await?;
        Ok(())
    })?;
    item_row(ctx, id).await
}

/// Assigns an item to the units of a community (optionally one building, one use type).
pub async fn assign(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: ChargeItemId,
    community: OrgId,
    building: Option<i64>,
    use_type: Option<String>,
) -> Result<ItemRow, AppError> {
    let item = item_in_scope(ctx, meta, auth, Permission::BillingManage, id).await?;
    let communities = crate::org::service::communities_under(&ctx.db, OrgId(item.office_id)).await?;
    if !communities.contains(&community) {
        return Err(AppError::validation("community_id", "err.community_not_in_office"));
    }
    if let Some(b) = building {
        let ok = crate::estate::service::building_community(&ctx.db, BuildingId(b)).await? == Some(community);
        if !ok {
            return Err(AppError::validation("building_id", "err.not_found"));
        }
    }
    let use_type = use_type.filter(|u| !u.trim().is_empty());
    if let Some(u) = &use_type {
        if crate::estate::model::UnitUse::parse(u).is_none() {
            return Err(AppError::validation("use_type", "err.bad_request"));
        }
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        let a = charge_assignments::ActiveModel {
            item_id: Set(item.id),
            community_id: Set(community.0),
            building_id: Set(building),
            use_type: Set(use_type.clone()),
            created_by: Set(auth.user_id.0),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.item.assign", "charge_item", item.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(community))
                .summary(serde_json::json!({ "assignment": a.id, "building": building, "use_type": use_type })),
        )
        .await?;
        Ok(())
    })?;
    item_row(ctx, id).await
}

/// Removes an assignment: later bill runs no longer charge those units (existing lines stay).
pub async fn unassign(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, assignment: i64) -> Result<ItemRow, AppError> {
    let a = charge_assignments::Entity::find_by_id(assignment)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let item = item_in_scope(ctx, meta, auth, Permission::BillingManage, ChargeItemId(a.item_id)).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        charge_assignments::Entity::delete_by_id(a.id).exec(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.item.unassign", "charge_item", item.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(a.community_id)))
                .summary(serde_json::json!({ "assignment": a.id })),
        )
        .await?;
        Ok(())
    })?;
    item_row(ctx, ChargeItemId(item.id)).await
}

async fn item_rows(ctx: &AppCtx, items: Vec<charge_items::Model>) -> Result<Vec<ItemRow>, AppError> {
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut standards: HashMap<i64, Vec<StandardRow>> = HashMap::new();
    for s in fee_standards::Entity::find()
        .filter(fee_standards::Column::ItemId.is_in(ids.clone()))
        .order_by_desc(fee_standards::Column::EffectiveFrom)
        .all(&ctx.db)
        .await?
    {
        standards.entry(s.item_id).or_default().push(standard_row(&s));
    }
    let assigns = charge_assignments::Entity::find()
        .filter(charge_assignments::Column::ItemId.is_in(ids))
        .order_by_asc(charge_assignments::Column::Id)
        .all(&ctx.db)
        .await?;
    let mut orgs: Vec<i64> = assigns
        .iter()
        .map(|a| a.community_id)
        .chain(items.iter().map(|i| i.office_id))
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    let names = crate::org::service::org_names(&ctx.db, &orgs).await?;
    let bids: Vec<i64> = assigns.iter().filter_map(|a| a.building_id).collect();
    let bnames = crate::estate::service::building_codes(&ctx.db, &bids).await?;
    let mut by_item: HashMap<i64, Vec<AssignmentRow>> = HashMap::new();
    for a in assigns {
        by_item.entry(a.item_id).or_default().push(AssignmentRow {
            id: a.id,
            community_id: OrgId(a.community_id),
            community: names.get(&a.community_id).cloned().unwrap_or_default(),
            building_id: a.building_id,
            building: a.building_id.and_then(|b| bnames.get(&b).cloned()),
            use_type: a.use_type,
        });
    }
    Ok(items
        .into_iter()
        .map(|i| ItemRow {
            id: ChargeItemId(i.id),
            office_id: OrgId(i.office_id),
            office: names.get(&i.office_id).cloned().unwrap_or_default(),
            standards: standards.remove(&i.id).unwrap_or_default(),
            assignments: by_item.remove(&i.id).unwrap_or_default(),
            code: i.code,
            name: i.name,
            category: i.category,
            active: i.active,
        })
        .collect())
}

async fn item_row(ctx: &AppCtx, id: ChargeItemId) -> Result<ItemRow, AppError> {
    let item = charge_items::Entity::find_by_id(id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    item_rows(ctx, vec![item]).await?.pop().ok_or(AppError::NotFound)
}

/// The items of every office in the caller's `billing.read` scope.
pub async fn list_items(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed) -> Result<Vec<ItemRow>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::BillingRead).await?;
    let items = scope
        .filter_org_column(charge_items::Entity::find(), charge_items::Column::OfficeId, false)
        .order_by_asc(charge_items::Column::OfficeId)
        .order_by_asc(charge_items::Column::Code)
        .all(&ctx.db)
        .await?;
    item_rows(ctx, items).await
}

/// Checks a standard and charges it on a few real units of the office's first community, so
/// staff see what the formula gives before saving (a failed evaluation says why, never 0).
pub async fn preview(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    office: OrgId,
    i: StandardInput,
) -> Result<FormulaPreview, AppError> {
    require_office(ctx, meta, auth, Permission::BillingRead, office).await?;
    let (_, s) = check_standard(&i)?;
    let communities: Vec<i64> = crate::org::service::communities_under(&ctx.db, office)
        .await?
        .into_iter()
        .map(|c| c.0)
        .collect();
    let units = crate::estate::service::sample_units(&ctx.db, &communities, 6).await?;
    let usage = super::meters::sample_usage(&ctx.db, &units.iter().map(|u| u.id).collect::<Vec<_>>()).await?;
    Ok(FormulaPreview {
        samples: units
            .into_iter()
            .map(|u| {
                let f = Facts {
                    area: u.area,
                    shared_area: u.shared_area,
                    floor: u.floor,
                    spaces: u.spaces,
                    usage: usage.get(&u.id).copied(),
                    usage_measure: "",
                };
                let md = charge::month_days(super::service::current_period()).unwrap_or(30);
                let v = charge::vars(&f, Held::whole(md));
                let mut inputs: Vec<String> = formula::VARIABLES
                    .iter()
                    .filter_map(|(n, _)| v.get(n).map(|r| format!("{n}={}", ratio_label(r))))
                    .collect();
                inputs.sort();
                SampleCharge {
                    unit: u.number,
                    inputs: inputs.join(" "),
                    result: charge::charge(&s, &f, Held::whole(md), 0)
                        .map(|c| c.amount)
                        .map_err(|e| e.key().to_string()),
                }
            })
            .collect(),
    })
}

fn ratio_label(r: &formula::Ratio) -> String {
    if r.den == 1 {
        r.num.to_string()
    } else {
        fixed2((r.num * 100 / r.den) as i64)
    }
}
