//! Times are stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving).
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// China Standard Time. Infallible: 8 hours is inside the ±24 h range `east_opt` accepts.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `2026-11-22 15:04` in Shanghai time.
pub fn format_local(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M").to_string()
}

/// `2026-11-22 15:04:05` in Shanghai time.
pub fn format_local_secs(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Today's date in China (business days and billing months follow it).
pub fn today_cn() -> chrono::NaiveDate {
    Utc::now().with_timezone(&shanghai()).date_naive()
}

/// A time that is not one (`明天`, `2026-13-08T09:30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadTime;

/// A local (Asia/Shanghai) minute as a form's `datetime-local` sends it (`2026-12-08T09:30`,
/// seconds allowed), in UTC; `Ok(None)` for an empty field.
pub fn parse_local_minute(s: &str) -> Result<Option<DateTime<Utc>>, BadTime> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or(BadTime)?;
    shanghai()
        .from_local_datetime(&naive)
        .single()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or(BadTime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_shanghai_time_across_midnight() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 16, 30, 0).unwrap();
        assert_eq!(format_local(t), "2026-11-23 00:30");
    }

    #[test]
    fn local_minutes_are_read_in_shanghai_time() {
        assert_eq!(parse_local_minute(""), Ok(None));
        assert_eq!(
            parse_local_minute("2026-12-08T09:30"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 8, 1, 30, 0).unwrap()))
        );
        assert_eq!(
            parse_local_minute("2026-12-08T09:30:15"),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 8, 1, 30, 15).unwrap()))
        );
        assert_eq!(parse_local_minute("明天"), Err(BadTime));
        assert_eq!(parse_local_minute("2026-13-08T09:30"), Err(BadTime));
    }
}
