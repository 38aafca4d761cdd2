//! How one unit is charged for one item in one month: pure rules, no I/O. A bill run gathers
//! the facts (area, usage, days held) and calls [`charge`]; the counter calls [`allocate`] to
//! spread a payment over open lines; both are exact in fen.
use super::formula::{self, Expr, Vars};
use super::model::{price_times, tiered, Price, RoundMode, RoundTo, Rounding, Tier};
use crate::shared::money::{fixed2, Money};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub use crate::shared::period::{add_months, month_bounds, month_days, parse_period, period_label, period_of};

/// What a standard multiplies its price by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 元/㎡/月 × the unit's legal area.
    Area,
    /// 元/户/月.
    Fixed,
    /// 元/个/月 × the parking spaces the household's cars hold.
    Parking,
    /// Tiered price × the month's metered usage (own meter plus apportioned shared usage).
    Metered,
    /// A checked formula over named variables, in yuan per month.
    Formula,
}

impl Basis {
    pub const ALL: [Basis; 5] = [
        Basis::Area,
        Basis::Fixed,
        Basis::Parking,
        Basis::Metered,
        Basis::Formula,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Basis::Area => "area",
            Basis::Fixed => "fixed",
            Basis::Parking => "parking",
            Basis::Metered => "metered",
            Basis::Formula => "formula",
        }
    }
    pub fn parse(s: &str) -> Option<Basis> {
        Basis::ALL.into_iter().find(|b| b.code() == s)
    }
}

impl RoundMode {
    pub fn code(self) -> &'static str {
        match self {
            RoundMode::HalfUp => "half_up",
            RoundMode::Up => "up",
            RoundMode::Down => "down",
        }
    }
    pub fn parse(s: &str) -> Option<RoundMode> {
        [RoundMode::HalfUp, RoundMode::Up, RoundMode::Down]
            .into_iter()
            .find(|m| m.code() == s)
    }
}

impl RoundTo {
    pub fn code(self) -> &'static str {
        match self {
            RoundTo::Fen => "fen",
            RoundTo::Jiao => "jiao",
            RoundTo::Yuan => "yuan",
        }
    }
    pub fn parse(s: &str) -> Option<RoundTo> {
        [RoundTo::Fen, RoundTo::Jiao, RoundTo::Yuan]
            .into_iter()
            .find(|m| m.code() == s)
    }
}

/// A fee standard ready to apply.
#[derive(Debug, Clone)]
pub struct Standard {
    pub basis: Basis,
    pub price: Price,
    pub tiers: Vec<Tier>,
    pub formula: Option<Expr>,
    pub rounding: Rounding,
}

/// What is known about a unit for one month.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Legal area in hundredths of ㎡.
    pub area: Option<i64>,
    pub shared_area: Option<i64>,
    pub floor: i32,
    pub spaces: i64,
    /// The month's usage in hundredths (own meter plus apportioned share), when metered.
    pub usage: Option<i64>,
    /// What the usage is measured in (`m³`, `kWh`; empty when unknown).
    pub usage_measure: &'static str,
}

/// The days of the month the unit had a paying party: `[first, last]` of `month_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub first: u32,
    pub last: u32,
    pub month_days: u32,
}

impl Held {
    pub fn whole(month_days: u32) -> Held {
        Held {
            first: 1,
            last: month_days,
            month_days,
        }
    }
    pub fn days(self) -> u32 {
        (self.last.min(self.month_days) + 1).saturating_sub(self.first.max(1))
    }
    pub fn is_whole(self) -> bool {
        self.days() == self.month_days
    }
}

/// One computed line: gross, relief, what is due, and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub gross: Money,
    pub discount: Money,
    pub amount: Money,
    /// The quantity charged, for the bill (e.g. `89.57㎡`, `12.30m³`, `1`).
    pub quantity: String,
}

/// Why a unit could not be charged (the run lists these; nothing is billed as 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeError {
    NoArea,
    NoReading,
    Formula,
}

impl ChargeError {
    pub fn key(self) -> &'static str {
        match self {
            ChargeError::NoArea => "billing.err_no_area",
            ChargeError::NoReading => "billing.err_no_reading",
            ChargeError::Formula => "billing.err_formula_eval",
        }
    }
}

fn names_var(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Var(v) => v == name,
        Expr::Num(_) => false,
        Expr::Neg(a) | Expr::Not(a) => names_var(a, name),
        Expr::Bin(_, a, b) | Expr::Min(a, b) | Expr::Max(a, b) => names_var(a, name) || names_var(b, name),
        Expr::If(c, a, b) => names_var(c, name) || names_var(a, name) || names_var(b, name),
    }
}

