//! (ssr) files' background work: the hourly purge of uploads never attached within a day
//! (guarded per row, so every server may run it).
use crate::jobs::Registry;
use std::time::Duration;

pub fn register(r: &mut Registry) {
    r.every("files.purge_unattached", Duration::from_secs(3_600), |ctx| async move {
        let n = super::service::purge_unattached(&ctx, chrono::Duration::days(1)).await?;
        Ok((n > 0).then(|| format!("{n} unattached uploads purged")))
    });
}
