//! (ssr) Service reports over the caller's scope: the daily report (new, closed, overdue,
//! SLA compliance), completed work per technician for a month (performance pay), and
//! satisfaction by office and category. Every figure is an exact count from the tickets.
use super::model::*;
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service as access;
use crate::db::entities::service_tickets as st;
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::OrgId;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{prelude::*, QuerySelect};
use std::collections::HashMap;

/// The nodes the caller may report on: reports.read, service.read or service.dispatch.
pub async fn report_scope(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    root: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let mut ids: Vec<i64> = vec![];
    for p in [
        Permission::ReportsRead,
        Permission::ServiceRead,
        Permission::ServiceDispatch,
    ] {
        ids.extend(access::scope_for(&ctx.db, auth.user_id, p).await?.org_ids);
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        access::deny(ctx, meta, auth, Permission::ReportsRead.code(), None).await;
        return Err(AppError::Forbidden);
    }
    match root {
        None => Ok(ids),
        Some(r) => {
            if !ids.contains(&r) {
                access::deny(ctx, meta, auth, Permission::ReportsRead.code(), Some(OrgId(r))).await;
                return Err(AppError::NotFound);
            }
            let nodes = crate::org::service::subtree_nodes(&ctx.db, &[OrgId(r)]).await?;
            Ok(nodes.into_iter().map(|n| n.id.0).collect())
        }
    }
}

/// [start, end) of a local (Asia/Shanghai) day in UTC.
pub fn local_day(d: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let tz = crate::shared::time::shanghai();
    let start = tz
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default();
    (start, start + chrono::Duration::days(1))
}

/// `COUNT(*)`, not `COUNT(id)`: the count then reads only the (covering) index.
fn count_all() -> sea_orm::sea_query::SimpleExpr {
    Expr::cust("COUNT(*)")
}

async fn count<C: ConnectionTrait>(c: &C, q: sea_orm::Select<st::Entity>) -> Result<i64, AppError> {
    Ok(q.select_only()
        .column_as(count_all(), "n")
        .into_tuple::<i64>()
        .one(c)
        .await?
        .unwrap_or(0))
}

