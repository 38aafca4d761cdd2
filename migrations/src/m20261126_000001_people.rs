//! People details and the records around them: encrypted ID numbers with recorded consent,
//! lease end dates, parking spaces, vehicles, requests to bind an account to a unit, and API
//! keys for integrations.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
    /// AES-256-GCM ciphertext of the ID number (`v1.` + base64 of nonce ‖ ciphertext).
    IdCipher,
    /// HMAC-SHA256 of the ID number under a derived key: finds duplicates without decrypting.
    IdIndex,
    /// `110101********1234`, what every page shows.
    IdMasked,
    IdConsentAt,
    IdConsentBy,
}

#[derive(DeriveIden)]
enum Occupancies {
    Table,
    LeaseEnd,
}

#[derive(DeriveIden)]
enum ParkingSpaces {
    Table,
    Id,
    CommunityId,
    Code,
    Kind,
    Area,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Vehicles {
    Table,
    Id,
    CommunityId,
    PersonId,
    UnitId,
    Plate,
    NewEnergy,
    ParkingSpaceId,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BindRequests {
    Table,
    Id,
    UserId,
    CommunityId,
    UnitId,
    Relation,
    Name,
    Status,
    Note,
    DecidedBy,
    DecidedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    UserId,
    Name,
    Prefix,
    KeyHash,
    CreatedBy,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for col in [
            text_null(Persons::IdCipher),
            string_len_null(Persons::IdIndex, 64),
            string_len_null(Persons::IdMasked, 18),
            timestamp_with_time_zone_null(Persons::IdConsentAt),
            big_integer_null(Persons::IdConsentBy),
        ] {
            let mut col = col;
            m.alter_table(Table::alter().table(Persons::Table).add_column(&mut col).to_owned())
                .await?;
        }
        m.create_index(
            Index::create()
                .name("ux_persons_id_index")
                .table(Persons::Table)
                .col(Persons::IdIndex)
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Occupancies::Table)
                .add_column(date_null(Occupancies::LeaseEnd))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ParkingSpaces::Table)
                .col(big_pk_auto(ParkingSpaces::Id))
                .col(big_integer(ParkingSpaces::CommunityId))
                .col(string_len(ParkingSpaces::Code, 20))
                .col(string_len(ParkingSpaces::Kind, 16))
                .col(big_integer_null(ParkingSpaces::Area))
                .col(timestamp_with_time_zone(ParkingSpaces::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ParkingSpaces::Table, ParkingSpaces::CommunityId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_parking_community_code")
                .table(ParkingSpaces::Table)
                .col(ParkingSpaces::CommunityId)
                .col(ParkingSpaces::Code)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Vehicles::Table)
                .col(big_pk_auto(Vehicles::Id))
                .col(big_integer(Vehicles::CommunityId))
                .col(big_integer(Vehicles::PersonId))
                .col(big_integer_null(Vehicles::UnitId))
                // A plate is unique nationally, so once per installation.
                .col(string_len(Vehicles::Plate, 10).unique_key())
                .col(boolean(Vehicles::NewEnergy))
                .col(big_integer_null(Vehicles::ParkingSpaceId))
                .col(string_len(Vehicles::Note, 60))
                .col(timestamp_with_time_zone(Vehicles::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Vehicles::Table, Vehicles::CommunityId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Vehicles::Table, Vehicles::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Vehicles::Table, Vehicles::UnitId)
                        .to(Units::Table, Units::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Vehicles::Table, Vehicles::ParkingSpaceId)
                        .to(ParkingSpaces::Table, ParkingSpaces::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_vehicles_person", Vehicles::PersonId),
            ("ix_vehicles_unit", Vehicles::UnitId),
            ("ix_vehicles_space", Vehicles::ParkingSpaceId),
        ] {
            m.create_index(Index::create().name(name).table(Vehicles::Table).col(col).to_owned())
                .await?;
        }

        m.create_table(
            Table::create()
                .table(BindRequests::Table)
                .col(big_pk_auto(BindRequests::Id))
                .col(big_integer(BindRequests::UserId))
                .col(big_integer(BindRequests::CommunityId))
                .col(big_integer(BindRequests::UnitId))
                .col(string_len(BindRequests::Relation, 16))
                .col(string_len(BindRequests::Name, 64))
                .col(string_len(BindRequests::Status, 16))
                .col(string_len(BindRequests::Note, 200))
                .col(big_integer_null(BindRequests::DecidedBy))
                .col(timestamp_with_time_zone_null(BindRequests::DecidedAt))
                .col(timestamp_with_time_zone(BindRequests::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(BindRequests::Table, BindRequests::UserId)
                        .to(Users::Table, Users::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BindRequests::Table, BindRequests::CommunityId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BindRequests::Table, BindRequests::UnitId)
                        .to(Units::Table, Units::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_bind_requests_community_status")
                .table(BindRequests::Table)
                .col(BindRequests::CommunityId)
                .col(BindRequests::Status)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_bind_requests_user")
                .table(BindRequests::Table)
                .col(BindRequests::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(big_pk_auto(ApiKeys::Id))
                // The integration account the key acts as: its grants are the key's scope.
                .col(big_integer(ApiKeys::UserId))
                .col(string_len(ApiKeys::Name, 60))
                .col(string_len(ApiKeys::Prefix, 16))
                // SHA-256 of the whole key; the key itself is shown once and never stored.
                .col(string_len(ApiKeys::KeyHash, 64).unique_key())
                .col(big_integer(ApiKeys::CreatedBy))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiKeys::Table, ApiKeys::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ApiKeys::Table.into_iden(),
            BindRequests::Table.into_iden(),
            Vehicles::Table.into_iden(),
            ParkingSpaces::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("ux_persons_id_index")
                .table(Persons::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Occupancies::Table)
                .drop_column(Occupancies::LeaseEnd)
                .to_owned(),
        )
        .await?;
        for c in [
            Persons::IdCipher,
            Persons::IdIndex,
            Persons::IdMasked,
            Persons::IdConsentAt,
            Persons::IdConsentBy,
        ] {
            m.alter_table(Table::alter().table(Persons::Table).drop_column(c).to_owned())
                .await?;
        }
        Ok(())
    }
}
