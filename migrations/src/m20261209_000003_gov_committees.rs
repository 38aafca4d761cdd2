//! The owners' committee's roster (业委会名册), kept by the committee itself: its current term,
//! where and when it was filed (备案), and its members with their positions. The filing
//! documents are files attached to the community (`gov_committee`).
use crate::util::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GovCommittees {
    Table,
    /// The community (one roster per community: its current term).
    CommunityId,
    TermStart,
    TermEnd,
    /// 备案: the day the committee was filed with the street office or housing bureau, and with
    /// whom; none until filed.
    FiledOn,
    FiledWith,
    /// `[{"name": …, "position": "chair" | "vice_chair" | "member"}]`, in order.
    Members,
    UpdatedBy,
    UpdatedAt,
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
                .table(GovCommittees::Table)
                .col(big_integer(GovCommittees::CommunityId).primary_key())
                .col(date(GovCommittees::TermStart))
                .col(date(GovCommittees::TermEnd))
                .col(date_null(GovCommittees::FiledOn))
                .col(string_len(GovCommittees::FiledWith, 100))
                .col(text(GovCommittees::Members))
                .col(big_integer(GovCommittees::UpdatedBy))
                .col(timestamp_with_time_zone(GovCommittees::UpdatedAt))
                .foreign_key(&mut fk(
                    (GovCommittees::Table, GovCommittees::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(GovCommittees::Table).to_owned()).await
    }
}
