//! The home a resident with several is looking at (当前房屋): 社区 shows that home's notices,
//! surveys and events, 缴费 puts it first, a new repair is for it. Kept on the server, so that the
//! phone and the computer agree; a home the resident no longer holds falls back to the first.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CurrentHomes {
    Table,
    UserId,
    UnitId,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No foreign keys: a unit or account removed leaves a row that is never matched again.
        m.create_table(
            Table::create()
                .table(CurrentHomes::Table)
                .col(big_integer(CurrentHomes::UserId).primary_key())
                .col(big_integer(CurrentHomes::UnitId))
                .col(timestamp_with_time_zone(CurrentHomes::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CurrentHomes::Table).to_owned()).await
    }
}