/// The formula variables of a unit for a month.
pub fn vars(f: &Facts, held: Held) -> Vars {
    let mut v = Vars::new();
    if let Some(a) = f.area {
        v.insert("area", formula::hundredths(a));
    }
    if let Some(a) = f.shared_area {
        v.insert("shared_area", formula::hundredths(a));
    }
    if let Some(u) = f.usage {
        v.insert("usage", formula::hundredths(u));
    }
    v.insert("floor", formula::whole(f.floor as i64));
    v.insert("days", formula::whole(held.days() as i64));
    v.insert("month_days", formula::whole(held.month_days as i64));
    v.insert("spaces", formula::whole(f.spaces));
    v
}

/// Charges one unit for one month under `s`. Time-based bases (area, fixed, parking) are
/// prorated by the days held and rounded once; metered usage is charged as read; a formula is
/// prorated unless it uses `days` itself. `relief_bp` (basis points, e.g. 3000 for the
/// vacant-unit relief) becomes the line's discount, rounded down so the relief never exceeds
/// its rate.
pub fn charge(s: &Standard, f: &Facts, held: Held, relief_bp: u32) -> Result<Charge, ChargeError> {
    let days = held.days() as i128;
    let md = held.month_days.max(1) as i128;
    let (gross, quantity) = match s.basis {
        Basis::Area => {
            let a = f.area.ok_or(ChargeError::NoArea)?;
            // price (1/10 000 yuan) × area (1/100 ㎡) = 1/10 000 fen, × days / month days.
            let g = if held.is_whole() {
                price_times(s.price, a, s.rounding)
            } else {
                s.rounding.apply(s.price.0 as i128 * a as i128 * days, 10_000 * md)
            };
            (g, format!("{}㎡", fixed2(a)))
        }
        Basis::Fixed => (s.rounding.apply(s.price.0 as i128 * days, 100 * md), "1".to_string()),
        Basis::Parking => (
            s.rounding.apply(s.price.0 as i128 * f.spaces as i128 * days, 100 * md),
            f.spaces.to_string(),
        ),
        Basis::Metered => {
            let u = f.usage.ok_or(ChargeError::NoReading)?;
            let g = if s.tiers.is_empty() {
                price_times(s.price, u, s.rounding)
            } else {
                tiered(u, &s.tiers, s.rounding)
            };
            (g, format!("{}{}", fixed2(u), f.usage_measure))
        }
        Basis::Formula => {
            let e = s.formula.as_ref().ok_or(ChargeError::Formula)?;
            let v = vars(f, held);
            if names_var(e, "days") || held.is_whole() {
                let g = formula::evaluate(e, &v, s.rounding).map_err(|_| ChargeError::Formula)?;
                (g, String::new())
            } else {
                // Exact monthly figure first, prorated, rounded once.
                let exact = formula::evaluate(
                    e,
                    &v,
                    Rounding {
                        mode: RoundMode::HalfUp,
                        to: RoundTo::Fen,
                    },
                )
                .map_err(|_| ChargeError::Formula)?;
                (s.rounding.apply(exact.0 as i128 * days, md), String::new())
            }
        }
    };
    let discount = if relief_bp == 0 || gross.0 <= 0 {
        Money::ZERO
    } else {
        Rounding {
            mode: RoundMode::Down,
            to: RoundTo::Fen,
        }
        .apply(gross.0 as i128 * relief_bp.min(10_000) as i128, 10_000)
    };
    Ok(Charge {
        gross,
        discount,
        amount: gross - discount,
        quantity,
    })
}

/// An open line as the counter sees it: what is still owed and its late fee today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owed {
    pub line: i64,
    pub principal: Money,
    pub late_fee: Money,
}

/// Spreads `paid` over `lines` in the given order (oldest first): each line's late fee, then
/// its principal. Returns the allocation per line and what is left over (to prepaid). Never
/// allocates more than is owed; the parts plus the rest always equal `paid`.
pub fn allocate(paid: Money, lines: &[Owed]) -> (Vec<Owed>, Money) {
    let mut left = paid.0.max(0);
    let mut out = vec![];
    for l in lines {
        if left == 0 {
            break;
        }
        let fee = l.late_fee.0.max(0).min(left);
        left -= fee;
        let principal = l.principal.0.max(0).min(left);
        left -= principal;
        if fee > 0 || principal > 0 {
            out.push(Owed {
                line: l.line,
                principal: Money(principal),
                late_fee: Money(fee),
            });
        }
    }
    (out, Money(left))
}

