//! (ssr) The counter (收银台) and every account movement: open lines with today's late fees,
//! payments with gap-free receipt numbers per office, prepaid top-ups, offsets and refunds,
//! deposits, waivers (减免), reversals (红冲), the cashier's day end (日结) and the month
//! close (月结). Nothing financial is deleted or edited: each correction is a new row, and a
//! line's `paid`/`adjusted` columns are caches of those rows, moved by guarded updates so
//! two cashiers can never pay the same fen twice.
use super::charge::{self, allocate, Owed};
use super::model::*;
use super::service::{current_period, ensure_open, settings_of};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{
    bill_lines, charge_items, deposits, line_adjustments, payment_allocations, payments, period_closes, prepaid_ledger,
    receipt_counters,
};
use crate::db::idem::{self, IdemKey};
use crate::db::{busy, AppCtx};
use crate::shared::error::AppError;
use crate::shared::ids::{BillLineId, OrgId, PaymentId, UnitId, UserId};
use crate::shared::money::Money;
use crate::with_txn;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    prelude::*,
    sea_query::{Expr, ExprTrait},
    ActiveValue::Set,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Lines as pages show them, with today's late fee and whether their month is closed.
pub async fn line_rows<C: ConnectionTrait>(c: &C, lines: Vec<bill_lines::Model>) -> Result<Vec<LineRow>, AppError> {
    let today = crate::shared::time::today_cn();
    let mut item_ids: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
    item_ids.sort_unstable();
    item_ids.dedup();
    let items: HashMap<i64, String> = charge_items::Entity::find()
        .filter(charge_items::Column::Id.is_in(item_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let mut unit_ids: Vec<i64> = lines.iter().map(|l| l.unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units: HashMap<i64, String> = crate::estate::service::unit_briefs(c, &unit_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.community, u.number)))
        .collect();
    let mut settings = HashMap::new();
    let mut closed = HashMap::new();
    for l in &lines {
        if let std::collections::hash_map::Entry::Vacant(e) = settings.entry(l.office_id) {
            e.insert(settings_of(c, OrgId(l.office_id)).await?);
            closed.insert(l.office_id, super::service::last_closed(c, OrgId(l.office_id)).await?);
        }
    }
    Ok(lines
        .into_iter()
        .map(|l| {
            let st = &settings[&l.office_id];
            let outstanding = Money(l.amount - l.paid - l.adjusted);
            let late_fee = late_fee_of(&l, st, today);
            LineRow {
                id: BillLineId(l.id),
                unit_id: l.unit_id,
                unit: units.get(&l.unit_id).cloned().unwrap_or_default(),
                item: items.get(&l.item_id).cloned().unwrap_or_default(),
                period: charge::period_label(l.period),
                quantity: l.quantity.clone(),
                gross: Money(l.gross),
                discount: Money(l.discount),
                amount: Money(l.amount),
                paid: Money(l.paid),
                adjusted: Money(l.adjusted),
                outstanding,
                late_fee,
                due_date: l.due_date.to_string(),
                overdue: outstanding.0 > 0 && today > l.due_date,
                payer: l.payer_name.clone(),
                note: LineNote::parse(&l.detail),
                closed: closed[&l.office_id].is_some_and(|p| p >= l.period),
            }
        })
        .collect())
}

/// Today's late fee of a line under its office's rule (0 when waived or settled).
pub fn late_fee_of(l: &bill_lines::Model, st: &BillingSettings, today: NaiveDate) -> Money {
    let outstanding = Money(l.amount - l.paid - l.adjusted);
    if st.late_fee_mode != "daily" || l.late_fee_waived || outstanding.0 <= 0 {
        return Money::ZERO;
    }
    late_fee(outstanding, st.late_fee_rate, l.due_date, st.grace_days, today)
}

/// Which part of a unit's prepaid balance: everything, the general part, or one item's.
#[derive(Clone, Copy)]
enum Bucket {
    All,
    General,
    Item(i64),
}

impl Bucket {
    fn of(item: Option<i64>) -> Bucket {
        item.map(Bucket::Item).unwrap_or(Bucket::General)
    }
}

async fn prepaid_balance<C: ConnectionTrait>(c: &C, unit: i64, b: Bucket) -> Result<i64, AppError> {
    let q = prepaid_ledger::Entity::find()
        .select_only()
        .column_as(super::service::sum_i64(prepaid_ledger::Column::Amount), "s")
        .filter(prepaid_ledger::Column::UnitId.eq(unit));
    let q = match b {
        Bucket::All => q,
        Bucket::General => q.filter(prepaid_ledger::Column::ItemId.is_null()),
        Bucket::Item(i) => q.filter(prepaid_ledger::Column::ItemId.eq(i)),
    };
    Ok(q.into_tuple::<Option<i64>>().one(c).await?.flatten().unwrap_or(0))
}

/// One prepaid ledger row: money in (`amount > 0`) or out of a unit's balance.
struct Movement<'a> {
    unit: i64,
    office: i64,
    item: Option<i64>,
    amount: i64,
    kind: &'a str,
    payment: Option<i64>,
    line: Option<i64>,
    note: &'a str,
    by: Option<UserId>,
}

