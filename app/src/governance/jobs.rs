//! (ssr) governance's background work: reminding owners who have not voted, the configured
//! number of days before a vote closes (checked every 10 minutes; once per meeting, by a guarded
//! update: every server may run it).
use crate::jobs::Registry;
use std::time::Duration;

pub fn register(r: &mut Registry) {
    r.every("governance.remind", Duration::from_secs(600), |ctx| async move {
        let n = super::rules::remind_due(&ctx).await?;
        Ok((n > 0).then(|| format!("owners reminded to vote in {n} meetings")))
    });
}
