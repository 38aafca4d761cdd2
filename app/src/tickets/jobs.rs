//! (ssr) tickets' background work: the SLA clocks, checked every minute, so a breach is marked
//! (once, by a guarded update: every server may run it) and the supervisor told within a minute.
use crate::jobs::Registry;
use std::time::Duration;

pub fn register(r: &mut Registry) {
    r.every("tickets.sla_watch", Duration::from_secs(60), |ctx| async move {
        let n = super::service::sla_watch(&ctx).await?;
        Ok((n > 0).then(|| format!("SLA breaches marked on {n} tickets")))
    });
}