async fn record_movement<C: ConnectionTrait>(c: &C, m: Movement<'_>) -> Result<(), AppError> {
    prepaid_ledger::ActiveModel {
        unit_id: Set(m.unit),
        office_id: Set(m.office),
        item_id: Set(m.item),
        amount: Set(m.amount),
        kind: Set(m.kind.into()),
        payment_id: Set(m.payment),
        line_id: Set(m.line),
        note: Set(m.note.chars().take(200).collect()),
        created_by: Set(m.by.map(|u| u.0)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

async fn deposit_balance<C: ConnectionTrait>(c: &C, unit: i64) -> Result<i64, AppError> {
    Ok(deposits::Entity::find()
        .select_only()
        .column_as(super::service::sum_i64(deposits::Column::Amount), "s")
        .filter(deposits::Column::UnitId.eq(unit))
        .into_tuple::<Option<i64>>()
        .one(c)
        .await?
        .flatten()
        .unwrap_or(0))
}

pub(crate) async fn payment_rows<C: ConnectionTrait>(
    c: &C,
    ps: Vec<payments::Model>,
) -> Result<Vec<PaymentRow>, AppError> {
    let ids: Vec<i64> = ps.iter().map(|p| p.id).collect();
    let reversed: Vec<i64> = payments::Entity::find()
        .select_only()
        .column(payments::Column::ReversesId)
        .filter(payments::Column::ReversesId.is_in(ids))
        .into_tuple::<Option<i64>>()
        .all(c)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let cashier_ids: Vec<i64> = ps.iter().filter_map(|p| p.cashier_id).collect();
    let cashiers: HashMap<i64, String> = access::display_names(c, &cashier_ids).await?;
    let mut unit_ids: Vec<i64> = ps.iter().map(|p| p.unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units: HashMap<i64, String> = crate::estate::service::unit_briefs(c, &unit_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.community, u.number)))
        .collect();
    Ok(ps
        .into_iter()
        .map(|p| PaymentRow {
            id: PaymentId(p.id),
            reversed: reversed.contains(&p.id),
            unit: units.get(&p.unit_id).cloned().unwrap_or_default(),
            unit_id: p.unit_id,
            receipt_no: p.receipt_no,
            method: PayMethod::parse(&p.method).unwrap_or(PayMethod::Other),
            amount: Money(p.amount),
            late_fee: Money(p.late_fee),
            to_prepaid: Money(p.to_prepaid),
            payer: p.payer_name,
            cashier: p.cashier_id.and_then(|c| cashiers.get(&c).cloned()).unwrap_or_default(),
            paid_at: crate::shared::time::format_local(p.paid_at),
            reverses: p.reverses_id.map(PaymentId),
            note: p.note,
        })
        .collect())
}

/// Everything about one unit's account, for staff (scope-checked by the caller) and for
/// the unit's own household.
async fn account<C: ConnectionTrait>(c: &C, unit: i64) -> Result<UnitAccount, AppError> {
    let brief = crate::estate::service::unit_briefs(c, &[unit])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let offices = crate::org::service::offices_of(c, &[brief.community_id]).await?;
    let office = offices.get(&brief.community_id).copied().unwrap_or(brief.community_id);
    let office_name = crate::org::service::org_names(c, &[office])
        .await?
        .remove(&office)
        .unwrap_or_default();
    let open = bill_lines::Entity::find()
        .filter(bill_lines::Column::UnitId.eq(unit))
        .filter(
            Expr::col(bill_lines::Column::Amount)
                .gt(Expr::col(bill_lines::Column::Paid).add(Expr::col(bill_lines::Column::Adjusted))),
        )
        .order_by_asc(bill_lines::Column::Period)
        .order_by_asc(bill_lines::Column::Id)
        .all(c)
        .await?;
    let settled = bill_lines::Entity::find()
        .filter(bill_lines::Column::UnitId.eq(unit))
        .filter(
            Expr::col(bill_lines::Column::Amount)
                .lte(Expr::col(bill_lines::Column::Paid).add(Expr::col(bill_lines::Column::Adjusted))),
        )
        .order_by_desc(bill_lines::Column::Period)
        .order_by_desc(bill_lines::Column::Id)
        .limit(24)
        .all(c)
        .await?;
    let open = line_rows(c, open).await?;
    let settled = line_rows(c, settled).await?;
    let ps = payments::Entity::find()
        .filter(payments::Column::UnitId.eq(unit))
        .order_by_desc(payments::Column::Id)
        .limit(30)
        .all(c)
        .await?;
    Ok(UnitAccount {
        unit_id: unit,
        unit: brief.number.clone(),
        community: brief.community.clone(),
        office: office_name,
        owners: brief.owners.clone(),
        due: open.iter().fold(Money::ZERO, |a, l| a + l.outstanding),
        late_fees: open.iter().fold(Money::ZERO, |a, l| a + l.late_fee),
        prepaid: Money(prepaid_balance(c, unit, Bucket::All).await?),
        deposits: Money(deposit_balance(c, unit).await?),
        deposit_list: deposit_rows(c, unit).await?,
        payments: payment_rows(c, ps).await?,
        open,
        settled,
    })
}

/// Loads a unit for a billing action within the caller's scope for `perm`.
async fn unit_for(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    perm: Permission,
    unit: i64,
) -> Result<crate::estate::service::UnitBrief, AppError> {
    let scope = access::require(ctx, meta, auth, perm).await?;
    let b = crate::estate::service::unit_briefs(&ctx.db, &[unit])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    access::within(ctx, meta, auth, perm, &scope, OrgId(b.community_id)).await?;
    Ok(b)
}

/// A unit's account at the counter (`billing.read`).
pub async fn unit_account(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, unit: i64) -> Result<UnitAccount, AppError> {
    unit_for(ctx, meta, auth, Permission::BillingRead, unit).await?;
    account(&ctx.db, unit).await
}

/// The signed-in resident's accounts: one per home their household holds now, the current home
/// (当前房屋) first.
pub async fn my_accounts(ctx: &AppCtx, auth: &Authed) -> Result<Vec<UnitAccount>, AppError> {
    let mut out = vec![];
    for u in crate::estate::service::my_unit_ids_current_first(&ctx.db, auth.user_id).await? {
        out.push(account(&ctx.db, u.0).await?);
    }
    Ok(out)
}

/// What each of the resident's homes owes today (principal and late fees), the current home
/// (当前房屋) first, in one query for the lines of all of them.
pub async fn my_dues(ctx: &AppCtx, auth: &Authed) -> Result<Vec<HomeDue>, AppError> {
    let units: Vec<i64> = crate::estate::service::my_unit_ids_current_first(&ctx.db, auth.user_id)
        .await?
        .into_iter()
        .map(|u| u.0)
        .collect();
    if units.is_empty() {
        return Ok(vec![]);
    }
    let mut briefs = crate::estate::service::unit_briefs(&ctx.db, &units).await?;
    briefs.sort_by_key(|b| units.iter().position(|u| *u == b.id));
    let open = bill_lines::Entity::find()
        .filter(bill_lines::Column::UnitId.is_in(units.clone()))
        .filter(
            Expr::col(bill_lines::Column::Amount)
                .gt(Expr::col(bill_lines::Column::Paid).add(Expr::col(bill_lines::Column::Adjusted))),
        )
        .order_by_asc(bill_lines::Column::Period)
        .order_by_asc(bill_lines::Column::Id)
        .all(&ctx.db)
        .await?;
    let rows = line_rows(&ctx.db, open).await?;
    Ok(briefs
        .into_iter()
        .map(|b| {
            let mine: Vec<&LineRow> = rows.iter().filter(|l| l.unit_id == b.id).collect();
            HomeDue {
                unit_id: b.id,
                unit: b.number,
                community: b.community,
                due: mine.iter().fold(Money::ZERO, |a, l| a + l.outstanding),
                late_fees: mine.iter().fold(Money::ZERO, |a, l| a + l.late_fee),
                lines: mine.len() as u32,
                oldest: mine.first().map(|l| l.period.clone()),
                overdue: mine.iter().any(|l| l.overdue),
            }
        })
        .collect())
}

/// True when the resident's household holds `unit` now.
pub async fn is_my_unit(ctx: &AppCtx, auth: &Authed, unit: i64) -> Result<bool, AppError> {
    Ok(crate::estate::service::my_unit_ids(&ctx.db, auth.user_id)
        .await?
        .contains(&UnitId(unit)))
}

/// Units at the counter by number, owner name or phone, within `billing.collect` scope.
pub async fn find_units(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, q: &str) -> Result<Vec<UnitHit>, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::BillingRead).await?;
    if q.chars().count() > 40 {
        return Err(AppError::validation("q", "err.too_long"));
    }
    let communities: Vec<i64> = access::nodes_in(&ctx.db, &scope, Some(crate::org::model::OrgKind::Community))
        .await?
        .into_iter()
        .map(|n| n.id.0)
        .collect();
    Ok(crate::estate::service::find_units(&ctx.db, &communities, q, 20)
        .await?
        .into_iter()
        .map(|b| UnitHit {
            unit_id: b.id,
            unit: b.number,
            community: b.community,
            owners: b.owners,
        })
        .collect())
}

