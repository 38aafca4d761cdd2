//! An ID number is unique within an office's records, not across the installation: a global
//! unique index made "that number is taken" tell staff of one office that the person is on
//! record at another. The index stays (look-ups by number), without `UNIQUE`; the rule is
//! checked in the writer, within the caller's scope.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Persons {
    Table,
    IdIndex,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ux_persons_id_index")
                .table(Persons::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_persons_id_index")
                .table(Persons::Table)
                .col(Persons::IdIndex)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_persons_id_index")
                .table(Persons::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_persons_id_index")
                .table(Persons::Table)
                .col(Persons::IdIndex)
                .unique()
                .to_owned(),
        )
        .await
    }
}
