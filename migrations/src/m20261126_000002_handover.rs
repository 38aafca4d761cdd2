//! Handover acceptance (交付验收): a checklist per community, and the inspections of units
//! against it with their results.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum HandoverChecklists {
    Table,
    Id,
    CommunityId,
    /// JSON array of item labels, in order.
    Items,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Handovers {
    Table,
    Id,
    UnitId,
    CommunityId,
    InspectedOn,
    InspectorId,
    /// The owner who took part, if any.
    PersonId,
    Passed,
    /// JSON array of `{item, ok, note}` in checklist order.
    Results,
    Note,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(HandoverChecklists::Table)
                .col(big_pk_auto(HandoverChecklists::Id))
                .col(big_integer(HandoverChecklists::CommunityId).unique_key())
                .col(text(HandoverChecklists::Items))
                .col(big_integer(HandoverChecklists::UpdatedBy))
                .col(timestamp_with_time_zone(HandoverChecklists::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(HandoverChecklists::Table, HandoverChecklists::CommunityId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Handovers::Table)
                .col(big_pk_auto(Handovers::Id))
                .col(big_integer(Handovers::UnitId))
                .col(big_integer(Handovers::CommunityId))
                .col(date(Handovers::InspectedOn))
                .col(big_integer(Handovers::InspectorId))
                .col(big_integer_null(Handovers::PersonId))
                .col(boolean(Handovers::Passed))
                .col(text(Handovers::Results))
                .col(string_len(Handovers::Note, 500))
                .col(timestamp_with_time_zone(Handovers::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Handovers::Table, Handovers::UnitId)
                        .to(Units::Table, Units::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Handovers::Table, Handovers::CommunityId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_handovers_unit")
                .table(Handovers::Table)
                .col(Handovers::UnitId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Handovers::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(HandoverChecklists::Table).to_owned())
            .await?;
        Ok(())
    }
}
