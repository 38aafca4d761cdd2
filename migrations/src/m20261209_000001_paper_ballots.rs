//! Paper ballots (书面表决票) entered by the owners' committee: the scan each one is entered from,
//! and that scan's SHA-256 in the ballot log, so the published chain vouches for the picture.
use crate::util::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GovBallots {
    Table,
    /// The scanned paper ballot (a file attached to the ballot), for `paper` ballots.
    FileId,
}

#[derive(DeriveIden)]
enum GovBallotLog {
    Table,
    MeetingId,
    VoterIdx,
    /// SHA-256 of the scanned paper ballot, for rows entered from paper.
    Scan,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(GovBallots::Table)
                .add_column(big_integer_null(GovBallots::FileId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(GovBallotLog::Table)
                .add_column(string_len_null(GovBallotLog::Scan, 64))
                .to_owned(),
        )
        .await?;
        // A voter's earlier rows: whether a ballot set aside by a settlement was cast.
        index(
            m,
            "ix_gov_ballot_log_voter",
            GovBallotLog::Table,
            vec![GovBallotLog::MeetingId.into_iden(), GovBallotLog::VoterIdx.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_gov_ballot_log_voter")
                .table(GovBallotLog::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(GovBallotLog::Table)
                .drop_column(GovBallotLog::Scan)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(GovBallots::Table)
                .drop_column(GovBallots::FileId)
                .to_owned(),
        )
        .await
    }
}
