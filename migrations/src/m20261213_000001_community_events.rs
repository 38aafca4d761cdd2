//! Community events (社区活动): what staff put on for some of a community's households, the
//! households it reached (resolved once, when it is published), and each household's sign-up:
//! confirmed within the capacity (a guarded counter on the event decides), or waiting in line.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CmEvents {
    Table,
    Id,
    CommunityId,
    Title,
    /// Plain text.
    Body,
    Place,
    StartsAt,
    EndsAt,
    /// Sign-ups (and cancellations by residents) close then.
    SignupUntil,
    /// Most people in all (0: no limit).
    Capacity,
    /// People confirmed so far: raised only by an update that keeps it within the capacity.
    Taken,
    /// Most people one household brings.
    PerHousehold,
    /// Per person, in fen (0: free); charged to the household's bills when confirmed.
    FeeFen,
    Audience,
    Buildings,
    Units,
    /// `scheduled`, `published`, `cancelled`.
    State,
    PublishAt,
    Households,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CmEventTargets {
    Table,
    EventId,
    UnitId,
}

#[derive(DeriveIden)]
enum CmEventSignups {
    Table,
    Id,
    EventId,
    UnitId,
    UserId,
    Headcount,
    /// `confirmed`, `waitlisted`, `cancelled`.
    Status,
    /// Raised on each confirmation, so that each one's charge has its own source.
    Version,
    BillLineId,
    CheckedInAt,
    CreatedAt,
    UpdatedAt,
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
                .table(CmEvents::Table)
                .col(big_pk_auto(CmEvents::Id))
                .col(big_integer(CmEvents::CommunityId))
                .col(string_len(CmEvents::Title, 120))
                .col(text(CmEvents::Body))
                .col(string_len(CmEvents::Place, 120))
                .col(timestamp_with_time_zone(CmEvents::StartsAt))
                .col(timestamp_with_time_zone(CmEvents::EndsAt))
                .col(timestamp_with_time_zone(CmEvents::SignupUntil))
                .col(integer(CmEvents::Capacity))
                .col(integer(CmEvents::Taken))
                .col(integer(CmEvents::PerHousehold))
                .col(big_integer(CmEvents::FeeFen))
                .col(string_len(CmEvents::Audience, 16))
                .col(text(CmEvents::Buildings))
                .col(text(CmEvents::Units))
                .col(string_len(CmEvents::State, 16))
                .col(timestamp_with_time_zone(CmEvents::PublishAt))
                .col(big_integer(CmEvents::Households))
                .col(big_integer(CmEvents::AuthorId))
                .col(timestamp_with_time_zone(CmEvents::CreatedAt))
                .foreign_key(&mut fk(
                    (CmEvents::Table, CmEvents::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_cm_events_community",
            CmEvents::Table,
            vec![CmEvents::CommunityId.into_iden(), CmEvents::Id.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CmEventTargets::Table)
                .col(big_integer(CmEventTargets::EventId))
                .col(big_integer(CmEventTargets::UnitId))
                .primary_key(Index::create().col(CmEventTargets::EventId).col(CmEventTargets::UnitId))
                .foreign_key(&mut fk(
                    (CmEventTargets::Table, CmEventTargets::EventId),
                    (CmEvents::Table, CmEvents::Id),
                ))
                .foreign_key(&mut fk(
                    (CmEventTargets::Table, CmEventTargets::UnitId),
                    (Units::Table, Units::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_cm_event_targets_unit",
            CmEventTargets::Table,
            vec![CmEventTargets::UnitId.into_iden(), CmEventTargets::EventId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CmEventSignups::Table)
                .col(big_pk_auto(CmEventSignups::Id))
                .col(big_integer(CmEventSignups::EventId))
                .col(big_integer(CmEventSignups::UnitId))
                .col(big_integer(CmEventSignups::UserId))
                .col(integer(CmEventSignups::Headcount))
                .col(string_len(CmEventSignups::Status, 16))
                .col(integer(CmEventSignups::Version))
                .col(big_integer_null(CmEventSignups::BillLineId))
                .col(timestamp_with_time_zone_null(CmEventSignups::CheckedInAt))
                .col(timestamp_with_time_zone(CmEventSignups::CreatedAt))
                .col(timestamp_with_time_zone(CmEventSignups::UpdatedAt))
                .foreign_key(&mut fk(
                    (CmEventSignups::Table, CmEventSignups::EventId),
                    (CmEvents::Table, CmEvents::Id),
                ))
                .foreign_key(&mut fk(
                    (CmEventSignups::Table, CmEventSignups::UnitId),
                    (Units::Table, Units::Id),
                ))
                .to_owned(),
        )
        .await?;
        // One sign-up per household and event (cancelled and signed up again: the same row).
        index(
            m,
            "ux_cm_event_signups_unit",
            CmEventSignups::Table,
            vec![CmEventSignups::EventId.into_iden(), CmEventSignups::UnitId.into_iden()],
            true,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CmEventSignups::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CmEventTargets::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CmEvents::Table).to_owned()).await
    }
}