/// The next receipt number of an office for this month, inside the payment's transaction:
/// a rolled-back payment rolls its number back, so numbers have no gaps.
async fn next_receipt_no<C: ConnectionTrait>(c: &C, office: i64, prefix: &str) -> Result<String, AppError> {
    let month = current_period();
    let updated = receipt_counters::Entity::update_many()
        .col_expr(
            receipt_counters::Column::Next,
            Expr::col(receipt_counters::Column::Next).add(1),
        )
        .filter(receipt_counters::Column::OfficeId.eq(office))
        .filter(receipt_counters::Column::Month.eq(month))
        .exec(c)
        .await?;
    if updated.rows_affected == 0 {
        receipt_counters::ActiveModel {
            office_id: Set(office),
            month: Set(month),
            next: Set(1),
            ..Default::default()
        }
        .insert(c)
        .await
        .map_err(|e| if crate::db::is_retryable(&e) { busy() } else { e.into() })?;
    }
    let n = receipt_counters::Entity::find()
        .filter(receipt_counters::Column::OfficeId.eq(office))
        .filter(receipt_counters::Column::Month.eq(month))
        .one(c)
        .await?
        .ok_or(AppError::Internal)?
        .next;
    Ok(format!("{prefix}-{month}-{n:06}"))
}

/// Which cache of a line a movement changes.
#[derive(Clone, Copy)]
enum Cache {
    Paid,
    Adjusted,
}

/// Moves a line's `paid` or `adjusted` cache by `delta` with one guarded update: it never
/// settles more than the line's amount nor goes below zero, so a lost race (another cashier,
/// a concurrent webhook) surfaces as a conflict instead of a double payment.
async fn bump<C: ConnectionTrait>(c: &C, line: i64, cache: Cache, delta: i64) -> Result<(), AppError> {
    let col = match cache {
        Cache::Paid => bill_lines::Column::Paid,
        Cache::Adjusted => bill_lines::Column::Adjusted,
    };
    let settled = Expr::col(bill_lines::Column::Paid).add(Expr::col(bill_lines::Column::Adjusted));
    let r = bill_lines::Entity::update_many()
        .col_expr(col, Expr::col(col).add(delta))
        .filter(bill_lines::Column::Id.eq(line))
        .filter(settled.add(delta).lte(Expr::col(bill_lines::Column::Amount)))
        .filter(Expr::col(col).add(delta).gte(0))
        .exec(c)
        .await?;
    if r.rows_affected != 1 {
        return Err(AppError::conflict("lines", "err.lines_changed"));
    }
    Ok(())
}

