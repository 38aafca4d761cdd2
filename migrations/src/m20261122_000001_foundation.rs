//! Foundation: org tree, accounts, sessions, login throttling, roles and grants, audit log.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
    ParentId,
    Kind,
    Name,
    Code,
    Path,
    Depth,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Login,
    Phone,
    DisplayName,
    PasswordHash,
    Kind,
    Status,
    Locale,
    LargeText,
    PasswordChangedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CsrfToken,
    Kind,
    Ip,
    UserAgent,
    CreatedAt,
    LastSeenAt,
    ReauthAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    Scope,
    Key,
    Success,
    AttemptedAt,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Id,
    Code,
    NameZh,
    NameEn,
    IsStaff,
    Builtin,
}

#[derive(DeriveIden)]
enum RolePermissions {
    Table,
    RoleId,
    Permission,
}

#[derive(DeriveIden)]
enum Grants {
    Table,
    Id,
    UserId,
    RoleId,
    OrgId,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorLabel,
    Ip,
    Action,
    ObjectType,
    ObjectId,
    OrgId,
    Outcome,
    Summary,
    PrevHash,
    Hash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OrgUnits::Table)
                .col(big_pk_auto(OrgUnits::Id))
                .col(big_integer_null(OrgUnits::ParentId))
                .col(string_len(OrgUnits::Kind, 16))
                .col(string_len(OrgUnits::Name, 100))
                .col(string_len(OrgUnits::Code, 40).unique_key())
                // Materialised path "/1/4/9/": a subtree is one indexed prefix query.
                .col(string_len(OrgUnits::Path, 400))
                .col(integer(OrgUnits::Depth))
                .col(timestamp_with_time_zone(OrgUnits::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(OrgUnits::Table, OrgUnits::ParentId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_org_units_path")
                .table(OrgUnits::Table)
                .col(OrgUnits::Path)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(string_len(Users::Login, 64).unique_key())
                .col(string_len_null(Users::Phone, 11).unique_key())
                .col(string_len(Users::DisplayName, 64))
                .col(string_len(Users::PasswordHash, 200))
                .col(string_len(Users::Kind, 16))
                .col(string_len(Users::Status, 16))
                .col(string_len(Users::Locale, 8))
                .col(boolean(Users::LargeText).default(false))
                .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                // SHA-256 of the token: a database dump does not yield usable sessions.
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(big_integer(Sessions::UserId))
                .col(string_len(Sessions::CsrfToken, 64))
                .col(string_len(Sessions::Kind, 16))
                .col(string_len(Sessions::Ip, 64))
                .col(string_len(Sessions::UserAgent, 200))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(timestamp_with_time_zone(Sessions::ReauthAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sessions_user")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginAttempts::Table)
                .col(big_pk_auto(LoginAttempts::Id))
                .col(string_len(LoginAttempts::Scope, 16))
                .col(string_len(LoginAttempts::Key, 128))
                .col(boolean(LoginAttempts::Success))
                .col(timestamp_with_time_zone(LoginAttempts::AttemptedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_login_attempts_key")
                .table(LoginAttempts::Table)
                .col(LoginAttempts::Scope)
                .col(LoginAttempts::Key)
                .col(LoginAttempts::AttemptedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Roles::Table)
                .col(big_pk_auto(Roles::Id))
                .col(string_len(Roles::Code, 40).unique_key())
                .col(string_len(Roles::NameZh, 40))
                .col(string_len(Roles::NameEn, 60))
                .col(boolean(Roles::IsStaff))
                .col(boolean(Roles::Builtin))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RolePermissions::Table)
                .col(big_integer(RolePermissions::RoleId))
                .col(string_len(RolePermissions::Permission, 60))
                .primary_key(
                    Index::create()
                        .col(RolePermissions::RoleId)
                        .col(RolePermissions::Permission),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RolePermissions::Table, RolePermissions::RoleId)
                        .to(Roles::Table, Roles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Grants::Table)
                .col(big_pk_auto(Grants::Id))
                .col(big_integer(Grants::UserId))
                .col(big_integer(Grants::RoleId))
                .col(big_integer(Grants::OrgId))
                .col(timestamp_with_time_zone(Grants::CreatedAt))
                .col(big_integer_null(Grants::CreatedBy))
                .foreign_key(
                    ForeignKey::create()
                        .from(Grants::Table, Grants::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Grants::Table, Grants::RoleId)
                        .to(Roles::Table, Roles::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Grants::Table, Grants::OrgId)
                        .to(OrgUnits::Table, OrgUnits::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_grants_user_role_org")
                .table(Grants::Table)
                .col(Grants::UserId)
                .col(Grants::RoleId)
                .col(Grants::OrgId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(big_integer_null(AuditLog::ActorId))
                .col(string_len(AuditLog::ActorLabel, 64))
                .col(string_len(AuditLog::Ip, 64))
                .col(string_len(AuditLog::Action, 60))
                .col(string_len(AuditLog::ObjectType, 40))
                .col(string_len(AuditLog::ObjectId, 64))
                .col(big_integer_null(AuditLog::OrgId))
                .col(string_len(AuditLog::Outcome, 16))
                .col(text(AuditLog::Summary))
                // Each hash may be the predecessor of one row only: two writers racing for
                // the chain head cannot fork it, one of them retries.
                .col(string_len(AuditLog::PrevHash, 64).unique_key())
                .col(string_len(AuditLog::Hash, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_at")
                .table(AuditLog::Table)
                .col(AuditLog::At)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            Grants::Table.into_iden(),
            RolePermissions::Table.into_iden(),
            Roles::Table.into_iden(),
            LoginAttempts::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
            OrgUnits::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
