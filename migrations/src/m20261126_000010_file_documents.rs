//! Documents next to photos in `files` (an equipment's manual or warranty card as a PDF): a
//! document keeps the name it was uploaded with, for showing and for the download's file
//! name, and has no thumbnail (`thumb_key` is empty).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Files {
    Table,
    /// A document's name as uploaded (`水泵说明书.pdf`), cleaned; none for photos.
    Name,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Files::Table)
                .add_column(string_len_null(Files::Name, 120))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Files::Table).drop_column(Files::Name).to_owned())
            .await
    }
}