/// The daily report of `date` for the communities in `nodes`.
pub async fn daily<C: ConnectionTrait>(
    c: &C,
    nodes: &[i64],
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DailyReport, AppError> {
    let (from, to) = local_day(date);
    let base = || st::Entity::find().filter(st::Column::CommunityId.is_in(nodes.to_vec()));
    let created = count(
        c,
        base()
            .filter(st::Column::CreatedAt.gte(from))
            .filter(st::Column::CreatedAt.lt(to)),
    )
    .await?;
    let closed = count(
        c,
        base()
            .filter(st::Column::ClosedAt.gte(from))
            .filter(st::Column::ClosedAt.lt(to)),
    )
    .await?;
    let overdue = count(
        c,
        base()
            .filter(st::Column::Status.is_in(super::lists::open_codes()))
            .filter(st::Column::HandleDue.lt(now)),
    )
    .await?;
    let handled = count(
        c,
        base()
            .filter(st::Column::HandledAt.gte(from))
            .filter(st::Column::HandledAt.lt(to)),
    )
    .await?;
    let handled_in_time = count(
        c,
        base()
            .filter(st::Column::HandledAt.gte(from))
            .filter(st::Column::HandledAt.lt(to))
            .filter(Expr::col(st::Column::HandledAt).lte(Expr::col(st::Column::HandleDue))),
    )
    .await?;
    let responded = count(
        c,
        base()
            .filter(st::Column::RespondedAt.gte(from))
            .filter(st::Column::RespondedAt.lt(to)),
    )
    .await?;
    let responded_in_time = count(
        c,
        base()
            .filter(st::Column::RespondedAt.gte(from))
            .filter(st::Column::RespondedAt.lt(to))
            .filter(Expr::col(st::Column::RespondedAt).lte(Expr::col(st::Column::RespondDue))),
    )
    .await?;
    let kinds: Vec<(String, i64)> = base()
        .filter(st::Column::CreatedAt.gte(from))
        .filter(st::Column::CreatedAt.lt(to))
        .select_only()
        .column(st::Column::Kind)
        .column_as(count_all(), "n")
        .group_by(st::Column::Kind)
        .into_tuple()
        .all(c)
        .await?;
    let mut by_kind: Vec<(Kind, i64)> = kinds
        .into_iter()
        .filter_map(|(k, n)| Kind::parse(&k).map(|k| (k, n)))
        .collect();
    by_kind.sort_by_key(|(k, _)| Kind::ALL.iter().position(|x| x == k));
    Ok(DailyReport {
        date: date.to_string(),
        created,
        closed,
        overdue,
        handled,
        handled_in_time,
        responded,
        responded_in_time,
        by_kind,
    })
}

/// [start, end) of a month `YYYYMM` in local time.
fn month_range(period: i32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (first, last) = crate::shared::period::month_bounds(period)?;
    Some((local_day(first).0, local_day(last).1))
}

/// Completed work per technician in a month: tickets they completed, labour, in time,
/// average rating and what was charged.
pub async fn tech_month<C: ConnectionTrait>(c: &C, nodes: &[i64], period: i32) -> Result<Vec<TechMonth>, AppError> {
    let (from, to) = month_range(period).ok_or_else(|| AppError::validation("period", "err.period"))?;
    let rows: Vec<(
        Option<i64>,
        DateTime<Utc>,
        DateTime<Utc>,
        Option<i64>,
        Option<i32>,
        Option<i64>,
    )> = st::Entity::find()
        .filter(st::Column::CommunityId.is_in(nodes.to_vec()))
        .filter(st::Column::HandledAt.gte(from))
        .filter(st::Column::HandledAt.lt(to))
        .filter(st::Column::AssigneeId.is_not_null())
        .select_only()
        .column(st::Column::AssigneeId)
        .column(st::Column::HandledAt)
        .column(st::Column::HandleDue)
        .column(st::Column::LabourMinutes)
        .column(st::Column::Stars)
        .column(st::Column::Charge)
        .into_tuple()
        .all(c)
        .await?;
    #[derive(Default)]
    struct Acc {
        completed: i64,
        labour: i64,
        in_time: i64,
        stars: i64,
        rated: i64,
        charged: i64,
    }
    let mut by: HashMap<i64, Acc> = HashMap::new();
    for (a, handled, due, labour, stars, charge) in rows {
        let Some(a) = a else { continue };
        let e = by.entry(a).or_default();
        e.completed += 1;
        e.labour += labour.unwrap_or(0);
        e.in_time += i64::from(handled <= due);
        if let Some(s) = stars {
            e.stars += i64::from(s);
            e.rated += 1;
        }
        e.charged += charge.unwrap_or(0);
    }
    let ids: Vec<i64> = by.keys().copied().collect();
    let names = access::display_names(c, &ids).await?;
    let mut out: Vec<TechMonth> = by
        .into_iter()
        .map(|(id, a)| TechMonth {
            technician: names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
            completed: a.completed,
            labour_minutes: a.labour,
            in_time: a.in_time,
            avg_stars_x100: (a.rated > 0).then(|| (a.stars * 100 + a.rated / 2) / a.rated),
            charged: a.charged,
        })
        .collect();
    out.sort_by(|a, b| b.completed.cmp(&a.completed).then(a.technician.cmp(&b.technician)));
    Ok(out)
}

/// Ratings given in a month, by office, kind and category.
pub async fn satisfaction<C: ConnectionTrait>(
    c: &C,
    nodes: &[i64],
    period: i32,
) -> Result<Vec<SatisfactionRow>, AppError> {
    let (from, to) = month_range(period).ok_or_else(|| AppError::validation("period", "err.period"))?;
    let rows: Vec<(i64, String, String, Option<i32>)> = st::Entity::find()
        .filter(st::Column::CommunityId.is_in(nodes.to_vec()))
        .filter(st::Column::ClosedAt.gte(from))
        .filter(st::Column::ClosedAt.lt(to))
        .filter(st::Column::Stars.is_not_null())
        .select_only()
        .column(st::Column::OfficeId)
        .column(st::Column::Kind)
        .column(st::Column::Category)
        .column(st::Column::Stars)
        .into_tuple()
        .all(c)
        .await?;
    let mut by: HashMap<(i64, String, String), (i64, i64, i64)> = HashMap::new();
    for (office, kind, cat, stars) in rows {
        let s = i64::from(stars.unwrap_or(0));
        let e = by.entry((office, kind, cat)).or_default();
        e.0 += 1;
        e.1 += i64::from(s >= 4);
        e.2 += s;
    }
    let offices: Vec<i64> = by.keys().map(|k| k.0).collect();
    let names = crate::org::service::org_names(c, &offices).await?;
    let mut out: Vec<SatisfactionRow> = by
        .into_iter()
        .filter_map(|((office, kind, category), (rated, satisfied, stars))| {
            Some(SatisfactionRow {
                office: names.get(&office).cloned().unwrap_or_default(),
                kind: Kind::parse(&kind)?,
                category,
                rated,
                satisfied,
                avg_stars_x100: (stars * 100 + rated / 2) / std::cmp::max(rated, 1),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.office
            .cmp(&b.office)
            .then(a.kind.code().cmp(b.kind.code()))
            .then(a.category.cmp(&b.category))
    });
    Ok(out)
}

/// All three reports for the report page.
pub async fn bundle(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    root: Option<i64>,
    date: NaiveDate,
    period: i32,
) -> Result<ReportBundle, AppError> {
    let nodes = report_scope(ctx, meta, auth, root).await?;
    Ok(ReportBundle {
        daily: daily(&ctx.db, &nodes, date, Utc::now()).await?,
        technicians: tech_month(&ctx.db, &nodes, period).await?,
        satisfaction: satisfaction(&ctx.db, &nodes, period).await?,
    })
}

/// The reports as one workbook: three sheets.
pub fn workbook(b: &ReportBundle, t: impl Fn(&str) -> String) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let fail = |_| AppError::Internal;
    {
        let s = wb.add_worksheet();
        s.set_name(t("service.report_daily")).map_err(fail)?;
        let d = &b.daily;
        let rows: Vec<(String, String)> = vec![
            (t("service.report_date"), d.date.clone()),
            (t("service.report_created"), d.created.to_string()),
            (t("service.report_closed"), d.closed.to_string()),
            (t("service.report_overdue"), d.overdue.to_string()),
            (t("service.report_handled"), d.handled.to_string()),
            (t("service.report_handled_in_time"), d.handled_in_time.to_string()),
            (t("service.report_handle_rate"), percent(d.handled_in_time, d.handled)),
            (t("service.report_responded"), d.responded.to_string()),
            (t("service.report_responded_in_time"), d.responded_in_time.to_string()),
            (
                t("service.report_respond_rate"),
                percent(d.responded_in_time, d.responded),
            ),
        ];
        for (i, (k, v)) in rows.iter().enumerate() {
            s.write_string(i as u32, 0, k).map_err(fail)?;
            s.write_string(i as u32, 1, v).map_err(fail)?;
        }
        let base = rows.len() as u32 + 1;
        for (i, (k, n)) in d.by_kind.iter().enumerate() {
            s.write_string(base + i as u32, 0, t(&k.key())).map_err(fail)?;
            s.write_number(base + i as u32, 1, *n as f64).map_err(fail)?;
        }
        s.set_column_width(0, 24).map_err(fail)?;
    }
    {
        let s = wb.add_worksheet();
        s.set_name(t("service.report_technicians")).map_err(fail)?;
        for (i, h) in [
            "service.technician",
            "service.report_completed",
            "service.labour_minutes",
            "service.report_in_time",
            "service.report_avg_stars",
            "service.report_charged",
        ]
        .iter()
        .enumerate()
        {
            s.write_string(0, i as u16, t(h)).map_err(fail)?;
        }
        for (r, m) in b.technicians.iter().enumerate() {
            let r = r as u32 + 1;
            s.write_string(r, 0, &m.technician).map_err(fail)?;
            s.write_number(r, 1, m.completed as f64).map_err(fail)?;
            s.write_number(r, 2, m.labour_minutes as f64).map_err(fail)?;
            s.write_number(r, 3, m.in_time as f64).map_err(fail)?;
            s.write_string(
                r,
                4,
                m.avg_stars_x100.map(crate::shared::money::fixed2).unwrap_or_default(),
            )
            .map_err(fail)?;
            s.write_string(r, 5, crate::shared::money::fixed2(m.charged))
                .map_err(fail)?;
        }
        s.set_column_width(0, 16).map_err(fail)?;
    }
    {
        let s = wb.add_worksheet();
        s.set_name(t("service.report_satisfaction")).map_err(fail)?;
        for (i, h) in [
            "service.office",
            "service.kind",
            "service.category",
            "service.report_rated",
            "service.report_satisfied",
            "service.report_avg_stars",
        ]
        .iter()
        .enumerate()
        {
            s.write_string(0, i as u16, t(h)).map_err(fail)?;
        }
        for (r, m) in b.satisfaction.iter().enumerate() {
            let r = r as u32 + 1;
            s.write_string(r, 0, &m.office).map_err(fail)?;
            s.write_string(r, 1, t(&m.kind.key())).map_err(fail)?;
            s.write_string(r, 2, t(&category_key(&m.category))).map_err(fail)?;
            s.write_number(r, 3, m.rated as f64).map_err(fail)?;
            s.write_number(r, 4, m.satisfied as f64).map_err(fail)?;
            s.write_string(r, 5, crate::shared::money::fixed2(m.avg_stars_x100))
                .map_err(fail)?;
        }
        s.set_column_width(0, 16).map_err(fail)?;
    }
    wb.save_to_buffer().map_err(fail)
}
