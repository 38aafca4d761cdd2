//! (ssr) Bill runs (出账): charge every assigned item to every unit of an org subtree for one
//! calendar month. A preview computes everything and stores nothing; a run stores the lines
//! in batches of short transactions. The database keeps one line per unit × item × month, so running a
//! month again adds only what is missing (a new unit, a new assignment) and never a duplicate.
//! Load → plan (pure, [`super::plan`]) → write.
use super::charge;
use super::model::*;
use super::plan::{plan, Assignment, Item, Plan, PlannedLine, RunInputs};
use super::service::{ensure_open, settings_of};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{bill_lines, bill_runs, charge_assignments, charge_items, fee_standards, prepaid_ledger};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::shared::money::Money;
use crate::with_txn;
use chrono::Utc;
use sea_orm::{prelude::*, sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};

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
    let db = &ctx.db;
    let communities: Vec<i64> = crate::org::service::communities_under(db, org)
        .await?
        .into_iter()
        .map(|c| c.0)
        .collect();
    let offices = crate::org::service::offices_of(db, &communities).await?;
    let mut office_ids: Vec<i64> = offices.values().copied().collect();
    office_ids.sort_unstable();
    office_ids.dedup();
    let mut settings = HashMap::new();
    for o in &office_ids {
        ensure_open(db, OrgId(*o), period).await?;
        settings.insert(*o, settings_of(db, OrgId(*o)).await?);
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
    let items: HashMap<i64, Item> = charge_items::Entity::find()
        .filter(charge_items::Column::Id.is_in(item_ids.clone()))
        .filter(charge_items::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|i| {
            let item = Item {
                id: i.id,
                name: i.name,
                category: i.category,
            };
            (item.id, item)
        })
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
    let inputs = RunInputs {
        period,
        units,
        office_of: offices,
        settings,
        assignments: assigns
            .into_iter()
            .map(|a| Assignment {
                community_id: a.community_id,
                item_id: a.item_id,
                building_id: a.building_id,
                use_type: a.use_type,
            })
            .collect(),
        items,
        standards,
        existing,
        usage,
        prepaid,
    };
    let Plan {
        lines: planned,
        offsets,
        report: mut rep,
    } = plan(&inputs).ok_or(AppError::Internal)?;
    if !commit {
        return Ok(rep);
    }
    let units = inputs.units.len() as i64;
    let actor = actor_label(db, auth.user_id).await;
    let now = Utc::now();
    // The run's row first, then the lines in batches, each its own short transaction, so the
    // counter and online payments wait milliseconds for the write lock, not the whole run.
    // Each batch is idempotent (a line that exists is skipped), so a run cut short by a crash
    // or a closed month is finished by running the month again.
    let run = with_txn!(ctx.db, |txn| {
        for o in &office_ids {
            ensure_open(&txn, OrgId(*o), period).await?;
        }
        Ok(bill_runs::ActiveModel {
            org_id: Set(org.0),
            period: Set(period),
            units: Set(units),
            lines_created: Set(0),
            total: Set(0),
            created_by: Set(auth.user_id.0),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?)
    })?;
    let mut created = 0u64;
    for (n, batch) in planned.chunks(RUN_BATCH).enumerate() {
        let from = n * RUN_BATCH;
        let batch_offsets: Vec<(usize, Money)> = offsets
            .iter()
            .filter(|(i, _)| (from..from + batch.len()).contains(i))
            .copied()
            .collect();
        created += with_txn!(ctx.db, |txn| {
            for o in &office_ids {
                ensure_open(&txn, OrgId(*o), period).await?;
            }
            write_batch(&txn, run.id, now, &planned, batch, &batch_offsets).await
        })?;
    }
    let created = with_txn!(ctx.db, |txn| {
        let total: Option<i64> = bill_lines::Entity::find()
            .select_only()
            .column_as(super::service::sum_i64(bill_lines::Column::Amount), "t")
            .filter(bill_lines::Column::RunId.eq(run.id))
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await?
            .flatten();
        if created > 0 {
            // Households hear of their new bills from a background job, queued with the run's end.
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

/// Lines a bill run writes per transaction: small enough that a payment waiting for the write
/// lock waits milliseconds.
const RUN_BATCH: usize = 1000;

/// Stores one batch of a run's lines (a slice of `planned`), skipping lines that exist, and
/// takes each new line's prepaid offset (`offsets` index `planned`). Returns the lines stored.
async fn write_batch<C: ConnectionTrait>(
    txn: &C,
    run: i64,
    now: chrono::DateTime<Utc>,
    planned: &[PlannedLine],
    batch: &[PlannedLine],
    offsets: &[(usize, Money)],
) -> Result<u64, AppError> {
    let mut created = 0u64;
    for chunk in batch.chunks(500) {
        let rows = chunk
            .iter()
            .map(|p| line_row(p, run, now))
            .collect::<Result<Vec<_>, AppError>>()?;
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
            .exec_without_returning(txn)
            .await?;
    }
    if offsets.is_empty() {
        return Ok(created);
    }
    // Offsets: find this batch's stored lines of this run and record each offset.
    let mut unit_ids: Vec<i64> = batch.iter().map(|p| p.unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let ids: HashMap<(i64, i64), i64> = bill_lines::Entity::find()
        .select_only()
        .column(bill_lines::Column::UnitId)
        .column(bill_lines::Column::ItemId)
        .column(bill_lines::Column::Id)
        .filter(bill_lines::Column::RunId.eq(run))
        .filter(bill_lines::Column::UnitId.is_in(unit_ids))
        .into_tuple::<(i64, i64, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .map(|(u, i, id)| ((u, i), id))
        .collect();
    for (idx, amount) in offsets {
        let p = &planned[*idx];
        let Some(line) = ids.get(&(p.unit_id, p.item_id)) else {
            continue;
        };
        super::counter::offset_from_prepaid(txn, *line, p.unit_id, p.item_id, *amount).await?;
    }
    Ok(created)
}

/// A planned line as stored by run `run`.
fn line_row(p: &PlannedLine, run: i64, now: chrono::DateTime<Utc>) -> Result<bill_lines::ActiveModel, AppError> {
    Ok(bill_lines::ActiveModel {
        office_id: Set(p.office_id),
        community_id: Set(p.community_id),
        building_id: Set(p.building_id),
        unit_id: Set(p.unit_id),
        item_id: Set(p.item_id),
        standard_id: Set(p.standard_id),
        period: Set(p.period),
        payer_person_id: Set(Some(p.payer_id)),
        payer_name: Set(p.payer_name.clone()),
        quantity: Set(p.quantity.clone()),
        detail: Set(serde_json::to_string(&p.note).map_err(|_| AppError::Internal)?),
        gross: Set(p.gross.0),
        discount: Set(p.discount.0),
        amount: Set(p.amount.0),
        paid: Set(0),
        adjusted: Set(0),
        due_date: Set(p.due_date),
        run_id: Set(Some(run)),
        late_fee_waived: Set(false),
        source: Set(String::new()),
        created_at: Set(now),
        ..Default::default()
    })
}
