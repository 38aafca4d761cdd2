//! 会所 (amenities): the clubhouse's venues and their bookings.
//! - Venues (`venues`): staff of a community's office set each venue's opening hours per
//!   weekday and weekend (a late opening may run past midnight), its slot length and its rules:
//!   who may book, how far ahead and how late, limits per household per day and week, slots per
//!   booking, the cancellation deadline, approval, prices for residents and walk-ins, and a
//!   no-show policy. A closure (maintenance, a holiday, blocked slots) cancels the bookings it
//!   overlaps and tells their households.
//! - Bookings (`bookings`): residents book at `/community/clubhouse`; every refusal names its
//!   rule with its figures. Each booked slot is a row keyed by (venue, start), so the database
//!   itself refuses a double booking. A price is a line on the household's bills. The desk
//!   (`/admin/amenities`) sees a community's day, books for households and walk-ins, approves,
//!   checks in by the booking's code (its QR code) and cancels; no-shows are marked by a
//!   periodic task.
//!
//! Owns `am_venues`, `am_closures`, `am_bookings`, `am_booking_slots`. Periodic:
//! `amenities.no_shows`. REST: `/venues…`, `/bookings…`, `/me/bookings…`. Permission:
//! `amenities.manage`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod bookings;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod venues;

#[cfg(test)]
mod tests {
    /// Every message key the area names resolves in both languages.
    #[test]
    fn every_key_the_pages_name_is_worded_in_both_languages() {
        use crate::shared::i18n::tr_in;
        let src = concat!(
            include_str!("ui.rs"),
            include_str!("ui/staff.rs"),
            include_str!("bookings.rs"),
            include_str!("venues.rs"),
            include_str!("model.rs"),
        );
        let mut keys: Vec<String> = src
            .split('"')
            .filter(|s| s.starts_with("am.") && s.len() > 3 && !s.contains([' ', '{']) && !s.ends_with('.'))
            .map(String::from)
            .collect();
        use super::model::{Booker, BookingStatus, VenueKind};
        keys.extend(VenueKind::ALL.iter().map(|c| c.key()));
        keys.extend(Booker::ALL.iter().map(|c| c.key()));
        keys.extend(BookingStatus::ALL.iter().map(|c| c.key()));
        keys.push("perm.amenities.manage".into());
        assert!(keys.len() >= 40, "found {} keys", keys.len());
        for k in keys {
            for l in ["zh-CN", "en"] {
                assert_ne!(tr_in(l, &k), k, "{l}: {k}");
            }
        }
    }
}
