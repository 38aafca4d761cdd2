//! Pure, exact fee arithmetic. Money is integer fen; prices carry four decimals of a yuan
//! (`2.5000 元/㎡/月`); areas are hundredths of a square metre. Products are computed exactly in
//! `i128` and rounded once, by the item's rule, at the end: never a float.
use crate::shared::ids::{BillLineId, ChargeItemId, OrgId, PaymentId};
use crate::shared::money::Money;
use serde::{Deserialize, Serialize};

/// A unit price in ten-thousandths of a yuan (`2.50 元` = 25_000), so a price such as
/// `0.3125 元/kWh` is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Price(pub i64);

impl Price {
    /// Parses `2.5`, `2.50`, `0.3125` (at most four decimals, not negative).
    pub fn parse(s: &str) -> Option<Price> {
        let s = s.trim();
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() || int.len() > 9 || frac.len() > 4 {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let whole: i64 = int.parse().ok()?;
        let mut part: i64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
        for _ in frac.len()..4 {
            part *= 10;
        }
        Some(Price(whole * 10_000 + part))
    }
}

impl std::fmt::Display for Price {
    /// Trailing zeros beyond two decimals are dropped: `2.50`, `0.3125`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, p) = (self.0 / 10_000, self.0 % 10_000);
        let mut frac = format!("{p:04}");
        while frac.len() > 2 && frac.ends_with('0') {
            frac.pop();
        }
        write!(f, "{w}.{frac}")
    }
}

/// How an item's amount is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundMode {
    /// 四舍五入: half away from zero.
    HalfUp,
    /// 进位: always up (away from zero).
    Up,
    /// 舍去: always down (toward zero).
    Down,
}

/// To what the amount is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundTo {
    Fen,
    Jiao,
    Yuan,
}

impl RoundTo {
    fn fen(self) -> i128 {
        match self {
            RoundTo::Fen => 1,
            RoundTo::Jiao => 10,
            RoundTo::Yuan => 100,
        }
    }
}

/// An item's rounding rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rounding {
    pub mode: RoundMode,
    pub to: RoundTo,
}

impl Rounding {
    pub const FEN_HALF_UP: Rounding = Rounding {
        mode: RoundMode::HalfUp,
        to: RoundTo::Fen,
    };

    /// Rounds the exact amount `num / den` fen (any sign, `den > 0`) to whole fen.
    pub fn apply(self, num: i128, den: i128) -> Money {
        assert!(den > 0, "a positive denominator");
        let step = den * self.to.fen();
        let (q, r) = (num.div_euclid(step), num.rem_euclid(step));
        // `q * step <= num < (q + 1) * step`; pick by mode, treating negatives symmetrically.
        let neg = num < 0;
        let units = if r == 0 {
            q
        } else {
            match self.mode {
                RoundMode::Down => {
                    if neg {
                        q + 1
                    } else {
                        q
                    }
                }
                RoundMode::Up => {
                    if neg {
                        q
                    } else {
                        q + 1
                    }
                }
                RoundMode::HalfUp => {
                    let twice = 2 * r;
                    if twice > step || (twice == step && !neg) {
                        q + 1
                    } else {
                        q
                    }
                }
            }
        };
        Money((units * self.to.fen()) as i64)
    }
}

/// `price × quantity`, where the quantity is given in hundredths (an area in centi-m², a
/// usage in hundredths of a unit), rounded by `r`.
pub fn price_times(price: Price, hundredths: i64, r: Rounding) -> Money {
    // price: 1/10_000 yuan = 1/100 fen; quantity: 1/100 → product in 1/10_000 fen.
    r.apply(price.0 as i128 * hundredths as i128, 10_000)
}

/// One step of a tiered (阶梯) price: usage up to `up_to` (hundredths; `None` = no limit) is
/// charged at `price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub up_to: Option<i64>,
    pub price: Price,
}

/// Why a tier table is not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierError {
    Empty,
    NotIncreasing,
    UnboundedNotLast,
    LastBounded,
}

/// Checks a tier table: limits strictly increasing, only the last one unbounded.
pub fn check_tiers(tiers: &[Tier]) -> Result<(), TierError> {
    let Some(last) = tiers.last() else {
        return Err(TierError::Empty);
    };
    if last.up_to.is_some() {
        return Err(TierError::LastBounded);
    }
    let mut prev = 0;
    for t in &tiers[..tiers.len() - 1] {
        match t.up_to {
            None => return Err(TierError::UnboundedNotLast),
            Some(u) if u <= prev => return Err(TierError::NotIncreasing),
            Some(u) => prev = u,
        }
    }
    Ok(())
}

/// The charge for `usage` (hundredths, not negative) under a checked tier table: each band at
/// its own price, the sum rounded once.
pub fn tiered(usage: i64, tiers: &[Tier], r: Rounding) -> Money {
    let mut total: i128 = 0;
    let mut from = 0i64;
    for t in tiers {
        let to = t.up_to.unwrap_or(i64::MAX).min(usage);
        if to > from {
            total += (to - from) as i128 * t.price.0 as i128;
        }
        from = t.up_to.unwrap_or(i64::MAX);
        if from >= usage {
            break;
        }
    }
    r.apply(total, 10_000)
}

