//! Family invites: a household head asks someone (by phone) to join their home; the person
//! joins only when they accept from their own account. Until then the head sees a masked name.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FamilyInvites {
    Table,
    Id,
    UnitId,
    CommunityId,
    /// The household head who asked.
    InvitedBy,
    /// The name the head typed (used for the person record if they are new).
    Name,
    Phone,
    /// `pending`, `accepted`, `declined`, `cancelled`.
    Status,
    CreatedAt,
    AnsweredAt,
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
                .table(FamilyInvites::Table)
                .col(big_pk_auto(FamilyInvites::Id))
                .col(big_integer(FamilyInvites::UnitId))
                .col(big_integer(FamilyInvites::CommunityId))
                .col(big_integer(FamilyInvites::InvitedBy))
                .col(string_len(FamilyInvites::Name, 40))
                .col(string_len(FamilyInvites::Phone, 20))
                .col(string_len(FamilyInvites::Status, 16))
                .col(timestamp_with_time_zone(FamilyInvites::CreatedAt))
                .col(timestamp_with_time_zone_null(FamilyInvites::AnsweredAt))
                .foreign_key(&mut fk(
                    (FamilyInvites::Table, FamilyInvites::UnitId),
                    (Units::Table, Units::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_family_invites_phone",
            FamilyInvites::Table,
            vec![FamilyInvites::Phone.into_iden(), FamilyInvites::Status.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_family_invites_unit",
            FamilyInvites::Table,
            vec![FamilyInvites::UnitId.into_iden(), FamilyInvites::Status.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FamilyInvites::Table).to_owned()).await
    }
}
