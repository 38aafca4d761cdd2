//! (ssr) Bill runs (出账): charge every assigned item to every unit of an org subtree for one
//! calendar month. A preview computes everything and stores nothing; a run stores the lines
//! in one transaction. The database keeps one line per unit × item × month, so running a
//! month again adds only what is missing (a new unit, a new assignment) and never a duplicate.
use super::charge::{self, Basis, Facts, Held};
use super::model::*;
use super::service::{ensure_open, settings_of};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{bill_lines, bill_runs, charge_assignments, charge_items, fee_standards, prepaid_ledger};
use crate::db::AppCtx;
use crate::estate::model::Relation;
use crate::estate::service::BillableUnit;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::shared::money::Money;
use crate::with_txn;
use chrono::{Datelike, Utc};
use sea_orm::{prelude::*, sea_query::OnConflict, ActiveValue::Set, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};

const MAX_PROBLEMS: usize = 200;

/// The paying party for a month and the days a paying party held the unit: the tenant when
/// agreed (and holding the unit at the month's end), otherwise the owner holding it at the
/// month's end (or the last one). `None` when no owner held the unit in the month.
pub fn payer_and_days(u: &BillableUnit, period: i32) -> Option<(i64, String, Held)> {
    let owners: Vec<_> = u
        .holders
        .iter()
        .filter(|h| matches!(h.relation, Relation::Owner | Relation::CoOwner))
        .collect();
    let start = owners.iter().map(|h| h.start).min()?;
    let end = if owners.iter().any(|h| h.end.is_none()) {
        None
    } else {
        owners.iter().filter_map(|h| h.end).max()
    };
    let held = charge::held_in(period, start, end)?;
    let (_, last) = charge::month_bounds(period)?;
    let at_end = |h: &crate::estate::service::Holder| h.start <= last && h.end.is_none_or(|e| e >= last);
    let tenant = u
        .holders
        .iter()
        .find(|h| h.relation == Relation::Tenant && h.pays_fees && at_end(h));
    let owner = owners
        .iter()
        .find(|h| h.relation == Relation::Owner && at_end(h))
        .or_else(|| owners.iter().find(|h| at_end(h)))
        .or_else(|| owners.last())?;
    let payer = tenant.unwrap_or(owner);
    Some((payer.person_id, payer.name.clone(), held))
}

struct Planned {
    line: bill_lines::ActiveModel,
    unit: i64,
    item: i64,
    amount: Money,
    prepay_item: bool,
}

