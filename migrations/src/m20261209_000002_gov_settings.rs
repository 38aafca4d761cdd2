//! A community's rules for its owners' assemblies, kept by its owners' committee: the notice
//! period local rules ask and how many days before the close owners who have not voted are
//! reminded. A meeting copies both when drafted, and records when its reminder went out.
use crate::util::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GovSettings {
    Table,
    /// The community (one row per community; none means the defaults).
    CommunityId,
    /// Days between the notice and the opening of a vote.
    NoticeDays,
    /// Days before the close that owners who have not voted are reminded (0: never).
    RemindDays,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GovMeetings {
    Table,
    RemindDays,
    RemindedAt,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(GovSettings::Table)
                .col(big_integer(GovSettings::CommunityId).primary_key())
                .col(integer(GovSettings::NoticeDays))
                .col(integer(GovSettings::RemindDays))
                .col(big_integer(GovSettings::UpdatedBy))
                .col(timestamp_with_time_zone(GovSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    (GovSettings::Table, GovSettings::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        let mut days = integer(GovMeetings::RemindDays);
        days.default(3);
        m.alter_table(Table::alter().table(GovMeetings::Table).add_column(days).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(GovMeetings::Table)
                .add_column(timestamp_with_time_zone_null(GovMeetings::RemindedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [GovMeetings::RemindedAt, GovMeetings::RemindDays] {
            m.alter_table(Table::alter().table(GovMeetings::Table).drop_column(col).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table(GovSettings::Table).to_owned()).await
    }
}
