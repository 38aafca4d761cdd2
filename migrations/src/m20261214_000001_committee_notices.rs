//! Notices the owners' committee writes for its community (业委会公告): the same table, marked,
//! so that residents read them signed by the committee and the committee follows their receipts.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CmNotices {
    Table,
    /// Written by the community's owners' committee, not by the property company.
    ByCommittee,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = boolean(CmNotices::ByCommittee);
        col.default(false);
        m.alter_table(Table::alter().table(CmNotices::Table).add_column(col).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(CmNotices::Table)
                .drop_column(CmNotices::ByCommittee)
                .to_owned(),
        )
        .await
    }
}
