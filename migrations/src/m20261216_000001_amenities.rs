//! The clubhouse (会所): venues with opening hours and booking rules, closures, bookings, and
//! one row per booked slot. The slot rows carry the rule that no slot is ever booked twice: their
//! primary key is (venue, slot start), so two households racing for one slot get one booking and
//! one refusal from the database itself, whatever the code above it does. A cancelled, rejected
//! or closed-over booking gives its slot rows back; the booking row stays for the record.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AmVenues {
    Table,
    Id,
    CommunityId,
    Name,
    /// `court`, `pool`, `hall`, `gym`, `meeting`, `bbq`, `other`.
    Kind,
    Description,
    /// People the venue holds (shown; a booking takes the whole venue).
    Capacity,
    SlotMinutes,
    /// Seven entries, Monday first: `[open, close]` in minutes after midnight (close may pass
    /// midnight, up to 48:00) or null for closed.
    Hours,
    /// Who may book: comma-separated `owners`, `tenants`, `family`.
    Who,
    WindowDays,
    LeadMinutes,
    /// 0: no limit.
    MaxPerDay,
    MaxPerWeek,
    MaxSlots,
    /// A resident may cancel until this long before the start.
    CancelMinutes,
    /// Per slot, in fen (0: free).
    PriceFen,
    /// Per slot for walk-in customers, in fen.
    GuestPriceFen,
    /// Bookings wait for staff approval.
    Approval,
    /// No-show policy: `NoshowLimit` no-shows within `NoshowDays` days suspend booking for
    /// `SuspendDays` days (limit 0: no policy).
    NoshowLimit,
    NoshowDays,
    SuspendDays,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AmClosures {
    Table,
    Id,
    VenueId,
    StartsAt,
    EndsAt,
    Reason,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AmBookings {
    Table,
    Id,
    VenueId,
    CommunityId,
    /// The household's home; null for a walk-in customer.
    UnitId,
    /// Who booked (the resident, or the staff member at the desk).
    UserId,
    /// A walk-in customer's name and phone.
    GuestName,
    GuestPhone,
    StartsAt,
    EndsAt,
    Slots,
    /// `pending`, `confirmed`, `checked_in`, `no_show`, `cancelled`, `rejected`.
    Status,
    /// Eight digits, shown as text and as a QR code, typed or scanned at the desk.
    Code,
    AmountFen,
    BillLineId,
    Reason,
    CheckedInAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AmBookingSlots {
    Table,
    VenueId,
    StartsAt,
    BookingId,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AmVenues::Table)
                .col(big_pk_auto(AmVenues::Id))
                .col(big_integer(AmVenues::CommunityId))
                .col(string_len(AmVenues::Name, 60))
                .col(string_len(AmVenues::Kind, 16))
                .col(text(AmVenues::Description))
                .col(integer(AmVenues::Capacity))
                .col(integer(AmVenues::SlotMinutes))
                .col(text(AmVenues::Hours))
                .col(string_len(AmVenues::Who, 60))
                .col(integer(AmVenues::WindowDays))
                .col(integer(AmVenues::LeadMinutes))
                .col(integer(AmVenues::MaxPerDay))
                .col(integer(AmVenues::MaxPerWeek))
                .col(integer(AmVenues::MaxSlots))
                .col(integer(AmVenues::CancelMinutes))
                .col(big_integer(AmVenues::PriceFen))
                .col(big_integer(AmVenues::GuestPriceFen))
                .col(boolean(AmVenues::Approval))
                .col(integer(AmVenues::NoshowLimit))
                .col(integer(AmVenues::NoshowDays))
                .col(integer(AmVenues::SuspendDays))
                .col(boolean(AmVenues::Active))
                .col(timestamp_with_time_zone(AmVenues::CreatedAt))
                .col(timestamp_with_time_zone(AmVenues::UpdatedAt))
                .foreign_key(&mut fk(
                    (AmVenues::Table, AmVenues::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_am_venues_name",
            AmVenues::Table,
            vec![AmVenues::CommunityId.into_iden(), AmVenues::Name.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AmClosures::Table)
                .col(big_pk_auto(AmClosures::Id))
                .col(big_integer(AmClosures::VenueId))
                .col(timestamp_with_time_zone(AmClosures::StartsAt))
                .col(timestamp_with_time_zone(AmClosures::EndsAt))
                .col(string_len(AmClosures::Reason, 200))
                .col(big_integer(AmClosures::CreatedBy))
                .col(timestamp_with_time_zone(AmClosures::CreatedAt))
                .foreign_key(&mut fk(
                    (AmClosures::Table, AmClosures::VenueId),
                    (AmVenues::Table, AmVenues::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_am_closures_venue",
            AmClosures::Table,
            vec![AmClosures::VenueId.into_iden(), AmClosures::EndsAt.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AmBookings::Table)
                .col(big_pk_auto(AmBookings::Id))
                .col(big_integer(AmBookings::VenueId))
                .col(big_integer(AmBookings::CommunityId))
                .col(big_integer_null(AmBookings::UnitId))
                .col(big_integer(AmBookings::UserId))
                .col(string_len(AmBookings::GuestName, 40))
                .col(string_len(AmBookings::GuestPhone, 20))
                .col(timestamp_with_time_zone(AmBookings::StartsAt))
                .col(timestamp_with_time_zone(AmBookings::EndsAt))
                .col(integer(AmBookings::Slots))
                .col(string_len(AmBookings::Status, 16))
                .col(string_len(AmBookings::Code, 8))
                .col(big_integer(AmBookings::AmountFen))
                .col(big_integer_null(AmBookings::BillLineId))
                .col(string_len(AmBookings::Reason, 200))
                .col(timestamp_with_time_zone_null(AmBookings::CheckedInAt))
                .col(timestamp_with_time_zone(AmBookings::CreatedAt))
                .col(timestamp_with_time_zone(AmBookings::UpdatedAt))
                .foreign_key(&mut fk(
                    (AmBookings::Table, AmBookings::VenueId),
                    (AmVenues::Table, AmVenues::Id),
                ))
                .foreign_key(&mut fk(
                    (AmBookings::Table, AmBookings::UnitId),
                    (Units::Table, Units::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_am_bookings_code",
            AmBookings::Table,
            vec![AmBookings::Code.into_iden()],
            true,
        )
        .await?;
        index(
            m,
            "ix_am_bookings_venue_start",
            AmBookings::Table,
            vec![AmBookings::VenueId.into_iden(), AmBookings::StartsAt.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_am_bookings_unit",
            AmBookings::Table,
            vec![AmBookings::UnitId.into_iden(), AmBookings::StartsAt.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_am_bookings_community_start",
            AmBookings::Table,
            vec![AmBookings::CommunityId.into_iden(), AmBookings::StartsAt.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AmBookingSlots::Table)
                .col(big_integer(AmBookingSlots::VenueId))
                .col(timestamp_with_time_zone(AmBookingSlots::StartsAt))
                .col(big_integer(AmBookingSlots::BookingId))
                .primary_key(
                    Index::create()
                        .col(AmBookingSlots::VenueId)
                        .col(AmBookingSlots::StartsAt),
                )
                .foreign_key(&mut fk(
                    (AmBookingSlots::Table, AmBookingSlots::BookingId),
                    (AmBookings::Table, AmBookings::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_am_booking_slots_booking",
            AmBookingSlots::Table,
            vec![AmBookingSlots::BookingId.into_iden()],
            false,
        )
        .await?;
        // The staff who run the front desk get the new permission on databases made before it.
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO role_permissions (role_id, permission) SELECT id, 'amenities.manage' FROM roles \
                 WHERE builtin AND code IN ('customer_service', 'project_manager', 'hq_admin', 'sysadmin') \
                 AND id NOT IN (SELECT role_id FROM role_permissions WHERE permission = 'amenities.manage')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DELETE FROM role_permissions WHERE permission = 'amenities.manage'")
            .await?;
        for t in [
            AmBookingSlots::Table.into_iden(),
            AmBookings::Table.into_iden(),
            AmClosures::Table.into_iden(),
            AmVenues::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
