//! Billing (收费): charge items and their dated fee standards, assignments to units, meters and
//! readings, bill runs and bill lines (one per unit × item × period), adjustments (waivers,
//! reversals), payments with gap-free receipt numbers, prepaid and deposit ledgers, month
//! closes. (Online checkouts came later, in their own migration.)
//!
//! Money columns are integer fen; prices are 1/10 000 yuan; areas and usages hundredths.
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
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Occupancies {
    Table,
    /// The tenant pays the property fees (agreed with the owner); otherwise the owner does.
    PaysFees,
}

#[derive(DeriveIden)]
enum BillingSettings {
    Table,
    Id,
    OfficeId,
    /// `none` or `daily`.
    LateFeeMode,
    /// Per day, in ten-thousandths of the principal (0.5‰ = 5).
    LateFeeRate,
    GraceDays,
    /// Day of the period's month a bill falls due (clamped to the month's length).
    DueDay,
    ReceiptPrefix,
    /// 空置房 relief in basis points of the charge (3000 = 30 % off).
    VacantReliefBp,
    /// Months paid ahead that earn the prepay discount, and the discount in basis points.
    PrepayMonths,
    PrepayDiscountBp,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ChargeItems {
    Table,
    Id,
    OfficeId,
    Code,
    Name,
    Category,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FeeStandards {
    Table,
    Id,
    ItemId,
    EffectiveFrom,
    /// `area`, `fixed`, `parking`, `metered`, `formula`.
    Basis,
    Price,
    /// JSON tiers for metered items.
    Tiers,
    Formula,
    RoundMode,
    RoundTo,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChargeAssignments {
    Table,
    Id,
    ItemId,
    CommunityId,
    BuildingId,
    UseType,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Meters {
    Table,
    Id,
    CommunityId,
    UnitId,
    BuildingId,
    ItemId,
    Code,
    /// `water`, `electricity`, `gas`.
    Kind,
    /// A shared (公摊) meter whose usage is apportioned to the units it serves.
    Shared,
    /// `area` or `usage`: how a shared meter's usage is apportioned.
    Apportion,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MeterReadings {
    Table,
    Id,
    MeterId,
    Period,
    Reading,
    Usage,
    Anomaly,
    EnteredBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BillRuns {
    Table,
    Id,
    OrgId,
    Period,
    Units,
    LinesCreated,
    Total,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BillLines {
    Table,
    Id,
    OfficeId,
    CommunityId,
    BuildingId,
    UnitId,
    ItemId,
    StandardId,
    /// Calendar month as `YYYYMM`.
    Period,
    PayerPersonId,
    PayerName,
    Quantity,
    /// JSON: how the amount was reached (proration, apportionment, discounts).
    Detail,
    Gross,
    Discount,
    Amount,
    /// Cached sums of the allocations and adjustments (the rows are the record).
    Paid,
    Adjusted,
    DueDate,
    RunId,
    LateFeeWaived,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LineAdjustments {
    Table,
    Id,
    LineId,
    OfficeId,
    /// `waiver`, `reversal`, `late_fee_waiver`.
    Kind,
    Amount,
    Reason,
    Batch,
    BookedPeriod,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    OfficeId,
    CommunityId,
    UnitId,
    ReceiptNo,
    Method,
    Amount,
    Principal,
    LateFee,
    ToPrepaid,
    FromPrepaid,
    CashierId,
    PayerName,
    Provider,
    ProviderRef,
    ReversesId,
    Note,
    BookedPeriod,
    PaidAt,
}

#[derive(DeriveIden)]
enum PaymentAllocations {
    Table,
    Id,
    PaymentId,
    LineId,
    Principal,
    LateFee,
}

#[derive(DeriveIden)]
enum ReceiptCounters {
    Table,
    Id,
    OfficeId,
    Month,
    Next,
}

#[derive(DeriveIden)]
enum PrepaidLedger {
    Table,
    Id,
    UnitId,
    OfficeId,
    ItemId,
    Amount,
    /// `deposit`, `offset`, `refund`.
    Kind,
    PaymentId,
    LineId,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Deposits {
    Table,
    Id,
    UnitId,
    OfficeId,
    Purpose,
    Amount,
    /// `collect` or `refund`.
    Kind,
    RefersTo,
    Method,
    ReceiptNo,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PeriodCloses {
    Table,
    Id,
    OfficeId,
    Period,
    ClosedBy,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Occupancies::Table)
                .add_column(boolean(Occupancies::PaysFees).default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BillingSettings::Table)
                .col(big_pk_auto(BillingSettings::Id))
                .col(big_integer(BillingSettings::OfficeId).unique_key())
                .col(string_len(BillingSettings::LateFeeMode, 16))
                .col(integer(BillingSettings::LateFeeRate))
                .col(integer(BillingSettings::GraceDays))
                .col(integer(BillingSettings::DueDay))
                .col(string_len(BillingSettings::ReceiptPrefix, 8))
                .col(integer(BillingSettings::VacantReliefBp))
                .col(integer(BillingSettings::PrepayMonths))
                .col(integer(BillingSettings::PrepayDiscountBp))
                .col(big_integer(BillingSettings::UpdatedBy))
                .col(timestamp_with_time_zone(BillingSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    (BillingSettings::Table, BillingSettings::OfficeId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ChargeItems::Table)
                .col(big_pk_auto(ChargeItems::Id))
                .col(big_integer(ChargeItems::OfficeId))
                .col(string_len(ChargeItems::Code, 40))
                .col(string_len(ChargeItems::Name, 100))
                .col(string_len(ChargeItems::Category, 20))
                .col(boolean(ChargeItems::Active))
                .col(timestamp_with_time_zone(ChargeItems::CreatedAt))
                .foreign_key(&mut fk(
                    (ChargeItems::Table, ChargeItems::OfficeId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_charge_items_code",
            ChargeItems::Table,
            vec![ChargeItems::OfficeId.into_iden(), ChargeItems::Code.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(FeeStandards::Table)
                .col(big_pk_auto(FeeStandards::Id))
                .col(big_integer(FeeStandards::ItemId))
                .col(date(FeeStandards::EffectiveFrom))
                .col(string_len(FeeStandards::Basis, 16))
                .col(big_integer(FeeStandards::Price))
                .col(text(FeeStandards::Tiers))
                .col(text(FeeStandards::Formula))
                .col(string_len(FeeStandards::RoundMode, 16))
                .col(string_len(FeeStandards::RoundTo, 8))
                .col(big_integer(FeeStandards::CreatedBy))
                .col(timestamp_with_time_zone(FeeStandards::CreatedAt))
                .foreign_key(&mut fk(
                    (FeeStandards::Table, FeeStandards::ItemId),
                    (ChargeItems::Table, ChargeItems::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_fee_standards_from",
            FeeStandards::Table,
            vec![
                FeeStandards::ItemId.into_iden(),
                FeeStandards::EffectiveFrom.into_iden(),
            ],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ChargeAssignments::Table)
                .col(big_pk_auto(ChargeAssignments::Id))
                .col(big_integer(ChargeAssignments::ItemId))
                .col(big_integer(ChargeAssignments::CommunityId))
                .col(big_integer_null(ChargeAssignments::BuildingId))
                .col(string_len_null(ChargeAssignments::UseType, 20))
                .col(big_integer(ChargeAssignments::CreatedBy))
                .col(timestamp_with_time_zone(ChargeAssignments::CreatedAt))
                .foreign_key(&mut fk(
                    (ChargeAssignments::Table, ChargeAssignments::ItemId),
                    (ChargeItems::Table, ChargeItems::Id),
                ))
                .foreign_key(&mut fk(
                    (ChargeAssignments::Table, ChargeAssignments::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_charge_assignments_item",
            ChargeAssignments::Table,
            vec![ChargeAssignments::ItemId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Meters::Table)
                .col(big_pk_auto(Meters::Id))
                .col(big_integer(Meters::CommunityId))
                .col(big_integer_null(Meters::UnitId))
                .col(big_integer_null(Meters::BuildingId))
                .col(big_integer(Meters::ItemId))
                .col(string_len(Meters::Code, 40))
                .col(string_len(Meters::Kind, 16))
                .col(boolean(Meters::Shared))
                .col(string_len(Meters::Apportion, 16))
                .col(boolean(Meters::Active))
                .col(timestamp_with_time_zone(Meters::CreatedAt))
                .foreign_key(&mut fk(
                    (Meters::Table, Meters::CommunityId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .foreign_key(&mut fk((Meters::Table, Meters::UnitId), (Units::Table, Units::Id)))
                .foreign_key(&mut fk(
                    (Meters::Table, Meters::ItemId),
                    (ChargeItems::Table, ChargeItems::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_meters_code",
            Meters::Table,
            vec![Meters::CommunityId.into_iden(), Meters::Code.into_iden()],
            true,
        )
        .await?;
        index(
            m,
            "ix_meters_unit",
            Meters::Table,
            vec![Meters::UnitId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeterReadings::Table)
                .col(big_pk_auto(MeterReadings::Id))
                .col(big_integer(MeterReadings::MeterId))
                .col(integer(MeterReadings::Period))
                .col(big_integer(MeterReadings::Reading))
                .col(big_integer(MeterReadings::Usage))
                .col(string_len_null(MeterReadings::Anomaly, 40))
                .col(big_integer(MeterReadings::EnteredBy))
                .col(timestamp_with_time_zone(MeterReadings::CreatedAt))
                .foreign_key(&mut fk(
                    (MeterReadings::Table, MeterReadings::MeterId),
                    (Meters::Table, Meters::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_meter_readings_period",
            MeterReadings::Table,
            vec![MeterReadings::MeterId.into_iden(), MeterReadings::Period.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BillRuns::Table)
                .col(big_pk_auto(BillRuns::Id))
                .col(big_integer(BillRuns::OrgId))
                .col(integer(BillRuns::Period))
                .col(big_integer(BillRuns::Units))
                .col(big_integer(BillRuns::LinesCreated))
                .col(big_integer(BillRuns::Total))
                .col(big_integer(BillRuns::CreatedBy))
                .col(timestamp_with_time_zone(BillRuns::CreatedAt))
                .foreign_key(&mut fk(
                    (BillRuns::Table, BillRuns::OrgId),
                    (OrgUnits::Table, OrgUnits::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BillLines::Table)
                .col(big_pk_auto(BillLines::Id))
                .col(big_integer(BillLines::OfficeId))
                .col(big_integer(BillLines::CommunityId))
                .col(big_integer(BillLines::BuildingId))
                .col(big_integer(BillLines::UnitId))
                .col(big_integer(BillLines::ItemId))
                .col(big_integer(BillLines::StandardId))
                .col(integer(BillLines::Period))
                .col(big_integer_null(BillLines::PayerPersonId))
                .col(string_len(BillLines::PayerName, 100))
                .col(string_len(BillLines::Quantity, 60))
                .col(text(BillLines::Detail))
                .col(big_integer(BillLines::Gross))
                .col(big_integer(BillLines::Discount))
                .col(big_integer(BillLines::Amount))
                .col(big_integer(BillLines::Paid))
                .col(big_integer(BillLines::Adjusted))
                .col(date(BillLines::DueDate))
                .col(big_integer_null(BillLines::RunId))
                .col(boolean(BillLines::LateFeeWaived))
                .col(timestamp_with_time_zone(BillLines::CreatedAt))
                .foreign_key(&mut fk(
                    (BillLines::Table, BillLines::UnitId),
                    (Units::Table, Units::Id),
                ))
                .foreign_key(&mut fk(
                    (BillLines::Table, BillLines::ItemId),
                    (ChargeItems::Table, ChargeItems::Id),
                ))
                .foreign_key(&mut fk(
                    (BillLines::Table, BillLines::StandardId),
                    (FeeStandards::Table, FeeStandards::Id),
                ))
                .to_owned(),
        )
        .await?;
        // The database itself refuses a second line for the same unit, item and month.
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
        index(
            m,
            "ix_bill_lines_office_period",
            BillLines::Table,
            vec![BillLines::OfficeId.into_iden(), BillLines::Period.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_bill_lines_community_period",
            BillLines::Table,
            vec![BillLines::CommunityId.into_iden(), BillLines::Period.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineAdjustments::Table)
                .col(big_pk_auto(LineAdjustments::Id))
                .col(big_integer(LineAdjustments::LineId))
                .col(big_integer(LineAdjustments::OfficeId))
                .col(string_len(LineAdjustments::Kind, 20))
                .col(big_integer(LineAdjustments::Amount))
                .col(string_len(LineAdjustments::Reason, 200))
                .col(string_len_null(LineAdjustments::Batch, 40))
                .col(integer(LineAdjustments::BookedPeriod))
                .col(big_integer(LineAdjustments::CreatedBy))
                .col(timestamp_with_time_zone(LineAdjustments::CreatedAt))
                .foreign_key(&mut fk(
                    (LineAdjustments::Table, LineAdjustments::LineId),
                    (BillLines::Table, BillLines::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_line_adjustments_line",
            LineAdjustments::Table,
            vec![LineAdjustments::LineId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(big_pk_auto(Payments::Id))
                .col(big_integer(Payments::OfficeId))
                .col(big_integer(Payments::CommunityId))
                .col(big_integer(Payments::UnitId))
                .col(string_len(Payments::ReceiptNo, 40))
                .col(string_len(Payments::Method, 16))
                .col(big_integer(Payments::Amount))
                .col(big_integer(Payments::Principal))
                .col(big_integer(Payments::LateFee))
                .col(big_integer(Payments::ToPrepaid))
                .col(big_integer(Payments::FromPrepaid))
                .col(big_integer_null(Payments::CashierId))
                .col(string_len(Payments::PayerName, 100))
                .col(string_len_null(Payments::Provider, 16))
                .col(string_len_null(Payments::ProviderRef, 120))
                .col(big_integer_null(Payments::ReversesId))
                .col(string_len(Payments::Note, 200))
                .col(integer(Payments::BookedPeriod))
                .col(timestamp_with_time_zone(Payments::PaidAt))
                .foreign_key(&mut fk((Payments::Table, Payments::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        // Receipt numbers are gap-free and unique within an office (offices may share a prefix).
        index(
            m,
            "ux_payments_receipt",
            Payments::Table,
            vec![Payments::OfficeId.into_iden(), Payments::ReceiptNo.into_iden()],
            true,
        )
        .await?;
        index(
            m,
            "ix_payments_unit",
            Payments::Table,
            vec![Payments::UnitId.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_payments_office_paid",
            Payments::Table,
            vec![Payments::OfficeId.into_iden(), Payments::PaidAt.into_iden()],
            false,
        )
        .await?;
        // At most one red reversal per payment.
        index(
            m,
            "ux_payments_reverses",
            Payments::Table,
            vec![Payments::ReversesId.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PaymentAllocations::Table)
                .col(big_pk_auto(PaymentAllocations::Id))
                .col(big_integer(PaymentAllocations::PaymentId))
                .col(big_integer(PaymentAllocations::LineId))
                .col(big_integer(PaymentAllocations::Principal))
                .col(big_integer(PaymentAllocations::LateFee))
                .foreign_key(&mut fk(
                    (PaymentAllocations::Table, PaymentAllocations::PaymentId),
                    (Payments::Table, Payments::Id),
                ))
                .foreign_key(&mut fk(
                    (PaymentAllocations::Table, PaymentAllocations::LineId),
                    (BillLines::Table, BillLines::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_payment_allocations_payment",
            PaymentAllocations::Table,
            vec![PaymentAllocations::PaymentId.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_payment_allocations_line",
            PaymentAllocations::Table,
            vec![PaymentAllocations::LineId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReceiptCounters::Table)
                .col(big_pk_auto(ReceiptCounters::Id))
                .col(big_integer(ReceiptCounters::OfficeId))
                .col(integer(ReceiptCounters::Month))
                .col(big_integer(ReceiptCounters::Next))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_receipt_counters",
            ReceiptCounters::Table,
            vec![
                ReceiptCounters::OfficeId.into_iden(),
                ReceiptCounters::Month.into_iden(),
            ],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PrepaidLedger::Table)
                .col(big_pk_auto(PrepaidLedger::Id))
                .col(big_integer(PrepaidLedger::UnitId))
                .col(big_integer(PrepaidLedger::OfficeId))
                .col(big_integer_null(PrepaidLedger::ItemId))
                .col(big_integer(PrepaidLedger::Amount))
                .col(string_len(PrepaidLedger::Kind, 16))
                .col(big_integer_null(PrepaidLedger::PaymentId))
                .col(big_integer_null(PrepaidLedger::LineId))
                .col(string_len(PrepaidLedger::Note, 200))
                .col(big_integer_null(PrepaidLedger::CreatedBy))
                .col(timestamp_with_time_zone(PrepaidLedger::CreatedAt))
                .foreign_key(&mut fk(
                    (PrepaidLedger::Table, PrepaidLedger::UnitId),
                    (Units::Table, Units::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_prepaid_ledger_unit",
            PrepaidLedger::Table,
            vec![PrepaidLedger::UnitId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Deposits::Table)
                .col(big_pk_auto(Deposits::Id))
                .col(big_integer(Deposits::UnitId))
                .col(big_integer(Deposits::OfficeId))
                .col(string_len(Deposits::Purpose, 40))
                .col(big_integer(Deposits::Amount))
                .col(string_len(Deposits::Kind, 16))
                .col(big_integer_null(Deposits::RefersTo))
                .col(string_len(Deposits::Method, 16))
                .col(string_len_null(Deposits::ReceiptNo, 40))
                .col(string_len(Deposits::Note, 200))
                .col(big_integer(Deposits::CreatedBy))
                .col(timestamp_with_time_zone(Deposits::CreatedAt))
                .foreign_key(&mut fk((Deposits::Table, Deposits::UnitId), (Units::Table, Units::Id)))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_deposits_unit",
            Deposits::Table,
            vec![Deposits::UnitId.into_iden()],
            false,
        )
        .await?;
        // One refund per collected deposit.
        index(
            m,
            "ux_deposits_refers",
            Deposits::Table,
            vec![Deposits::RefersTo.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PeriodCloses::Table)
                .col(big_pk_auto(PeriodCloses::Id))
                .col(big_integer(PeriodCloses::OfficeId))
                .col(integer(PeriodCloses::Period))
                .col(big_integer(PeriodCloses::ClosedBy))
                .col(timestamp_with_time_zone(PeriodCloses::ClosedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_period_closes",
            PeriodCloses::Table,
            vec![PeriodCloses::OfficeId.into_iden(), PeriodCloses::Period.into_iden()],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            PeriodCloses::Table.into_iden(),
            Deposits::Table.into_iden(),
            PrepaidLedger::Table.into_iden(),
            ReceiptCounters::Table.into_iden(),
            PaymentAllocations::Table.into_iden(),
            Payments::Table.into_iden(),
            LineAdjustments::Table.into_iden(),
            BillLines::Table.into_iden(),
            BillRuns::Table.into_iden(),
            MeterReadings::Table.into_iden(),
            Meters::Table.into_iden(),
            ChargeAssignments::Table.into_iden(),
            FeeStandards::Table.into_iden(),
            ChargeItems::Table.into_iden(),
            BillingSettings::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Occupancies::Table)
                .drop_column(Occupancies::PaysFees)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
