//! Online payments: checkouts opened with a payment provider (Stripe Checkout first) for a set
//! of bill lines, the provider events already applied (each once), and refunds sent back
//! through the provider. Money columns are integer fen.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OnlineCheckouts {
    Table,
    Id,
    OfficeId,
    CommunityId,
    UnitId,
    /// The resident who started it.
    UserId,
    /// `stripe`, later `wechat`, `alipay`.
    Provider,
    /// The provider's checkout (session) id, once created.
    ProviderRef,
    /// The provider's payment (payment intent) id, once known.
    PaymentRef,
    /// Where the resident pays (the provider's hosted page).
    Url,
    Amount,
    Currency,
    /// `creating`, `open`, `processing`, `paid`, `expired`, `failed`.
    Status,
    /// Late fees are those of this day (Asia/Shanghai), whenever the money arrives.
    AsOf,
    /// The receipt it became; set once, by the first event that settles it.
    PaymentId,
    /// Why it needs a look (amount or currency differs, lines settled meanwhile …).
    Note,
    Error,
    CreatedAt,
    ExpiresAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OnlineCheckoutLines {
    Table,
    Id,
    CheckoutId,
    LineId,
    Principal,
    LateFee,
}

#[derive(DeriveIden)]
enum ProviderEvents {
    Table,
    Id,
    Provider,
    EventId,
    Kind,
    /// The provider's timestamp (unix seconds).
    Created,
    /// `webhook` or `reconcile`.
    Via,
    /// What applying it did: `settled`, `already`, `recorded`, `ignored`, `unknown`, `flagged`.
    Outcome,
    CheckoutId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum OnlineRefunds {
    Table,
    Id,
    CheckoutId,
    PaymentId,
    Provider,
    ProviderRef,
    Amount,
    /// `requested`, `succeeded`, `failed`.
    Status,
    Reason,
    RequestedBy,
    Error,
    /// The red receipt that undid the payment in the ledger.
    ReversalId,
    CreatedAt,
    DoneAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OnlineCheckouts::Table)
                .col(big_pk_auto(OnlineCheckouts::Id))
                .col(big_integer(OnlineCheckouts::OfficeId))
                .col(big_integer(OnlineCheckouts::CommunityId))
                .col(big_integer(OnlineCheckouts::UnitId))
                .col(big_integer(OnlineCheckouts::UserId))
                .col(string_len(OnlineCheckouts::Provider, 16))
                .col(string_len_null(OnlineCheckouts::ProviderRef, 255))
                .col(string_len_null(OnlineCheckouts::PaymentRef, 255))
                .col(text_null(OnlineCheckouts::Url))
                .col(big_integer(OnlineCheckouts::Amount))
                .col(string_len(OnlineCheckouts::Currency, 3))
                .col(string_len(OnlineCheckouts::Status, 16))
                .col(date(OnlineCheckouts::AsOf))
                .col(big_integer_null(OnlineCheckouts::PaymentId))
                .col(string_len(OnlineCheckouts::Note, 200))
                .col(text_null(OnlineCheckouts::Error))
                .col(timestamp_with_time_zone(OnlineCheckouts::CreatedAt))
                .col(timestamp_with_time_zone_null(OnlineCheckouts::ExpiresAt))
                .col(timestamp_with_time_zone(OnlineCheckouts::UpdatedAt))
                .foreign_key(&mut fk(
                    (OnlineCheckouts::Table, OnlineCheckouts::UnitId),
                    (Units::Table, Units::Id),
                ))
                .foreign_key(&mut fk(
                    (OnlineCheckouts::Table, OnlineCheckouts::PaymentId),
                    (Payments::Table, Payments::Id),
                ))
                .to_owned(),
        )
        .await?;
        // A provider's session maps to one checkout, and a checkout becomes at most one receipt.
        index(
            m,
            "ux_online_checkouts_ref",
            OnlineCheckouts::Table,
            vec![
                OnlineCheckouts::Provider.into_iden(),
                OnlineCheckouts::ProviderRef.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "ux_online_checkouts_payment",
            OnlineCheckouts::Table,
            vec![OnlineCheckouts::PaymentId.into_iden()],
            true,
        )
        .await?;
        index(
            m,
            "ix_online_checkouts_unit",
            OnlineCheckouts::Table,
            vec![
                OnlineCheckouts::UnitId.into_iden(),
                OnlineCheckouts::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            m,
            "ix_online_checkouts_payment_ref",
            OnlineCheckouts::Table,
            vec![OnlineCheckouts::PaymentRef.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OnlineCheckoutLines::Table)
                .col(big_pk_auto(OnlineCheckoutLines::Id))
                .col(big_integer(OnlineCheckoutLines::CheckoutId))
                .col(big_integer(OnlineCheckoutLines::LineId))
                .col(big_integer(OnlineCheckoutLines::Principal))
                .col(big_integer(OnlineCheckoutLines::LateFee))
                .foreign_key(&mut fk(
                    (OnlineCheckoutLines::Table, OnlineCheckoutLines::CheckoutId),
                    (OnlineCheckouts::Table, OnlineCheckouts::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_online_checkout_lines_checkout",
            OnlineCheckoutLines::Table,
            vec![OnlineCheckoutLines::CheckoutId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProviderEvents::Table)
                .col(big_pk_auto(ProviderEvents::Id))
                .col(string_len(ProviderEvents::Provider, 16))
                .col(string_len(ProviderEvents::EventId, 255))
                .col(string_len(ProviderEvents::Kind, 80))
                .col(big_integer(ProviderEvents::Created))
                .col(string_len(ProviderEvents::Via, 16))
                .col(string_len(ProviderEvents::Outcome, 16))
                .col(big_integer_null(ProviderEvents::CheckoutId))
                .col(timestamp_with_time_zone(ProviderEvents::ReceivedAt))
                .to_owned(),
        )
        .await?;
        // An event is applied once, however often it is delivered or fetched.
        index(
            m,
            "ux_provider_events",
            ProviderEvents::Table,
            vec![
                ProviderEvents::Provider.into_iden(),
                ProviderEvents::EventId.into_iden(),
            ],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OnlineRefunds::Table)
                .col(big_pk_auto(OnlineRefunds::Id))
                .col(big_integer(OnlineRefunds::CheckoutId))
                .col(big_integer(OnlineRefunds::PaymentId))
                .col(string_len(OnlineRefunds::Provider, 16))
                .col(string_len_null(OnlineRefunds::ProviderRef, 255))
                .col(big_integer(OnlineRefunds::Amount))
                .col(string_len(OnlineRefunds::Status, 16))
                .col(string_len(OnlineRefunds::Reason, 200))
                .col(big_integer(OnlineRefunds::RequestedBy))
                .col(text_null(OnlineRefunds::Error))
                .col(big_integer_null(OnlineRefunds::ReversalId))
                .col(timestamp_with_time_zone(OnlineRefunds::CreatedAt))
                .col(timestamp_with_time_zone_null(OnlineRefunds::DoneAt))
                .foreign_key(&mut fk(
                    (OnlineRefunds::Table, OnlineRefunds::CheckoutId),
                    (OnlineCheckouts::Table, OnlineCheckouts::Id),
                ))
                .to_owned(),
        )
        .await?;
        // One (full) refund per online payment.
        index(
            m,
            "ux_online_refunds_payment",
            OnlineRefunds::Table,
            vec![OnlineRefunds::PaymentId.into_iden()],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            OnlineRefunds::Table.into_iden(),
            ProviderEvents::Table.into_iden(),
            OnlineCheckoutLines::Table.into_iden(),
            OnlineCheckouts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
