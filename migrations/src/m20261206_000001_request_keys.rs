//! Idempotency keys for money a person books by hand (a counter payment, a deposit, a prepaid
//! refund): a cashier who retries after a lost response sends the same key, and the server
//! answers with the first result instead of booking the money twice. One row per user × key,
//! written in the same transaction as the money.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RequestKeys {
    Table,
    Id,
    /// Who sent it: keys are the sender's own.
    UserId,
    /// The client's key (8–64 letters, digits, `-`, `_`).
    Key,
    /// What it booked (`billing.payment`, `billing.deposit`, …).
    Action,
    /// SHA-256 of the request, hex: the same key with another request is refused.
    Fingerprint,
    /// The row it created (a payment, a deposit) or the unit it was for.
    ResultId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RequestKeys::Table)
                .col(big_pk_auto(RequestKeys::Id))
                .col(big_integer(RequestKeys::UserId))
                .col(string_len(RequestKeys::Key, 64))
                .col(string_len(RequestKeys::Action, 40))
                .col(string_len(RequestKeys::Fingerprint, 64))
                .col(big_integer(RequestKeys::ResultId))
                .col(timestamp_with_time_zone(RequestKeys::CreatedAt))
                .foreign_key(&mut fk(
                    (RequestKeys::Table, RequestKeys::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_request_keys_user_key",
            RequestKeys::Table,
            vec![RequestKeys::UserId.into_iden(), RequestKeys::Key.into_iden()],
            true,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RequestKeys::Table).to_owned()).await
    }
}
