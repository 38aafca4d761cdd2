//! (ssr) The clubhouse's background work: marking no-shows once a booking's grace has run out.
use crate::jobs::Registry;
use std::time::Duration;

pub fn register(r: &mut Registry) {
    r.every("amenities.no_shows", Duration::from_secs(60), |ctx| async move {
        let n = super::bookings::mark_no_shows(&ctx).await?;
        Ok((n > 0).then(|| format!("{n} clubhouse bookings marked as no-shows")))
    });
}
