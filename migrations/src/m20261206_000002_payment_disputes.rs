//! Online payments whose provider event disagrees with the checkout (another amount, another
//! currency) are held as disputed instead of being credited: what arrived is kept here until
//! staff accept it (it becomes a receipt for what arrived) or return it at the provider.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OnlineCheckouts {
    Table,
    /// What disagreed, in words (`到账 100.00 CNY，应付 223.93 CNY`); none when nothing did.
    Dispute,
    /// What the provider says arrived, in the smallest unit of its currency.
    DisputedAmount,
    DisputedCurrency,
    /// The provider's payment reference of the disputed event.
    DisputedRef,
    /// `accepted` or `returned`, once staff decided.
    Resolution,
    ResolvedBy,
    ResolvedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for col in [
            string_len_null(OnlineCheckouts::Dispute, 200),
            big_integer_null(OnlineCheckouts::DisputedAmount),
            string_len_null(OnlineCheckouts::DisputedCurrency, 3),
            string_len_null(OnlineCheckouts::DisputedRef, 255),
            string_len_null(OnlineCheckouts::Resolution, 16),
            big_integer_null(OnlineCheckouts::ResolvedBy),
            timestamp_with_time_zone_null(OnlineCheckouts::ResolvedAt),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(OnlineCheckouts::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            OnlineCheckouts::Dispute,
            OnlineCheckouts::DisputedAmount,
            OnlineCheckouts::DisputedCurrency,
            OnlineCheckouts::DisputedRef,
            OnlineCheckouts::Resolution,
            OnlineCheckouts::ResolvedBy,
            OnlineCheckouts::ResolvedAt,
        ] {
            m.alter_table(Table::alter().table(OnlineCheckouts::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
