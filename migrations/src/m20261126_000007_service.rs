//! Service requests: tickets with their timeline, technician teams, each office's dispatch
//! and SLA settings and repair price list. Bill lines gain a `source` so a chargeable repair
//! raises its own line (one per ticket) beside the bill run's line of the same item and month.
//! Technicians lose `service.read`: they see their own and their team's tickets only.
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
enum BillLines {
    Table,
    UnitId,
    ItemId,
    Period,
    /// Empty for bill-run lines; `ticket:{id}` for a repair charge.
    Source,
}

#[derive(DeriveIden)]
enum ServiceSettings {
    Table,
    Id,
    OfficeId,
    /// `manual`, `round_robin`, `pool`.
    DispatchMode,
    ReopenDays,
    /// JSON `BusinessHours`, or null: clocks run around the clock.
    Hours,
    /// JSON list of `SlaRule` overrides.
    Sla,
    /// Round-robin: the technician who got the last ticket.
    LastAssignee,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ServicePrices {
    Table,
    Id,
    OfficeId,
    Name,
    Unit,
    Price,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ServiceTeams {
    Table,
    Id,
    OfficeId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ServiceTeamMembers {
    Table,
    TeamId,
    UserId,
}

#[derive(DeriveIden)]
enum ServiceTickets {
    Table,
    Id,
    Number,
    OfficeId,
    CommunityId,
    UnitId,
    Kind,
    Category,
    Priority,
    Source,
    Status,
    Spot,
    Description,
    PreferredTime,
    ReporterId,
    CallerName,
    CallerPhone,
    TeamId,
    AssigneeId,
    Pool,
    TakenOn,
    RespondDue,
    HandleDue,
    RespondedAt,
    HandledAt,
    ClosedAt,
    RespondBreached,
    HandleBreached,
    Escalated,
    Stars,
    RatingComment,
    LabourMinutes,
    Materials,
    Charge,
    BillLineId,
    Reopened,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ServiceEvents {
    Table,
    Id,
    TicketId,
    Action,
    ActorId,
    ActorLabel,
    Text,
    Status,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Bill lines: one line per unit × item × month × source.
        m.alter_table(
            Table::alter()
                .table(BillLines::Table)
                .add_column(string_len(BillLines::Source, 40).default(""))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ux_bill_lines_unit_item_period")
                .table(BillLines::Table)
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_bill_lines_unit_item_period_source",
            BillLines::Table,
            vec![
                BillLines::UnitId.into_iden(),
                BillLines::ItemId.into_iden(),
                BillLines::Period.into_iden(),
                BillLines::Source.into_iden(),
            ],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ServiceSettings::Table)
                .col(big_pk_auto(ServiceSettings::Id))
                .col(big_integer(ServiceSettings::OfficeId).unique_key())
                .col(string_len(ServiceSettings::DispatchMode, 20))
                .col(integer(ServiceSettings::ReopenDays))
                .col(text_null(ServiceSettings::Hours))
                .col(text(ServiceSettings::Sla))
                .col(big_integer_null(ServiceSettings::LastAssignee))
                .col(timestamp_with_time_zone(ServiceSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    (ServiceSettings::Table, ServiceSettings::OfficeId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ServicePrices::Table)
                .col(big_pk_auto(ServicePrices::Id))
                .col(big_integer(ServicePrices::OfficeId))
                .col(string_len(ServicePrices::Name, 100))
                .col(string_len(ServicePrices::Unit, 20))
                .col(big_integer(ServicePrices::Price))
                .col(boolean(ServicePrices::Active))
                .col(timestamp_with_time_zone(ServicePrices::CreatedAt))
                .foreign_key(&mut fk(
                    (ServicePrices::Table, ServicePrices::OfficeId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_service_prices_office_name",
            ServicePrices::Table,
            vec![ServicePrices::OfficeId.into_iden(), ServicePrices::Name.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ServiceTeams::Table)
                .col(big_pk_auto(ServiceTeams::Id))
                .col(big_integer(ServiceTeams::OfficeId))
                .col(string_len(ServiceTeams::Name, 60))
                .col(timestamp_with_time_zone(ServiceTeams::CreatedAt))
                .foreign_key(&mut fk(
                    (ServiceTeams::Table, ServiceTeams::OfficeId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_service_teams_office_name",
            ServiceTeams::Table,
            vec![ServiceTeams::OfficeId.into_iden(), ServiceTeams::Name.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ServiceTeamMembers::Table)
                .col(big_integer(ServiceTeamMembers::TeamId))
                .col(big_integer(ServiceTeamMembers::UserId))
                .primary_key(
                    Index::create()
                        .col(ServiceTeamMembers::TeamId)
                        .col(ServiceTeamMembers::UserId),
                )
                .foreign_key(&mut fk(
                    (ServiceTeamMembers::Table, ServiceTeamMembers::TeamId),
                    (ServiceTeams::Table, ServiceTeams::Id),
                ))
                .foreign_key(&mut fk(
                    (ServiceTeamMembers::Table, ServiceTeamMembers::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_service_team_members_user",
            ServiceTeamMembers::Table,
            vec![ServiceTeamMembers::UserId.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ServiceTickets::Table)
                .col(big_pk_auto(ServiceTickets::Id))
                .col(string_len(ServiceTickets::Number, 30).unique_key())
                .col(big_integer(ServiceTickets::OfficeId))
                .col(big_integer(ServiceTickets::CommunityId))
                .col(big_integer_null(ServiceTickets::UnitId))
                .col(string_len(ServiceTickets::Kind, 20))
                .col(string_len(ServiceTickets::Category, 30))
                .col(string_len(ServiceTickets::Priority, 10))
                .col(string_len(ServiceTickets::Source, 20))
                .col(string_len(ServiceTickets::Status, 20))
                .col(string_len(ServiceTickets::Spot, 100))
                .col(text(ServiceTickets::Description))
                .col(string_len(ServiceTickets::PreferredTime, 60))
                .col(big_integer_null(ServiceTickets::ReporterId))
                .col(string_len(ServiceTickets::CallerName, 60))
                .col(string_len(ServiceTickets::CallerPhone, 30))
                .col(big_integer_null(ServiceTickets::TeamId))
                .col(big_integer_null(ServiceTickets::AssigneeId))
                .col(boolean(ServiceTickets::Pool))
                .col(boolean(ServiceTickets::TakenOn))
                .col(timestamp_with_time_zone(ServiceTickets::RespondDue))
                .col(timestamp_with_time_zone(ServiceTickets::HandleDue))
                .col(timestamp_with_time_zone_null(ServiceTickets::RespondedAt))
                .col(timestamp_with_time_zone_null(ServiceTickets::HandledAt))
                .col(timestamp_with_time_zone_null(ServiceTickets::ClosedAt))
                .col(boolean(ServiceTickets::RespondBreached))
                .col(boolean(ServiceTickets::HandleBreached))
                .col(integer(ServiceTickets::Escalated))
                .col(integer_null(ServiceTickets::Stars))
                .col(string_len(ServiceTickets::RatingComment, 500))
                .col(big_integer_null(ServiceTickets::LabourMinutes))
                .col(text(ServiceTickets::Materials))
                .col(big_integer_null(ServiceTickets::Charge))
                .col(big_integer_null(ServiceTickets::BillLineId))
                .col(integer(ServiceTickets::Reopened))
                .col(big_integer(ServiceTickets::CreatedBy))
                .col(timestamp_with_time_zone(ServiceTickets::CreatedAt))
                .col(timestamp_with_time_zone(ServiceTickets::UpdatedAt))
                .foreign_key(&mut fk(
                    (ServiceTickets::Table, ServiceTickets::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        // Staff lists: scope (communities) × newest first, optionally by status.
        for (name, cols) in [
            (
                "ix_tickets_community_id",
                vec![ServiceTickets::CommunityId.into_iden(), ServiceTickets::Id.into_iden()],
            ),
            (
                "ix_tickets_community_status_id",
                vec![
                    ServiceTickets::CommunityId.into_iden(),
                    ServiceTickets::Status.into_iden(),
                    ServiceTickets::Id.into_iden(),
                ],
            ),
            (
                "ix_tickets_assignee_status",
                vec![
                    ServiceTickets::AssigneeId.into_iden(),
                    ServiceTickets::Status.into_iden(),
                ],
            ),
            (
                "ix_tickets_team_status",
                vec![ServiceTickets::TeamId.into_iden(), ServiceTickets::Status.into_iden()],
            ),
            (
                "ix_tickets_reporter_id",
                vec![ServiceTickets::ReporterId.into_iden(), ServiceTickets::Id.into_iden()],
            ),
            // Daily report: each count reads one of these alone (covering), never the rows.
            (
                "ix_tickets_community_created",
                vec![
                    ServiceTickets::CommunityId.into_iden(),
                    ServiceTickets::CreatedAt.into_iden(),
                    ServiceTickets::Kind.into_iden(),
                ],
            ),
            (
                "ix_tickets_community_handled",
                vec![
                    ServiceTickets::CommunityId.into_iden(),
                    ServiceTickets::HandledAt.into_iden(),
                    ServiceTickets::HandleDue.into_iden(),
                ],
            ),
            (
                "ix_tickets_community_responded",
                vec![
                    ServiceTickets::CommunityId.into_iden(),
                    ServiceTickets::RespondedAt.into_iden(),
                    ServiceTickets::RespondDue.into_iden(),
                ],
            ),
            (
                "ix_tickets_community_closed",
                vec![
                    ServiceTickets::CommunityId.into_iden(),
                    ServiceTickets::ClosedAt.into_iden(),
                ],
            ),
            (
                "ix_tickets_status_handle_due",
                vec![
                    ServiceTickets::Status.into_iden(),
                    ServiceTickets::HandleDue.into_iden(),
                    ServiceTickets::CommunityId.into_iden(),
                ],
            ),
        ] {
            index(m, name, ServiceTickets::Table, cols, false).await?;
        }

        m.create_table(
            Table::create()
                .table(ServiceEvents::Table)
                .col(big_pk_auto(ServiceEvents::Id))
                .col(big_integer(ServiceEvents::TicketId))
                .col(string_len(ServiceEvents::Action, 20))
                .col(big_integer_null(ServiceEvents::ActorId))
                .col(string_len(ServiceEvents::ActorLabel, 80))
                .col(text(ServiceEvents::Text))
                .col(string_len(ServiceEvents::Status, 20))
                .col(timestamp_with_time_zone(ServiceEvents::CreatedAt))
                .foreign_key(&mut fk(
                    (ServiceEvents::Table, ServiceEvents::TicketId),
                    (ServiceTickets::Table, ServiceTickets::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_service_events_ticket",
            ServiceEvents::Table,
            vec![ServiceEvents::TicketId.into_iden(), ServiceEvents::Id.into_iden()],
            false,
        )
        .await?;

        // Technicians see their own and their team's tickets, not the whole office's.
        m.get_connection()
            .execute_unprepared(
                "DELETE FROM role_permissions WHERE permission = 'service.read' \
                 AND role_id IN (SELECT id FROM roles WHERE code = 'technician' AND builtin)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ServiceEvents::Table.into_iden(),
            ServiceTickets::Table.into_iden(),
            ServiceTeamMembers::Table.into_iden(),
            ServiceTeams::Table.into_iden(),
            ServicePrices::Table.into_iden(),
            ServiceSettings::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("ux_bill_lines_unit_item_period_source")
                .table(BillLines::Table)
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_bill_lines_unit_item_period",
            BillLines::Table,
            vec![
                BillLines::UnitId.into_iden(),
                BillLines::ItemId.into_iden(),
                BillLines::Period.into_iden(),
            ],
            true,
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(BillLines::Table)
                .drop_column(BillLines::Source)
                .to_owned(),
        )
        .await
    }
}