/// Previews (`commit = false`) or runs a month's bills over the subtree of `org`.
/// Errors: `Validation` for a bad period, `Conflict` when the month is closed for an office.
pub async fn bill_run(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    org: OrgId,
    period: &str,
    commit: bool,
) -> Result<RunReport, AppError> {
    let perm = if commit {
        Permission::BillingManage
    } else {
        Permission::BillingRead
    };
    access::require_over(ctx, meta, auth, perm, org).await?;
    let period = charge::parse_period(period).ok_or_else(|| AppError::validation("period", "err.period_invalid"))?;
    let (first, last) = charge::month_bounds(period).ok_or(AppError::Internal)?;
    let md = last.day();
    let db = &ctx.db;
    let communities = crate::org::service::communities_under(db, org).await?;
    let offices = crate::org::service::offices_of(db, &communities).await?;
    let mut office_ids: Vec<i64> = offices.values().copied().collect();
    office_ids.sort_unstable();
    office_ids.dedup();
    let mut settings = HashMap::new();
    for o in &office_ids {
        ensure_open(db, *o, period).await?;
        settings.insert(*o, settings_of(db, *o).await?);
    }
    // Items assigned in these communities, with the standard in force on the 1st.
    let assigns = charge_assignments::Entity::find()
        .filter(charge_assignments::Column::CommunityId.is_in(communities.clone()))
        .all(db)
        .await?;
    let item_ids: Vec<i64> = assigns
        .iter()
        .map(|a| a.item_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let items: HashMap<i64, charge_items::Model> = charge_items::Entity::find()
        .filter(charge_items::Column::Id.is_in(item_ids.clone()))
        .filter(charge_items::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let mut standards: HashMap<i64, (i64, charge::Standard)> = HashMap::new();
    for s in fee_standards::Entity::find()
        .filter(fee_standards::Column::ItemId.is_in(item_ids))
        .filter(fee_standards::Column::EffectiveFrom.lte(first))
        .order_by_asc(fee_standards::Column::EffectiveFrom)
        .all(db)
        .await?
    {
        standards.insert(s.item_id, (s.id, super::standards::standard_of(&s)?));
    }
    let units = crate::estate::service::billable_units(db, &communities, None, first, last).await?;
    let existing: HashSet<(i64, i64)> = bill_lines::Entity::find()
        .select_only()
        .column(bill_lines::Column::UnitId)
        .column(bill_lines::Column::ItemId)
        .filter(bill_lines::Column::CommunityId.is_in(communities.clone()))
        .filter(bill_lines::Column::Period.eq(period))
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let usage = super::meters::usage_for_period(
        db,
        &communities,
        period,
        &units.iter().map(|u| (u.id, u.building_id, u.area)).collect::<Vec<_>>(),
    )
    .await?;
    // Prepaid balances per (unit, item or 0 for general).
    let mut prepaid: HashMap<(i64, i64), i64> = HashMap::new();
    for (u, i, s) in prepaid_ledger::Entity::find()
        .select_only()
        .column(prepaid_ledger::Column::UnitId)
        .column(prepaid_ledger::Column::ItemId)
        .column_as(super::service::sum_i64(prepaid_ledger::Column::Amount), "s")
        .filter(prepaid_ledger::Column::OfficeId.is_in(office_ids.clone()))
        .group_by(prepaid_ledger::Column::UnitId)
        .group_by(prepaid_ledger::Column::ItemId)
        .into_tuple::<(i64, Option<i64>, Option<i64>)>()
        .all(db)
        .await?
    {
        let s = s.unwrap_or(0);
        if s > 0 {
            prepaid.insert((u, i.unwrap_or(0)), s);
        }
    }
    let mut by_community: HashMap<i64, Vec<&charge_assignments::Model>> = HashMap::new();
    for a in &assigns {
        by_community.entry(a.community_id).or_default().push(a);
    }

    let mut rep = RunReport {
        period: charge::period_label(period),
        units: units.len() as u64,
        new_lines: 0,
        existing: 0,
        total: Money::ZERO,
        discounts: Money::ZERO,
        offset: Money::ZERO,
        by_item: vec![],
        problems: vec![],
        generated: false,
    };
    let mut per_item: HashMap<i64, (u64, Money)> = HashMap::new();
    let mut planned: Vec<Planned> = vec![];
    let now = Utc::now();
    let problem = |rep: &mut RunReport, unit: &str, item: &str, reason: &str| {
        if rep.problems.len() < MAX_PROBLEMS {
            rep.problems.push(RunProblem {
                unit: unit.into(),
                item: item.into(),
                reason: reason.into(),
            });
        }
    };
    for u in &units {
        let Some(list) = by_community.get(&u.community_id) else {
            continue;
        };
        let mut seen = HashSet::new();
        let payer = payer_and_days(u, period);
        let office = offices.get(&u.community_id).copied().unwrap_or(u.community_id);
        let st = &settings[&office];
        for a in list {
            if a.building_id.is_some_and(|b| b != u.building_id)
                || a.use_type.as_deref().is_some_and(|t| t != u.use_type)
            {
                continue;
            }
            let Some(item) = items.get(&a.item_id) else { continue };
            if !seen.insert(item.id) {
                continue;
            }
            if existing.contains(&(u.id, item.id)) {
                rep.existing += 1;
                continue;
            }
            let Some((std_id, std)) = standards.get(&item.id) else {
                problem(&mut rep, &u.number, &item.name, "billing.err_no_standard");
                continue;
            };
            let Some((payer_id, payer_name, held)) = payer.clone() else {
                if u.status != "unsold" {
                    problem(&mut rep, &u.number, &item.name, "billing.err_no_owner");
                }
                continue;
            };
            let use_ = usage.get(&(u.id, item.id)).copied().unwrap_or_default();
            if std.basis == Basis::Metered && use_.negative {
                problem(&mut rep, &u.number, &item.name, "billing.err_negative_usage");
                continue;
            }
            let facts = Facts {
                area: u.area,
                shared_area: u.shared_area,
                floor: u.floor,
                spaces: u.spaces,
                usage: use_.total(),
            };
            let relief = if u.status == "vacant" && item.category == "property" {
                st.vacant_relief_bp
            } else {
                0
            };
            let held_for = if std.basis == Basis::Metered {
                Held::whole(md)
            } else {
                held
            };
            let c = match charge::charge(std, &facts, held_for, relief) {
                Ok(c) => c,
                Err(e) => {
                    problem(&mut rep, &u.number, &item.name, e.key());
                    continue;
                }
            };
            if c.amount.0 == 0 && c.gross.0 == 0 {
                continue;
            }
            let mut note = LineNote::default();
            if !held_for.is_whole() {
                note.days = Some(HeldDays {
                    first: held_for.first,
                    last: held_for.last,
                    month_days: md,
                });
            }
            if relief > 0 {
                note.relief_bp = Some(relief);
            }
            if std.basis == Basis::Metered {
                note.usage = Some(LineUsage {
                    own: use_.own,
                    shared: use_.shared,
                });
            }
            // Prepaid a year ahead for this item: the prepay discount applies.
            let mut discount = c.discount;
            let mut amount = c.amount;
            let item_balance = prepaid.get(&(u.id, item.id)).copied().unwrap_or(0);
            let mut prepay_item = false;
            if st.prepay_discount_bp > 0 && item_balance > 0 {
                let extra = Money(((amount.0 as i128 * st.prepay_discount_bp as i128) / 10_000) as i64);
                if item_balance >= (amount - extra).0 {
                    discount = discount + extra;
                    amount = amount - extra;
                    prepay_item = true;
                    note.prepay_bp = Some(st.prepay_discount_bp);
                }
            }
            let due = charge::due_date(period, st.due_day).ok_or(AppError::Internal)?;
            let e = per_item.entry(item.id).or_insert((0, Money::ZERO));
            e.0 += 1;
            e.1 = e.1 + amount;
            rep.new_lines += 1;
            rep.total = rep.total + amount;
            rep.discounts = rep.discounts + discount;
            planned.push(Planned {
                unit: u.id,
                item: item.id,
                amount,
                prepay_item,
                line: bill_lines::ActiveModel {
                    office_id: Set(office),
                    community_id: Set(u.community_id),
                    building_id: Set(u.building_id),
                    unit_id: Set(u.id),
                    item_id: Set(item.id),
                    standard_id: Set(*std_id),
                    period: Set(period),
                    payer_person_id: Set(Some(payer_id)),
                    payer_name: Set(payer_name.clone()),
                    quantity: Set(c.quantity.clone()),
                    detail: Set(serde_json::to_string(&note).map_err(|_| AppError::Internal)?),
                    gross: Set(c.gross.0),
                    discount: Set(discount.0),
                    amount: Set(amount.0),
                    paid: Set(0),
                    adjusted: Set(0),
                    due_date: Set(due),
                    run_id: Set(None),
                    late_fee_waived: Set(false),
                    source: Set(String::new()),
                    created_at: Set(now),
                    ..Default::default()
                },
            });
        }
    }
    // Prepaid balances offset the new lines: the item's own balance first, then the general one.
    let mut offsets: Vec<(usize, Money)> = vec![];
    for (i, p) in planned.iter().enumerate() {
        let mut need = p.amount.0;
        let mut take = 0;
        for key in [(p.unit, p.item), (p.unit, 0)] {
            if need == 0 {
                break;
            }
            if key.1 == 0 && p.prepay_item {
                // A prepay-discounted line is covered by its item balance alone.
                break;
            }
            if let Some(b) = prepaid.get_mut(&key) {
                let t = (*b).min(need);
                *b -= t;
                need -= t;
                take += t;
            }
        }
        if take > 0 {
            offsets.push((i, Money(take)));
            rep.offset = rep.offset + Money(take);
        }
    }
    let names: HashMap<i64, String> = items.iter().map(|(k, v)| (*k, v.name.clone())).collect();
    let mut by_item: Vec<RunItem> = per_item
        .into_iter()
        .map(|(k, (n, t))| RunItem {
            item: names.get(&k).cloned().unwrap_or_default(),
            lines: n,
            total: t,
        })
        .collect();
    by_item.sort_by(|a, b| a.item.cmp(&b.item));
    rep.by_item = by_item;
    if !commit {
        return Ok(rep);
    }
    let actor = actor_label(db, auth.user_id).await;
    let planned_ref = &planned;
    let offsets_ref = &offsets;
    let created = with_txn!(ctx.db, |txn| {
        for o in &office_ids {
            ensure_open(&txn, *o, period).await?;
        }
        let run = bill_runs::ActiveModel {
            org_id: Set(org.0),
            period: Set(period),
            units: Set(units.len() as i64),
            lines_created: Set(0),
            total: Set(0),
            created_by: Set(auth.user_id.0),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut created = 0u64;
        for chunk in planned_ref.chunks(500) {
            let rows: Vec<bill_lines::ActiveModel> = chunk
                .iter()
                .map(|p| {
                    let mut l = p.line.clone();
                    l.run_id = Set(Some(run.id));
                    l
                })
                .collect();
            // A concurrent run may have stored some lines since the preview: skip those.
            created += bill_lines::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        bill_lines::Column::UnitId,
                        bill_lines::Column::ItemId,
                        bill_lines::Column::Period,
                        bill_lines::Column::Source,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        // Offsets: find the stored lines of this run and record each offset.
        if !offsets_ref.is_empty() {
            let ids: HashMap<(i64, i64), i64> = bill_lines::Entity::find()
                .select_only()
                .column(bill_lines::Column::UnitId)
                .column(bill_lines::Column::ItemId)
                .column(bill_lines::Column::Id)
                .filter(bill_lines::Column::RunId.eq(run.id))
                .into_tuple::<(i64, i64, i64)>()
                .all(&txn)
                .await?
                .into_iter()
                .map(|(u, i, id)| ((u, i), id))
                .collect();
            for (idx, amount) in offsets_ref {
                let p = &planned_ref[*idx];
                let Some(line) = ids.get(&(p.unit, p.item)) else {
                    continue;
                };
                super::counter::offset_from_prepaid(&txn, *line, p.unit, p.item, *amount).await?;
            }
        }
        let total: Option<i64> = bill_lines::Entity::find()
            .select_only()
            .column_as(super::service::sum_i64(bill_lines::Column::Amount), "t")
            .filter(bill_lines::Column::RunId.eq(run.id))
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await?
            .flatten();
        if created > 0 {
            // Households hear of their new bills from a background job, queued with the bills.
            crate::jobs::enqueue(
                &txn,
                &[crate::jobs::NewJob::now(
                    super::jobs::BILL_ISSUED,
                    serde_json::json!({ "run": run.id, "period": period }),
                )],
            )
            .await?;
        }
        let mut am: bill_runs::ActiveModel = run.clone().into();
        am.lines_created = Set(created as i64);
        am.total = Set(total.unwrap_or(0));
        am.update(&txn).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.run", "bill_run", run.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(org))
                .summary(serde_json::json!({ "period": period, "lines": created, "total": total })),
        )
        .await?;
        Ok(created)
    })?;
    rep.new_lines = created;
    rep.generated = true;
    Ok(rep)
}
