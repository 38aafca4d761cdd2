//! (ssr) Billing's notices to residents, through the notify area: "bill issued" after a bill
//! run (a background job the run queues in its own transaction) and "overdue" reminders (a
//! periodic sweep). Each is stored once per home and month however often it runs.
use super::charge;
use crate::db::entities::bill_lines;
use crate::db::AppCtx;
use crate::jobs::JobResult;
use crate::notify::model::Category;
use crate::notify::service::{raise, Notice};
use crate::shared::error::AppError;
use crate::shared::i18n::Msg;
use crate::shared::money::Money;
use sea_orm::{prelude::*, sea_query::ExprTrait, QueryOrder, QuerySelect};
use std::collections::BTreeMap;

/// Per unit: (amount of the given lines, their earliest due date).
fn per_unit(lines: Vec<bill_lines::Model>) -> BTreeMap<i64, (Money, chrono::NaiveDate)> {
    let mut m: BTreeMap<i64, (Money, chrono::NaiveDate)> = BTreeMap::new();
    for l in lines {
        let e = m.entry(l.unit_id).or_insert((Money::ZERO, l.due_date));
        e.0 = e.0 + Money(l.amount - l.paid - l.adjusted);
        e.1 = std::cmp::min(e.1, l.due_date);
    }
    m
}

async fn notify_units(
    ctx: &AppCtx,
    units: BTreeMap<i64, (Money, chrono::NaiveDate)>,
    notice: impl Fn(&str, Money, chrono::NaiveDate) -> (Msg, Msg, String),
) -> Result<usize, AppError> {
    let ids: Vec<i64> = units.keys().copied().collect();
    let users = crate::estate::service::household_users(&ctx.db, &ids).await?;
    let names: std::collections::HashMap<i64, String> = crate::estate::service::unit_briefs(&ctx.db, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.community, u.number)))
        .collect();
    let mut n = 0;
    for (unit, (amount, due)) in units {
        let Some(us) = users.get(&unit) else { continue };
        if amount.0 <= 0 {
            continue;
        }
        let (title, body, key) = notice(names.get(&unit).map(String::as_str).unwrap_or(""), amount, due);
        n += raise(
            &ctx.db,
            us,
            &Notice {
                category: Category::Bills,
                title,
                body,
                link: "/pay".into(),
                dedupe: Some(format!("{key}:{unit}")),
                ttl: chrono::Duration::days(3),
                broadcast: None,
                replace: false,
                urgent: false,
            },
        )
        .await?;
    }
    Ok(n)
}

/// Job `billing.bill_issued` `{"run": id, "period": 202611}`: tells each household of the
/// run's homes what it owes now.
pub async fn bill_issued(ctx: &AppCtx, payload: &serde_json::Value) -> JobResult {
    let (Some(run), Some(period)) = (payload["run"].as_i64(), payload["period"].as_i64()) else {
        return JobResult::Failed("bad payload".into());
    };
    let label = charge::period_label(period as i32);
    let r = async {
        let lines = bill_lines::Entity::find()
            .filter(bill_lines::Column::RunId.eq(run))
            .all(&ctx.db)
            .await?;
        let units = per_unit(lines);
        notify_units(ctx, units, |unit, amount, due| {
            (
                Msg::fill("billing.notice_issued_title", [("period", Msg::text(&label))]),
                Msg::fill(
                    "billing.notice_issued_body",
                    [
                        ("unit", Msg::text(unit)),
                        ("period", Msg::text(&label)),
                        ("amount", Msg::text(amount.to_string())),
                        ("due", Msg::text(due.to_string())),
                    ],
                ),
                format!("bill:{period}"),
            )
        })
        .await
    }
    .await;
    r.into()
}

/// Reminds households of lines past their due date, once per home and month. Returns how many
/// notices were new.
pub async fn overdue_reminders(ctx: &AppCtx) -> Result<usize, AppError> {
    let today = crate::shared::time::today_cn();
    let month = charge::period_of(today);
    let mut total = 0;
    let mut after = 0i64;
    loop {
        // Units with an overdue line, a page at a time.
        let units: Vec<i64> = bill_lines::Entity::find()
            .select_only()
            .column(bill_lines::Column::UnitId)
            .distinct()
            .filter(bill_lines::Column::DueDate.lt(today))
            .filter(
                Expr::col(bill_lines::Column::Amount)
                    .gt(Expr::col(bill_lines::Column::Paid).add(Expr::col(bill_lines::Column::Adjusted))),
            )
            .filter(bill_lines::Column::UnitId.gt(after))
            .order_by_asc(bill_lines::Column::UnitId)
            .limit(500)
            .into_tuple::<i64>()
            .all(&ctx.db)
            .await?;
        let Some(last) = units.last().copied() else { break };
        after = last;
        let lines = bill_lines::Entity::find()
            .filter(bill_lines::Column::UnitId.is_in(units))
            .filter(bill_lines::Column::DueDate.lt(today))
            .filter(
                Expr::col(bill_lines::Column::Amount)
                    .gt(Expr::col(bill_lines::Column::Paid).add(Expr::col(bill_lines::Column::Adjusted))),
            )
            .all(&ctx.db)
            .await?;
        let per = per_unit(lines);
        total += notify_units(ctx, per, |unit, amount, due| {
            (
                Msg::key("billing.notice_overdue_title"),
                Msg::fill(
                    "billing.notice_overdue_body",
                    [
                        ("unit", Msg::text(unit)),
                        ("amount", Msg::text(amount.to_string())),
                        ("due", Msg::text(due.to_string())),
                    ],
                ),
                format!("overdue:{month}"),
            )
        })
        .await?;
    }
    Ok(total)
}