/// Splits `amount` over parts weighted by `weights` (e.g. days of a month each occupant held
/// a unit), exactly: each part is its share rounded down, and the fen left over go one each to
/// the parts with the largest remainders (earliest first on ties). The parts always sum to
/// `amount` when the weights cover the whole.
pub fn split(amount: Money, weights: &[u32]) -> Vec<Money> {
    let total: i128 = weights.iter().map(|w| *w as i128).sum();
    if total == 0 {
        return weights.iter().map(|_| Money::ZERO).collect();
    }
    let a = amount.0 as i128;
    let sign = if a < 0 { -1 } else { 1 };
    let a = a.abs();
    let mut parts: Vec<(i128, i128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let exact = a * *w as i128;
            (exact / total, exact % total, i)
        })
        .collect();
    let given: i128 = parts.iter().map(|p| p.0).sum();
    let mut left = a - given;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|x, y| parts[*y].1.cmp(&parts[*x].1).then(x.cmp(y)));
    for i in order {
        if left == 0 {
            break;
        }
        if parts[i].1 > 0 {
            parts[i].0 += 1;
            left -= 1;
        }
    }
    parts.into_iter().map(|(v, _, _)| Money((sign * v) as i64)).collect()
}

/// A month's charge for the days `[first, last]` (1-based, inclusive) of a month of `days`:
/// the share of those days, rounded by `r`. A whole month is the whole amount.
pub fn prorate(monthly: Money, first: u32, last: u32, days: u32, r: Rounding) -> Money {
    if first > last || days == 0 {
        return Money::ZERO;
    }
    let held = (last.min(days) + 1).saturating_sub(first.max(1)) as i128;
    r.apply(monthly.0 as i128 * held, days as i128)
}

/// 滞纳金: `rate` per day in ten-thousandths (0.5‰ = 5) of the principal, for each day after
/// the due date plus the grace days up to `as_of`, rounded down to the fen and never more than
/// the principal.
pub fn late_fee(
    principal: Money,
    rate: u32,
    due: chrono::NaiveDate,
    grace_days: u32,
    as_of: chrono::NaiveDate,
) -> Money {
    if principal.0 <= 0 {
        return Money::ZERO;
    }
    let start = due + chrono::Duration::days(grace_days as i64);
    let days = (as_of - start).num_days();
    if days <= 0 {
        return Money::ZERO;
    }
    let fee = Rounding {
        mode: RoundMode::Down,
        to: RoundTo::Fen,
    }
    .apply(principal.0 as i128 * rate as i128 * days as i128, 10_000);
    fee.min(principal)
}

/// A waiver (减免) or reversal (红冲) of lines, or the waiver of their late fees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AdjustKind {
    /// Reduces what is owed by `amount` (or all that is owed).
    Waiver,
    /// Cancels an unpaid line entirely: the reversal nets the line to zero.
    Reversal,
    /// Waives the late fee of the lines.
    LateFeeWaiver,
}

impl AdjustKind {
    pub fn code(self) -> &'static str {
        match self {
            AdjustKind::Waiver => "waiver",
            AdjustKind::Reversal => "reversal",
            AdjustKind::LateFeeWaiver => "late_fee_waiver",
        }
    }
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    Cash,
    Pos,
    Transfer,
    Other,
    Online,
    Prepaid,
}

impl PayMethod {
    pub const COUNTER: [PayMethod; 4] = [PayMethod::Cash, PayMethod::Pos, PayMethod::Transfer, PayMethod::Other];
    pub const ALL: [PayMethod; 6] = [
        PayMethod::Cash,
        PayMethod::Pos,
        PayMethod::Transfer,
        PayMethod::Other,
        PayMethod::Online,
        PayMethod::Prepaid,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PayMethod::Cash => "cash",
            PayMethod::Pos => "pos",
            PayMethod::Transfer => "transfer",
            PayMethod::Other => "other",
            PayMethod::Online => "online",
            PayMethod::Prepaid => "prepaid",
        }
    }
    pub fn parse(s: &str) -> Option<PayMethod> {
        PayMethod::ALL.into_iter().find(|m| m.code() == s)
    }
    pub fn key(self) -> String {
        format!("billing.method_{}", self.code())
    }
}

/// A charge item with the standard in force and the ones scheduled or past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemRow {
    pub id: ChargeItemId,
    pub office_id: OrgId,
    pub office: String,
    pub code: String,
    pub name: String,
    pub category: String,
    pub active: bool,
    pub standards: Vec<StandardRow>,
    pub assignments: Vec<AssignmentRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StandardRow {
    pub id: i64,
    pub effective_from: String,
    /// `area`, `fixed`, `parking`, `metered`, `formula`.
    pub basis: String,
    /// Yuan with up to four decimals, e.g. `2.50`.
    pub price: String,
    /// `上限:单价` pairs, e.g. `10:3.50, :5.00` (empty when not tiered).
    pub tiers: String,
    pub formula: String,
    pub round_mode: String,
    pub round_to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssignmentRow {
    pub id: i64,
    pub community_id: OrgId,
    pub community: String,
    pub building_id: Option<i64>,
    pub building: Option<String>,
    pub use_type: Option<String>,
}

/// A new standard for an item (the price list from a date on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StandardInput {
    /// `YYYY-MM-DD`; a standard applies to months starting on or after it.
    pub effective_from: String,
    pub basis: String,
    pub price: String,
    #[serde(default)]
    pub tiers: String,
    #[serde(default)]
    pub formula: String,
    pub round_mode: String,
    pub round_to: String,
}

/// A formula checked and tried on sample units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormulaPreview {
    pub samples: Vec<SampleCharge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleCharge {
    pub unit: String,
    /// The variables used, as `name=value` pairs.
    pub inputs: String,
    /// The amount, or the i18n key of why it could not be computed.
    pub result: Result<Money, String>,
}

/// An office's billing rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BillingSettings {
    pub office_id: OrgId,
    /// `none` or `daily`.
    pub late_fee_mode: String,
    /// Per day, in ten-thousandths of the principal (0.5‰ = 5).
    pub late_fee_rate: u32,
    pub grace_days: u32,
    pub due_day: u32,
    pub receipt_prefix: String,
    pub vacant_relief_bp: u32,
    pub prepay_months: u32,
    pub prepay_discount_bp: u32,
}

