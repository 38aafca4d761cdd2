//! (ssr) The pure half of a bill run: from everything a month's run reads (units and who held
//! them, assignments, standards, meter usage, prepaid balances, lines already stored), the lines
//! to create, the prepaid offsets to apply and the report staff preview. No I/O: `runs.rs`
//! loads the inputs and writes the plan.
use super::charge::{self, Basis, Facts, Held};
use super::meters::Usage;
use super::model::*;
use crate::estate::model::{Relation, UnitStatus};
use crate::estate::service::{BillableUnit, Holder};
use crate::shared::money::Money;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// At most this many problems are listed in a report.
pub const MAX_PROBLEMS: usize = 200;

/// An item assigned in a community, optionally only to one building or one use.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub community_id: i64,
    pub item_id: i64,
    pub building_id: Option<i64>,
    pub use_type: Option<String>,
}

/// An active charge item.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub name: String,
    pub category: String,
}

/// Everything one month's plan reads.
#[derive(Debug, Clone, Default)]
pub struct RunInputs {
    /// `YYYYMM`.
    pub period: i32,
    pub units: Vec<BillableUnit>,
    /// The office of each community (whose rules apply).
    pub office_of: HashMap<i64, i64>,
    pub settings: HashMap<i64, BillingSettings>,
    /// In the order they were loaded: for a unit the first assignment of an item wins.
    pub assignments: Vec<Assignment>,
    pub items: HashMap<i64, Item>,
    /// The standard in force on the 1st, per item, with its id.
    pub standards: HashMap<i64, (i64, charge::Standard)>,
    /// (unit, item) pairs already billed for the month.
    pub existing: HashSet<(i64, i64)>,
    /// Metered usage per (unit, item).
    pub usage: HashMap<(i64, i64), Usage>,
    /// Prepaid balances per (unit, item), item 0 being the general balance.
    pub prepaid: HashMap<(i64, i64), i64>,
}

/// One line to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLine {
    pub office_id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub unit_id: i64,
    pub item_id: i64,
    /// `YYYYMM`.
    pub period: i32,
    pub standard_id: i64,
    pub payer_id: i64,
    pub payer_name: String,
    pub quantity: String,
    pub note: LineNote,
    pub gross: Money,
    pub discount: Money,
    pub amount: Money,
    pub due_date: NaiveDate,
    /// The item's prepaid balance pays it (with the prepay discount).
    pub prepay_item: bool,
}

/// A month's plan: the lines, how much prepaid balance offsets each (by index into `lines`),
/// and the report (its totals are the lines' sums).
#[derive(Debug, Clone)]
pub struct Plan {
    pub lines: Vec<PlannedLine>,
    pub offsets: Vec<(usize, Money)>,
    pub report: RunReport,
}

/// The paying party for a month and the days a paying party held the unit: the tenant when
/// agreed (and holding the unit at the month's end), otherwise the owner holding it at the
/// month's end (or the last one). `None` when no owner held the unit in the month.
pub fn payer_and_days(u: &BillableUnit, period: i32) -> Option<(i64, String, Held)> {
    let owners: Vec<_> = u
        .holders
        .iter()
        .filter(|h| matches!(h.relation, Relation::Owner | Relation::CoOwner))
        .collect();
    let start = owners.iter().map(|h| h.start).min()?;
    let end = if owners.iter().any(|h| h.end.is_none()) {
        None
    } else {
        owners.iter().filter_map(|h| h.end).max()
    };
    let held = charge::held_in(period, start, end)?;
    let (_, last) = charge::month_bounds(period)?;
    let at_end = |h: &Holder| h.start <= last && h.end.is_none_or(|e| e >= last);
    let tenant = u
        .holders
        .iter()
        .find(|h| h.relation == Relation::Tenant && h.pays_fees && at_end(h));
    let owner = owners
        .iter()
        .find(|h| h.relation == Relation::Owner && at_end(h))
        .or_else(|| owners.iter().find(|h| at_end(h)))
        .or_else(|| owners.last())?;
    let payer = tenant.unwrap_or(owner);
    Some((payer.person_id, payer.name.clone(), held))
}

