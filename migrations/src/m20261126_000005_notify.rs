//! Notifications: each user's inbox, Web Push subscriptions per device, per-user preferences,
//! and the durable job queue that delivers them (and later other background work). Several
//! servers share the queue: a job is claimed by one worker through a guarded update.
use crate::util::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    /// `bills`, `repairs`, `announcements`, `bookings`, `votes`, `market`, `system`.
    Category,
    Title,
    Body,
    /// A path inside Linli (`/pay`, `/repair/12`).
    Link,
    /// Raising the same notice twice (a rerun, a retry) stores it once per user.
    DedupeKey,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum PushSubscriptions {
    Table,
    Id,
    UserId,
    Endpoint,
    P256dh,
    Auth,
    /// What the user sees in their device list (browser and platform).
    Label,
    CreatedAt,
    LastOkAt,
}

#[derive(DeriveIden)]
enum NotifyPrefs {
    Table,
    Id,
    UserId,
    /// Comma-separated categories not pushed (they still reach the inbox).
    Muted,
    /// Quiet hours, minutes after midnight Asia/Shanghai; equal = none.
    QuietFrom,
    QuietTo,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    /// `push`, …
    Kind,
    /// JSON.
    Payload,
    /// Not before this time (backoff, quiet hours).
    RunAt,
    /// Given up after this time (a push's TTL).
    ExpiresAt,
    Attempts,
    MaxAttempts,
    /// Claimed by a worker until then; a crashed worker's job is taken again afterwards.
    LockedUntil,
    LockedBy,
    /// `queued`, `done`, `failed`, `expired`.
    State,
    LastError,
    CreatedAt,
    DoneAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(big_pk_auto(Notifications::Id))
                .col(big_integer(Notifications::UserId))
                .col(string_len(Notifications::Category, 20))
                .col(string_len(Notifications::Title, 120))
                .col(text(Notifications::Body))
                .col(string_len(Notifications::Link, 300))
                .col(string_len_null(Notifications::DedupeKey, 200))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Notifications::Table, Notifications::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_notifications_user",
            Notifications::Table,
            vec![Notifications::UserId.into_iden(), Notifications::Id.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ux_notifications_dedupe",
            Notifications::Table,
            vec![Notifications::UserId.into_iden(), Notifications::DedupeKey.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PushSubscriptions::Table)
                .col(big_pk_auto(PushSubscriptions::Id))
                .col(big_integer(PushSubscriptions::UserId))
                .col(string_len(PushSubscriptions::Endpoint, 1000))
                .col(string_len(PushSubscriptions::P256dh, 200))
                .col(string_len(PushSubscriptions::Auth, 100))
                .col(string_len(PushSubscriptions::Label, 120))
                .col(timestamp_with_time_zone(PushSubscriptions::CreatedAt))
                .col(timestamp_with_time_zone_null(PushSubscriptions::LastOkAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(PushSubscriptions::Table, PushSubscriptions::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_push_subscriptions_endpoint",
            PushSubscriptions::Table,
            vec![PushSubscriptions::Endpoint.into_iden()],
            true,
        )
        .await?;
        index(
            m,
            "ix_push_subscriptions_user",
            PushSubscriptions::Table,
            vec![PushSubscriptions::UserId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(NotifyPrefs::Table)
                .col(big_pk_auto(NotifyPrefs::Id))
                .col(big_integer(NotifyPrefs::UserId))
                .col(string_len(NotifyPrefs::Muted, 200))
                .col(integer(NotifyPrefs::QuietFrom))
                .col(integer(NotifyPrefs::QuietTo))
                .col(timestamp_with_time_zone(NotifyPrefs::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_notify_prefs_user",
            NotifyPrefs::Table,
            vec![NotifyPrefs::UserId.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Jobs::Table)
                .col(big_pk_auto(Jobs::Id))
                .col(string_len(Jobs::Kind, 40))
                .col(text(Jobs::Payload))
                .col(timestamp_with_time_zone(Jobs::RunAt))
                .col(timestamp_with_time_zone_null(Jobs::ExpiresAt))
                .col(integer(Jobs::Attempts))
                .col(integer(Jobs::MaxAttempts))
                .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
                .col(string_len_null(Jobs::LockedBy, 80))
                .col(string_len(Jobs::State, 16))
                .col(text_null(Jobs::LastError))
                .col(timestamp_with_time_zone(Jobs::CreatedAt))
                .col(timestamp_with_time_zone_null(Jobs::DoneAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_jobs_due",
            Jobs::Table,
            vec![Jobs::State.into_iden(), Jobs::RunAt.into_iden()],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Jobs::Table.into_iden(),
            NotifyPrefs::Table.into_iden(),
            PushSubscriptions::Table.into_iden(),
            Notifications::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
