//! Proxies (委托投票), corrections of a frozen register, and a community's further assembly
//! rules. An owner names a proxy for their register voter with the signed authorization; the
//! committee accepts or rejects it, and a proxy holds at most the community's `proxy_max`. A
//! register correction re-reads one voter's units from the estate records before the close, and
//! stays on the meeting for everyone to see. Log rows keep the voter's area as it was written,
//! so a later correction leaves earlier hashes intact. Staff may run the procedure of a
//! community's meetings where its committee allows it (`staff_assist`).
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GovProxies {
    Table,
    Id,
    MeetingId,
    /// The principal: a voter of the meeting's frozen register.
    VoterIdx,
    /// The proxy as the authorization names them, and the phone they sign in with.
    Name,
    Phone,
    /// The photo of the signed authorization (attached to this row) and its SHA-256.
    FileId,
    Sha256,
    /// `pending`, `accepted`, `rejected`, `withdrawn`.
    Status,
    /// Why the committee rejected it.
    Reason,
    RequestedBy,
    RequestedAt,
    DecidedBy,
    DecidedAt,
    /// The log row recording the acceptance.
    Seq,
}

#[derive(DeriveIden)]
enum GovRegisterFixes {
    Table,
    Id,
    MeetingId,
    VoterIdx,
    /// The voter's units, area and owners (JSON person ids) before and after.
    Numbers,
    OldArea,
    NewArea,
    OldOwners,
    NewOwners,
    Reason,
    FixedBy,
    FixedAt,
    /// The log row recording it.
    Seq,
}

#[derive(DeriveIden)]
enum GovSettings {
    Table,
    ProxyMax,
    StaffAssist,
}

#[derive(DeriveIden)]
enum GovBallotLog {
    Table,
    Area,
}

#[derive(DeriveIden)]
enum GovMeetings {
    Table,
    Id,
    /// The community's `proxy_max` when the meeting was drafted.
    ProxyMax,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(GovProxies::Table)
                .col(big_pk_auto(GovProxies::Id))
                .col(big_integer(GovProxies::MeetingId))
                .col(integer(GovProxies::VoterIdx))
                .col(string_len(GovProxies::Name, 40))
                .col(string_len(GovProxies::Phone, 20))
                .col(big_integer(GovProxies::FileId))
                .col(string_len(GovProxies::Sha256, 64))
                .col(string_len(GovProxies::Status, 16))
                .col(string_len_null(GovProxies::Reason, 200))
                .col(big_integer(GovProxies::RequestedBy))
                .col(timestamp_with_time_zone(GovProxies::RequestedAt))
                .col(big_integer_null(GovProxies::DecidedBy))
                .col(timestamp_with_time_zone_null(GovProxies::DecidedAt))
                .col(big_integer_null(GovProxies::Seq))
                .foreign_key(&mut fk(
                    (GovProxies::Table, GovProxies::MeetingId),
                    (GovMeetings::Table, GovMeetings::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_gov_proxies_voter",
            GovProxies::Table,
            vec![GovProxies::MeetingId.into_iden(), GovProxies::VoterIdx.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_gov_proxies_phone",
            GovProxies::Table,
            vec![GovProxies::MeetingId.into_iden(), GovProxies::Phone.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GovRegisterFixes::Table)
                .col(big_pk_auto(GovRegisterFixes::Id))
                .col(big_integer(GovRegisterFixes::MeetingId))
                .col(integer(GovRegisterFixes::VoterIdx))
                .col(text(GovRegisterFixes::Numbers))
                .col(big_integer(GovRegisterFixes::OldArea))
                .col(big_integer(GovRegisterFixes::NewArea))
                .col(text(GovRegisterFixes::OldOwners))
                .col(text(GovRegisterFixes::NewOwners))
                .col(string_len(GovRegisterFixes::Reason, 200))
                .col(big_integer(GovRegisterFixes::FixedBy))
                .col(timestamp_with_time_zone(GovRegisterFixes::FixedAt))
                .col(big_integer(GovRegisterFixes::Seq))
                .foreign_key(&mut fk(
                    (GovRegisterFixes::Table, GovRegisterFixes::MeetingId),
                    (GovMeetings::Table, GovMeetings::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_gov_register_fixes_meeting",
            GovRegisterFixes::Table,
            vec![GovRegisterFixes::MeetingId.into_iden()],
            false,
        )
        .await?;
        let mut max = integer(GovSettings::ProxyMax);
        max.default(3);
        m.alter_table(Table::alter().table(GovSettings::Table).add_column(max).to_owned())
            .await?;
        let mut assist = boolean(GovSettings::StaffAssist);
        assist.default(false);
        m.alter_table(Table::alter().table(GovSettings::Table).add_column(assist).to_owned())
            .await?;
        let mut max = integer(GovMeetings::ProxyMax);
        max.default(3);
        m.alter_table(Table::alter().table(GovMeetings::Table).add_column(max).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(GovBallotLog::Table)
                .add_column(big_integer_null(GovBallotLog::Area))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(GovBallotLog::Table)
                .drop_column(GovBallotLog::Area)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(GovMeetings::Table)
                .drop_column(GovMeetings::ProxyMax)
                .to_owned(),
        )
        .await?;
        for col in [GovSettings::StaffAssist, GovSettings::ProxyMax] {
            m.alter_table(Table::alter().table(GovSettings::Table).drop_column(col).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table(GovRegisterFixes::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(GovProxies::Table).to_owned()).await
    }
}
