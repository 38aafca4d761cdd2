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

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, o: Money) -> Option<Money> {
        self.0.checked_add(o.0).map(Money)
    }

    /// Parses a yuan amount such as `"12.5"`, `"-0.01"` or `"1,234.00"` exactly.
    pub fn parse_yuan(s: &str) -> Result<Money, MoneyParseError> {
        let s: String = s.trim().chars().filter(|c| *c != ',').collect();
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
            .ok_or(MoneyParseError::OutOfRange)?;
        Ok(Money(if neg { -total } else { total }))
    }
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
