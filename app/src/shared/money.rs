//! Money as an exact integer count of fen (分). Never a float.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Neg, Sub};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyParseError {
    #[error("not a number")]
    NotANumber,
    #[error("more than two decimals")]
    TooPrecise,
    #[error("out of range")]
    OutOfRange,
}

impl MoneyParseError {
    /// The message key a form shows for it.
    pub fn key(&self) -> &'static str {
        match self {
            MoneyParseError::OutOfRange => "err.amount_too_large",
            _ => "err.amount_invalid",
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(0);

    /// The largest amount any money field accepts: ¥100,000,000.00 (一亿元). More is a typo or
    /// an attack, and sums of very many such amounts still fit an `i64` of fen.
    pub const MAX_INPUT: Money = Money(10_000_000_000);

    pub fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, o: Money) -> Option<Money> {
        self.0.checked_add(o.0).map(Money)
    }

    /// Parses a yuan amount such as `"12.5"`, `"-0.01"` or `"1,234.00"` exactly, up to
    /// [`Money::MAX_INPUT`] either way. Commas are accepted only as thousands separators.
    pub fn parse_yuan(s: &str) -> Result<Money, MoneyParseError> {
        let s = s.trim();
        if s.contains(',') && !grouped_well(s) {
            return Err(MoneyParseError::NotANumber);
        }
        let s: String = s.chars().filter(|c| *c != ',').collect();
        let (neg, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return Err(MoneyParseError::NotANumber);
        }
        if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(MoneyParseError::NotANumber);
        }
        if frac.len() > 2 {
            return Err(MoneyParseError::TooPrecise);
        }
        let yuan: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| MoneyParseError::OutOfRange)?
        };
        let mut fen_part: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| MoneyParseError::NotANumber)?
        };
        if frac.len() == 1 {
            fen_part *= 10;
        }
        let total = yuan
            .checked_mul(100)
            .and_then(|v| v.checked_add(fen_part))
            .filter(|t| *t <= Money::MAX_INPUT.0)
            .ok_or(MoneyParseError::OutOfRange)?;
        Ok(Money(if neg { -total } else { total }))
    }
}

/// `1,234,567.89`: the integer part in groups of three after a first group of one to three
/// digits, and no comma after the point.
fn grouped_well(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let mut groups = int.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3) && !frac.contains(',')
}

impl fmt::Display for Money {
    /// `¥1,234.50`; negative amounts as `-¥3.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = abs / 100;
        let fen = abs % 100;
        let digits = yuan.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{}¥{}.{:02}", if neg { "-" } else { "" }, grouped, fen)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

/// A value kept in hundredths (fen, centi-㎡, hundredths of a m³ or kWh, basis points) as a
/// plain decimal: `8957` → `89.57`, `-5` → `-0.05`. No grouping, no unit.
pub fn fixed2(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Parses a non-negative decimal with at most two places into hundredths (`"12.3"` → 1230).
pub fn parse_fixed2(s: &str) -> Option<i64> {
    Money::parse_yuan(s).ok().map(|m| m.0).filter(|v| *v >= 0)
}

impl Money {
    /// `1234.50` (no currency sign or grouping): form values and spreadsheets.
    pub fn plain(self) -> String {
        fixed2(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_only_as_thousands_separators() {
        assert_eq!(Money::parse_yuan("1,234.50"), Ok(Money(123_450)));
        assert_eq!(Money::parse_yuan("-12,345,678"), Ok(Money(-1_234_567_800)));
        for bad in ["1,00,0", ",100", "100,", "1,2345", "12.3,4", "1,,000", "1234,567"] {
            assert_eq!(Money::parse_yuan(bad), Err(MoneyParseError::NotANumber), "{bad}");
        }
    }

    #[test]
    fn amounts_are_bounded() {
        assert_eq!(Money::parse_yuan("100000000"), Ok(Money::MAX_INPUT));
        assert_eq!(Money::parse_yuan("-100,000,000.00"), Ok(-Money::MAX_INPUT));
        for big in ["100000000.01", "92233720368547758.07", "99999999999999999999"] {
            let e = Money::parse_yuan(big).unwrap_err();
            assert_eq!(e, MoneyParseError::OutOfRange, "{big}");
            assert_eq!(e.key(), "err.amount_too_large");
        }
        assert_eq!(MoneyParseError::TooPrecise.key(), "err.amount_invalid");
    }

    #[test]
    fn parses_yuan_exactly() {
        assert_eq!(Money::parse_yuan("12.5"), Ok(Money(1250)));
        assert_eq!(Money::parse_yuan("0.01"), Ok(Money(1)));
        assert_eq!(Money::parse_yuan("-3"), Ok(Money(-300)));
        assert_eq!(Money::parse_yuan("1,234.56"), Ok(Money(123456)));
        assert_eq!(Money::parse_yuan(".5"), Ok(Money(50)));
        assert_eq!(Money::parse_yuan("1.234"), Err(MoneyParseError::TooPrecise));
        assert_eq!(Money::parse_yuan("abc"), Err(MoneyParseError::NotANumber));
        assert_eq!(Money::parse_yuan(""), Err(MoneyParseError::NotANumber));
        assert_eq!(Money::parse_yuan("1e5"), Err(MoneyParseError::NotANumber));
        assert_eq!(
            Money::parse_yuan("99999999999999999999"),
            Err(MoneyParseError::OutOfRange)
        );
    }

    #[test]
    fn displays_grouped_yuan() {
        assert_eq!(Money(123456).to_string(), "¥1,234.56");
        assert_eq!(Money(5).to_string(), "¥0.05");
        assert_eq!(Money(-300).to_string(), "-¥3.00");
        assert_eq!(Money(100_000_000).to_string(), "¥1,000,000.00");
    }

    #[test]
    fn round_trips() {
        for fen in [-100_001i64, -1, 0, 1, 99, 100, 123_456_789] {
            let shown = format!("{}", Money(fen)).replace('¥', "");
            assert_eq!(Money::parse_yuan(&shown), Ok(Money(fen)));
        }
    }

    #[test]
    fn fixed_two_place_values() {
        assert_eq!(fixed2(8957), "89.57");
        assert_eq!(fixed2(-5), "-0.05");
        assert_eq!(Money(123_450).plain(), "1234.50");
        assert_eq!(parse_fixed2("123456.7"), Some(12_345_670));
        assert_eq!(parse_fixed2("0"), Some(0));
        for bad in ["-1", "1.234", "x", ""] {
            assert_eq!(parse_fixed2(bad), None, "{bad}");
        }
    }
}
