//! A notice's words as message keys and values (`Msg` JSON), so each reader gets them in their
//! own language; `title` and `body` keep the Chinese rendering for old readers and search.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Words,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .add_column(text_null(Notifications::Words))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Notifications::Table)
                .drop_column(Notifications::Words)
                .to_owned(),
        )
        .await
    }
}
