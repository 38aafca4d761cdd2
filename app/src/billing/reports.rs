//! (ssr) Fee reports (收费报表): receivable, received, waived and arrears with arrears aging
//! and the collection rate (收缴率), rolled up the org tree or grouped by building, item or
//! month. One aggregate query over the bill lines (using the lines' cached sums), so a
//! million lines answer in well under a second.
use super::charge;
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service as access;
use crate::db::entities::prepaid_ledger;
use crate::db::AppCtx;
use crate::org::model::OrgKind;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use crate::shared::money::Money;
use sea_orm::{prelude::*, DbBackend, QuerySelect, Statement};
use std::collections::HashMap;

#[derive(Default, Clone, Copy)]
struct Sums {
    receivable: i64,
    received: i64,
    waived: i64,
    arrears: i64,
    aging: [i64; 4],
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.receivable += o.receivable;
        self.received += o.received;
        self.waived += o.waived;
        self.arrears += o.arrears;
        for i in 0..4 {
            self.aging[i] += o.aging[i];
        }
    }
    fn row(&self, key: String, name: String, depth: u32) -> CollectionRow {
        CollectionRow {
            key,
            name,
            depth,
            receivable: Money(self.receivable),
            received: Money(self.received),
            waived: Money(self.waived),
            arrears: Money(self.arrears),
            rate_bp: collection_rate_bp(Money(self.received), Money(self.receivable - self.waived)),
            aging: self.aging,
        }
    }
}

/// `$n` placeholders for PostgreSQL, numbered `?n` for SQLite (a parameter may be used twice).
fn sql_for(backend: DbBackend, sql: &str) -> String {
    if backend == DbBackend::Postgres {
        sql.to_string()
    } else {
        sql.replace('$', "?")
    }
}

/// Sums per group (`community_id`, `building_id`, `item_id` or `period`) over the lines of
/// `communities` in `[from, to]`, with aging of what is past due as of `today`.
async fn sums_by<C: ConnectionTrait>(
    c: &C,
    group: &str,
    communities: &[i64],
    from: i32,
    to: i32,
    today: chrono::NaiveDate,
) -> Result<HashMap<i64, Sums>, AppError> {
    let mut out = HashMap::new();
    if communities.is_empty() {
        return Ok(out);
    }
    let backend = c.get_database_backend();
    let d = |days: i64| sea_orm::Value::from(today - chrono::Duration::days(days));
    let ids = communities.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    // The outstanding part of a line, and whether (and how long) it is past due.
    let o = "(amount - paid - adjusted)";
    let sql = format!(
        "SELECT {group} AS g, CAST(SUM(amount) AS BIGINT) AS receivable, CAST(SUM(paid) AS BIGINT) AS received, \
         CAST(SUM(adjusted) AS BIGINT) AS waived, \
         CAST(SUM(CASE WHEN due_date < $1 THEN {o} ELSE 0 END) AS BIGINT) AS arrears, \
         CAST(SUM(CASE WHEN due_date < $1 AND due_date >= $2 THEN {o} ELSE 0 END) AS BIGINT) AS a0, \
         CAST(SUM(CASE WHEN due_date < $2 AND due_date >= $3 THEN {o} ELSE 0 END) AS BIGINT) AS a1, \
         CAST(SUM(CASE WHEN due_date < $3 AND due_date >= $4 THEN {o} ELSE 0 END) AS BIGINT) AS a2, \
         CAST(SUM(CASE WHEN due_date < $4 THEN {o} ELSE 0 END) AS BIGINT) AS a3 \
         FROM bill_lines WHERE community_id IN ({ids}) AND period >= $5 AND period <= $6 GROUP BY {group}"
    );
    let rows = c
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql_for(backend, &sql),
            [d(0), d(30), d(90), d(180), from.into(), to.into()],
        ))
        .await?;
    for r in rows {
        let g: i64 = match r.try_get::<i64>("", "g") {
            Ok(v) => v,
            Err(_) => r.try_get::<i32>("", "g").map(i64::from)?,
        };
        let n = |col: &str| -> Result<i64, DbErr> { Ok(r.try_get::<Option<i64>>("", col)?.unwrap_or(0)) };
        out.insert(
            g,
            Sums {
                receivable: n("receivable")?,
                received: n("received")?,
                waived: n("waived")?,
                arrears: n("arrears")?,
                aging: [n("a0")?, n("a1")?, n("a2")?, n("a3")?],
            },
        );
    }
    Ok(out)
}

