//! Times are stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving).
use chrono::{DateTime, FixedOffset, Utc};

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_shanghai_time_across_midnight() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 16, 30, 0).unwrap();
        assert_eq!(format_local(t), "2026-11-23 00:30");
    }
}
