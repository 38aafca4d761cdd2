//! (ssr) Meter readings in bulk (抄表导入). One XLSX sheet, one reading per row: the meter by
//! its code (表号) or by unit number and item (房号 + 收费项目), the month (月份, empty = the
//! month chosen on the page) and the reading (读数); rows without a reading are skipped.
//! Every row is checked first (unknown meter, bad number or month, closed or billed month,
//! a meter twice in one month); then everything is stored in one transaction, or nothing
//! when any row is wrong. A reading that looks wrong (below the last one, far above the
//! meter's history) is stored and flagged, as on the meters page. The template lists a
//! community's meters with their last reading, ready to fill in.
use super::charge::{month_days, parse_period, period_label};
use super::meters::{self, parse_reading, past, plan, Billed, Past, Write};
use super::model::{FlaggedReading, ReadingImportReport, ReadingRowError};
use crate::access::model::{Authed, Permission, RequestMeta};
use crate::access::service::{self as access, actor_label};
use crate::audit::service::{self as audit, AuditEntry};
use crate::db::entities::{charge_items, meters as meter_rows};
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::i18n::{tr_in, Locale};
use crate::shared::ids::OrgId;
use crate::shared::money::fixed2;
use crate::shared::xlsx::{self, header_key, Limits, Row, Sheet, Workbook};
use crate::with_txn;
use sea_orm::{prelude::*, QueryOrder};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Errors listed in one report; `error_count` still counts them all.
const MAX_LISTED_ERRORS: usize = 1_000;

/// The columns, in template order: title, the header texts that mean the same.
const COLS: [(&str, &[&str]); 6] = [
    (
        "表号",
        &[
            "表号",
            "表编号",
            "仪表编号",
            "表计编号",
            "水表号",
            "电表号",
            "燃气表号",
            "meter",
            "metercode",
        ],
    ),
    (
        "房号",
        &[
            "房号",
            "房屋编号",
            "房间号",
            "房屋编码",
            "房间编号",
            "unit",
            "unitnumber",
        ],
    ),
    (
        "收费项目",
        &["收费项目", "项目", "费项", "项目名称", "收费项目名称", "item"],
    ),
    ("月份", &["月份", "抄表月份", "账期", "期间", "month", "period"]),
    ("上次读数", &["上次读数", "上期读数", "上月读数", "lastreading"]),
    ("读数", &["读数", "本月读数", "本期读数", "本次读数", "reading"]),
];
const CODE: usize = 0;
const UNIT: usize = 1;
const ITEM: usize = 2;
const MONTH: usize = 3;
/// Shown in the template for reference; never read back.
const LAST: usize = 4;
const READING: usize = 5;

/// One problem, before it is put into words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Issue {
    row: u32,
    column: String,
    code: &'static str,
    /// The other row of a duplicate.
    other_row: Option<u32>,
}

/// A row that names a meter, a month and a reading.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    row: u32,
    code: String,
    unit: String,
    item: String,
    period: i32,
    value: i64,
}

#[derive(Debug, Default)]
struct Parsed {
    entries: Vec<Entry>,
    skipped: u32,
    issues: Vec<Issue>,
    /// Per column: the header as written, or the column's title when absent.
    names: Vec<String>,
}

impl Parsed {
    fn issue(&mut self, row: u32, col: usize, code: &'static str) {
        self.issues.push(Issue {
            row,
            column: self.names[col].clone(),
            code,
            other_row: None,
        });
    }
}

/// A month as people and spreadsheets write it: `2026-11`, `202611`, `2026/11`, `2026.11`,
/// `2026年11月`, or a date in the month (a cell Excel turned into a date reads `2026-11-01`).
fn parse_month(s: &str) -> Option<i32> {
    let s = s.trim();
    if let Some(p) = parse_period(s) {
        return Some(p);
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | '年' | '月' | '日' | ' '))
    {
        return None;
    }
    let groups: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let (y, m) = match groups.as_slice() {
        [y, m] | [y, m, _] if y.len() == 4 && (1..=2).contains(&m.len()) => {
            (y.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
        }
        _ => return None,
    };
    if let [_, _, d] = groups.as_slice() {
        let d: u32 = d.parse().ok()?;
        if d == 0 || d > month_days(y * 100 + m)? {
            return None;
        }
    }
    parse_period(&format!("{y:04}{m:02}"))
}

