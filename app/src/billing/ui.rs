//! Billing pages: fee standards, settings, meter readings, bill runs, the counter, receipts, day end, reports, and the
//! resident's 缴费 tab.
mod counter;
mod meters;
mod pay;
mod reports;
mod settings;
mod setup;

pub use counter::{CounterPage, DayEndPage, NoticePage};
pub use meters::MetersPage;
pub use pay::{pay_form_id, MyBillsPage, OnlinePay, Picked, ReceiptPage};
pub use reports::ReportsPage;
pub use settings::SettingsPage;
pub use setup::{BillRunPage, ItemsPage};

use super::model::LineRow;
use crate::shared::i18n::I18n;
use crate::shared::money::fixed2;

/// A line's note in words ("按 15/30 天计；空置房减免 30%").
/// A charge item's name in the reader's language when it is a built-in one, else as typed.
pub fn item_label(i18n: I18n, name: &str) -> String {
    match super::model::builtin_item_key(name) {
        Some(k) => i18n.t(k),
        None => name.to_string(),
    }
}

pub(crate) fn line_notes(i18n: I18n, l: &LineRow) -> String {
    let n = &l.note;
    let mut out = vec![];
    if let Some(d) = n.days {
        out.push(
            i18n.t("billing.note_prorate")
                .replace("{days}", &d.count().to_string())
                .replace("{month}", &d.month_days.to_string()),
        );
    }
    if let Some(bp) = n.relief_bp {
        out.push(i18n.t("billing.note_relief").replace("{pct}", &pct(bp)));
    }
    if let Some(bp) = n.prepay_bp {
        out.push(i18n.t("billing.note_prepay").replace("{pct}", &pct(bp)));
    }
    if let Some(u) = n.usage.filter(|u| u.shared > 0) {
        out.push(
            i18n.t("billing.note_shared")
                .replace("{own}", &fixed2(u.own.unwrap_or(0)))
                .replace("{shared}", &fixed2(u.shared)),
        );
    }
    out.join("；")
}

fn pct(bp: u32) -> String {
    fixed2(i64::from(bp)).trim_end_matches(".00").to_string()
}
