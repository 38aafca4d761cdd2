//! Calendar months as `YYYYMM` integers (`202611`): billing periods, report months.
use chrono::{Datelike, NaiveDate};

/// The first and last day of a `YYYYMM` month, `None` for a malformed period.
pub fn month_bounds(period: i32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(period / 100, u32::try_from(period % 100).ok()?, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((first, next.pred_opt()?))
}

/// Days in a `YYYYMM` month, `None` for a malformed period.
pub fn month_days(period: i32) -> Option<u32> {
    month_bounds(period).map(|(_, last)| last.day())
}

/// The month `n` months after `period` (before it when `n` is negative).
pub fn add_months(period: i32, n: i32) -> i32 {
    let m = period / 100 * 12 + period % 100 - 1 + n;
    m.div_euclid(12) * 100 + m.rem_euclid(12) + 1
}

/// The month of a date as `YYYYMM`.
pub fn period_of(d: NaiveDate) -> i32 {
    d.year() * 100 + d.month() as i32
}

/// Parses `2026-11` or `202611` into `YYYYMM`.
pub fn parse_period(s: &str) -> Option<i32> {
    let s = s.trim();
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 6 || !(s.len() == 6 || (s.len() == 7 && s.as_bytes()[4] == b'-')) {
        return None;
    }
    let p: i32 = digits.parse().ok()?;
    let (y, m) = (p / 100, p % 100);
    ((2000..=2100).contains(&y) && (1..=12).contains(&m)).then_some(p)
}

/// `202611` → `2026-11`.
pub fn period_label(p: i32) -> String {
    format!("{}-{:02}", p / 100, p % 100)
}
