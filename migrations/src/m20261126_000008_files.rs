//! Uploaded files (photos of repairs and inspections): one row per stored picture and its
//! thumbnail. A file belongs to its uploader until a form attaches it to one object
//! (`attached_kind`, `attached_id`); files never attached are purged after a day.
use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Files {
    Table,
    Id,
    /// Object key of the picture (`photos/2026/11/<random>.jpg`), made by the server.
    Key,
    /// Object key of its thumbnail.
    ThumbKey,
    /// Always `image/jpeg` for photos (they are re-encoded).
    ContentType,
    /// Size of the stored picture.
    Bytes,
    Width,
    Height,
    /// Hex SHA-256 of the stored picture.
    Sha256,
    UploadedBy,
    /// What it is attached to (`ticket`, `inspection` …); none = not attached yet.
    AttachedKind,
    AttachedId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Files::Table)
                .col(big_pk_auto(Files::Id))
                .col(string_len(Files::Key, 200))
                .col(string_len(Files::ThumbKey, 200))
                .col(string_len(Files::ContentType, 50))
                .col(big_integer(Files::Bytes))
                .col(integer(Files::Width))
                .col(integer(Files::Height))
                .col(string_len(Files::Sha256, 64))
                .col(big_integer(Files::UploadedBy))
                .col(string_len_null(Files::AttachedKind, 30))
                .col(big_integer_null(Files::AttachedId))
                .col(timestamp_with_time_zone(Files::CreatedAt))
                .foreign_key(&mut fk((Files::Table, Files::UploadedBy), (Users::Table, Users::Id)))
                .to_owned(),
        )
        .await?;
        index(m, "ux_files_key", Files::Table, vec![Files::Key.into_iden()], true).await?;
        index(
            m,
            "ix_files_attached",
            Files::Table,
            vec![Files::AttachedKind.into_iden(), Files::AttachedId.into_iden()],
            false,
        )
        .await?;
        index(
            m,
            "ix_files_uploader",
            Files::Table,
            vec![Files::UploadedBy.into_iden(), Files::CreatedAt.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Files::Table).to_owned()).await
    }
}
