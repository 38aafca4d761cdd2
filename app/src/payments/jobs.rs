//! (ssr) payments' background work: applying the provider's recent events every few minutes,
//! since webhooks can be missed. Every server may run it: applying an event is idempotent.
use crate::jobs::Registry;
use std::time::Duration;

/// Reconciles every `minutes` (0 = never).
pub fn register(r: &mut Registry, minutes: u64) {
    if minutes == 0 {
        return;
    }
    r.every(
        "payments.reconcile",
        Duration::from_secs(minutes * 60),
        |ctx| async move {
            if super::provider::Online::of(&ctx.cfg).provider.is_none() {
                return Ok(None);
            }
            let r = super::service::reconcile(&ctx).await?;
            Ok((r.applied > 0 || r.refunds_resent > 0).then(|| format!("reconciliation applied missed events: {r:?}")))
        },
    );
}