/// Applies a prepaid balance to a new line (bill runs call this inside their transaction).
pub(crate) async fn offset_from_prepaid<C: ConnectionTrait>(
    c: &C,
    line: i64,
    unit: i64,
    item: i64,
    amount: Money,
) -> Result<(), AppError> {
    let l = bill_lines::Entity::find_by_id(line)
        .one(c)
        .await?
        .ok_or(AppError::Internal)?;
    let mut left = amount.0;
    for key in [Some(item), None] {
        if left == 0 {
            break;
        }
        let take = std::cmp::min(prepaid_balance(c, unit, Bucket::of(key)).await?, left);
        if take <= 0 {
            continue;
        }
        record_movement(
            c,
            Movement {
                unit,
                office: l.office_id,
                item: key,
                amount: -take,
                kind: "offset",
                payment: None,
                line: Some(line),
                note: "",
                by: None,
            },
        )
        .await?;
        bump(c, line, Cache::Paid, take).await?;
        left -= take;
    }
    Ok(())
}

/// What the payment is for.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NewPayment {
    pub unit_id: i64,
    /// Lines to pay, oldest first; empty for a pure prepayment (预存).
    pub lines: Vec<BillLineId>,
    pub method: PayMethod,
    /// Tendered amount in yuan, e.g. `223.93`; more than owed goes to the prepaid balance.
    pub amount: String,
    /// For a prepayment: the item it is for (`None` = general).
    #[serde(default)]
    pub prepay_item: Option<i64>,
    #[serde(default)]
    pub note: String,
    /// A key of the client's choosing (8–64 of `A–Z a–z 0–9 - _ .`, e.g. a UUID), the same on
    /// every retry of this payment: a repeat books nothing and answers with the first receipt.
    /// The REST API also reads it from the `Idempotency-Key` header.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// Settles a payment inside `txn`: receipt number, allocations (late fee first, oldest line
/// first), line caches, the rest to prepaid. Late fees are those of `as_of`: today at the
/// counter, the day the resident started an online payment.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn settle<C: ConnectionTrait>(
    c: &C,
    office: i64,
    unit: &crate::estate::service::UnitBrief,
    lines: &[BillLineId],
    method: PayMethod,
    amount: Money,
    prepay_item: Option<i64>,
    cashier: Option<UserId>,
    provider: Option<(&str, &str)>,
    note: &str,
    as_of: NaiveDate,
) -> Result<payments::Model, AppError> {
    let st = settings_of(c, OrgId(office)).await?;
    let today = as_of;
    let mut rows = bill_lines::Entity::find()
        .filter(bill_lines::Column::Id.is_in(lines.iter().map(|l| l.0).collect::<Vec<_>>()))
        .all(c)
        .await?;
    if rows.len() != lines.len() || rows.iter().any(|l| l.unit_id != unit.id) {
        return Err(AppError::validation("lines", "err.lines_not_of_unit"));
    }
    rows.sort_by_key(|l| (l.period, l.id));
    let owed: Vec<Owed> = rows
        .iter()
        .map(|l| Owed {
            line: l.id,
            principal: Money(l.amount - l.paid - l.adjusted),
            late_fee: late_fee_of(l, &st, today),
        })
        .collect();
    // A line settled since the cashier (or the resident) looked at it is not paid twice.
    if owed.iter().any(|o| o.principal.0 <= 0 && o.late_fee.0 <= 0) {
        return Err(AppError::conflict("lines", "err.lines_changed"));
    }
    let (parts, rest) = allocate(amount, &owed);
    let principal: i64 = parts.iter().map(|p| p.principal.0).sum();
    let fees: i64 = parts.iter().map(|p| p.late_fee.0).sum();
    let payer = rows
        .first()
        .map(|l| l.payer_name.clone())
        .unwrap_or_else(|| unit.owners.clone());
    let receipt_no = next_receipt_no(c, office, &st.receipt_prefix).await?;
    let p = payments::ActiveModel {
        office_id: Set(office),
        community_id: Set(unit.community_id),
        unit_id: Set(unit.id),
        receipt_no: Set(receipt_no),
        method: Set(method.code().into()),
        amount: Set(amount.0),
        principal: Set(principal),
        late_fee: Set(fees),
        to_prepaid: Set(rest.0),
        from_prepaid: Set(0),
        cashier_id: Set(cashier.map(|u| u.0)),
        payer_name: Set(payer.chars().take(100).collect()),
        provider: Set(provider.map(|p| p.0.to_string())),
        provider_ref: Set(provider.map(|p| p.1.to_string())),
        reverses_id: Set(None),
        note: Set(note.chars().take(200).collect()),
        booked_period: Set(current_period()),
        paid_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    for part in &parts {
        payment_allocations::ActiveModel {
            payment_id: Set(p.id),
            line_id: Set(part.line),
            principal: Set(part.principal.0),
            late_fee: Set(part.late_fee.0),
            ..Default::default()
        }
        .insert(c)
        .await?;
        if part.principal.0 > 0 {
            bump(c, part.line, Cache::Paid, part.principal.0).await?;
        }
    }
    if rest.0 > 0 {
        record_movement(
            c,
            Movement {
                unit: unit.id,
                office,
                item: prepay_item,
                amount: rest.0,
                kind: "deposit",
                payment: Some(p.id),
                line: None,
                note: "",
                by: cashier,
            },
        )
        .await?;
    }
    Ok(p)
}

/// What an idempotency key of each counter action books (see `db::idem`).
const PAYMENT: &str = "billing.payment";
const DEPOSIT: &str = "billing.deposit";
const PREPAID_REFUND: &str = "billing.prepaid.refund";

/// Takes a payment at the counter (`billing.collect`). A repeat with the same idempotency key
/// answers with the first payment and books nothing.
pub async fn take_payment(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    n: NewPayment,
) -> Result<PaymentRow, AppError> {
    let unit = unit_for(ctx, meta, auth, Permission::BillingCollect, n.unit_id).await?;
    if !PayMethod::COUNTER.contains(&n.method) {
        return Err(AppError::validation("method", "err.bad_request"));
    }
    let amount = Money::parse_yuan(&n.amount).map_err(|e| AppError::validation("amount", e.key()))?;
    if amount.0 <= 0 {
        return Err(AppError::validation("amount", "err.amount_invalid"));
    }
    let office = crate::org::service::office_of(&ctx.db, OrgId(unit.community_id))
        .await?
        .0;
    // A prepayment for an item is kept for that item: it must be one of this office's.
    if let Some(item) = n.prepay_item {
        let ours = charge_items::Entity::find_by_id(item)
            .filter(charge_items::Column::OfficeId.eq(office))
            .one(&ctx.db)
            .await?
            .is_some();
        if !ours {
            return Err(AppError::validation("prepay_item", "err.not_found"));
        }
    }
    let key = IdemKey::parse(n.idempotency_key.as_deref())?;
    let fp = idem::fingerprint(
        PAYMENT,
        &NewPayment {
            idempotency_key: None,
            ..n.clone()
        },
    );
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let p = with_txn!(ctx.db, |txn| {
        if let Some(k) = &key {
            if let Some(id) = idem::prior(&txn, auth.user_id, k, PAYMENT, &fp).await? {
                return payments::Entity::find_by_id(id)
                    .one(&txn)
                    .await?
                    .ok_or(AppError::Internal);
            }
        }
        let p = settle(
            &txn,
            office,
            &unit,
            &n.lines,
            n.method,
            amount,
            n.prepay_item,
            Some(auth.user_id),
            None,
            &n.note,
            crate::shared::time::today_cn(),
        )
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.payment", "payment", p.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(unit.community_id)))
                .summary(serde_json::json!({ "receipt": p.receipt_no, "amount": p.amount, "method": p.method, "lines": n.lines })),
        )
        .await?;
        if let Some(k) = &key {
            idem::remember(&txn, auth.user_id, k, PAYMENT, &fp, p.id).await?;
        }
        Ok(p)
    })?;
    payment_rows(&ctx.db, vec![p]).await?.pop().ok_or(AppError::Internal)
}

