//! (ssr) community's background work: sending a notice at its time, reminding the households
//! that have not read it, opening a survey at its time, publishing an event and reminding its
//! households the day before.
use crate::jobs::Registry;

/// A notice sent to its households (at its `publish_at`).
pub const PUBLISH: &str = "community.notice_publish";
/// One more push of a notice to the households that have not read it.
pub const REMIND: &str = "community.notice_remind";
/// A survey opened to its households (at its `opens_at`).
pub const SURVEY_OPEN: &str = "community.survey_open";
/// An event published to its households (at its `publish_at`).
pub const EVENT_PUBLISH: &str = "community.event_publish";
/// The day before an event, a push to the households signed up.
pub const EVENT_REMIND: &str = "community.event_remind";

pub fn register(r: &mut Registry) {
    r.handle(PUBLISH, |ctx, p| async move { super::notices::publish(&ctx, &p).await });
    r.handle(
        REMIND,
        |ctx, p| async move { super::notices::remind_unread(&ctx, &p).await },
    );
    r.handle(
        SURVEY_OPEN,
        |ctx, p| async move { super::surveys::open_job(&ctx, &p).await },
    );
    r.handle(EVENT_PUBLISH, |ctx, p| async move {
        super::events::publish_job(&ctx, &p).await
    });
    r.handle(EVENT_REMIND, |ctx, p| async move {
        super::events::remind_job(&ctx, &p).await
    });
}