/// Finds the readings sheet (the first with a 读数 column) and reads its rows. `default`
/// is the month of rows whose 月份 is empty.
fn parse(wb: &Workbook, default: i32) -> Parsed {
    let mut p = Parsed {
        names: COLS.iter().map(|c| c.0.to_string()).collect(),
        ..Default::default()
    };
    let locate = |sheet: &Sheet| -> Option<Vec<Option<usize>>> {
        let header = sheet.rows.first()?;
        let heads: Vec<String> = header.cells.iter().map(|h| header_key(h)).collect();
        let at: Vec<Option<usize>> = COLS
            .iter()
            .map(|(_, aliases)| {
                aliases
                    .iter()
                    .find_map(|a| heads.iter().position(|h| !h.is_empty() && *h == header_key(a)))
            })
            .collect();
        at[READING].map(|_| at)
    };
    let Some((sheet, at)) = wb.sheets.iter().find_map(|s| locate(s).map(|at| (s, at))) else {
        p.issue(1, READING, "err.import_missing_column");
        return p;
    };
    let header = &sheet.rows[0];
    for (i, pos) in at.iter().enumerate() {
        if let Some(c) = pos {
            p.names[i] = header.cell(*c).trim().to_string();
        }
    }
    if at[CODE].is_none() && at[UNIT].is_none() {
        p.issue(header.number, CODE, "err.readings_meter_column");
        return p;
    }
    let text = |row: &Row, col: usize| -> String { at[col].map_or("", |c| row.cell(c).trim()).to_string() };
    for row in sheet.rows.iter().skip(1) {
        let reading = text(row, READING);
        if reading.is_empty() {
            p.skipped += 1;
            continue;
        }
        let before = p.issues.len();
        let value = parse_reading(&reading);
        if value.is_none() {
            p.issue(row.number, READING, "err.reading_invalid");
        }
        let month = text(row, MONTH);
        let period = if month.is_empty() {
            Some(default)
        } else {
            parse_month(&month)
        };
        if period.is_none() {
            p.issue(row.number, MONTH, "err.period_invalid");
        }
        let (code, unit) = (text(row, CODE), text(row, UNIT));
        if code.is_empty() && unit.is_empty() {
            p.issue(
                row.number,
                if at[CODE].is_some() { CODE } else { UNIT },
                "err.readings_meter_required",
            );
        }
        if let (Some(value), Some(period), true) = (value, period, p.issues.len() == before) {
            p.entries.push(Entry {
                row: row.number,
                code,
                unit,
                item: text(row, ITEM),
                period,
                value,
            });
        }
    }
    p
}

/// Readings to write and the rows flagged, or the problems that stop the import.
struct Plan {
    writes: Vec<Write>,
    flagged: Vec<FlaggedReading>,
    issues: Vec<Issue>,
}

