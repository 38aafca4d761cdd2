//! How residents reach the property office: a phone, an address and opening hours on any node
//! of the org tree (an office's, or the company's hotline). Residents see the nearest one above
//! their home; the login page shows the company's.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    ContactPhone,
    ContactAddress,
    ContactHours,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for col in [
            string_len_null(OrgUnits::ContactPhone, 40),
            string_len_null(OrgUnits::ContactAddress, 200),
            string_len_null(OrgUnits::ContactHours, 100),
        ] {
            let mut col = col;
            m.alter_table(Table::alter().table(OrgUnits::Table).add_column(&mut col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [OrgUnits::ContactPhone, OrgUnits::ContactAddress, OrgUnits::ContactHours] {
            m.alter_table(Table::alter().table(OrgUnits::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
