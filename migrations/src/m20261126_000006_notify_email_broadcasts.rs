//! E-mail as a second channel (an address per user, kept with their notification
//! preferences), and staff broadcasts: one notice sent to everyone living in an org subtree.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NotifyPrefs {
    Table,
    /// Where e-mail notices go; none = no e-mail.
    Email,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    /// The broadcast this notice belongs to, for delivery counts.
    BroadcastId,
}

#[derive(DeriveIden)]
enum Broadcasts {
    Table,
    Id,
    /// Root of the org subtree it went to.
    OrgId,
    Category,
    Title,
    Body,
    Link,
    SenderId,
    /// Accounts it reached (inbox rows written).
    Recipients,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(NotifyPrefs::Table)
                .add_column(string_len_null(NotifyPrefs::Email, 200))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(big_integer_null(Notifications::BroadcastId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Broadcasts::Table)
                .col(big_pk_auto(Broadcasts::Id))
                .col(big_integer(Broadcasts::OrgId))
                .col(string_len(Broadcasts::Category, 20))
                .col(string_len(Broadcasts::Title, 120))
                .col(text(Broadcasts::Body))
                .col(string_len(Broadcasts::Link, 300))
                .col(big_integer(Broadcasts::SenderId))
                .col(big_integer(Broadcasts::Recipients))
                .col(timestamp_with_time_zone(Broadcasts::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notifications_broadcast")
                .table(Notifications::Table)
                .col(Notifications::BroadcastId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Broadcasts::Table).to_owned()).await?;
        m.drop_index(
            Index::drop()
                .name("ix_notifications_broadcast")
                .table(Notifications::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .drop_column(Notifications::BroadcastId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(NotifyPrefs::Table)
                .drop_column(NotifyPrefs::Email)
                .to_owned(),
        )
        .await
    }
}