impl BillingSettings {
    pub fn defaults(office: OrgId) -> BillingSettings {
        BillingSettings {
            office_id: office,
            late_fee_mode: "none".into(),
            late_fee_rate: 5,
            grace_days: 0,
            due_day: 25,
            receipt_prefix: "SK".into(),
            vacant_relief_bp: 0,
            prepay_months: 12,
            prepay_discount_bp: 0,
        }
    }
}

/// What a bill run would do (preview) or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunReport {
    pub period: String,
    pub units: u64,
    /// Lines this run creates (or would create).
    pub new_lines: u64,
    /// Lines that already existed for the period and were left alone.
    pub existing: u64,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub total: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub discounts: Money,
    /// Prepaid balance applied to the new lines.
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub offset: Money,
    pub by_item: Vec<RunItem>,
    pub problems: Vec<RunProblem>,
    pub generated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunItem {
    pub item: String,
    pub lines: u64,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub total: Money,
}

/// A unit the run could not charge, and why (an i18n key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunProblem {
    pub unit: String,
    pub item: String,
    pub reason: String,
}

/// The units a bill run could not charge for one item and one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemGroup {
    pub item: String,
    pub reason: String,
    pub units: Vec<String>,
}

/// A run's problems grouped by item and reason, in the order each cause first appears: sixty
/// units without an owner are one cause with a count, not sixty rows.
pub fn group_problems(problems: &[RunProblem]) -> Vec<ProblemGroup> {
    let mut groups: Vec<ProblemGroup> = vec![];
    for p in problems {
        match groups.iter_mut().find(|g| g.item == p.item && g.reason == p.reason) {
            Some(g) => g.units.push(p.unit.clone()),
            None => groups.push(ProblemGroup {
                item: p.item.clone(),
                reason: p.reason.clone(),
                units: vec![p.unit.clone()],
            }),
        }
    }
    groups
}

/// The common charge items by the names a property company gives them (and 有偿维修, which the
/// system creates for a paid repair): shown in the reader's language. Any other name is shown
/// as staff typed it.
pub const BUILTIN_ITEMS: [(&str, &str); 13] = [
    ("物业服务费", "billing.item_property_service"),
    ("物业费", "billing.item_property"),
    ("车位管理费", "billing.item_parking"),
    ("停车费", "billing.item_parking_fee"),
    ("水费", "billing.item_water"),
    ("电费", "billing.item_electricity"),
    ("燃气费", "billing.item_gas"),
    ("公摊水费", "billing.item_shared_water"),
    ("公摊电费", "billing.item_shared_electricity"),
    ("垃圾清运费", "billing.item_waste"),
    ("装修管理费", "billing.item_renovation"),
    ("装修押金", "billing.item_renovation_deposit"),
    ("有偿维修", "billing.item_repair"),
];

/// The message key of a built-in item's name, if `name` is one.
pub fn builtin_item_key(name: &str) -> Option<&'static str> {
    BUILTIN_ITEMS.iter().find(|(zh, _)| *zh == name).map(|(_, k)| *k)
}

/// One bill line as staff and residents see it, with today's late fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LineRow {
    pub id: BillLineId,
    pub unit_id: i64,
    pub unit: String,
    pub item: String,
    pub period: String,
    pub quantity: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub gross: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub discount: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub amount: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub paid: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub adjusted: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub outstanding: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub late_fee: Money,
    pub due_date: String,
    pub overdue: bool,
    pub payer: String,
    /// Why the line reads as it does: proration, relief, apportionment, prepaid offset.
    pub note: LineNote,
    /// The period is closed (月结): no waiver or reversal.
    pub closed: bool,
}

/// Why a bill line reads as it does. Stored as JSON in `bill_lines.detail` by the bill run and
/// the chargeable-repair charge, sent as is to pages and the API, and put in words by the UI.
/// Every field is optional, so rows written before a field existed still read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LineNote {
    /// Held for part of the month: days `[first, last]` of a month of `month_days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<HeldDays>,
    /// Vacant-unit relief, in basis points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relief_bp: Option<u32>,
    /// Prepay discount, in basis points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepay_bp: Option<u32>,
    /// Metered usage in hundredths: the unit's own meter and its apportioned share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<LineUsage>,
    /// What a one-off charge was for (a chargeable repair).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Days held in a month, stored as `[first, last, month_days]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(from = "[u32; 3]", into = "[u32; 3]")]
pub struct HeldDays {
    pub first: u32,
    pub last: u32,
    pub month_days: u32,
}

impl From<[u32; 3]> for HeldDays {
    fn from([first, last, month_days]: [u32; 3]) -> Self {
        HeldDays {
            first,
            last,
            month_days,
        }
    }
}

impl From<HeldDays> for [u32; 3] {
    fn from(d: HeldDays) -> Self {
        [d.first, d.last, d.month_days]
    }
}

impl HeldDays {
    /// Days held, both ends counted.
    pub fn count(&self) -> u32 {
        (self.last + 1).saturating_sub(self.first)
    }
}

/// Metered usage of a line, in hundredths of the item's unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LineUsage {
    /// The unit's own meter (none when it has no reading of its own).
    #[serde(default)]
    pub own: Option<i64>,
    #[serde(default)]
    pub shared: i64,
}

impl LineNote {
    /// Reads a stored note; a row whose detail does not parse reads as no note (it only
    /// explains the amount, which is stored on its own).
    pub fn parse(detail: &str) -> LineNote {
        serde_json::from_str(detail).unwrap_or_default()
    }
}