/// A receipt: staff within scope, or the unit's household.
pub async fn receipt(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, id: PaymentId) -> Result<Receipt, AppError> {
    let p = payments::Entity::find_by_id(id.0)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !is_my_unit(ctx, auth, p.unit_id).await? {
        let scope = access::require(ctx, meta, auth, Permission::BillingRead).await?;
        access::within(ctx, meta, auth, Permission::BillingRead, &scope, OrgId(p.community_id)).await?;
    }
    let allocs = payment_allocations::Entity::find()
        .filter(payment_allocations::Column::PaymentId.eq(p.id))
        .order_by_asc(payment_allocations::Column::Id)
        .all(&ctx.db)
        .await?;
    let lines: HashMap<i64, bill_lines::Model> = bill_lines::Entity::find()
        .filter(bill_lines::Column::Id.is_in(allocs.iter().map(|a| a.line_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let items: HashMap<i64, String> = charge_items::Entity::find()
        .filter(charge_items::Column::Id.is_in(lines.values().map(|l| l.item_id).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let names = crate::org::service::org_names(&ctx.db, &[p.office_id, p.community_id]).await?;
    let amount = Money(p.amount);
    let (office, community) = (
        names.get(&p.office_id).cloned().unwrap_or_default(),
        names.get(&p.community_id).cloned().unwrap_or_default(),
    );
    Ok(Receipt {
        office,
        community,
        lines: allocs
            .iter()
            .filter_map(|a| {
                let l = lines.get(&a.line_id)?;
                Some(ReceiptLine {
                    item: items.get(&l.item_id).cloned().unwrap_or_default(),
                    period: charge::period_label(l.period),
                    principal: Money(a.principal),
                    late_fee: Money(a.late_fee),
                })
            })
            .collect(),
        amount_words: amount_in_words(amount),
        payment: payment_rows(&ctx.db, vec![p]).await?.pop().ok_or(AppError::Internal)?,
    })
}

/// Adjusts each line (a batch is one transaction: all or none). `amount` in yuan applies to
/// each line for a waiver (empty = everything owed). The line's month must be open.
pub async fn adjust(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    kind: AdjustKind,
    lines: &[BillLineId],
    amount: Option<&str>,
    reason: &str,
) -> Result<u64, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::BillingManage).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "err.reason_required"));
    }
    if lines.is_empty() || lines.len() > 5_000 {
        return Err(AppError::validation("lines", "err.lines_none"));
    }
    let each = match amount.map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => {
            let m = Money::parse_yuan(a).map_err(|e| AppError::validation("amount", e.key()))?;
            if m.0 <= 0 {
                return Err(AppError::validation("amount", "err.amount_invalid"));
            }
            Some(m)
        }
        None => None,
    };
    let rows = bill_lines::Entity::find()
        .filter(bill_lines::Column::Id.is_in(lines.iter().map(|l| l.0).collect::<Vec<_>>()))
        .all(&ctx.db)
        .await?;
    if rows.len() != lines.len() {
        return Err(AppError::NotFound);
    }
    for l in &rows {
        access::within(
            ctx,
            meta,
            auth,
            Permission::BillingManage,
            &scope,
            OrgId(l.community_id),
        )
        .await?;
    }
    // Each line's month and the month the correction is booked in must be open; a closed
    // month closes every month before it, so the earliest month per office is the one to check.
    let booked = current_period();
    let mut earliest: HashMap<i64, i32> = HashMap::new();
    for l in &rows {
        let e = earliest.entry(l.office_id).or_insert(booked);
        *e = std::cmp::min(*e, l.period);
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let batch = (rows.len() > 1).then(|| format!("B{}", Utc::now().timestamp_millis()));
    with_txn!(ctx.db, |txn| {
        for (office, period) in &earliest {
            ensure_open(&txn, OrgId(*office), *period).await?;
        }
        let mut n = 0u64;
        for l in &rows {
            let fresh = bill_lines::Entity::find_by_id(l.id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            let owed = fresh.amount - fresh.paid - fresh.adjusted;
            let value = match kind {
                AdjustKind::LateFeeWaiver => {
                    if fresh.late_fee_waived {
                        continue;
                    }
                    bill_lines::Entity::update_many()
                        .col_expr(bill_lines::Column::LateFeeWaived, Expr::value(true))
                        .filter(bill_lines::Column::Id.eq(fresh.id))
                        .exec(&txn)
                        .await?;
                    0
                }
                AdjustKind::Reversal => {
                    if fresh.paid != 0 {
                        return Err(AppError::conflict("lines", "err.reverse_paid_line"));
                    }
                    if owed <= 0 {
                        continue;
                    }
                    bump(&txn, fresh.id, Cache::Adjusted, owed).await?;
                    owed
                }
                AdjustKind::Waiver => {
                    let v = each.map(|m| m.0).unwrap_or(owed);
                    if v > owed {
                        return Err(AppError::validation("amount", "err.waiver_too_large"));
                    }
                    if v <= 0 {
                        continue;
                    }
                    bump(&txn, fresh.id, Cache::Adjusted, v).await?;
                    v
                }
            };
            line_adjustments::ActiveModel {
                line_id: Set(fresh.id),
                office_id: Set(fresh.office_id),
                kind: Set(kind.code().into()),
                amount: Set(value),
                reason: Set(reason.into()),
                batch: Set(batch.clone()),
                booked_period: Set(booked),
                created_by: Set(auth.user_id.0),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record(
                &txn,
                meta,
                AuditEntry::new(&format!("billing.{}", kind.code()), "bill_line", fresh.id)
                    .actor(Some(auth.user_id), &actor)
                    .org(Some(OrgId(fresh.community_id)))
                    .summary(serde_json::json!({ "amount": value, "reason": reason, "batch": batch })),
            )
            .await?;
            n += 1;
        }
        Ok(n)
    })
}

/// Reverses what another area charged and no longer wants (a cancelled event sign-up), when
/// nothing is paid on it: the rest owed is adjusted away with a reversal on record, booked in
/// the current month. `Conflict` (`err.reverse_paid_line`) when something is paid: the counter
/// refunds it. A line already settled is left as it is. Runs inside the caller's transaction.
pub async fn reverse_unpaid<C: ConnectionTrait>(c: &C, line: i64, reason: &str, by: UserId) -> Result<(), AppError> {
    let Some(l) = bill_lines::Entity::find_by_id(line).one(c).await? else {
        return Ok(());
    };
    if l.paid != 0 {
        return Err(AppError::conflict("lines", "err.reverse_paid_line"));
    }
    let owed = l.amount - l.paid - l.adjusted;
    if owed <= 0 {
        return Ok(());
    }
    let booked = current_period();
    ensure_open(c, OrgId(l.office_id), std::cmp::min(l.period, booked)).await?;
    bump(c, l.id, Cache::Adjusted, owed).await?;
    line_adjustments::ActiveModel {
        line_id: Set(l.id),
        office_id: Set(l.office_id),
        kind: Set(AdjustKind::Reversal.code().into()),
        amount: Set(owed),
        reason: Set(reason.chars().take(200).collect()),
        batch: Set(None),
        booked_period: Set(booked),
        created_by: Set(by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Reverses a payment (红冲收款): a new negative payment with its own receipt number undoes
/// the allocations and any prepaid top-up. A payment is reversed at most once.
pub async fn reverse_payment(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    id: PaymentId,
    reason: &str,
) -> Result<PaymentRow, AppError> {
    let p = access::record_within(
        ctx,
        meta,
        auth,
        Permission::BillingManage,
        payments::Entity::find_by_id(id.0),
        |p| OrgId(p.community_id),
    )
    .await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "err.reason_required"));
    }
    if p.reverses_id.is_some() || p.method == PayMethod::Online.code() {
        return Err(AppError::conflict("payment", "err.cannot_reverse"));
    }
    ensure_open(&ctx.db, OrgId(p.office_id), current_period()).await?;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    let r = with_txn!(ctx.db, |txn| {
        let r = reverse_in(&txn, &p, reason, auth.user_id, None).await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.payment.reverse", "payment", p.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(p.community_id)))
                .summary(serde_json::json!({ "receipt": p.receipt_no, "reversal": r.receipt_no, "reason": reason })),
        )
        .await?;
        Ok(r)
    })?;
    payment_rows(&ctx.db, vec![r]).await?.pop().ok_or(AppError::Internal)
}

/// Reverses a payment inside a transaction: a negative payment with its own receipt number
/// undoes the allocations and any prepaid top-up (which must still be there). Used by the
/// counter's 红冲 and by online refunds; the unique index on `reverses_id` keeps it to once.
pub(crate) async fn reverse_in<C: ConnectionTrait>(
    c: &C,
    p: &payments::Model,
    reason: &str,
    by: UserId,
    provider: Option<(&str, &str)>,
) -> Result<payments::Model, AppError> {
    // The top-up this payment made must still be there, in the part it went to.
    let topup = prepaid_ledger::Entity::find()
        .filter(prepaid_ledger::Column::PaymentId.eq(p.id))
        .filter(prepaid_ledger::Column::Kind.eq("deposit"))
        .one(c)
        .await?;
    if let Some(t) = &topup {
        if prepaid_balance(c, p.unit_id, Bucket::of(t.item_id)).await? < t.amount {
            return Err(AppError::conflict("payment", "err.prepaid_used"));
        }
    }
    let st = settings_of(c, OrgId(p.office_id)).await?;
    let receipt_no = next_receipt_no(c, p.office_id, &st.receipt_prefix).await?;
    let r = payments::ActiveModel {
        office_id: Set(p.office_id),
        community_id: Set(p.community_id),
        unit_id: Set(p.unit_id),
        receipt_no: Set(receipt_no),
        method: Set(p.method.clone()),
        amount: Set(-p.amount),
        principal: Set(-p.principal),
        late_fee: Set(-p.late_fee),
        to_prepaid: Set(-p.to_prepaid),
        from_prepaid: Set(0),
        cashier_id: Set(Some(by.0)),
        payer_name: Set(p.payer_name.clone()),
        provider: Set(provider.map(|p| p.0.to_string())),
        provider_ref: Set(provider.map(|p| p.1.to_string())),
        reverses_id: Set(Some(p.id)),
        note: Set(reason.into()),
        booked_period: Set(current_period()),
        paid_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| crate::db::map_unique(e, "payment", "err.cannot_reverse"))?;
    for a in payment_allocations::Entity::find()
        .filter(payment_allocations::Column::PaymentId.eq(p.id))
        .all(c)
        .await?
    {
        payment_allocations::ActiveModel {
            payment_id: Set(r.id),
            line_id: Set(a.line_id),
            principal: Set(-a.principal),
            late_fee: Set(-a.late_fee),
            ..Default::default()
        }
        .insert(c)
        .await?;
        if a.principal != 0 {
            bump(c, a.line_id, Cache::Paid, -a.principal).await?;
        }
    }
    if let Some(t) = topup {
        record_movement(
            c,
            Movement {
                unit: p.unit_id,
                office: p.office_id,
                item: t.item_id,
                amount: -t.amount,
                kind: "reversal",
                payment: Some(r.id),
                line: None,
                note: reason,
                by: Some(by),
            },
        )
        .await?;
    }
    Ok(r)
}

/// Refunds (part of) a unit's general prepaid balance in cash; never below zero.
pub async fn refund_prepaid(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    unit: i64,
    amount: &str,
    note: &str,
    idempotency_key: Option<&str>,
) -> Result<Money, AppError> {
    let b = unit_for(ctx, meta, auth, Permission::BillingManage, unit).await?;
    let m = Money::parse_yuan(amount).map_err(|e| AppError::validation("amount", e.key()))?;
    if m.0 <= 0 {
        return Err(AppError::validation("amount", "err.amount_invalid"));
    }
    let key = IdemKey::parse(idempotency_key)?;
    let fp = idem::fingerprint(PREPAID_REFUND, &(unit, m.0, note));
    let office = crate::org::service::office_of(&ctx.db, OrgId(b.community_id)).await?.0;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        if let Some(k) = &key {
            if idem::prior(&txn, auth.user_id, k, PREPAID_REFUND, &fp).await?.is_some() {
                return Ok(());
            }
        }
        if prepaid_balance(&txn, unit, Bucket::General).await? < m.0 {
            return Err(AppError::validation("amount", "err.refund_exceeds_prepaid"));
        }
        record_movement(
            &txn,
            Movement {
                unit,
                office,
                item: None,
                amount: -m.0,
                kind: "refund",
                payment: None,
                line: None,
                note,
                by: Some(auth.user_id),
            },
        )
        .await?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.prepaid.refund", "unit", unit)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(b.community_id)))
                .summary(serde_json::json!({ "amount": m.0 })),
        )
        .await?;
        if let Some(k) = &key {
            idem::remember(&txn, auth.user_id, k, PREPAID_REFUND, &fp, unit).await?;
        }
        Ok(())
    })?;
    Ok(Money(prepaid_balance(&ctx.db, unit, Bucket::All).await?))
}

