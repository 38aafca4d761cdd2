//! (ssr) community's background work: sending a notice at its time and reminding the households
//! that have not read it.
use crate::jobs::Registry;

/// A notice sent to its households (at its `publish_at`).
pub const PUBLISH: &str = "community.notice_publish";
/// One more push of a notice to the households that have not read it.
pub const REMIND: &str = "community.notice_remind";

pub fn register(r: &mut Registry) {
    r.handle(PUBLISH, |ctx, p| async move { super::notices::publish(&ctx, &p).await });
    r.handle(
        REMIND,
        |ctx, p| async move { super::notices::remind_unread(&ctx, &p).await },
    );
}