/// A payment as listed and on its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PaymentRow {
    pub id: PaymentId,
    pub receipt_no: String,
    pub unit_id: i64,
    pub unit: String,
    pub method: PayMethod,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub amount: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub late_fee: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub to_prepaid: Money,
    pub payer: String,
    pub cashier: String,
    pub paid_at: String,
    /// This row reverses (红冲) payment `reverses`.
    pub reverses: Option<PaymentId>,
    /// This payment has been reversed.
    pub reversed: bool,
    pub note: String,
}

/// A receipt (收据): the payment and what it paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub office: String,
    pub community: String,
    pub payment: PaymentRow,
    pub lines: Vec<ReceiptLine>,
    /// The amount in capital Chinese numerals (人民币大写).
    pub amount_words: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReceiptLine {
    pub item: String,
    pub period: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub principal: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub late_fee: Money,
}

/// What one of the resident's homes owes today, as 首页 shows it: the unpaid principal, the
/// late fees on it, and the oldest unpaid month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HomeDue {
    pub unit_id: i64,
    pub unit: String,
    pub community: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub due: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub late_fees: Money,
    /// Unpaid lines.
    pub lines: u32,
    /// `YYYY-MM` of the oldest unpaid line; none when nothing is owed.
    pub oldest: Option<String>,
    /// Some unpaid line is past its due date.
    pub overdue: bool,
}

/// The resident's 缴费 tab: an account per home, the current one (当前房屋) first, and the
/// homes to switch between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAccounts {
    pub homes: crate::estate::model::CurrentHome,
    pub accounts: Vec<UnitAccount>,
}

/// Everything the counter (and the resident's 缴费 tab) shows for one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitAccount {
    pub unit_id: i64,
    pub unit: String,
    pub community: String,
    pub office: String,
    pub owners: String,
    pub open: Vec<LineRow>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub due: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub late_fees: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub prepaid: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub deposits: Money,
    pub deposit_list: Vec<DepositRow>,
    pub payments: Vec<PaymentRow>,
    pub settled: Vec<LineRow>,
}

/// A deposit collected (or its refund, a negative row pointing at it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DepositRow {
    pub id: i64,
    pub purpose: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub amount: Money,
    pub receipt_no: String,
    pub at: String,
    /// This row is a refund.
    pub refund: bool,
    /// This collection has been refunded.
    pub refunded: bool,
}

/// A unit found at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitHit {
    pub unit_id: i64,
    pub unit: String,
    pub community: String,
    pub owners: String,
}

/// A cashier's day (日结): totals by method and the receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayEnd {
    pub date: String,
    pub cashier: String,
    pub by_method: Vec<(PayMethod, u64, Money)>,
    pub total: Money,
    pub payments: Vec<PaymentRow>,
}

/// A report row: one node of the org tree (or a building, item or period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CollectionRow {
    pub key: String,
    pub name: String,
    pub depth: u32,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub receivable: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub received: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub waived: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub arrears: Money,
    /// 收缴率 in basis points (received / (receivable − waived)); `None` with nothing due.
    pub rate_bp: Option<u32>,
    pub aging: [i64; 4],
}

/// The collection report: rows rolled up by org tree, or grouped by building, item or period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CollectionReport {
    pub from: String,
    pub to: String,
    pub by: String,
    pub rows: Vec<CollectionRow>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub prepaid: Money,
}

/// 收缴率 in basis points, rounded down; `None` when nothing was due.
pub fn collection_rate_bp(received: Money, due: Money) -> Option<u32> {
    (due.0 > 0).then(|| ((received.0.max(0) as i128 * 10_000) / due.0 as i128).min(10_000) as u32)
}

/// 收缴率 as shown: `92.50%`, or `—` when nothing was due.
pub fn rate_label(bp: Option<u32>) -> String {
    bp.map(|b| format!("{}%", crate::shared::money::fixed2(b as i64)))
        .unwrap_or_else(|| "—".into())
}

/// An amount in capital Chinese numerals as printed on receipts: `12345.60` →
/// `壹万贰仟叁佰肆拾伍元陆角整`.
pub fn amount_in_words(m: Money) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const SMALL: [&str; 4] = ["", "拾", "佰", "仟"];
    const BIG: [&str; 4] = ["", "万", "亿", "万亿"];
    let neg = m.0 < 0;
    let fen = m.0.unsigned_abs();
    let (yuan, jiao, f) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
    let mut s = String::new();
    if yuan > 0 {
        // Groups of four digits, highest first; zeros collapse to one 零.
        let mut groups = vec![];
        let mut y = yuan;
        while y > 0 {
            groups.push((y % 10_000) as usize);
            y /= 10_000;
        }
        let mut zero = false;
        for (gi, g) in groups.iter().enumerate().rev() {
            if *g == 0 {
                zero = !s.is_empty();
                continue;
            }
            if zero || (!s.is_empty() && *g < 1000) {
                s.push('零');
            }
            zero = false;
            let mut inner_zero = false;
            for p in (0..4).rev() {
                let d = g / 10usize.pow(p as u32) % 10;
                if d == 0 {
                    inner_zero = true;
                } else {
                    let started = g / 10usize.pow(p as u32 + 1) > 0;
                    if inner_zero && started {
                        s.push('零');
                    }
                    inner_zero = false;
                    s.push(DIGITS[d]);
                    s.push_str(SMALL[p]);
                }
            }
            s.push_str(BIG[gi.min(3)]);
        }
        s.push('元');
    }
    if jiao == 0 && f == 0 {
        if s.is_empty() {
            s.push_str("零元");
        }
        s.push('整');
    } else {
        if jiao > 0 {
            s.push(DIGITS[jiao]);
            s.push('角');
        } else if !s.is_empty() {
            s.push('零');
        }
        if f > 0 {
            s.push(DIGITS[f]);
            s.push('分');
        } else {
            s.push('整');
        }
    }
    if neg {
        format!("负{s}")
    } else {
        s
    }
}