/// Collects a deposit (押金, e.g. for decoration) with its own receipt number.
pub async fn collect_deposit(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    unit: i64,
    purpose: &str,
    amount: &str,
    method: PayMethod,
    idempotency_key: Option<&str>,
) -> Result<Money, AppError> {
    let b = unit_for(ctx, meta, auth, Permission::BillingCollect, unit).await?;
    let m = Money::parse_yuan(amount).map_err(|e| AppError::validation("amount", e.key()))?;
    if m.0 <= 0 {
        return Err(AppError::validation("amount", "err.amount_invalid"));
    }
    let purpose = purpose.trim();
    if purpose.is_empty() || purpose.chars().count() > 40 {
        return Err(AppError::validation("purpose", "err.required"));
    }
    if !PayMethod::COUNTER.contains(&method) {
        return Err(AppError::validation("method", "err.bad_request"));
    }
    let key = IdemKey::parse(idempotency_key)?;
    let fp = idem::fingerprint(DEPOSIT, &(unit, purpose, m.0, method));
    deposit_row(ctx, meta, auth, &b, purpose, m.0, method, None, key.map(|k| (k, fp))).await
}

/// Refunds a collected deposit in full, once (the database refuses a second refund).
pub async fn refund_deposit(ctx: &AppCtx, meta: &RequestMeta, auth: &Authed, deposit: i64) -> Result<Money, AppError> {
    let o = deposits::Entity::find_by_id(deposit)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = unit_for(ctx, meta, auth, Permission::BillingManage, o.unit_id).await?;
    if o.kind != "collect" {
        return Err(AppError::NotFound);
    }
    let method = PayMethod::parse(&o.method).unwrap_or(PayMethod::Cash);
    deposit_row(ctx, meta, auth, &b, &o.purpose, -o.amount, method, Some(o.id), None).await
}

