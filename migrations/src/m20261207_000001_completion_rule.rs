//! What a technician's 完工 record must hold, per office: an after photo (on by default, so a
//! repair is not closed on a word) and the time spent (off by default). A note is always needed.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceSettings {
    Table,
    PhotoRequired,
    LabourRequired,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for (col, default) in [
            (ServiceSettings::PhotoRequired, true),
            (ServiceSettings::LabourRequired, false),
        ] {
            let mut col = boolean(col);
            col.default(default);
            m.alter_table(
                Table::alter()
                    .table(ServiceSettings::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [ServiceSettings::PhotoRequired, ServiceSettings::LabourRequired] {
            m.alter_table(Table::alter().table(ServiceSettings::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
