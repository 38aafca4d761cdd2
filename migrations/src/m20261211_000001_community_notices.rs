//! Community notices (公告 / 公示): what staff write to some of a community's households, and one
//! receipt per targeted household (a unit), so that staff see who has read a notice and remind
//! only those who have not. The target is resolved once, when the notice goes out.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CmNotices {
    Table,
    Id,
    CommunityId,
    Title,
    /// Sanitised HTML.
    Body,
    /// `notice`, `publicity`, `outage`, `activity`, `tip`.
    Category,
    /// `normal`, `pinned`, `emergency`.
    Kind,
    /// `everyone`, `owners`, `tenants`.
    Audience,
    /// JSON building ids and unit ids the notice is limited to (both empty: the community).
    Buildings,
    Units,
    /// `scheduled`, `published`, `withdrawn`.
    State,
    PublishAt,
    EndsAt,
    PublishedAt,
    /// Targeted households, counted when it went out.
    Households,
    Reminders,
    RemindedAt,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CmNoticeReceipts {
    Table,
    NoticeId,
    UnitId,
    ReadAt,
    ReadBy,
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
                .table(CmNotices::Table)
                .col(big_pk_auto(CmNotices::Id))
                .col(big_integer(CmNotices::CommunityId))
                .col(string_len(CmNotices::Title, 120))
                .col(text(CmNotices::Body))
                .col(string_len(CmNotices::Category, 16))
                .col(string_len(CmNotices::Kind, 16))
                .col(string_len(CmNotices::Audience, 16))
                .col(text(CmNotices::Buildings))
                .col(text(CmNotices::Units))
                .col(string_len(CmNotices::State, 16))
                .col(timestamp_with_time_zone(CmNotices::PublishAt))
                .col(timestamp_with_time_zone_null(CmNotices::EndsAt))
                .col(timestamp_with_time_zone_null(CmNotices::PublishedAt))
                .col(big_integer(CmNotices::Households))
                .col(integer(CmNotices::Reminders))
                .col(timestamp_with_time_zone_null(CmNotices::RemindedAt))
                .col(big_integer(CmNotices::AuthorId))
                .col(timestamp_with_time_zone(CmNotices::CreatedAt))
                .foreign_key(&mut fk(
                    (CmNotices::Table, CmNotices::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_cm_notices_community",
            CmNotices::Table,
            vec![CmNotices::CommunityId.into_iden(), CmNotices::Id.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CmNoticeReceipts::Table)
                .col(big_integer(CmNoticeReceipts::NoticeId))
                .col(big_integer(CmNoticeReceipts::UnitId))
                .col(timestamp_with_time_zone_null(CmNoticeReceipts::ReadAt))
                .col(big_integer_null(CmNoticeReceipts::ReadBy))
                .primary_key(
                    Index::create()
                        .col(CmNoticeReceipts::NoticeId)
                        .col(CmNoticeReceipts::UnitId),
                )
                .foreign_key(&mut fk(
                    (CmNoticeReceipts::Table, CmNoticeReceipts::NoticeId),
                    (CmNotices::Table, CmNotices::Id),
                ))
                .foreign_key(&mut fk(
                    (CmNoticeReceipts::Table, CmNoticeReceipts::UnitId),
                    (Units::Table, Units::Id),
                ))
                .to_owned(),
        )
        .await?;
        // A resident's list: the receipts of their units.
        index(
            m,
            "ix_cm_notice_receipts_unit",
            CmNoticeReceipts::Table,
            vec![
                CmNoticeReceipts::UnitId.into_iden(),
                CmNoticeReceipts::NoticeId.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CmNoticeReceipts::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CmNotices::Table).to_owned()).await
    }
}