#[allow(clippy::too_many_arguments)]
async fn deposit_row(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    unit: &crate::estate::service::UnitBrief,
    purpose: &str,
    value: i64,
    method: PayMethod,
    refund_of: Option<i64>,
    key: Option<(IdemKey, String)>,
) -> Result<Money, AppError> {
    let office = crate::org::service::office_of(&ctx.db, OrgId(unit.community_id))
        .await?
        .0;
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        if let Some((k, fp)) = &key {
            if idem::prior(&txn, auth.user_id, k, DEPOSIT, fp).await?.is_some() {
                return Ok(());
            }
        }
        let st = settings_of(&txn, OrgId(office)).await?;
        let receipt_no = next_receipt_no(&txn, office, &st.receipt_prefix).await?;
        let d = deposits::ActiveModel {
            unit_id: Set(unit.id),
            office_id: Set(office),
            purpose: Set(purpose.into()),
            amount: Set(value),
            kind: Set(if refund_of.is_some() { "refund" } else { "collect" }.into()),
            refers_to: Set(refund_of),
            method: Set(method.code().into()),
            receipt_no: Set(Some(receipt_no)),
            note: Set(String::new()),
            created_by: Set(auth.user_id.0),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| crate::db::map_unique(e, "deposit", "err.deposit_refunded"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.deposit", "deposit", d.id)
                .actor(Some(auth.user_id), &actor)
                .org(Some(OrgId(unit.community_id)))
                .summary(serde_json::json!({ "amount": value, "purpose": purpose, "refund_of": refund_of })),
        )
        .await?;
        if let Some((k, fp)) = &key {
            idem::remember(&txn, auth.user_id, k, DEPOSIT, fp, d.id).await?;
        }
        Ok(())
    })?;
    Ok(Money(deposit_balance(&ctx.db, unit.id).await?))
}

