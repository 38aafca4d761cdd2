//! Saved target groups (常用发送对象): a name for a community's buildings, units and audience that
//! staff send notices, surveys and events to again and again (the tenants of buildings 3 and 5,
//! the owners of the shops along the street), so that the next one is one pick, not twenty ticks.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CmTargetGroups {
    Table,
    Id,
    CommunityId,
    /// Unique within the community; saving under a name it has replaces that group.
    Name,
    /// `everyone`, `owners`, `tenants`.
    Audience,
    /// JSON building ids.
    Buildings,
    /// JSON unit ids.
    Units,
    AuthorId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CmTargetGroups::Table)
                .col(big_pk_auto(CmTargetGroups::Id))
                .col(big_integer(CmTargetGroups::CommunityId))
                .col(string_len(CmTargetGroups::Name, 40))
                .col(string_len(CmTargetGroups::Audience, 16))
                .col(text(CmTargetGroups::Buildings))
                .col(text(CmTargetGroups::Units))
                .col(big_integer(CmTargetGroups::AuthorId))
                .col(timestamp_with_time_zone(CmTargetGroups::UpdatedAt))
                .foreign_key(&mut fk(
                    (CmTargetGroups::Table, CmTargetGroups::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_cm_target_groups_name",
            CmTargetGroups::Table,
            vec![
                CmTargetGroups::CommunityId.into_iden(),
                CmTargetGroups::Name.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CmTargetGroups::Table).to_owned())
            .await
    }
}
