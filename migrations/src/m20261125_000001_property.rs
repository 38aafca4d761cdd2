//! Property records: buildings, units, persons and their relations to units (occupancies).
//! Areas are stored in hundredths of a square metre (exact integers, never floats).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Buildings {
    Table,
    Id,
    CommunityId,
    Code,
    Name,
    Floors,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    CommunityId,
    BuildingId,
    Cell,
    Number,
    Floor,
    Layout,
    UseType,
    AreaRegistered,
    AreaMeasured,
    AreaContract,
    SharedArea,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
    Name,
    Phone,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Occupancies {
    Table,
    Id,
    UnitId,
    PersonId,
    CommunityId,
    Relation,
    ShareBp,
    StartDate,
    EndDate,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Buildings::Table)
                .col(big_pk_auto(Buildings::Id))
                .col(big_integer(Buildings::CommunityId))
                .col(string_len(Buildings::Code, 20))
                .col(string_len(Buildings::Name, 60))
                .col(integer(Buildings::Floors))
                .col(timestamp_with_time_zone(Buildings::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Buildings::Table, Buildings::CommunityId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_buildings_community_code")
                .table(Buildings::Table)
                .col(Buildings::CommunityId)
                .col(Buildings::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Units::Table)
                .col(big_pk_auto(Units::Id))
                .col(big_integer(Units::CommunityId))
                .col(big_integer(Units::BuildingId))
                .col(string_len(Units::Cell, 20))
                .col(string_len(Units::Number, 40))
                .col(integer(Units::Floor))
                .col(string_len(Units::Layout, 40))
                .col(string_len(Units::UseType, 16))
                .col(big_integer_null(Units::AreaRegistered))
                .col(big_integer_null(Units::AreaMeasured))
                .col(big_integer_null(Units::AreaContract))
                .col(big_integer_null(Units::SharedArea))
                .col(string_len(Units::Status, 20))
                .col(timestamp_with_time_zone(Units::CreatedAt))
                .col(timestamp_with_time_zone(Units::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Units::Table, Units::CommunityId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Units::Table, Units::BuildingId)
                        .to(Buildings::Table, Buildings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // A unit number is unique within its community; the index also serves keyset pages.
        m.create_index(
            Index::create()
                .name("ux_units_community_number")
                .table(Units::Table)
                .col(Units::CommunityId)
                .col(Units::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_units_building")
                .table(Units::Table)
                .col(Units::BuildingId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Persons::Table)
                .col(big_pk_auto(Persons::Id))
                .col(string_len(Persons::Name, 64))
                // One phone is one person across the whole installation.
                .col(string_len_null(Persons::Phone, 11).unique_key())
                .col(timestamp_with_time_zone(Persons::CreatedAt))
                .col(timestamp_with_time_zone(Persons::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_persons_name")
                .table(Persons::Table)
                .col(Persons::Name)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Occupancies::Table)
                .col(big_pk_auto(Occupancies::Id))
                .col(big_integer(Occupancies::UnitId))
                .col(big_integer(Occupancies::PersonId))
                .col(big_integer(Occupancies::CommunityId))
                .col(string_len(Occupancies::Relation, 16))
                .col(integer_null(Occupancies::ShareBp))
                .col(date(Occupancies::StartDate))
                .col(date_null(Occupancies::EndDate))
                .col(timestamp_with_time_zone(Occupancies::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Occupancies::Table, Occupancies::UnitId)
                        .to(Units::Table, Units::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Occupancies::Table, Occupancies::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Occupancies::Table, Occupancies::CommunityId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_occupancies_unit")
                .table(Occupancies::Table)
                .col(Occupancies::UnitId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_occupancies_person")
                .table(Occupancies::Table)
                .col(Occupancies::PersonId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Occupancies::Table.into_iden(),
            Persons::Table.into_iden(),
            Units::Table.into_iden(),
            Buildings::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