// ---------------------------------------------------------------- meters and readings (抄表)

/// A new meter (水、电、燃气表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewMeter {
    pub community_id: OrgId,
    /// The unit it measures; `None` for a shared meter (总表/公摊表).
    pub unit_id: Option<i64>,
    /// A shared meter may serve one building only; a unit meter takes its unit's building.
    pub building_id: Option<i64>,
    /// The metered charge item that bills it.
    pub item_id: i64,
    pub code: String,
    /// `water`, `electricity` or `gas`.
    pub kind: String,
    /// `area` or `usage` (shared meters only).
    #[serde(default)]
    pub apportion: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeterRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub unit_id: Option<i64>,
    pub shared: bool,
    pub apportion: String,
    pub last_period: Option<i32>,
    pub last_reading: Option<i64>,
}

/// A recorded reading and what was flagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadingRow {
    pub meter_id: i64,
    /// `YYYYMM`.
    pub period: i32,
    /// Reading and usage in hundredths.
    pub reading: i64,
    pub usage: i64,
    /// `negative` (below the previous reading) or `high` (far above the meter's history).
    pub anomaly: Option<String>,
}

/// One meter on the month's reading sheet (抄表单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeterLine {
    pub id: i64,
    pub code: String,
    /// `water`, `electricity` or `gas`.
    pub kind: String,
    /// A shared meter (总表/公摊表); otherwise the meter of `unit`.
    pub shared: bool,
    pub unit_id: Option<i64>,
    /// The unit's number, e.g. `1-1-0101`.
    pub unit: Option<String>,
    pub building_id: Option<i64>,
    /// The building's code, e.g. `1`.
    pub building: Option<String>,
    pub item_id: i64,
    pub item: String,
    /// How a shared meter's usage is split: `area` or `usage`.
    pub apportion: String,
    /// The last reading before the month: its month (`YYYY-MM`) and value in hundredths.
    pub prev_period: Option<String>,
    pub prev_reading: Option<i64>,
    /// The month's reading and usage in hundredths, once entered.
    pub reading: Option<i64>,
    pub usage: Option<i64>,
    /// `negative` or `high`.
    pub anomaly: Option<String>,
    /// Why the month's reading can no longer change (an i18n key: `err.period_closed`,
    /// `err.reading_billed`, `err.reading_next_billed`), or `None`.
    pub frozen: Option<String>,
}

/// A building to filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BuildingChoice {
    pub id: i64,
    pub code: String,
}

/// A charge item a meter may bill (metered, or of a utility category).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeterItem {
    pub id: i64,
    pub name: String,
    pub category: String,
}

/// A community's meters and their readings of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeterSheet {
    pub community_id: OrgId,
    /// `YYYY-MM`.
    pub period: String,
    /// The month is closed (月结) for the community's office: nothing can change.
    pub closed: bool,
    /// The caller may record readings (`billing.collect`).
    pub can_record: bool,
    /// The caller may add meters (`billing.manage`).
    pub can_manage: bool,
    pub buildings: Vec<BuildingChoice>,
    pub items: Vec<MeterItem>,
    pub meters: Vec<MeterLine>,
}

/// A reading the import stored (or would store) although it looks wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FlaggedReading {
    /// The spreadsheet row.
    pub row: u32,
    pub meter: String,
    pub unit: Option<String>,
    /// `YYYY-MM`.
    pub period: String,
    /// Hundredths.
    pub usage: i64,
    /// `negative` or `high`.
    pub anomaly: String,
}

/// A row the import refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadingRowError {
    /// The spreadsheet row (1 = the header row).
    pub row: u32,
    /// The column's header text.
    pub column: String,
    /// Stable i18n key, e.g. `err.reading_invalid`.
    pub code: String,
    pub message: String,
}

/// What an import of readings stored (or, for a dry run, would store), or why it stored nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadingImportReport {
    /// True only when the readings were written.
    pub committed: bool,
    /// Readings in the file (stored when committed).
    pub readings: u32,
    /// Rows without a reading, left alone.
    pub skipped: u32,
    /// Readings that look wrong; they are stored all the same, for staff to check.
    pub flagged: Vec<FlaggedReading>,
    /// Every error found, up to a cap (see `error_count`). Any error means nothing is stored.
    pub errors: Vec<ReadingRowError>,
    pub error_count: u32,
}

// ---------------------------------------------------------------- settings form

/// `0.5` (‰ of the principal per day) as the stored rate in ten-thousandths (`5`): not
/// negative, at most one decimal.
pub fn parse_permille(s: &str) -> Option<u32> {
    let v = crate::shared::money::parse_fixed2(s)?;
    (v % 10 == 0).then(|| u32::try_from(v / 10).ok()).flatten()
}

/// A daily rate in ten-thousandths as ‰: `5` → `0.5`, `10` → `1`.
pub fn permille_label(rate: u32) -> String {
    if rate.is_multiple_of(10) {
        (rate / 10).to_string()
    } else {
        format!("{}.{}", rate / 10, rate % 10)
    }
}

/// `30`, `12.5` (%) as basis points (`3000`, `1250`): not negative, at most two decimals.
pub fn parse_percent(s: &str) -> Option<u32> {
    crate::shared::money::parse_fixed2(s).and_then(|v| u32::try_from(v).ok())
}