/// The due date of a month's bills: `due_day` of the month, clamped to its length.
pub fn due_date(period: i32, due_day: u32) -> Option<NaiveDate> {
    let (first, last) = month_bounds(period)?;
    first.with_day(due_day.clamp(1, last.day()))
}

/// The days `[first, last]` of month `period` covered by `[start, end]` (end inclusive,
/// `None` = still running), or `None` when they do not overlap.
pub fn held_in(period: i32, start: NaiveDate, end: Option<NaiveDate>) -> Option<Held> {
    let (first, last) = month_bounds(period)?;
    let s = start.max(first);
    let e = end.map(|e| e.min(last)).unwrap_or(last);
    (s <= e).then(|| Held {
        first: s.day(),
        last: e.day(),
        month_days: last.day(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::model::split;
    use proptest::prelude::*;

    fn std(basis: Basis, price: i64) -> Standard {
        Standard {
            basis,
            price: Price(price),
            tiers: vec![],
            formula: None,
            rounding: Rounding::FEN_HALF_UP,
        }
    }

    #[test]
    fn area_fee_for_a_whole_and_a_partial_month() {
        let s = std(Basis::Area, 25_000); // 2.50 元/㎡/月
        let f = Facts {
            area: Some(8957),
            ..Default::default()
        };
        let c = charge(&s, &f, Held::whole(30), 0).unwrap();
        assert_eq!(c.amount, Money(22_393));
        assert_eq!(c.quantity, "89.57㎡");
        // Moved in on the 16th of a 30-day month: 15 days = 111.9625 元 → 111.96.
        let c = charge(
            &s,
            &f,
            Held {
                first: 16,
                last: 30,
                month_days: 30,
            },
            0,
        )
        .unwrap();
        assert_eq!(c.amount, Money(11_196));
        assert_eq!(
            charge(&s, &Facts::default(), Held::whole(30), 0),
            Err(ChargeError::NoArea)
        );
    }

    #[test]
    fn vacant_relief_is_a_discount_on_the_line() {
        let s = std(Basis::Area, 25_000);
        let f = Facts {
            area: Some(10_000),
            ..Default::default()
        };
        let c = charge(&s, &f, Held::whole(31), 3000).unwrap();
        assert_eq!(
            (c.gross, c.discount, c.amount),
            (Money(25_000), Money(7_500), Money(17_500))
        );
    }

    #[test]
    fn metered_and_formula_items() {
        let mut s = std(Basis::Metered, 0);
        s.tiers = vec![
            Tier {
                up_to: Some(1_000),
                price: Price(35_000),
            },
            Tier {
                up_to: None,
                price: Price(50_000),
            },
        ];
        let f = Facts {
            usage: Some(1_250),
            usage_measure: "m³",
            ..Default::default()
        };
        // 10 × 3.50 + 2.5 × 5.00 = 47.50
        let c = charge(&s, &f, Held::whole(30), 0).unwrap();
        assert_eq!(c.amount, Money(4_750));
        assert_eq!(c.quantity, "12.50m³", "the quantity carries what the meter reads in");
        assert_eq!(
            charge(&s, &Facts::default(), Held::whole(30), 0),
            Err(ChargeError::NoReading)
        );

        let mut s = std(Basis::Formula, 0);
        s.formula = Some(formula::parse("area * 2 + if(floor > 11, 10, 0)").unwrap());
        let f = Facts {
            area: Some(10_000),
            floor: 12,
            ..Default::default()
        };
        assert_eq!(charge(&s, &f, Held::whole(30), 0).unwrap().amount, Money(21_000));
        // Prorated when it does not use `days`: 15 of 30 days.
        assert_eq!(
            charge(
                &s,
                &f,
                Held {
                    first: 16,
                    last: 30,
                    month_days: 30
                },
                0
            )
            .unwrap()
            .amount,
            Money(10_500)
        );
        // A formula that prorates itself is not prorated twice.
        s.formula = Some(formula::parse("area * 2 * days / month_days").unwrap());
        assert_eq!(
            charge(
                &s,
                &f,
                Held {
                    first: 16,
                    last: 30,
                    month_days: 30
                },
                0
            )
            .unwrap()
            .amount,
            Money(10_000)
        );
        // Missing a variable is an error, never 0.
        s.formula = Some(formula::parse("usage * 3").unwrap());
        assert_eq!(charge(&s, &f, Held::whole(30), 0), Err(ChargeError::Formula));
    }

    #[test]
    fn periods_and_due_dates() {
        assert_eq!(parse_period("2026-11"), Some(202611));
        assert_eq!(parse_period("202602"), Some(202602));
        for bad in ["2026-13", "2026/11", "26-11", "", "2026-1", "202611x"] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
        assert_eq!(month_days(202602), Some(28));
        assert_eq!(month_days(202802), Some(29));
        assert_eq!(due_date(202602, 31), chrono::NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(period_label(202611), "2026-11");
        assert_eq!(add_months(202611, 1), 202612);
        assert_eq!(add_months(202612, 1), 202701);
        assert_eq!(add_months(202601, -1), 202512);
        assert_eq!(add_months(202611, -14), 202509);
        assert_eq!(month_bounds(202613), None);
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(
            held_in(202611, d(11, 16), None),
            Some(Held {
                first: 16,
                last: 30,
                month_days: 30
            })
        );
        assert_eq!(
            held_in(202611, d(1, 1), Some(d(11, 10))),
            Some(Held {
                first: 1,
                last: 10,
                month_days: 30
            })
        );
        assert_eq!(held_in(202611, d(12, 1), None), None);
    }

    #[test]
    fn allocation_pays_late_fees_first_and_keeps_the_rest() {
        let lines = [
            Owed {
                line: 1,
                principal: Money(10_000),
                late_fee: Money(150),
            },
            Owed {
                line: 2,
                principal: Money(5_000),
                late_fee: Money(0),
            },
        ];
        let (a, rest) = allocate(Money(12_000), &lines);
        assert_eq!(
            a[0],
            Owed {
                line: 1,
                principal: Money(10_000),
                late_fee: Money(150)
            }
        );
        assert_eq!(
            a[1],
            Owed {
                line: 2,
                principal: Money(1_850),
                late_fee: Money(0)
            }
        );
        assert_eq!(rest, Money::ZERO);
        let (_, rest) = allocate(Money(20_000), &lines);
        assert_eq!(rest, Money(4_850));
    }

    proptest! {
        /// Prorating the days each of several holders had sums back to the whole month.
        #[test]
        fn prorating_sums_back_to_the_full_month(price in 1i64..1_000_000, area in 1i64..100_000, cut in 1u32..30) {
            let s = std(Basis::Area, price);
            let f = Facts { area: Some(area), ..Default::default() };
            let whole = charge(&s, &f, Held::whole(30), 0).unwrap().amount;
            // Split by days with the exact remainder rule: the parts sum to the whole.
            let parts = split(whole, &[cut, 30 - cut]);
            prop_assert_eq!(parts[0] + parts[1], whole);
            // And a line for every day of the month is the whole month.
            let full = charge(&s, &f, Held { first: 1, last: 30, month_days: 30 }, 0).unwrap().amount;
            prop_assert_eq!(full, whole);
        }

        /// An allocation never exceeds what is owed and loses no fen.
        #[test]
        fn allocation_is_exact(paid in 0i64..10_000_000, owed in proptest::collection::vec((0i64..1_000_000, 0i64..10_000), 0..8)) {
            let lines: Vec<Owed> = owed.iter().enumerate().map(|(i, (p, f))| Owed { line: i as i64, principal: Money(*p), late_fee: Money(*f) }).collect();
            let (a, rest) = allocate(Money(paid), &lines);
            let total: i64 = a.iter().map(|x| x.principal.0 + x.late_fee.0).sum();
            prop_assert_eq!(total + rest.0, paid);
            prop_assert!(rest.0 >= 0);
            for x in &a {
                let l = lines[x.line as usize];
                prop_assert!(x.principal <= l.principal && x.late_fee <= l.late_fee);
            }
        }

        /// Gross minus discount is the amount, and the relief never exceeds the gross.
        #[test]
        fn lines_sum_to_their_total(price in 0i64..1_000_000, area in 1i64..100_000, bp in 0u32..10_000) {
            let s = std(Basis::Area, price);
            let c = charge(&s, &Facts { area: Some(area), ..Default::default() }, Held::whole(31), bp).unwrap();
            prop_assert_eq!(c.gross - c.discount, c.amount);
            prop_assert!(c.discount.0 >= 0 && c.discount <= c.gross);
        }
    }
}