/// Plans a month. `None` only for a period that is not a month or a due day no month has.
pub fn plan(inp: &RunInputs) -> Option<Plan> {
    let period = inp.period;
    let (_, last) = charge::month_bounds(period)?;
    let md = chrono::Datelike::day(&last);
    let mut report = RunReport {
        period: charge::period_label(period),
        units: inp.units.len() as u64,
        new_lines: 0,
        existing: 0,
        total: Money::ZERO,
        discounts: Money::ZERO,
        offset: Money::ZERO,
        by_item: vec![],
        problems: vec![],
        generated: false,
    };
    let problem = |report: &mut RunReport, unit: &str, item: &str, reason: &str| {
        if report.problems.len() < MAX_PROBLEMS {
            report.problems.push(RunProblem {
                unit: unit.into(),
                item: item.into(),
                reason: reason.into(),
            });
        }
    };
    let mut by_community: HashMap<i64, Vec<&Assignment>> = HashMap::new();
    for a in &inp.assignments {
        by_community.entry(a.community_id).or_default().push(a);
    }
    let mut per_item: HashMap<i64, (u64, Money)> = HashMap::new();
    let mut lines: Vec<PlannedLine> = vec![];
    for u in &inp.units {
        let Some(list) = by_community.get(&u.community_id) else {
            continue;
        };
        let mut seen = HashSet::new();
        let payer = payer_and_days(u, period);
        let office = inp.office_of.get(&u.community_id).copied().unwrap_or(u.community_id);
        let Some(st) = inp.settings.get(&office) else { continue };
        for a in list {
            if a.building_id.is_some_and(|b| b != u.building_id)
                || a.use_type.as_deref().is_some_and(|t| t != u.use_type.code())
            {
                continue;
            }
            let Some(item) = inp.items.get(&a.item_id) else {
                continue;
            };
            if !seen.insert(item.id) {
                continue;
            }
            if inp.existing.contains(&(u.id, item.id)) {
                report.existing += 1;
                continue;
            }
            let Some((std_id, std)) = inp.standards.get(&item.id) else {
                problem(&mut report, &u.number, &item.name, "billing.err_no_standard");
                continue;
            };
            let Some((payer_id, payer_name, held)) = payer.clone() else {
                if u.status != UnitStatus::Unsold {
                    problem(&mut report, &u.number, &item.name, "billing.err_no_owner");
                }
                continue;
            };
            let use_ = inp.usage.get(&(u.id, item.id)).copied().unwrap_or_default();
            if std.basis == Basis::Metered && use_.negative {
                problem(&mut report, &u.number, &item.name, "billing.err_negative_usage");
                continue;
            }
            let facts = Facts {
                area: u.area,
                shared_area: u.shared_area,
                floor: u.floor,
                spaces: u.spaces,
                usage: use_.total(),
                usage_measure: use_.measure,
            };
            let relief = if u.status == UnitStatus::Vacant && item.category == "property" {
                st.vacant_relief_bp
            } else {
                0
            };
            let held_for = if std.basis == Basis::Metered {
                Held::whole(md)
            } else {
                held
            };
            let c = match charge::charge(std, &facts, held_for, relief) {
                Ok(c) => c,
                Err(e) => {
                    problem(&mut report, &u.number, &item.name, e.key());
                    continue;
                }
            };
            if c.amount.0 == 0 && c.gross.0 == 0 {
                continue;
            }
            let mut note = LineNote::default();
            if !held_for.is_whole() {
                note.days = Some(HeldDays {
                    first: held_for.first,
                    last: held_for.last,
                    month_days: md,
                });
            }
            if relief > 0 {
                note.relief_bp = Some(relief);
            }
            if std.basis == Basis::Metered {
                note.usage = Some(LineUsage {
                    own: use_.own,
                    shared: use_.shared,
                });
            }
            // Prepaid a year ahead for this item: the prepay discount applies.
            let mut discount = c.discount;
            let mut amount = c.amount;
            let item_balance = inp.prepaid.get(&(u.id, item.id)).copied().unwrap_or(0);
            let mut prepay_item = false;
            if st.prepay_discount_bp > 0 && item_balance > 0 {
                let extra = Money(((amount.0 as i128 * st.prepay_discount_bp as i128) / 10_000) as i64);
                if item_balance >= (amount - extra).0 {
                    discount = discount + extra;
                    amount = amount - extra;
                    prepay_item = true;
                    note.prepay_bp = Some(st.prepay_discount_bp);
                }
            }
            // Settings keep the due day within every month: a date that does not exist is a bug.
            let due_date = charge::due_date(period, st.due_day)?;
            let e = per_item.entry(item.id).or_insert((0, Money::ZERO));
            e.0 += 1;
            e.1 = e.1 + amount;
            report.new_lines += 1;
            report.total = report.total + amount;
            report.discounts = report.discounts + discount;
            lines.push(PlannedLine {
                office_id: office,
                community_id: u.community_id,
                building_id: u.building_id,
                unit_id: u.id,
                item_id: item.id,
                period,
                standard_id: *std_id,
                payer_id,
                payer_name,
                quantity: c.quantity.clone(),
                note,
                gross: c.gross,
                discount,
                amount,
                due_date,
                prepay_item,
            });
        }
    }
    let offsets = offsets(&lines, inp.prepaid.clone());
    report.offset = offsets.iter().fold(Money::ZERO, |s, (_, m)| s + *m);
    let mut by_item: Vec<RunItem> = per_item
        .into_iter()
        .map(|(k, (n, t))| RunItem {
            item: inp.items.get(&k).map(|i| i.name.clone()).unwrap_or_default(),
            lines: n,
            total: t,
        })
        .collect();
    by_item.sort_by(|a, b| a.item.cmp(&b.item));
    report.by_item = by_item;
    Some(Plan { lines, offsets, report })
}

