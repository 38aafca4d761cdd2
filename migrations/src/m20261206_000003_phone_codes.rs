//! One-time codes sent by text message: a phone number becomes an account's only after the code
//! sent to it is entered (at sign-up, and when changing one's number). Codes are stored hashed,
//! expire, allow a few attempts, and their sending is throttled per number and per client.
use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PhoneCodes {
    Table,
    Id,
    /// The number it was sent to (11 digits).
    Phone,
    /// `signup` or `phone` (changing one's number).
    Purpose,
    /// For a change of number: the account asking; none at sign-up.
    UserId,
    /// SHA-256 of the number, purpose and code, hex.
    CodeHash,
    /// Wrong entries so far (each counted before it is checked).
    Attempts,
    /// The client address that asked for it (throttling).
    Ip,
    CreatedAt,
    ExpiresAt,
    /// Set once the code was used.
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PhoneCodes::Table)
                .col(big_pk_auto(PhoneCodes::Id))
                .col(string_len(PhoneCodes::Phone, 20))
                .col(string_len(PhoneCodes::Purpose, 16))
                .col(big_integer_null(PhoneCodes::UserId))
                .col(string_len(PhoneCodes::CodeHash, 64))
                .col(integer(PhoneCodes::Attempts).default(0))
                .col(string_len(PhoneCodes::Ip, 64))
                .col(timestamp_with_time_zone(PhoneCodes::CreatedAt))
                .col(timestamp_with_time_zone(PhoneCodes::ExpiresAt))
                .col(timestamp_with_time_zone_null(PhoneCodes::UsedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_phone_codes_phone",
            PhoneCodes::Table,
            vec![PhoneCodes::Phone.into_iden(), PhoneCodes::CreatedAt.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_phone_codes_ip",
            PhoneCodes::Table,
            vec![PhoneCodes::Ip.into_iden(), PhoneCodes::CreatedAt.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PhoneCodes::Table).to_owned()).await
    }
}