/// Checks the parsed rows against the community's meters, months and bills, and plans every
/// write (a corrected month also recomputes the next month already entered).
async fn resolve<C: ConnectionTrait>(c: &C, community: i64, office: i64, parsed: &Parsed) -> Result<Plan, AppError> {
    let mut issues: Vec<Issue> = vec![];
    let issue = |row: u32, col: usize, code: &'static str| Issue {
        row,
        column: parsed.names[col].clone(),
        code,
        other_row: None,
    };
    let ms = meter_rows::Entity::find()
        .filter(meter_rows::Column::CommunityId.eq(community))
        .filter(meter_rows::Column::Active.eq(true))
        .order_by_asc(meter_rows::Column::Id)
        .all(c)
        .await?;
    let by_code: HashMap<String, &meter_rows::Model> = ms.iter().map(|m| (m.code.to_uppercase(), m)).collect();
    let meter_units =
        crate::estate::service::unit_numbers(c, &ms.iter().filter_map(|m| m.unit_id).collect::<Vec<_>>()).await?;
    let mut numbers: Vec<String> = parsed
        .entries
        .iter()
        .map(|e| e.unit.clone())
        .filter(|u| !u.is_empty())
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let units = crate::estate::service::units_by_number(c, community, &numbers).await?;
    let mut by_unit: HashMap<i64, Vec<&meter_rows::Model>> = HashMap::new();
    for m in &ms {
        if let Some(u) = m.unit_id {
            by_unit.entry(u).or_default().push(m);
        }
    }
    let items: HashMap<i64, (String, String)> = charge_items::Entity::find()
        .filter(charge_items::Column::Id.is_in(ms.iter().map(|m| m.item_id).collect::<Vec<_>>()))
        .all(c)
        .await?
        .into_iter()
        .map(|i| (i.id, (i.name.to_uppercase(), i.code.to_uppercase())))
        .collect();
    let closed = super::service::last_closed(c, OrgId(office)).await?;

    // Each row's meter; then one row per meter and month.
    let mut found: Vec<(&Entry, &meter_rows::Model)> = vec![];
    let mut seen: HashMap<(i64, i32), u32> = HashMap::new();
    for e in &parsed.entries {
        let m = if !e.code.is_empty() {
            match by_code.get(&e.code.to_uppercase()) {
                None => {
                    issues.push(issue(e.row, CODE, "err.readings_unknown_meter"));
                    continue;
                }
                Some(m) => {
                    let number = m.unit_id.and_then(|u| meter_units.get(&u)).map(|x| x.0.as_str());
                    if !e.unit.is_empty() && number != Some(e.unit.as_str()) {
                        issues.push(issue(e.row, UNIT, "err.readings_unit_mismatch"));
                        continue;
                    }
                    *m
                }
            }
        } else {
            let Some((unit, _)) = units.get(&e.unit) else {
                issues.push(issue(e.row, UNIT, "err.unit_unknown"));
                continue;
            };
            let want = e.item.to_uppercase();
            let candidates: Vec<&meter_rows::Model> = by_unit
                .get(unit)
                .map(|v| {
                    v.iter()
                        .filter(|m| {
                            want.is_empty() || items.get(&m.item_id).is_some_and(|(n, c)| *n == want || *c == want)
                        })
                        .copied()
                        .collect()
                })
                .unwrap_or_default();
            match candidates.as_slice() {
                [m] => *m,
                [] => {
                    let col = if want.is_empty() { UNIT } else { ITEM };
                    issues.push(issue(e.row, col, "err.readings_unknown_meter"));
                    continue;
                }
                _ => {
                    issues.push(issue(e.row, ITEM, "err.readings_item_required"));
                    continue;
                }
            }
        };
        if let Some(first) = seen.insert((m.id, e.period), e.row) {
            issues.push(Issue {
                other_row: Some(first),
                ..issue(e.row, READING, "err.import_duplicate")
            });
            continue;
        }
        if closed.is_some_and(|p| p >= e.period) {
            issues.push(issue(e.row, MONTH, "err.period_closed"));
            continue;
        }
        found.push((e, m));
    }

    // Plan meter by meter, month by month, against what is stored and what came before in
    // the file.
    let ids: Vec<i64> = found
        .iter()
        .map(|(_, m)| m.id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let stored = meters::readings_of(c, &ids).await?;
    let mut per_meter: BTreeMap<i64, Vec<&(&Entry, &meter_rows::Model)>> = BTreeMap::new();
    for f in &found {
        per_meter.entry(f.1.id).or_default().push(f);
    }
    let mut writes: Vec<Write> = vec![];
    // (meter, period) of a next month recomputed → (its write, the row that caused it).
    let mut recomputed: BTreeMap<(i64, i32), (Write, u32)> = BTreeMap::new();
    let mut flagged = vec![];
    let mut checks: Vec<(&meter_rows::Model, i32, u32, &'static str)> = vec![];
    for (id, mut rows) in per_meter {
        rows.sort_by_key(|f| f.0.period);
        let existing = stored.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        let mut list: Vec<Past> = past(existing);
        let in_file: HashSet<i32> = rows.iter().map(|f| f.0.period).collect();
        for (e, m) in rows {
            let p = plan(&list, e.period, e.value);
            match list.iter_mut().find(|r| r.0 == e.period) {
                Some(r) => *r = (e.period, e.value, p.usage),
                None => {
                    list.push((e.period, e.value, p.usage));
                    list.sort_by_key(|r| r.0);
                }
            }
            writes.push(Write {
                meter_id: id,
                period: e.period,
                reading: e.value,
                usage: p.usage,
                flag: p.flag,
                existing: existing.iter().find(|r| r.period == e.period).map(|r| r.id),
                recomputed: false,
            });
            checks.push((m, e.period, e.row, "err.reading_billed"));
            if let Some(flag) = p.flag {
                flagged.push(FlaggedReading {
                    row: e.row,
                    meter: m.code.clone(),
                    unit: m.unit_id.and_then(|u| meter_units.get(&u)).map(|x| x.0.clone()),
                    period: period_label(e.period),
                    usage: p.usage,
                    anomaly: flag.to_string(),
                });
            }
            if let Some((np, usage, flag)) = p.next {
                if let Some(r) = list.iter_mut().find(|r| r.0 == np) {
                    r.2 = usage;
                }
                if !in_file.contains(&np) {
                    if let Some(n) = existing.iter().find(|r| r.period == np) {
                        let w = Write {
                            meter_id: id,
                            period: np,
                            reading: n.reading,
                            usage,
                            flag,
                            existing: Some(n.id),
                            recomputed: true,
                        };
                        recomputed.insert((id, np), (w, e.row));
                    }
                }
            }
        }
    }
    for ((_, np), (w, row)) in &recomputed {
        if let Some(m) = found.iter().map(|f| f.1).find(|m| m.id == w.meter_id) {
            checks.push((m, *np, *row, "err.reading_next_billed"));
        }
    }
    let mut item_ids: Vec<i64> = checks.iter().map(|c| c.0.item_id).collect();
    item_ids.sort_unstable();
    item_ids.dedup();
    let mut periods: Vec<i32> = checks.iter().map(|c| c.1).collect();
    periods.sort_unstable();
    periods.dedup();
    let billed = Billed::load(c, community, &item_ids, &periods).await?;
    let mut billed_rows = HashSet::new();
    for (m, period, row, code) in checks {
        if billed.covers(m, period) && billed_rows.insert(row) {
            issues.push(issue(row, MONTH, code));
        }
    }
    writes.extend(recomputed.into_values().map(|(w, _)| w));
    issues.sort_by_key(|i| i.row);
    flagged.sort_by_key(|f| f.row);
    Ok(Plan {
        writes,
        flagged,
        issues,
    })
}

fn report(issues: Vec<Issue>, locale: Locale) -> ReadingImportReport {
    let error_count = u32::try_from(issues.len()).unwrap_or(u32::MAX);
    let errors = issues
        .into_iter()
        .take(MAX_LISTED_ERRORS)
        .map(|i| {
            let mut message = tr_in(locale.code(), i.code);
            if let Some(r) = i.other_row {
                message = message.replace("{row}", &r.to_string());
            }
            ReadingRowError {
                row: i.row,
                column: i.column,
                code: i.code.to_string(),
                message,
            }
        })
        .collect();
    ReadingImportReport {
        errors,
        error_count,
        ..Default::default()
    }
}

/// Where and how to import readings.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub community_id: OrgId,
    /// The month of rows whose 月份 is empty (`YYYY-MM`; empty: this month).
    pub period: String,
    /// Check and count, write nothing.
    pub dry_run: bool,
}

