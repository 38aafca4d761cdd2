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
pub use pay::{MyBillsPage, ReceiptPage};
pub use reports::ReportsPage;
pub use settings::SettingsPage;
pub use setup::{BillRunPage, ItemsPage};

use super::model::LineRow;
use crate::shared::i18n::I18n;
use crate::shared::money::fixed2;

/// The plain-language notes of a line ("prorate:16:30:30" → "按 15/30 天计").
pub(crate) fn line_notes(i18n: I18n, l: &LineRow) -> String {
    l.notes
        .iter()
        .map(|n| {
            let p: Vec<&str> = n.split(':').collect();
            match p.as_slice() {
                ["prorate", first, last, md] => {
                    let days = last.parse::<i64>().unwrap_or(0) - first.parse::<i64>().unwrap_or(0) + 1;
                    i18n.t("billing.note_prorate")
                        .replace("{days}", &days.to_string())
                        .replace("{month}", md)
                }
                ["relief", bp] => i18n.t("billing.note_relief").replace("{pct}", &pct(bp)),
                ["prepay", bp] => i18n.t("billing.note_prepay").replace("{pct}", &pct(bp)),
                ["shared", own, shared] => i18n
                    .t("billing.note_shared")
                    .replace("{own}", &hundredths(own))
                    .replace("{shared}", &hundredths(shared)),
                _ => String::new(),
            }
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("；")
}

fn pct(bp: &str) -> String {
    fixed2(bp.parse().unwrap_or(0)).trim_end_matches(".00").to_string()
}

fn hundredths(v: &str) -> String {
    fixed2(v.parse().unwrap_or(0))
}