/// Basis points as a percentage without needless zeros: `3000` → `30`, `1250` → `12.5`.
pub fn percent_label(bp: u32) -> String {
    let s = crate::shared::money::fixed2(bp as i64);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The settings form as typed: numbers as text, percentages and ‰ as people write them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SettingsInput {
    pub late_fee_mode: String,
    /// ‰ per day.
    pub late_fee_rate: String,
    pub grace_days: String,
    pub due_day: String,
    /// %.
    pub vacant_relief: String,
    /// %.
    pub prepay_discount: String,
    pub receipt_prefix: String,
}

impl SettingsInput {
    pub fn of(s: &BillingSettings) -> SettingsInput {
        SettingsInput {
            late_fee_mode: s.late_fee_mode.clone(),
            late_fee_rate: permille_label(s.late_fee_rate),
            grace_days: s.grace_days.to_string(),
            due_day: s.due_day.to_string(),
            vacant_relief: percent_label(s.vacant_relief_bp),
            prepay_discount: percent_label(s.prepay_discount_bp),
            receipt_prefix: s.receipt_prefix.clone(),
        }
    }

    /// The settings these values make over `base` (which keeps what the form does not show),
    /// or the first field that is wrong, named as [`BillingSettings`] names it (the server
    /// checks the same rules and names the same fields).
    pub fn parse(&self, base: &BillingSettings) -> Result<BillingSettings, crate::shared::error::AppError> {
        use crate::shared::error::AppError;
        let whole = |s: &str| s.trim().parse::<u32>().ok();
        let late_fee_mode = match self.late_fee_mode.as_str() {
            m @ ("none" | "daily") => m.to_string(),
            _ => return Err(AppError::validation("late_fee_mode", "err.bad_request")),
        };
        let late_fee_rate = parse_permille(&self.late_fee_rate)
            .filter(|r| *r <= 100)
            .ok_or_else(|| AppError::validation("late_fee_rate", "err.late_fee_rate"))?;
        let grace_days = whole(&self.grace_days)
            .filter(|d| *d <= 365)
            .ok_or_else(|| AppError::validation("grace_days", "err.grace_days"))?;
        let due_day = whole(&self.due_day)
            .filter(|d| (1..=28).contains(d))
            .ok_or_else(|| AppError::validation("due_day", "err.due_day"))?;
        let vacant_relief_bp = parse_percent(&self.vacant_relief)
            .filter(|p| *p <= 10_000)
            .ok_or_else(|| AppError::validation("vacant_relief_bp", "err.percent"))?;
        let prepay_discount_bp = parse_percent(&self.prepay_discount)
            .filter(|p| *p <= 10_000)
            .ok_or_else(|| AppError::validation("prepay_discount_bp", "err.percent"))?;
        let receipt_prefix = self.receipt_prefix.trim().to_uppercase();
        if !receipt_prefix_ok(&receipt_prefix) {
            return Err(AppError::validation("receipt_prefix", "err.receipt_prefix"));
        }
        Ok(BillingSettings {
            late_fee_mode,
            late_fee_rate,
            grace_days,
            due_day,
            vacant_relief_bp,
            prepay_discount_bp,
            receipt_prefix,
            ..base.clone()
        })
    }
}

/// A receipt number prefix: 1–6 ASCII letters or digits.
pub fn receipt_prefix_ok(p: &str) -> bool {
    !p.is_empty() && p.len() <= 6 && p.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_item_names_have_keys_in_every_language_and_typed_names_do_not() {
        assert_eq!(builtin_item_key("物业服务费"), Some("billing.item_property_service"));
        assert_eq!(builtin_item_key("有偿维修"), Some("billing.item_repair"));
        assert_eq!(builtin_item_key("会所活动费"), None);
        for (zh, key) in BUILTIN_ITEMS {
            assert_eq!(crate::shared::i18n::tr_in("zh-CN", key), zh, "{key}");
            assert_ne!(crate::shared::i18n::tr_in("en", key), key, "{key} has no English");
        }
    }

    #[test]
    fn a_line_note_reads_what_bill_runs_and_charges_stored_and_round_trips() {
        let n =
            LineNote::parse(r#"{"days":[16,30,30],"relief_bp":3000,"prepay_bp":500,"usage":{"own":1200,"shared":55}}"#);
        assert_eq!(
            n.days,
            Some(HeldDays {
                first: 16,
                last: 30,
                month_days: 30
            })
        );
        assert_eq!(n.days.map(|d| d.count()), Some(15));
        assert_eq!((n.relief_bp, n.prepay_bp), (Some(3_000), Some(500)));
        assert_eq!(
            n.usage,
            Some(LineUsage {
                own: Some(1_200),
                shared: 55
            })
        );
        // A metered line whose unit had no reading of its own stored `own: null`.
        assert_eq!(
            LineNote::parse(r#"{"usage":{"own":null,"shared":7}}"#).usage,
            Some(LineUsage { own: None, shared: 7 })
        );
        assert_eq!(
            LineNote::parse(r#"{"note":"更换灯泡"}"#).note.as_deref(),
            Some("更换灯泡")
        );
        assert_eq!(LineNote::parse(""), LineNote::default());
        assert_eq!(LineNote::parse("{}"), LineNote::default());
        let back: LineNote = serde_json::from_str(&serde_json::to_string(&n).unwrap()).unwrap();
        assert_eq!(back, n);
        assert_eq!(serde_json::to_string(&LineNote::default()).unwrap(), "{}");
    }
    use proptest::prelude::*;

    fn r(mode: RoundMode, to: RoundTo) -> Rounding {
        Rounding { mode, to }
    }

    #[test]
    fn prices_parse_exactly() {
        assert_eq!(Price::parse("2.5"), Some(Price(25_000)));
        assert_eq!(Price::parse("0.3125"), Some(Price(3_125)));
        assert_eq!(Price::parse("12"), Some(Price(120_000)));
        for bad in ["", "-1", "1.23456", "1e2", ".5", "abc", "1.2.3"] {
            assert_eq!(Price::parse(bad), None, "{bad}");
        }
        assert_eq!(Price(25_000).to_string(), "2.50");
        assert_eq!(Price(3_125).to_string(), "0.3125");
    }

    #[test]
    fn rounding_rules() {
        // 2.50 元/㎡ × 89.57 ㎡ = 223.925 元.
        let amount = |rr| price_times(Price(25_000), 8957, rr);
        assert_eq!(amount(r(RoundMode::HalfUp, RoundTo::Fen)), Money(22_393));
        assert_eq!(amount(r(RoundMode::Down, RoundTo::Fen)), Money(22_392));
        assert_eq!(amount(r(RoundMode::Up, RoundTo::Fen)), Money(22_393));
        assert_eq!(amount(r(RoundMode::HalfUp, RoundTo::Jiao)), Money(22_390));
        assert_eq!(amount(r(RoundMode::Up, RoundTo::Jiao)), Money(22_400));
        assert_eq!(amount(r(RoundMode::HalfUp, RoundTo::Yuan)), Money(22_400));
        assert_eq!(amount(r(RoundMode::Down, RoundTo::Yuan)), Money(22_300));
        // Negative amounts (refunds) round symmetrically.
        assert_eq!(Rounding::FEN_HALF_UP.apply(-25, 10), Money(-3));
        assert_eq!(r(RoundMode::Down, RoundTo::Fen).apply(-29, 10), Money(-2));
        assert_eq!(r(RoundMode::Up, RoundTo::Fen).apply(-21, 10), Money(-3));
    }

    #[test]
    fn tiers_charge_each_band_at_its_price() {
        // 居民阶梯水价: 0–180 m³ at 3.45, 180–260 at 4.83, above at 5.83 (hundredths of m³).
        let t = [
            Tier {
                up_to: Some(18_000),
                price: Price(34_500),
            },
            Tier {
                up_to: Some(26_000),
                price: Price(48_300),
            },
            Tier {
                up_to: None,
                price: Price(58_300),
            },
        ];
        assert_eq!(check_tiers(&t), Ok(()));
        assert_eq!(tiered(10_000, &t, Rounding::FEN_HALF_UP), Money(34_500));
        assert_eq!(tiered(20_000, &t, Rounding::FEN_HALF_UP), Money(62_100 + 9_660));
        assert_eq!(
            tiered(30_000, &t, Rounding::FEN_HALF_UP),
            Money(62_100 + 38_640 + 23_320)
        );
        assert_eq!(tiered(0, &t, Rounding::FEN_HALF_UP), Money(0));
        assert_eq!(check_tiers(&[]), Err(TierError::Empty));
        assert_eq!(check_tiers(&t[..2]), Err(TierError::LastBounded));
        assert_eq!(check_tiers(&[t[1], t[0], t[2]]), Err(TierError::NotIncreasing));
        assert_eq!(check_tiers(&[t[2], t[2]]), Err(TierError::UnboundedNotLast));
    }

    #[test]
    fn late_fees_start_after_grace_and_stop_at_the_principal() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        // 0.5‰ a day on ¥224.00, due 11-10, 5 grace days: from 11-16 counts.
        assert_eq!(late_fee(Money(22_400), 5, d(11, 10), 5, d(11, 15)), Money(0));
        assert_eq!(late_fee(Money(22_400), 5, d(11, 10), 5, d(11, 16)), Money(11));
        assert_eq!(late_fee(Money(22_400), 5, d(11, 10), 5, d(11, 25)), Money(112));
        assert_eq!(
            late_fee(Money(22_400), 5, d(1, 1), 0, d(12, 31)),
            Money(4_076),
            "364 days"
        );
        assert_eq!(late_fee(Money(100), 500, d(1, 1), 0, d(12, 31)), Money(100), "capped");
        assert_eq!(late_fee(Money(0), 5, d(1, 1), 0, d(12, 31)), Money(0));
    }

    #[test]
    fn proration_by_days() {
        let full = Money(22_393);
        assert_eq!(prorate(full, 1, 30, 30, Rounding::FEN_HALF_UP), full);
        assert_eq!(prorate(full, 16, 30, 30, Rounding::FEN_HALF_UP), Money(11_197));
        assert_eq!(prorate(full, 31, 31, 30, Rounding::FEN_HALF_UP), Money(0));
        assert_eq!(prorate(full, 5, 4, 30, Rounding::FEN_HALF_UP), Money(0));
    }

    proptest! {
        #[test]
        fn split_parts_sum_to_the_whole(amount in -10_000_000i64..10_000_000, weights in prop::collection::vec(0u32..40, 1..8)) {
            let parts = split(Money(amount), &weights);
            prop_assert_eq!(parts.len(), weights.len());
            if weights.iter().any(|w| *w > 0) {
                prop_assert_eq!(parts.iter().map(|p| p.0).sum::<i64>(), amount);
            }
            for (p, w) in parts.iter().zip(&weights) {
                if *w == 0 { prop_assert_eq!(p.0, 0); }
            }
        }

        #[test]
        fn a_month_split_at_move_out_sums_back_to_the_month(monthly in 0i64..5_000_000, days in 28u32..=31, cut in 1u32..31) {
            let cut = cut.min(days - 1);
            // The leaving occupant pays days 1..=cut, the arriving one cut+1..=days.
            let parts = split(Money(monthly), &[cut, days - cut]);
            prop_assert_eq!(parts[0].0 + parts[1].0, monthly);
            prop_assert_eq!(prorate(Money(monthly), 1, days, days, Rounding::FEN_HALF_UP), Money(monthly));
        }

        #[test]
        fn rounding_stays_within_one_step(num in -1_000_000_000i64..1_000_000_000, den in 1i64..100_000) {
            for to in [RoundTo::Fen, RoundTo::Jiao, RoundTo::Yuan] {
                let step = to.fen() * den as i128;
                for mode in [RoundMode::HalfUp, RoundMode::Up, RoundMode::Down] {
                    let got = Rounding { mode, to }.apply(num as i128, den as i128).0 as i128 * den as i128;
                    prop_assert!((got - num as i128).abs() < step);
                    prop_assert_eq!(got % step, 0);
                }
            }
        }

        #[test]
        fn late_fee_never_exceeds_the_principal(p in 0i64..10_000_000, rate in 0u32..100, days in 0i64..2_000) {
            let due = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
            let fee = late_fee(Money(p), rate, due, 0, due + chrono::Duration::days(days));
            prop_assert!(fee.0 >= 0 && fee.0 <= p);
        }
    }

    #[test]
    fn amounts_in_capital_numerals() {
        assert_eq!(amount_in_words(Money(1_234_560)), "壹万贰仟叁佰肆拾伍元陆角整");
        assert_eq!(amount_in_words(Money(22_393)), "贰佰贰拾叁元玖角叁分");
        assert_eq!(amount_in_words(Money(100_000)), "壹仟元整");
        assert_eq!(amount_in_words(Money(100_500)), "壹仟零伍元整");
        assert_eq!(amount_in_words(Money(1_000_005)), "壹万元零伍分");
        assert_eq!(amount_in_words(Money(10_050_000)), "壹拾万零伍佰元整");
        assert_eq!(amount_in_words(Money(0)), "零元整");
        assert_eq!(amount_in_words(Money(7)), "柒分");
        assert_eq!(collection_rate_bp(Money(9_000), Money(10_000)), Some(9_000));
        assert_eq!(collection_rate_bp(Money(1), Money(0)), None);
    }

    #[test]
    fn settings_form_values_parse_exactly_and_name_the_wrong_field() {
        assert_eq!(parse_permille("0.5"), Some(5));
        assert_eq!(parse_permille("1"), Some(10));
        assert_eq!(parse_permille("0"), Some(0));
        for bad in ["", "-1", "0.55", "abc", "1e1"] {
            assert_eq!(parse_permille(bad), None, "{bad}");
        }
        assert_eq!(permille_label(5), "0.5");
        assert_eq!(permille_label(10), "1");
        assert_eq!(parse_percent("30"), Some(3_000));
        assert_eq!(parse_percent("12.5"), Some(1_250));
        assert_eq!(parse_percent("-5"), None);
        assert_eq!(percent_label(3_000), "30");
        assert_eq!(percent_label(1_250), "12.5");
        assert_eq!(percent_label(0), "0");

        let base = BillingSettings::defaults(OrgId(7));
        let mut f = SettingsInput::of(&base);
        assert_eq!(f.parse(&base), Ok(base.clone()), "the defaults round-trip");
        f.late_fee_mode = "daily".into();
        f.late_fee_rate = "0.5".into();
        f.vacant_relief = "30".into();
        f.receipt_prefix = " gh ".into();
        let s = f.parse(&base).unwrap();
        assert_eq!((s.late_fee_rate, s.vacant_relief_bp), (5, 3_000));
        assert_eq!(s.receipt_prefix, "GH");
        assert_eq!(s.prepay_months, base.prepay_months, "kept from the base");
        let field = |f: &SettingsInput| f.parse(&base).unwrap_err().field().map(String::from);
        for (set, want) in [
            (
                SettingsInput {
                    late_fee_rate: "20".into(),
                    ..f.clone()
                },
                "late_fee_rate",
            ),
            (
                SettingsInput {
                    grace_days: "1.5".into(),
                    ..f.clone()
                },
                "grace_days",
            ),
            (
                SettingsInput {
                    due_day: "29".into(),
                    ..f.clone()
                },
                "due_day",
            ),
            (
                SettingsInput {
                    vacant_relief: "101".into(),
                    ..f.clone()
                },
                "vacant_relief_bp",
            ),
            (
                SettingsInput {
                    prepay_discount: "x".into(),
                    ..f.clone()
                },
                "prepay_discount_bp",
            ),
            (
                SettingsInput {
                    receipt_prefix: "收据".into(),
                    ..f.clone()
                },
                "receipt_prefix",
            ),
            (
                SettingsInput {
                    late_fee_mode: "monthly".into(),
                    ..f.clone()
                },
                "late_fee_mode",
            ),
        ] {
            assert_eq!(field(&set).as_deref(), Some(want));
        }
    }

    #[test]
    fn run_problems_group_by_item_and_reason_in_first_seen_order() {
        let p = |unit: &str, item: &str, reason: &str| RunProblem {
            unit: unit.into(),
            item: item.into(),
            reason: reason.into(),
        };
        let groups = group_problems(&[
            p("1-101", "物业费", "billing.err_no_owner"),
            p("1-102", "水费", "billing.err_no_reading"),
            p("1-103", "物业费", "billing.err_no_owner"),
            p("1-103", "水费", "billing.err_no_reading"),
            p("1-104", "物业费", "billing.err_no_area"),
        ]);
        let seen: Vec<(&str, &str, usize)> = groups
            .iter()
            .map(|g| (g.item.as_str(), g.reason.as_str(), g.units.len()))
            .collect();
        assert_eq!(
            seen,
            [
                ("物业费", "billing.err_no_owner", 2),
                ("水费", "billing.err_no_reading", 2),
                ("物业费", "billing.err_no_area", 1)
            ]
        );
        assert_eq!(groups[0].units, ["1-101", "1-103"]);
        assert!(group_problems(&[]).is_empty());
    }
}