/// The collection report over the subtree of `org` for months `from..=to` (`YYYY-MM`),
/// `by` = `tree` (company > region > office > community), `building`, `item` or `period`.
pub async fn collection(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    org: OrgId,
    from: &str,
    to: &str,
    by: &str,
) -> Result<CollectionReport, AppError> {
    access::require_over(ctx, meta, auth, Permission::BillingRead, org).await?;
    // Empty bounds: this year so far.
    let now = super::service::current_period();
    let t = match to.trim() {
        "" => now,
        s => charge::parse_period(s).ok_or_else(|| AppError::validation("to", "err.period_invalid"))?,
    };
    let f = match from.trim() {
        "" => t / 100 * 100 + 1,
        s => charge::parse_period(s).ok_or_else(|| AppError::validation("from", "err.period_invalid"))?,
    };
    if f > t {
        return Err(AppError::validation("to", "err.period_order"));
    }
    let db = &ctx.db;
    let today = crate::shared::time::today_cn();
    let nodes = crate::org::service::subtree_nodes(db, &[org]).await?;
    let communities: Vec<i64> = nodes
        .iter()
        .filter(|n| n.kind == OrgKind::Community)
        .map(|n| n.id.0)
        .collect();
    let rows = match by {
        "tree" => {
            // Community sums, then each node adds into its parent, deepest first.
            let mut sums: HashMap<i64, Sums> = sums_by(db, "community_id", &communities, f, t, today).await?;
            let mut by_depth: Vec<_> = nodes.iter().collect();
            by_depth.sort_by_key(|n| std::cmp::Reverse(n.depth));
            for n in by_depth {
                if let (Some(p), Some(s)) = (n.parent_id, sums.get(&n.id.0).copied()) {
                    sums.entry(p.0).or_default().add(&s);
                }
            }
            let base = nodes.first().map(|n| n.depth).unwrap_or(0);
            nodes
                .iter()
                .map(|n| {
                    let s = sums.get(&n.id.0).copied().unwrap_or_default();
                    s.row(n.id.0.to_string(), n.name.clone(), (n.depth - base).max(0) as u32)
                })
                .collect()
        }
        "building" => {
            let per = sums_by(db, "building_id", &communities, f, t, today).await?;
            let ids: Vec<i64> = per.keys().copied().collect();
            let names = crate::estate::service::building_codes(db, &ids).await?;
            let mut rows: Vec<CollectionRow> = per
                .iter()
                .map(|(b, s)| s.row(b.to_string(), names.get(b).cloned().unwrap_or_default(), 0))
                .collect();
            rows.sort_by(|a, b| a.name.cmp(&b.name));
            rows
        }
        "item" => {
            use crate::db::entities::charge_items;
            let per = sums_by(db, "item_id", &communities, f, t, today).await?;
            let names: HashMap<i64, String> = charge_items::Entity::find()
                .filter(charge_items::Column::Id.is_in(per.keys().copied().collect::<Vec<_>>()))
                .all(db)
                .await?
                .into_iter()
                .map(|i| (i.id, i.name))
                .collect();
            let mut rows: Vec<CollectionRow> = per
                .iter()
                .map(|(i, s)| s.row(i.to_string(), names.get(i).cloned().unwrap_or_default(), 0))
                .collect();
            rows.sort_by(|a, b| a.name.cmp(&b.name));
            rows
        }
        "period" => {
            let per = sums_by(db, "period", &communities, f, t, today).await?;
            let mut rows: Vec<CollectionRow> = per
                .iter()
                .map(|(p, s)| s.row(p.to_string(), charge::period_label(*p as i32), 0))
                .collect();
            rows.sort_by(|a, b| a.key.cmp(&b.key));
            rows
        }
        _ => return Err(AppError::validation("by", "err.bad_request")),
    };
    let offices: Vec<i64> = crate::org::service::offices_of(db, &communities)
        .await?
        .into_values()
        .collect();
    let prepaid: Option<i64> = prepaid_ledger::Entity::find()
        .select_only()
        .column_as(super::service::sum_i64(prepaid_ledger::Column::Amount), "s")
        .filter(prepaid_ledger::Column::OfficeId.is_in(offices))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    Ok(CollectionReport {
        from: charge::period_label(f),
        to: charge::period_label(t),
        by: by.to_string(),
        rows,
        prepaid: Money(prepaid.unwrap_or(0)),
    })
}

/// The report as an XLSX workbook.
pub async fn collection_xlsx(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    org: OrgId,
    from: &str,
    to: &str,
    by: &str,
) -> Result<Vec<u8>, AppError> {
    let r = collection(ctx, meta, auth, org, from, to, by).await?;
    let headers = [
        "名称",
        "应收",
        "实收",
        "减免",
        "欠费",
        "收缴率",
        "0–30天",
        "31–90天",
        "91–180天",
        "180天以上",
    ]
    .map(String::from)
    .to_vec();
    let data = r
        .rows
        .iter()
        .map(|row| {
            let mut v = vec![
                format!("{}{}", "  ".repeat(row.depth as usize), row.name),
                row.receivable.plain(),
                row.received.plain(),
                row.waived.plain(),
                row.arrears.plain(),
                rate_label(row.rate_bp),
            ];
            v.extend(row.aging.iter().map(|a| Money(*a).plain()));
            v
        })
        .collect();
    crate::shared::xlsx::write_workbook(&[("收缴率", headers, data)]).map_err(|_| AppError::Internal)
}