/// Prepaid balances offset the new lines: the item's own balance first, then the general one
/// (a prepay-discounted line by its item balance alone). Returns (line index, amount) pairs.
fn offsets(lines: &[PlannedLine], mut prepaid: HashMap<(i64, i64), i64>) -> Vec<(usize, Money)> {
    let mut out = vec![];
    for (i, p) in lines.iter().enumerate() {
        let mut need = p.amount.0;
        let mut take = 0;
        for key in [(p.unit_id, p.item_id), (p.unit_id, 0)] {
            if need == 0 {
                break;
            }
            if key.1 == 0 && p.prepay_item {
                break;
            }
            if let Some(b) = prepaid.get_mut(&key) {
                let t = (*b).min(need);
                *b -= t;
                need -= t;
                take += t;
            }
        }
        if take > 0 {
            out.push((i, Money(take)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::charge::Standard;
    use crate::estate::model::UnitUse;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn owner(id: i64, start: NaiveDate, end: Option<NaiveDate>) -> Holder {
        Holder {
            person_id: id,
            name: format!("业主{id}"),
            relation: Relation::Owner,
            pays_fees: false,
            start,
            end,
        }
    }

    fn unit(id: i64, area: i64, status: UnitStatus, holders: Vec<Holder>) -> BillableUnit {
        BillableUnit {
            id,
            community_id: 10,
            building_id: 100 + id % 3,
            number: format!("1-{id:04}"),
            floor: 1,
            use_type: UnitUse::Residential,
            status,
            area: Some(area),
            shared_area: None,
            spaces: 0,
            holders,
        }
    }

    /// 桂花苑-like inputs: a property fee by area (2.50/㎡) and a fixed fee, one office.
    fn inputs(units: Vec<BillableUnit>) -> RunInputs {
        let area = Standard {
            basis: Basis::Area,
            price: Price(25_000),
            tiers: vec![],
            formula: None,
            rounding: Rounding::FEN_HALF_UP,
        };
        let fixed = Standard {
            basis: Basis::Fixed,
            price: Price(300_000),
            ..area.clone()
        };
        let mut st = BillingSettings::defaults(crate::shared::ids::OrgId(1));
        st.vacant_relief_bp = 3_000;
        st.prepay_discount_bp = 500;
        RunInputs {
            period: 202_610,
            units,
            office_of: HashMap::from([(10, 1)]),
            settings: HashMap::from([(1, st)]),
            assignments: vec![
                Assignment {
                    community_id: 10,
                    item_id: 1,
                    building_id: None,
                    use_type: None,
                },
                Assignment {
                    community_id: 10,
                    item_id: 2,
                    building_id: None,
                    use_type: None,
                },
                // A second assignment of item 1 to one building: the first one wins.
                Assignment {
                    community_id: 10,
                    item_id: 1,
                    building_id: Some(101),
                    use_type: None,
                },
            ],
            items: HashMap::from([
                (
                    1,
                    Item {
                        id: 1,
                        name: "物业费".into(),
                        category: "property".into(),
                    },
                ),
                (
                    2,
                    Item {
                        id: 2,
                        name: "垃圾清运费".into(),
                        category: "other".into(),
                    },
                ),
            ]),
            standards: HashMap::from([(1, (11, area)), (2, (12, fixed))]),
            ..Default::default()
        }
    }

    #[test]
    fn a_month_charges_each_unit_each_item_once_with_relief_proration_and_problems() {
        let units = vec![
            unit(1, 8_957, UnitStatus::Occupied, vec![owner(1, d(2020, 1, 1), None)]),
            // Vacant: 30% relief on the property fee only.
            unit(2, 10_000, UnitStatus::Vacant, vec![owner(2, d(2020, 1, 1), None)]),
            // Bought on the 16th: 16 of 31 days.
            unit(3, 10_000, UnitStatus::Occupied, vec![owner(3, d(2026, 10, 16), None)]),
            // Nobody owns it: a problem, unless unsold.
            unit(4, 10_000, UnitStatus::Occupied, vec![]),
            unit(5, 10_000, UnitStatus::Unsold, vec![]),
        ];
        let p = plan(&inputs(units)).unwrap();
        let of = |u: i64, i: i64| p.lines.iter().find(|l| l.unit_id == u && l.item_id == i).cloned();
        assert_eq!(p.lines.len(), 6);
        assert_eq!(of(1, 1).unwrap().amount, Money(22_393)); // 89.57 ㎡ × 2.50
        assert_eq!(of(1, 2).unwrap().amount, Money(3_000));
        let vacant = of(2, 1).unwrap();
        assert_eq!(
            (vacant.gross, vacant.discount, vacant.amount),
            (Money(25_000), Money(7_500), Money(17_500))
        );
        assert_eq!(vacant.note.relief_bp, Some(3_000));
        assert_eq!(of(2, 2).unwrap().note.relief_bp, None);
        let part = of(3, 1).unwrap();
        assert_eq!(
            part.note.days,
            Some(HeldDays {
                first: 16,
                last: 31,
                month_days: 31
            })
        );
        assert_eq!(part.amount, Money(12_903)); // 250.00 × 16/31
        assert_eq!(p.report.problems.len(), 2, "{:?}", p.report.problems);
        assert!(p
            .report
            .problems
            .iter()
            .all(|x| x.unit == "1-0004" && x.reason == "billing.err_no_owner"));
        assert_eq!(p.report.by_item.iter().map(|i| i.lines).sum::<u64>(), 6);
        assert!(p.offsets.is_empty());
    }

    #[test]
    fn prepaid_balances_offset_item_first_and_a_prepay_discount_needs_the_whole_line() {
        let units = vec![
            unit(1, 10_000, UnitStatus::Occupied, vec![owner(1, d(2020, 1, 1), None)]),
            unit(2, 10_000, UnitStatus::Occupied, vec![owner(2, d(2020, 1, 1), None)]),
        ];
        let mut inp = inputs(units);
        // Unit 1 prepaid its property fee for the year: 5% off, offset by the item balance alone.
        inp.prepaid.insert((1, 1), 300_000);
        inp.prepaid.insert((1, 0), 1_000);
        // Unit 2 has only a small general balance: it pays part of the first line.
        inp.prepaid.insert((2, 0), 2_000);
        let p = plan(&inp).unwrap();
        let idx = |u: i64, i: i64| p.lines.iter().position(|l| l.unit_id == u && l.item_id == i).unwrap();
        let prop1 = &p.lines[idx(1, 1)];
        assert!(prop1.prepay_item);
        assert_eq!((prop1.discount, prop1.amount), (Money(1_250), Money(23_750)));
        let off: HashMap<usize, Money> = p.offsets.iter().copied().collect();
        assert_eq!(off[&idx(1, 1)], Money(23_750));
        // The general balance of unit 1 goes to its other line.
        assert_eq!(off[&idx(1, 2)], Money(1_000));
        assert_eq!(off[&idx(2, 1)], Money(2_000));
        assert!(!off.contains_key(&idx(2, 2)));
        assert_eq!(p.report.offset, Money(26_750));
    }

    proptest! {
        /// A plan's lines sum to its report; planning again over what it stored adds nothing;
        /// no offset exceeds its line or the balances there were.
        #[test]
        fn a_plan_adds_up_and_running_it_twice_adds_nothing(
            areas in proptest::collection::vec((1i64..=40_000, 0u8..3, 0u32..28), 1..40),
            balances in proptest::collection::vec((0i64..50_000, 0i64..5_000), 1..40),
        ) {
            let units: Vec<BillableUnit> = areas
                .iter()
                .enumerate()
                .map(|(i, (area, kind, day))| {
                    let id = i as i64 + 1;
                    let status = [UnitStatus::Occupied, UnitStatus::Vacant, UnitStatus::Unsold][usize::from(*kind)];
                    let holders = if *kind == 2 { vec![] } else { vec![owner(id, d(2026, 10, 1 + day), None)] };
                    unit(id, *area, status, holders)
                })
                .collect();
            let mut inp = inputs(units);
            for (i, (item, general)) in balances.iter().enumerate() {
                inp.prepaid.insert((i as i64 + 1, 1), *item);
                inp.prepaid.insert((i as i64 + 1, 0), *general);
            }
            let p = plan(&inp).unwrap();
            let sum = p.lines.iter().fold(Money::ZERO, |s, l| s + l.amount);
            prop_assert_eq!(p.report.total, sum);
            prop_assert_eq!(p.report.new_lines, p.lines.len() as u64);
            prop_assert_eq!(p.report.discounts, p.lines.iter().fold(Money::ZERO, |s, l| s + l.discount));
            for l in &p.lines {
                prop_assert_eq!(l.gross - l.discount, l.amount);
            }
            let before: i64 = inp.prepaid.values().sum();
            let offset: i64 = p.offsets.iter().map(|(_, m)| m.0).sum();
            prop_assert!(offset <= before);
            for (i, m) in &p.offsets {
                prop_assert!(*m <= p.lines[*i].amount);
            }
            inp.existing = p.lines.iter().map(|l| (l.unit_id, l.item_id)).collect();
            let again = plan(&inp).unwrap();
            prop_assert!(again.lines.is_empty());
            prop_assert_eq!(again.report.existing, p.lines.len() as u64);
        }
    }
}
