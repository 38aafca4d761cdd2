//! (ssr) community's background work: sending a notice at its time, reminding the households
//! that have not read it, and opening a survey at its time.
use crate::jobs::Registry;

/// A notice sent to its households (at its `publish_at`).
pub const PUBLISH: &str = "community.notice_publish";
/// One more push of a notice to the households that have not read it.
pub const REMIND: &str = "community.notice_remind";
/// A survey opened to its households (at its `opens_at`).
pub const SURVEY_OPEN: &str = "community.survey_open";

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
}
