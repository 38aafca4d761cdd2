//! Engineering (工程): the equipment ledger with maintenance plans and their records, and QR
//! inspections: checkpoints, patrol routes with daily rounds, and the results phones send.
//! A result carries the id its phone made for it (`client_id`, unique), so a result re-sent
//! after a dropped signal is stored once; a round is unique per route, date and slot, so
//! several servers may materialise and mark rounds at once.
use crate::util::{fk, index};
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
enum Equipment {
    Table,
    Id,
    /// The community (org node) the equipment serves.
    CommunityId,
    /// Unique per community (`DT-01`).
    Code,
    Name,
    /// `lift`, `pump`, `fire`, `power`, `hvac`, `lighting`, `access`, `cctv`, `water`, `other`.
    Category,
    Location,
    Model,
    Supplier,
    InstalledOn,
    WarrantyUntil,
    /// `active`, `retired`.
    Status,
    Notes,
    /// Random, unguessable: the equipment's QR code opens `/i/{qr_token}`.
    QrToken,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MaintenancePlans {
    Table,
    Id,
    EquipmentId,
    Name,
    EveryN,
    /// `day`, `week`, `month`.
    EveryUnit,
    /// JSON array of item labels, in order.
    Checklist,
    /// The first due date; later ones count from it (a month-end plan stays at month ends).
    StartsOn,
    NextDue,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MaintenanceRecords {
    Table,
    Id,
    /// Null for work outside any plan.
    PlanId,
    EquipmentId,
    DoneBy,
    DoneAt,
    /// JSON array of `{item, result}` (`ok` / `abnormal`) in checklist order.
    Results,
    Abnormal,
    Note,
}

#[derive(DeriveIden)]
enum Checkpoints {
    Table,
    Id,
    CommunityId,
    Name,
    Location,
    EquipmentId,
    /// JSON array of item labels, in order.
    Checklist,
    /// Random, unguessable: the checkpoint's QR code opens `/i/{qr_token}`.
    QrToken,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PatrolRoutes {
    Table,
    Id,
    CommunityId,
    Name,
    /// JSON array of checkpoint ids, in walking order.
    Checkpoints,
    /// JSON array of `HH:MM` start times, Asia/Shanghai.
    Slots,
    /// How long after each start a round may be walked.
    WindowMinutes,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InspectionRounds {
    Table,
    Id,
    RouteId,
    /// The local date of the slot's start (a round may end after midnight).
    Date,
    Slot,
    /// `planned`, `done`, `missed`.
    Status,
    DoneAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InspectionResults {
    Table,
    Id,
    CheckpointId,
    /// Copied from the checkpoint: lists are scoped by it.
    CommunityId,
    RoundId,
    UserId,
    /// Made by the phone; a re-sent result is stored once.
    ClientId,
    /// JSON array of `{item, result}` (`ok` / `abnormal`) in checklist order.
    Answers,
    Abnormal,
    Note,
    /// The repair ticket an abnormal result opened.
    TicketId,
    TicketNumber,
    /// When the phone recorded it (it may have been sent later).
    RecordedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Equipment::Table)
                .col(big_pk_auto(Equipment::Id))
                .col(big_integer(Equipment::CommunityId))
                .col(string_len(Equipment::Code, 30))
                .col(string_len(Equipment::Name, 60))
                .col(string_len(Equipment::Category, 20))
                .col(string_len(Equipment::Location, 100))
                .col(string_len(Equipment::Model, 60))
                .col(string_len(Equipment::Supplier, 60))
                .col(date_null(Equipment::InstalledOn))
                .col(date_null(Equipment::WarrantyUntil))
                .col(string_len(Equipment::Status, 10))
                .col(text(Equipment::Notes))
                .col(string_len(Equipment::QrToken, 40).unique_key())
                .col(big_integer(Equipment::CreatedBy))
                .col(timestamp_with_time_zone(Equipment::CreatedAt))
                .col(timestamp_with_time_zone(Equipment::UpdatedAt))
                .foreign_key(&mut fk(
                    (Equipment::Table, Equipment::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .foreign_key(&mut fk(
                    (Equipment::Table, Equipment::CreatedBy),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_equipment_community_code",
            Equipment::Table,
            vec![Equipment::CommunityId.into_iden(), Equipment::Code.into_iden()],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MaintenancePlans::Table)
                .col(big_pk_auto(MaintenancePlans::Id))
                .col(big_integer(MaintenancePlans::EquipmentId))
                .col(string_len(MaintenancePlans::Name, 60))
                .col(integer(MaintenancePlans::EveryN))
                .col(string_len(MaintenancePlans::EveryUnit, 10))
                .col(text(MaintenancePlans::Checklist))
                .col(date(MaintenancePlans::StartsOn))
                .col(date(MaintenancePlans::NextDue))
                .col(boolean(MaintenancePlans::Active))
                .col(timestamp_with_time_zone(MaintenancePlans::CreatedAt))
                .foreign_key(&mut fk(
                    (MaintenancePlans::Table, MaintenancePlans::EquipmentId),
                    (Equipment::Table, Equipment::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_maintenance_plans_equipment",
            MaintenancePlans::Table,
            vec![MaintenancePlans::EquipmentId.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_maintenance_plans_due",
            MaintenancePlans::Table,
            vec![
                MaintenancePlans::Active.into_iden(),
                MaintenancePlans::NextDue.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MaintenanceRecords::Table)
                .col(big_pk_auto(MaintenanceRecords::Id))
                .col(big_integer_null(MaintenanceRecords::PlanId))
                .col(big_integer(MaintenanceRecords::EquipmentId))
                .col(big_integer(MaintenanceRecords::DoneBy))
                .col(timestamp_with_time_zone(MaintenanceRecords::DoneAt))
                .col(text(MaintenanceRecords::Results))
                .col(boolean(MaintenanceRecords::Abnormal))
                .col(text(MaintenanceRecords::Note))
                .foreign_key(&mut fk(
                    (MaintenanceRecords::Table, MaintenanceRecords::PlanId),
                    (MaintenancePlans::Table, MaintenancePlans::Id),
                ))
                .foreign_key(&mut fk(
                    (MaintenanceRecords::Table, MaintenanceRecords::EquipmentId),
                    (Equipment::Table, Equipment::Id),
                ))
                .foreign_key(&mut fk(
                    (MaintenanceRecords::Table, MaintenanceRecords::DoneBy),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_maintenance_records_equipment",
            MaintenanceRecords::Table,
            vec![
                MaintenanceRecords::EquipmentId.into_iden(),
                MaintenanceRecords::Id.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Checkpoints::Table)
                .col(big_pk_auto(Checkpoints::Id))
                .col(big_integer(Checkpoints::CommunityId))
                .col(string_len(Checkpoints::Name, 60))
                .col(string_len(Checkpoints::Location, 100))
                .col(big_integer_null(Checkpoints::EquipmentId))
                .col(text(Checkpoints::Checklist))
                .col(string_len(Checkpoints::QrToken, 40).unique_key())
                .col(boolean(Checkpoints::Active))
                .col(timestamp_with_time_zone(Checkpoints::CreatedAt))
                .foreign_key(&mut fk(
                    (Checkpoints::Table, Checkpoints::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .foreign_key(&mut fk(
                    (Checkpoints::Table, Checkpoints::EquipmentId),
                    (Equipment::Table, Equipment::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_checkpoints_community",
            Checkpoints::Table,
            vec![Checkpoints::CommunityId.into_iden(), Checkpoints::Id.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PatrolRoutes::Table)
                .col(big_pk_auto(PatrolRoutes::Id))
                .col(big_integer(PatrolRoutes::CommunityId))
                .col(string_len(PatrolRoutes::Name, 60))
                .col(text(PatrolRoutes::Checkpoints))
                .col(text(PatrolRoutes::Slots))
                .col(integer(PatrolRoutes::WindowMinutes))
                .col(boolean(PatrolRoutes::Active))
                .col(timestamp_with_time_zone(PatrolRoutes::CreatedAt))
                .col(timestamp_with_time_zone(PatrolRoutes::UpdatedAt))
                .foreign_key(&mut fk(
                    (PatrolRoutes::Table, PatrolRoutes::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_patrol_routes_community_name",
            PatrolRoutes::Table,
            vec![PatrolRoutes::CommunityId.into_iden(), PatrolRoutes::Name.into_iden()],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(InspectionRounds::Table)
                .col(big_pk_auto(InspectionRounds::Id))
                .col(big_integer(InspectionRounds::RouteId))
                .col(date(InspectionRounds::Date))
                .col(string_len(InspectionRounds::Slot, 5))
                .col(string_len(InspectionRounds::Status, 10))
                .col(timestamp_with_time_zone_null(InspectionRounds::DoneAt))
                .col(timestamp_with_time_zone(InspectionRounds::CreatedAt))
                .foreign_key(&mut fk(
                    (InspectionRounds::Table, InspectionRounds::RouteId),
                    (PatrolRoutes::Table, PatrolRoutes::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_inspection_rounds_route_date_slot",
            InspectionRounds::Table,
            vec![
                InspectionRounds::RouteId.into_iden(),
                InspectionRounds::Date.into_iden(),
                InspectionRounds::Slot.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "ix_inspection_rounds_status_date",
            InspectionRounds::Table,
            vec![InspectionRounds::Status.into_iden(), InspectionRounds::Date.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(InspectionResults::Table)
                .col(big_pk_auto(InspectionResults::Id))
                .col(big_integer(InspectionResults::CheckpointId))
                .col(big_integer(InspectionResults::CommunityId))
                .col(big_integer_null(InspectionResults::RoundId))
                .col(big_integer(InspectionResults::UserId))
                .col(string_len(InspectionResults::ClientId, 64).unique_key())
                .col(text(InspectionResults::Answers))
                .col(boolean(InspectionResults::Abnormal))
                .col(text(InspectionResults::Note))
                .col(big_integer_null(InspectionResults::TicketId))
                .col(string_len_null(InspectionResults::TicketNumber, 30))
                .col(timestamp_with_time_zone(InspectionResults::RecordedAt))
                .col(timestamp_with_time_zone(InspectionResults::CreatedAt))
                .foreign_key(&mut fk(
                    (InspectionResults::Table, InspectionResults::CheckpointId),
                    (Checkpoints::Table, Checkpoints::Id),
                ))
                .foreign_key(&mut fk(
                    (InspectionResults::Table, InspectionResults::RoundId),
                    (InspectionRounds::Table, InspectionRounds::Id),
                ))
                .foreign_key(&mut fk(
                    (InspectionResults::Table, InspectionResults::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "ix_inspection_results_community_id",
                vec![
                    InspectionResults::CommunityId.into_iden(),
                    InspectionResults::Id.into_iden(),
                ],
            ),
            // Round completion: which checkpoints have a result inside a window.
            (
                "ix_inspection_results_checkpoint_recorded",
                vec![
                    InspectionResults::CheckpointId.into_iden(),
                    InspectionResults::RecordedAt.into_iden(),
                ],
            ),
            (
                "ix_inspection_results_round",
                vec![InspectionResults::RoundId.into_iden()],
            ),
        ] {
            index(m, name, InspectionResults::Table, cols, false).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            InspectionResults::Table.into_iden(),
            InspectionRounds::Table.into_iden(),
            PatrolRoutes::Table.into_iden(),
            Checkpoints::Table.into_iden(),
            MaintenanceRecords::Table.into_iden(),
            MaintenancePlans::Table.into_iden(),
            Equipment::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