/// Reads `bytes` as a workbook and stores its readings in one community, all or nothing.
/// The report counts the readings and lists the flagged ones; with any problem it lists them
/// all (row and column) and nothing is stored. Errors: `Forbidden` without `billing.collect`
/// over the community; `Validation` on `community_id` for a node that is not a community, on
/// `period` for a malformed month, on `file` for a file that is not a readable, reasonably
/// sized XLSX workbook.
pub async fn import_readings(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    locale: Locale,
    req: ImportRequest,
    bytes: Vec<u8>,
) -> Result<ReadingImportReport, AppError> {
    let community = req.community_id;
    access::require_over(ctx, meta, auth, Permission::BillingCollect, community).await?;
    meters::ensure_community(&ctx.db, community).await?;
    let default = if req.period.trim().is_empty() {
        super::service::current_period()
    } else {
        parse_period(&req.period).ok_or_else(|| AppError::validation("period", "err.period_invalid"))?
    };
    let office = crate::org::service::office_of(&ctx.db, community).await?.0;
    let wb = tokio::task::spawn_blocking(move || xlsx::open_workbook(&bytes, &Limits::default()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "workbook reader failed");
            AppError::Internal
        })??;
    let parsed = parse(&wb, default);
    drop(wb);
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    // Every row is checked before anything is written, so one upload lists every problem:
    // the cells that do not read, and the rows the database refuses.
    let plan = resolve(&ctx.db, community.0, office, &parsed).await?;
    if !parsed.issues.is_empty() || !plan.issues.is_empty() {
        let mut issues = parsed.issues.clone();
        issues.extend(plan.issues);
        issues.sort_by_key(|i| i.row);
        return Ok(report(issues, locale));
    }
    if req.dry_run {
        return Ok(ReadingImportReport {
            readings: count(parsed.entries.len()),
            skipped: parsed.skipped,
            flagged: plan.flagged,
            ..Default::default()
        });
    }
    let actor = actor_label(&ctx.db, auth.user_id).await;
    // Checked again inside the transaction, so a bill run or a month close cannot slip in
    // between the check and the writes.
    let outcome = with_txn!(ctx.db, |txn| {
        let plan = resolve(&txn, community.0, office, &parsed).await?;
        if !plan.issues.is_empty() {
            return Ok(Err(plan.issues));
        }
        meters::store(&txn, &plan.writes, auth.user_id.0).await?;
        let mut periods: Vec<i32> = parsed.entries.iter().map(|e| e.period).collect();
        periods.sort_unstable();
        periods.dedup();
        audit::record(
            &txn,
            meta,
            AuditEntry::new("billing.readings.import", "community", community.0)
                .actor(Some(auth.user_id), &actor)
                .org(Some(community))
                .summary(serde_json::json!({
                    "readings": parsed.entries.len(),
                    "recomputed": plan.writes.iter().filter(|w| w.recomputed).count(),
                    "flagged": plan.flagged.len(),
                    "periods": periods,
                })),
        )
        .await?;
        Ok(Ok(plan.flagged))
    })?;
    Ok(match outcome {
        Ok(flagged) => ReadingImportReport {
            committed: true,
            readings: count(parsed.entries.len()),
            skipped: parsed.skipped,
            flagged,
            ..Default::default()
        },
        Err(issues) => report(issues, locale),
    })
}

