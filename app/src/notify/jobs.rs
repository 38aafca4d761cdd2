//! (ssr) notify's background work: delivering Web Pushes, e-mails and staff broadcasts.
use crate::jobs::Registry;

/// One Web Push to one device.
pub const PUSH: &str = "push";
/// One e-mail notice.
pub const EMAIL: &str = "email";
/// A staff broadcast fanned out to its audience.
pub const BROADCAST: &str = "notify.broadcast";

pub fn register(r: &mut Registry) {
    r.handle(
        PUSH,
        |ctx, p| async move { super::service::deliver_push(&ctx, &p).await },
    );
    r.handle(
        EMAIL,
        |ctx, p| async move { super::service::deliver_email(&ctx, &p).await },
    );
    r.handle(
        BROADCAST,
        |ctx, p| async move { super::broadcast::deliver(&ctx, &p).await },
    );
}