/// A unit's deposits as listed at the counter, newest first.
async fn deposit_rows<C: ConnectionTrait>(c: &C, unit: i64) -> Result<Vec<DepositRow>, AppError> {
    let rows = deposits::Entity::find()
        .filter(deposits::Column::UnitId.eq(unit))
        .order_by_desc(deposits::Column::Id)
        .all(c)
        .await?;
    let refunded: Vec<i64> = rows.iter().filter_map(|r| r.refers_to).collect();
    Ok(rows
        .iter()
        .map(|r| DepositRow {
            id: r.id,
            purpose: r.purpose.clone(),
            amount: Money(r.amount),
            receipt_no: r.receipt_no.clone().unwrap_or_default(),
            at: crate::shared::time::format_local(r.created_at),
            refund: r.kind == "refund",
            refunded: refunded.contains(&r.id),
        })
        .collect())
}

/// A cashier's day (日结): their own payments of `date` (China time); staff who manage
/// billing may look at another cashier's day within their scope.
pub async fn day_end(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    date: &str,
    cashier: Option<UserId>,
) -> Result<DayEnd, AppError> {
    let scope = access::require(ctx, meta, auth, Permission::BillingCollect).await?;
    let who = match cashier {
        Some(u) if u != auth.user_id => {
            access::require(ctx, meta, auth, Permission::BillingManage).await?;
            u
        }
        _ => auth.user_id,
    };
    let day = if date.trim().is_empty() {
        crate::shared::time::today_cn()
    } else {
        NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::validation("date", "err.date_invalid"))?
    };
    let start = day.and_hms_opt(0, 0, 0).ok_or(AppError::Internal)?.and_utc() - chrono::Duration::hours(8);
    let end = start + chrono::Duration::days(1);
    let ps = scope
        .filter_org_column(payments::Entity::find(), payments::Column::CommunityId, false)
        .filter(payments::Column::CashierId.eq(who.0))
        .filter(payments::Column::PaidAt.gte(start))
        .filter(payments::Column::PaidAt.lt(end))
        .order_by_asc(payments::Column::Id)
        .all(&ctx.db)
        .await?;
    let mut by: Vec<(PayMethod, u64, Money)> = vec![];
    for p in &ps {
        let m = PayMethod::parse(&p.method).unwrap_or(PayMethod::Other);
        match by.iter_mut().find(|b| b.0 == m) {
            Some(b) => {
                b.1 += 1;
                b.2 = b.2 + Money(p.amount);
            }
            None => by.push((m, 1, Money(p.amount))),
        }
    }
    let total = ps.iter().fold(Money::ZERO, |a, p| a + Money(p.amount));
    Ok(DayEnd {
        date: day.to_string(),
        cashier: actor_label(&ctx.db, who).await,
        by_method: by,
        total,
        payments: payment_rows(&ctx.db, ps).await?,
    })
}

/// Closes a month (月结) for an office: afterwards no bill run, waiver, reversal, reading or
/// standard may change it. Only a past month can be closed.
pub async fn close_period(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    office: OrgId,
    period: &str,
) -> Result<(), AppError> {
    super::service::require_office(ctx, meta, auth, Permission::BillingManage, office).await?;
    let p = charge::parse_period(period).ok_or_else(|| AppError::validation("period", "err.period_invalid"))?;
    if p >= current_period() {
        return Err(AppError::validation("period", "err.close_future"));
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    with_txn!(ctx.db, |txn| {
        period_closes::ActiveModel {
            office_id: Set(office.0),
            period: Set(p),
            closed_by: Set(auth.user_id.0),
            closed_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| crate::db::map_unique(e, "period", "err.period_closed"))?;
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.close", "org", office.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(office))
                .summary(serde_json::json!({ "period": p })),
        )
        .await?;
        Ok(())
    })
}
