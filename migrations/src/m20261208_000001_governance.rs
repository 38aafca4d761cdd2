//! Owners' assemblies (业主大会): a meeting and its matters, the voter register frozen when
//! voting opens, each voter's current ballot, and the hash-chained ballot log that anyone can
//! re-tally.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GovMeetings {
    Table,
    Id,
    CommunityId,
    Title,
    Body,
    /// `draft`, `noticed`, `open`, `closed`, `published`.
    Status,
    /// A voter may replace their ballot until the close.
    AllowChange,
    /// 实名: the published log names each ballot's units; otherwise it shows tokens only.
    OpenBallot,
    /// The notice period the community's rules ask (days between the notice and the opening).
    NoticeDays,
    OpensAt,
    ClosesAt,
    NoticedAt,
    OpenedAt,
    ClosedAt,
    PublishedAt,
    /// The frozen register's totals (hundredths of m², persons, units); 0 until opened.
    TotalArea,
    TotalPersons,
    Units,
    /// The published result (JSON) and the log's head hash it was tallied from.
    Result,
    ResultHead,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GovItems {
    Table,
    Id,
    MeetingId,
    Position,
    Title,
    Body,
    /// `matter`, `election`.
    Kind,
    /// `ordinary`, `special`.
    Rule,
    Seats,
    MaxPicks,
    /// The candidates' names (JSON array), for an election.
    Candidates,
}

#[derive(DeriveIden)]
enum GovVoters {
    Table,
    Id,
    MeetingId,
    /// The voter's index in the frozen register (sorted by key).
    Idx,
    /// `developer` or `owners:<person ids, sorted>`.
    Key,
    /// A random token naming the voter in the published log.
    Token,
    /// Unit ids (JSON array) and their numbers as shown.
    Units,
    Numbers,
    Area,
}

#[derive(DeriveIden)]
enum GovVoterPersons {
    Table,
    Id,
    MeetingId,
    VoterIdx,
    PersonId,
}

#[derive(DeriveIden)]
enum GovBallots {
    Table,
    Id,
    MeetingId,
    VoterIdx,
    /// `online`, `paper`.
    Source,
    /// One answer per item (JSON).
    Answers,
    Receipt,
    Seq,
    CastBy,
    CastAt,
}

