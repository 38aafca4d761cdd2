//! Percentages with one decimal from exact counts, for every page and export that shows a rate
//! (read rates, turnout, handled in time): integer arithmetic, so `2 / 3` is the same text on
//! the server, in the browser and in a spreadsheet. `—` when there is nothing to divide by.

/// `part / whole` rounded half up to one decimal (`2 / 3` → `66.7`), without the sign.
pub fn rounded(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".into();
    }
    let (p, w) = (i128::from(part), i128::from(whole));
    tenths((p * 1000 + w / 2).div_euclid(w))
}

/// `part / whole` cut down to one decimal (`2 / 3` → `66.6`), without the sign: for a share
/// that must never look larger than it is (votes, turnout against a threshold).
pub fn floored(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".into();
    }
    tenths((i128::from(part) * 1000).div_euclid(i128::from(whole)))
}

fn tenths(t: i128) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let t = t.abs();
    format!("{sign}{}.{}", t / 10, t % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal_rounded_or_floored_from_integers() {
        assert_eq!(rounded(2, 3), "66.7");
        assert_eq!(floored(2, 3), "66.6");
        assert_eq!(rounded(39, 40), "97.5");
        assert_eq!(floored(39, 40), "97.5");
        assert_eq!(rounded(1, 1), "100.0");
        assert_eq!(rounded(0, 7), "0.0");
        assert_eq!(rounded(1, 0), "—");
        assert_eq!(floored(1, -5), "—");
        // No overflow at the extremes.
        assert_eq!(rounded(i64::MAX, i64::MAX), "100.0");
        assert_eq!(floored(i64::MAX - 1, i64::MAX), "99.9");
    }
}