/// A reading as the plainest decimal (`1234.5`), so a spreadsheet takes it for a number.
fn reading_text(v: i64) -> String {
    let s = fixed2(v);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The import workbook: a 抄表 sheet with the columns and, for a community, one row per meter
/// with the month and its last reading (读数 left to fill in), or else one example row; and a
/// 说明 sheet with the rules. Errors: those of [`meters::meter_sheet`] for a community;
/// `Internal` if the workbook cannot be written.
pub async fn template(
    ctx: &AppCtx,
    meta: &RequestMeta,
    auth: &Authed,
    community: Option<OrgId>,
    period: &str,
) -> Result<Vec<u8>, AppError> {
    let headers: Vec<String> = COLS.iter().map(|c| c.0.to_string()).collect();
    let rows: Vec<Vec<String>> = match community {
        Some(c) => {
            let sheet = meters::meter_sheet(ctx, meta, auth, c, None, period).await?;
            sheet
                .meters
                .into_iter()
                .map(|m| {
                    let mut r = vec![String::new(); COLS.len()];
                    r[CODE] = m.code;
                    r[UNIT] = m.unit.unwrap_or_default();
                    r[ITEM] = m.item;
                    r[MONTH] = sheet.period.clone();
                    r[LAST] = m.prev_reading.map(reading_text).unwrap_or_default();
                    r
                })
                .collect()
        }
        None => {
            access::require(ctx, meta, auth, Permission::BillingCollect).await?;
            let p = parse_period(period).unwrap_or_else(super::service::current_period);
            vec![vec![
                "W-1-1-0101".into(),
                "1-1-0101".into(),
                "水费".into(),
                period_label(p),
                "1234.5".into(),
                "1250.8".into(),
            ]]
        }
    };
    let help: Vec<Vec<String>> = [
        "每行一块表：填“表号”，或填“房号”和“收费项目”（一户只有一块表时可不填收费项目）。",
        "“月份”写成 2026-11；留空则按上传时页面上选择的月份。",
        "“读数”填表上的数字，最多两位小数；读数留空的行不导入。",
        "“上次读数”仅供参考，导入时不读取。",
        "读数小于上次或远高于以往用量的会标记为异常，但照常保存，请复核。",
        "任何一行有错时整个文件都不导入；请按提示的行号改正后重新上传。",
    ]
    .iter()
    .map(|s| vec![String::from(*s)])
    .collect();
    Ok(tokio::task::spawn_blocking(move || {
        xlsx::write_workbook(&[("抄表", headers, rows), ("说明", vec!["说明".to_string()], help)])
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "workbook writer failed");
        AppError::Internal
    })??)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| String::from(*x)).collect()
    }

    fn book(headers: &[&str], rows: &[&[&str]]) -> Workbook {
        let bytes = xlsx::write_workbook(&[("抄表", s(headers), rows.iter().map(|r| s(r)).collect())]).unwrap();
        xlsx::open_workbook(&bytes, &Limits::default()).unwrap()
    }

    #[test]
    fn months_are_read_as_people_write_them() {
        for ok in [
            "2026-11",
            "202611",
            "2026/11",
            "2026.11",
            "2026年11月",
            "2026-11-01",
            "2026年11月30日",
            "2026/1",
        ] {
            let want = if ok == "2026/1" { 202601 } else { 202611 };
            assert_eq!(parse_month(ok), Some(want), "{ok}");
        }
        for bad in [
            "",
            "11",
            "2026-13",
            "2026-11-31",
            "26-11",
            "十一月",
            "2026-11-01 08:00:00",
        ] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn rows_are_read_by_header_and_every_bad_cell_is_named() {
        let wb = book(
            &["房号", "表号*", "抄表月份", "本月读数（m³）", "备注"],
            &[
                &["", "W-1", "2026-10", "1250.8", ""],
                &["1-1-0101", "", "", "12", ""],
                &["", "W-2", "", "", "not read this month"],
                &["", "W-3", "2026-1x", "abc", ""],
                &["", "", "", "5", ""],
            ],
        );
        let p = parse(&wb, 202611);
        assert_eq!(p.skipped, 1);
        assert_eq!(
            p.entries,
            vec![
                Entry {
                    row: 2,
                    code: "W-1".into(),
                    unit: String::new(),
                    item: String::new(),
                    period: 202610,
                    value: 125_080
                },
                Entry {
                    row: 3,
                    code: String::new(),
                    unit: "1-1-0101".into(),
                    item: String::new(),
                    period: 202611,
                    value: 1_200
                },
            ]
        );
        let got: Vec<(u32, &str, &str)> = p.issues.iter().map(|i| (i.row, i.column.as_str(), i.code)).collect();
        assert_eq!(
            got,
            vec![
                (5, "本月读数（m³）", "err.reading_invalid"),
                (5, "抄表月份", "err.period_invalid"),
                (6, "表号*", "err.readings_meter_required"),
            ]
        );
    }

    #[test]
    fn a_sheet_without_the_columns_is_refused_as_a_whole() {
        let p = parse(&book(&["房屋", "面积"], &[&["1-1-0101", "89"]]), 202611);
        assert_eq!(p.issues.len(), 1);
        assert_eq!(
            (p.issues[0].column.as_str(), p.issues[0].code),
            ("读数", "err.import_missing_column")
        );
        let p = parse(&book(&["收费项目", "读数"], &[&["水费", "1"]]), 202611);
        assert_eq!(p.issues[0].code, "err.readings_meter_column");
    }
}