#[derive(DeriveIden)]
enum GovBallotLog {
    Table,
    Id,
    MeetingId,
    Seq,
    /// `cast`, `replace`.
    Kind,
    VoterIdx,
    Source,
    Answers,
    At,
    PrevHash,
    Hash,
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
                .table(GovMeetings::Table)
                .col(big_pk_auto(GovMeetings::Id))
                .col(big_integer(GovMeetings::CommunityId))
                .col(string_len(GovMeetings::Title, 120))
                .col(text(GovMeetings::Body))
                .col(string_len(GovMeetings::Status, 16))
                .col(boolean(GovMeetings::AllowChange))
                .col(boolean(GovMeetings::OpenBallot))
                .col(integer(GovMeetings::NoticeDays))
                .col(timestamp_with_time_zone(GovMeetings::OpensAt))
                .col(timestamp_with_time_zone(GovMeetings::ClosesAt))
                .col(timestamp_with_time_zone_null(GovMeetings::NoticedAt))
                .col(timestamp_with_time_zone_null(GovMeetings::OpenedAt))
                .col(timestamp_with_time_zone_null(GovMeetings::ClosedAt))
                .col(timestamp_with_time_zone_null(GovMeetings::PublishedAt))
                .col(big_integer(GovMeetings::TotalArea))
                .col(big_integer(GovMeetings::TotalPersons))
                .col(big_integer(GovMeetings::Units))
                .col(text_null(GovMeetings::Result))
                .col(string_len_null(GovMeetings::ResultHead, 64))
                .col(big_integer(GovMeetings::CreatedBy))
                .col(timestamp_with_time_zone(GovMeetings::CreatedAt))
                .foreign_key(&mut fk(
                    (GovMeetings::Table, GovMeetings::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_gov_meetings_community",
            GovMeetings::Table,
            vec![GovMeetings::CommunityId.into_iden(), GovMeetings::Id.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GovItems::Table)
                .col(big_pk_auto(GovItems::Id))
                .col(big_integer(GovItems::MeetingId))
                .col(integer(GovItems::Position))
                .col(string_len(GovItems::Title, 200))
                .col(text(GovItems::Body))
                .col(string_len(GovItems::Kind, 16))
                .col(string_len(GovItems::Rule, 16))
                .col(integer(GovItems::Seats))
                .col(integer(GovItems::MaxPicks))
                .col(text(GovItems::Candidates))
                .foreign_key(&mut fk(
                    (GovItems::Table, GovItems::MeetingId),
                    (GovMeetings::Table, GovMeetings::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_gov_items_position",
            GovItems::Table,
            vec![GovItems::MeetingId.into_iden(), GovItems::Position.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GovVoters::Table)
                .col(big_pk_auto(GovVoters::Id))
                .col(big_integer(GovVoters::MeetingId))
                .col(integer(GovVoters::Idx))
                .col(text(GovVoters::Key))
                .col(string_len(GovVoters::Token, 32))
                .col(text(GovVoters::Units))
                .col(text(GovVoters::Numbers))
                .col(big_integer(GovVoters::Area))
                .foreign_key(&mut fk(
                    (GovVoters::Table, GovVoters::MeetingId),
                    (GovMeetings::Table, GovMeetings::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_gov_voters_idx",
            GovVoters::Table,
            vec![GovVoters::MeetingId.into_iden(), GovVoters::Idx.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GovVoterPersons::Table)
                .col(big_pk_auto(GovVoterPersons::Id))
                .col(big_integer(GovVoterPersons::MeetingId))
                .col(integer(GovVoterPersons::VoterIdx))
                .col(big_integer(GovVoterPersons::PersonId))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_gov_voter_persons_person",
            GovVoterPersons::Table,
            vec![
                GovVoterPersons::MeetingId.into_iden(),
                GovVoterPersons::PersonId.into_iden(),
            ],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GovBallots::Table)
                .col(big_pk_auto(GovBallots::Id))
                .col(big_integer(GovBallots::MeetingId))
                .col(integer(GovBallots::VoterIdx))
                .col(string_len(GovBallots::Source, 16))
                .col(text(GovBallots::Answers))
                .col(string_len(GovBallots::Receipt, 32))
                .col(big_integer(GovBallots::Seq))
                .col(big_integer(GovBallots::CastBy))
                .col(timestamp_with_time_zone(GovBallots::CastAt))
                .foreign_key(&mut fk(
                    (GovBallots::Table, GovBallots::MeetingId),
                    (GovMeetings::Table, GovMeetings::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_gov_ballots_voter",
            GovBallots::Table,
            vec![
                GovBallots::MeetingId.into_iden(),
                GovBallots::VoterIdx.into_iden(),
                GovBallots::Source.into_iden(),
            ],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GovBallotLog::Table)
                .col(big_pk_auto(GovBallotLog::Id))
                .col(big_integer(GovBallotLog::MeetingId))
                .col(big_integer(GovBallotLog::Seq))
                .col(string_len(GovBallotLog::Kind, 16))
                .col(integer(GovBallotLog::VoterIdx))
                .col(string_len(GovBallotLog::Source, 16))
                .col(text(GovBallotLog::Answers))
                .col(string_len(GovBallotLog::At, 32))
                .col(string_len(GovBallotLog::PrevHash, 64))
                .col(string_len(GovBallotLog::Hash, 64))
                .foreign_key(&mut fk(
                    (GovBallotLog::Table, GovBallotLog::MeetingId),
                    (GovMeetings::Table, GovMeetings::Id),
                ))
                .to_owned(),
        )
        .await?;
        // A lost race for the next sequence number is a unique violation: `with_txn!` retries.
        index(
            m,
            "ux_gov_ballot_log_seq",
            GovBallotLog::Table,
            vec![GovBallotLog::MeetingId.into_iden(), GovBallotLog::Seq.into_iden()],
            true,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            GovBallotLog::Table.into_iden(),
            GovBallots::Table.into_iden(),
            GovVoterPersons::Table.into_iden(),
            GovVoters::Table.into_iden(),
            GovItems::Table.into_iden(),
            GovMeetings::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
