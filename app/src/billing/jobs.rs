//! (ssr) billing's background work: telling households of new bills, and the hourly reminders
//! of overdue ones (stored once per home and month, so every server may run them).
use crate::jobs::Registry;
use std::time::Duration;

/// A bill run's households hear of their new bills.
pub const BILL_ISSUED: &str = "billing.bill_issued";

pub fn register(r: &mut Registry) {
    r.handle(BILL_ISSUED, |ctx, p| async move {
        super::notices::bill_issued(&ctx, &p).await
    });
    r.every(
        "billing.overdue_reminders",
        Duration::from_secs(3_600),
        |ctx| async move {
            let n = super::notices::overdue_reminders(&ctx).await?;
            Ok((n > 0).then(|| format!("{n} overdue reminders raised")))
        },
    );
}
