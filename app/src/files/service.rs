//! (ssr) Photo uploads: checked and re-encoded off the async threads, stored under keys the
//! server makes, then attached by another area's use case to the object they show (a repair
//! request, an inspection) inside that area's transaction. The owning area decides who may see
//! its object and then reads the photo through [`read`]. Documents (PDF manuals, warranty
//! cards) go the same way, stored as they are: [`upload_document`], [`attach_documents`],
//! [`documents_of`], [`read_document`], [`remove_document`]. Uploads never attached are purged.
use super::document::{check_document, DOC_TYPE};
use super::image::process_photo;
use super::model::{DocRef, FileRef};
use super::store::Storage;
use crate::access::model::Authed;
use crate::db::entities::files;
use crate::db::AppCtx;
use crate::shared::error::AppError;
use crate::shared::ids::UserId;
use chrono::{DateTime, Datelike, Duration, Utc};
use sea_orm::{
    prelude::*, sea_query::Expr, ActiveValue::Set, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// Uploads one user may have waiting to be attached, per hour.
pub const MAX_UNATTACHED_PER_HOUR: u64 = 60;
/// Every stored photo and thumbnail is a JPEG.
pub const PHOTO_TYPE: &str = "image/jpeg";
/// Photos decoded at once on this server: each may take a few hundred MB while it is decoded.
static PROCESSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

fn file_ref(m: &files::Model) -> FileRef {
    FileRef {
        id: m.id,
        width: u32::try_from(m.width).unwrap_or(0),
        height: u32::try_from(m.height).unwrap_or(0),
        bytes: m.bytes,
    }
}

fn doc_ref(m: &files::Model) -> DocRef {
    DocRef {
        id: m.id,
        name: m.name.clone().unwrap_or_default(),
        bytes: m.bytes,
    }
}

/// Random hex, so nobody can guess another upload's key.
fn random_stem(now: DateTime<Utc>, folder: &str) -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    format!("{folder}/{:04}/{:02}/{}", now.year(), now.month(), hex::encode(b))
}

/// Fresh object keys for a photo and its thumbnail: `photos/2026/11/<32 hex>.jpg` and
/// `…_t.jpg`. Random, so nobody can guess another upload's key.
fn new_keys(now: DateTime<Utc>) -> (String, String) {
    let stem = random_stem(now, "photos");
    (format!("{stem}.jpg"), format!("{stem}_t.jpg"))
}

/// Refuses an upload once `user` has [`MAX_UNATTACHED_PER_HOUR`] unattached uploads (photos
/// and documents together) from the last hour, saying when to try again.
async fn check_quota(ctx: &AppCtx, user: UserId, now: DateTime<Utc>) -> Result<(), AppError> {
    let window = files::Entity::find()
        .filter(files::Column::UploadedBy.eq(user.0))
        .filter(files::Column::AttachedKind.is_null())
        .filter(files::Column::CreatedAt.gt(now - Duration::hours(1)));
    if window.clone().count(&ctx.db).await? >= MAX_UNATTACHED_PER_HOUR {
        let oldest = window
            .order_by_asc(files::Column::CreatedAt)
            .one(&ctx.db)
            .await?
            .map(|f| f.created_at)
            .unwrap_or(now);
        let wait = (oldest + Duration::hours(1) - now).num_seconds().max(1);
        return Err(AppError::RateLimited { retry_after_secs: wait });
    }
    Ok(())
}

/// Checks, re-encodes and stores a photo for the signed-in user; it stays theirs, unattached,
/// until [`attach`] gives it to an object.
///
/// Errors: `RateLimited` after [`MAX_UNATTACHED_PER_HOUR`] unattached uploads within an hour;
/// a validation error on `file` for anything [`process_photo`] refuses; `Internal` when the
/// storage or the database fails (nothing is left behind).
pub async fn upload_photo(ctx: &AppCtx, auth: &Authed, bytes: Vec<u8>, file_name: &str) -> Result<FileRef, AppError> {
    let user = auth.user_id;
    let now = Utc::now();
    check_quota(ctx, user, now).await?;

    let name = file_name.to_string();
    let photo = {
        let _permit = PROCESSING.acquire().await.map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(move || process_photo(&bytes, &name))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "photo processing panicked");
                AppError::Internal
            })??
    };

    let (key, thumb_key) = new_keys(now);
    let store = Storage::of(&ctx.cfg)?;
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&photo.full))
    };
    let row = files::ActiveModel {
        key: Set(key.clone()),
        thumb_key: Set(thumb_key.clone()),
        content_type: Set(PHOTO_TYPE.into()),
        bytes: Set(photo.full.len() as i64),
        width: Set(i32::try_from(photo.width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(photo.height).unwrap_or(i32::MAX)),
        sha256: Set(sha256),
        uploaded_by: Set(user.0),
        attached_kind: Set(None),
        attached_id: Set(None),
        created_at: Set(now),
        name: Set(None),
        ..Default::default()
    };
    store.put(&key, photo.full).await?;
    if let Err(e) = store.put(&thumb_key, photo.thumb).await {
        let _ = store.delete(&key).await;
        return Err(e);
    }
    match row.insert(&ctx.db).await {
        Ok(m) => Ok(file_ref(&m)),
        Err(e) => {
            // Objects without a row would never be purged.
            let _ = store.delete(&key).await;
            let _ = store.delete(&thumb_key).await;
            Err(e.into())
        }
    }
}

/// Checks and stores a PDF document for the signed-in user as it is; it stays theirs,
/// unattached, until [`attach_documents`] gives it to an object.
///
/// Errors: `RateLimited` as for photos (the quota is shared); a validation error on `file`
/// for anything [`check_document`] refuses; `Internal` when the storage or the database fails
/// (nothing is left behind).
pub async fn upload_document(ctx: &AppCtx, auth: &Authed, bytes: Vec<u8>, file_name: &str) -> Result<DocRef, AppError> {
    let user = auth.user_id;
    let now = Utc::now();
    check_quota(ctx, user, now).await?;
    let name = check_document(&bytes, file_name)?;
    let key = format!("{}.pdf", random_stem(now, "docs"));
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let row = files::ActiveModel {
        key: Set(key.clone()),
        // Documents have no thumbnail.
        thumb_key: Set(String::new()),
        content_type: Set(DOC_TYPE.into()),
        bytes: Set(bytes.len() as i64),
        width: Set(0),
        height: Set(0),
        sha256: Set(sha256),
        uploaded_by: Set(user.0),
        attached_kind: Set(None),
        attached_id: Set(None),
        created_at: Set(now),
        name: Set(Some(name)),
        ..Default::default()
    };
    Storage::of(&ctx.cfg)?.put(&key, bytes).await?;
    match row.insert(&ctx.db).await {
        Ok(m) => Ok(doc_ref(&m)),
        Err(e) => {
            let _ = Storage::of(&ctx.cfg)?.delete(&key).await;
            Err(e.into())
        }
    }
}

/// What [`attach_files`] attaches, and how its refusals are named.
struct Kind {
    content_type: &'static str,
    field: &'static str,
    too_many: &'static str,
    not_yours: &'static str,
}

const PHOTOS: Kind = Kind {
    content_type: PHOTO_TYPE,
    field: "photos",
    too_many: "err.photo_too_many",
    not_yours: "err.photo_not_yours",
};

const DOCUMENTS: Kind = Kind {
    content_type: DOC_TYPE,
    field: "documents",
    too_many: "err.doc_too_many",
    not_yours: "err.doc_not_yours",
};

/// Gives the photos `ids`, uploaded by `user` and not yet attached, to object `obj` of `kind`
/// (`ticket`, `inspection` …, at most 30 characters), so that it has at most `max` files.
/// Call it inside the transaction that creates or changes `obj`. All or nothing: it works in a
/// savepoint of that transaction (or a transaction of its own), so on error no file moved.
///
/// Errors (field `photos`): `err.photo_too_many` when `obj` would then have more than `max`;
/// `err.photo_not_yours` when an id is unknown, someone else's or already attached (also when
/// a concurrent request attached it first: the update is guarded, so a file goes to one
/// object only).
pub async fn attach<C: ConnectionTrait + TransactionTrait>(
    c: &C,
    user: UserId,
    ids: &[i64],
    kind: &str,
    obj: i64,
    max: usize,
) -> Result<(), AppError> {
    attach_files(c, user, ids, kind, obj, max, &PHOTOS).await
}

/// As [`attach`], for documents (PDF uploads): the object then has at most `max` documents.
/// Errors (field `documents`): `err.doc_too_many`, `err.doc_not_yours` (also for a photo's id).
pub async fn attach_documents<C: ConnectionTrait + TransactionTrait>(
    c: &C,
    user: UserId,
    ids: &[i64],
    kind: &str,
    obj: i64,
    max: usize,
) -> Result<(), AppError> {
    attach_files(c, user, ids, kind, obj, max, &DOCUMENTS).await
}

async fn attach_files<C: ConnectionTrait + TransactionTrait>(
    c: &C,
    user: UserId,
    ids: &[i64],
    kind: &str,
    obj: i64,
    max: usize,
    what: &Kind,
) -> Result<(), AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    if kind.is_empty() || kind.len() > 30 {
        tracing::error!(kind, "invalid attachment kind");
        return Err(AppError::Internal);
    }
    let t = c.begin().await?;
    let already = files::Entity::find()
        .filter(files::Column::AttachedKind.eq(kind))
        .filter(files::Column::AttachedId.eq(obj))
        .filter(files::Column::ContentType.eq(what.content_type))
        .count(&t)
        .await?;
    if already as usize + ids.len() > max {
        return Err(AppError::validation(what.field, what.too_many));
    }
    let n = ids.len() as u64;
    let r = files::Entity::update_many()
        .col_expr(files::Column::AttachedKind, Expr::value(kind))
        .col_expr(files::Column::AttachedId, Expr::value(obj))
        .filter(files::Column::Id.is_in(ids))
        .filter(files::Column::UploadedBy.eq(user.0))
        .filter(files::Column::AttachedKind.is_null())
        .filter(files::Column::ContentType.eq(what.content_type))
        .exec(&t)
        .await?;
    if r.rows_affected != n {
        t.rollback().await?;
        return Err(AppError::validation(what.field, what.not_yours));
    }
    t.commit().await?;
    Ok(())
}

/// The SHA-256 (hex) of photo `id` while it is `user`'s own upload and not yet attached (the
/// form about to attach it wants to record what it holds); `None` otherwise.
/// Errors: `Internal` when the database fails.
pub async fn unattached_photo_sha256<C: ConnectionTrait>(
    c: &C,
    user: UserId,
    id: i64,
) -> Result<Option<String>, AppError> {
    Ok(files::Entity::find_by_id(id)
        .filter(files::Column::UploadedBy.eq(user.0))
        .filter(files::Column::AttachedKind.is_null())
        .filter(files::Column::ContentType.eq(PHOTO_TYPE))
        .one(c)
        .await?
        .map(|f| f.sha256))
}

/// The photos attached to each of the objects `ids` of `kind`, oldest first; objects without
/// photos are absent from the map.
/// Errors: `Internal` when the database fails.
pub async fn attached<C: ConnectionTrait>(
    c: &C,
    kind: &str,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<FileRef>>, AppError> {
    let mut out: HashMap<i64, Vec<FileRef>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = files::Entity::find()
        .filter(files::Column::AttachedKind.eq(kind))
        .filter(files::Column::AttachedId.is_in(ids.to_vec()))
        .filter(files::Column::ContentType.eq(PHOTO_TYPE))
        .order_by_asc(files::Column::Id)
        .all(c)
        .await?;
    for m in rows {
        if let Some(obj) = m.attached_id {
            out.entry(obj).or_default().push(file_ref(&m));
        }
    }
    Ok(out)
}

/// The documents attached to object `obj` of `kind`, oldest first.
/// Errors: `Internal` when the database fails.
pub async fn documents_of<C: ConnectionTrait>(c: &C, kind: &str, obj: i64) -> Result<Vec<DocRef>, AppError> {
    Ok(files::Entity::find()
        .filter(files::Column::AttachedKind.eq(kind))
        .filter(files::Column::AttachedId.eq(obj))
        .filter(files::Column::ContentType.eq(DOC_TYPE))
        .order_by_asc(files::Column::Id)
        .all(c)
        .await?
        .iter()
        .map(doc_ref)
        .collect())
}

/// A document's name and bytes, only when it is attached to object `obj` of `kind`. The
/// caller has checked that the user may see that object.
/// Errors: `NotFound` when it is not attached there; `Internal` when the store fails.
pub async fn read_document(ctx: &AppCtx, file_id: i64, kind: &str, obj: i64) -> Result<(DocRef, Vec<u8>), AppError> {
    let f = files::Entity::find_by_id(file_id)
        .filter(files::Column::AttachedKind.eq(kind))
        .filter(files::Column::AttachedId.eq(obj))
        .filter(files::Column::ContentType.eq(DOC_TYPE))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = Storage::of(&ctx.cfg)?.get(&f.key).await.inspect_err(|e| {
        if *e == AppError::NotFound {
            tracing::error!(file_id, key = %f.key, "a document's stored object is missing");
        }
    })?;
    Ok((doc_ref(&f), bytes))
}

/// A document taken off its object by [`remove_document`]: its name (for the audit) and the
/// stored object to delete once the caller's transaction has committed.
#[derive(Debug)]
pub struct Removed {
    pub name: String,
    key: String,
}

/// Deletes the row of document `file_id` attached to object `obj` of `kind`, inside the
/// caller's transaction; pass the result to [`delete_objects`] after it commits (so a rolled
/// back removal keeps its file). Errors: `NotFound` when it is not attached there.
pub async fn remove_document<C: ConnectionTrait>(
    c: &C,
    kind: &str,
    obj: i64,
    file_id: i64,
) -> Result<Removed, AppError> {
    let f = files::Entity::find_by_id(file_id)
        .filter(files::Column::AttachedKind.eq(kind))
        .filter(files::Column::AttachedId.eq(obj))
        .filter(files::Column::ContentType.eq(DOC_TYPE))
        .one(c)
        .await?
        .ok_or(AppError::NotFound)?;
    let r = files::Entity::delete_many()
        .filter(files::Column::Id.eq(f.id))
        .filter(files::Column::AttachedKind.eq(kind))
        .exec(c)
        .await?;
    if r.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(Removed {
        name: f.name.unwrap_or_default(),
        key: f.key,
    })
}

/// Deletes the stored object of a removed document; a failure is logged and leaves an
/// orphaned object behind, which is harmless.
pub async fn delete_objects(ctx: &AppCtx, removed: &Removed) {
    let Ok(store) = Storage::of(&ctx.cfg) else { return };
    if let Err(e) = store.delete(&removed.key).await {
        tracing::warn!(key = %removed.key, error = %e, "a removed document's object stays in storage");
    }
}

/// The stored JPEG (or its thumbnail) of file `file_id`, only when it is attached to object
/// `obj` of `kind`. The caller has checked that the user may see that object.
///
/// Errors: `NotFound` when the file is not attached there (or its object is gone from the
/// store, which is logged); `Internal` when the store fails.
pub async fn read(ctx: &AppCtx, file_id: i64, kind: &str, obj: i64, thumb: bool) -> Result<Vec<u8>, AppError> {
    let f = files::Entity::find_by_id(file_id)
        .filter(files::Column::AttachedKind.eq(kind))
        .filter(files::Column::AttachedId.eq(obj))
        .filter(files::Column::ContentType.eq(PHOTO_TYPE))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let key = if thumb { &f.thumb_key } else { &f.key };
    Storage::of(&ctx.cfg)?.get(key).await.inspect_err(|e| {
        if *e == AppError::NotFound {
            tracing::error!(file_id, key = %key, "a file's stored object is missing");
        }
    })
}

/// Throws away one of the caller's own uploads that is not attached (they removed it from the
/// form). Errors: `NotFound` when it is not theirs or already attached.
pub async fn discard(ctx: &AppCtx, auth: &Authed, file_id: i64) -> Result<(), AppError> {
    let f = files::Entity::find_by_id(file_id)
        .filter(files::Column::UploadedBy.eq(auth.user_id.0))
        .filter(files::Column::AttachedKind.is_null())
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    remove_unattached(ctx, &f)
        .await?
        .then_some(())
        .ok_or(AppError::NotFound)
}

/// Deletes the row of `f` if it is still unattached, then its objects. Deleting the row
/// first (guarded) means a file attached meanwhile keeps its objects; objects whose deletion
/// fails stay behind (logged), which is harmless.
async fn remove_unattached(ctx: &AppCtx, f: &files::Model) -> Result<bool, AppError> {
    let r = files::Entity::delete_many()
        .filter(files::Column::Id.eq(f.id))
        .filter(files::Column::AttachedKind.is_null())
        .exec(&ctx.db)
        .await?;
    if r.rows_affected == 0 {
        return Ok(false);
    }
    for key in [&f.key, &f.thumb_key].into_iter().filter(|k| !k.is_empty()) {
        if let Err(e) = Storage::of(&ctx.cfg)?.delete(key).await {
            tracing::warn!(key = %key, error = %e, "an unattached upload's object stays in storage");
        }
    }
    Ok(true)
}

/// Deletes uploads never attached within `older_than` (a form abandoned, a photo removed
/// before sending), rows and objects, at most 500 per call. Returns how many went.
/// Every server may run it. Errors: `Internal` when the database fails.
pub async fn purge_unattached(ctx: &AppCtx, older_than: Duration) -> Result<u64, AppError> {
    let stale = files::Entity::find()
        .filter(files::Column::AttachedKind.is_null())
        .filter(files::Column::CreatedAt.lt(Utc::now() - older_than))
        .order_by_asc(files::Column::Id)
        .limit(500)
        .all(&ctx.db)
        .await?;
    let mut n = 0;
    for f in &stale {
        if remove_unattached(ctx, f).await? {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::model::AuthVia;
    use crate::db::entities::users;
    use crate::db::RuntimeConfig;
    use sea_orm::{ConnectOptions, Database, DatabaseConnection};
    use std::sync::Arc;

    async fn db() -> DatabaseConnection {
        use migrations::MigratorTrait;
        let mut o = ConnectOptions::new("sqlite::memory:");
        o.max_connections(1).sqlx_logging(false);
        let db = Database::connect(o).await.unwrap();
        migrations::Migrator::up(&db, None).await.unwrap();
        db
    }

    async fn user(db: &DatabaseConnection, login: &str) -> Authed {
        let now = Utc::now();
        let u = users::ActiveModel {
            login: Set(login.into()),
            phone: Set(None),
            display_name: Set(login.into()),
            password_hash: Set("x".into()),
            kind: Set("resident".into()),
            status: Set("active".into()),
            locale: Set("zh-CN".into()),
            large_text: Set(false),
            password_changed_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        authed(u.id)
    }

    fn authed(id: i64) -> Authed {
        Authed {
            user_id: UserId(id),
            session_id: String::new(),
            csrf_token: String::new(),
            via: AuthVia::Cookie,
        }
    }

    fn photo() -> Vec<u8> {
        use ::image::ImageEncoder;
        let img = ::image::RgbImage::from_fn(640, 480, |x, y| ::image::Rgb([x as u8, y as u8, 90]));
        let mut out = vec![];
        ::image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), 640, 480, ::image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    async fn ctx() -> AppCtx {
        AppCtx {
            db: db().await,
            cfg: Arc::new(RuntimeConfig::default().with(Storage::memory())),
        }
    }

    async fn row(ctx: &AppCtx, id: i64) -> files::Model {
        files::Entity::find_by_id(id).one(&ctx.db).await.unwrap().unwrap()
    }

    #[tokio::test]
    async fn files_upload_attach_and_read() {
        let ctx = ctx().await;
        let (a, b) = (user(&ctx.db, "a").await, user(&ctx.db, "b").await);
        let f1 = upload_photo(&ctx, &a, photo(), "one.png").await.unwrap();
        let f2 = upload_photo(&ctx, &a, photo(), "two.png").await.unwrap();
        let fb = upload_photo(&ctx, &b, photo(), "b.png").await.unwrap();
        assert_eq!((f1.width, f1.height), (640, 480));
        let r = row(&ctx, f1.id).await;
        assert!(r.key.starts_with("photos/") && r.key.ends_with(".jpg") && !r.key.contains("one"));
        assert_eq!(r.thumb_key, r.key.replace(".jpg", "_t.jpg"));
        assert_eq!(r.sha256.len(), 64);
        assert_eq!(r.content_type, "image/jpeg");

        // Not attached: nobody reads it through an object.
        assert_eq!(read(&ctx, f1.id, "ticket", 7, false).await, Err(AppError::NotFound));
        // Someone else's upload, an unknown id, too many.
        let not_yours = Err(AppError::validation("photos", "err.photo_not_yours"));
        assert_eq!(
            attach(&ctx.db, a.user_id, &[f1.id, fb.id], "ticket", 7, 9).await,
            not_yours
        );
        assert_eq!(attach(&ctx.db, a.user_id, &[999], "ticket", 7, 9).await, not_yours);
        assert_eq!(
            attach(&ctx.db, a.user_id, &[f1.id, f2.id], "ticket", 7, 1).await,
            Err(AppError::validation("photos", "err.photo_too_many"))
        );
        // All or nothing: f1 was not attached by the refused calls, on a connection or
        // inside the caller's transaction (which stays usable).
        assert_eq!(row(&ctx, f1.id).await.attached_kind, None);
        {
            let f3 = upload_photo(&ctx, &a, photo(), "three.png").await.unwrap();
            let t = ctx.db.begin().await.unwrap();
            assert_eq!(attach(&t, a.user_id, &[f1.id, fb.id], "ticket", 7, 9).await, not_yours);
            attach(&t, a.user_id, &[f3.id], "ticket", 9, 9).await.unwrap();
            t.commit().await.unwrap();
            assert_eq!(row(&ctx, f1.id).await.attached_kind, None);
            assert_eq!(row(&ctx, f3.id).await.attached_id, Some(9));
        }
        attach(&ctx.db, a.user_id, &[f1.id, f1.id], "ticket", 7, 2)
            .await
            .unwrap();
        // Once attached, it cannot go to a second object; the limit counts what is there.
        assert_eq!(attach(&ctx.db, a.user_id, &[f1.id], "ticket", 8, 9).await, not_yours);
        assert_eq!(
            attach(&ctx.db, a.user_id, &[f2.id], "ticket", 7, 1).await,
            Err(AppError::validation("photos", "err.photo_too_many"))
        );
        attach(&ctx.db, a.user_id, &[f2.id], "ticket", 7, 2).await.unwrap();
        attach(&ctx.db, b.user_id, &[fb.id], "inspection", 7, 2).await.unwrap();

        let full = read(&ctx, f1.id, "ticket", 7, false).await.unwrap();
        let thumb = read(&ctx, f1.id, "ticket", 7, true).await.unwrap();
        assert_eq!(full.len() as i64, f1.bytes);
        assert!(thumb.len() < full.len());
        assert_eq!(&full[..2], &[0xFF, 0xD8]);
        assert_eq!(read(&ctx, f1.id, "ticket", 8, false).await, Err(AppError::NotFound));
        assert_eq!(read(&ctx, f1.id, "inspection", 7, false).await, Err(AppError::NotFound));

        let map = attached(&ctx.db, "ticket", &[7, 8]).await.unwrap();
        assert_eq!(map.len(), 1);
        assert_eq!(map[&7], vec![f1, f2]);
        assert_eq!(attached(&ctx.db, "inspection", &[7]).await.unwrap()[&7], vec![fb]);
    }

    #[tokio::test]
    async fn files_refused_uploads_store_nothing() {
        let ctx = ctx().await;
        let a = user(&ctx.db, "a").await;
        assert_eq!(
            upload_photo(&ctx, &a, b"not a photo".to_vec(), "x.jpg").await,
            Err(AppError::validation("file", "err.photo_not_image"))
        );
        assert_eq!(
            upload_photo(&ctx, &a, photo(), "x.jpg").await,
            Err(AppError::validation("file", "err.photo_wrong_extension"))
        );
        // The row cannot be written (no such user): the stored objects are removed again.
        assert!(upload_photo(&ctx, &authed(999), photo(), "x.png").await.is_err());
        assert_eq!(Storage::of(&ctx.cfg).unwrap().count().await, 0);
        assert_eq!(files::Entity::find().count(&ctx.db).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn files_unattached_uploads_are_rate_limited() {
        let ctx = ctx().await;
        let a = user(&ctx.db, "a").await;
        let f = upload_photo(&ctx, &a, photo(), "x.png").await.unwrap();
        let r = row(&ctx, f.id).await;
        for i in 1..MAX_UNATTACHED_PER_HOUR {
            let mut m: files::ActiveModel = r.clone().into();
            m.id = sea_orm::ActiveValue::NotSet;
            m.key = Set(format!("k{i}"));
            m.insert(&ctx.db).await.unwrap();
        }
        match upload_photo(&ctx, &a, photo(), "x.png").await {
            Err(AppError::RateLimited { retry_after_secs }) => assert!((1..=3600).contains(&retry_after_secs)),
            other => panic!("{other:?}"),
        }
        // Attaching frees the quota.
        attach(&ctx.db, a.user_id, &[f.id], "ticket", 1, 5).await.unwrap();
        upload_photo(&ctx, &a, photo(), "x.png").await.unwrap();
    }

    #[tokio::test]
    async fn files_stale_unattached_uploads_are_purged() {
        let ctx = ctx().await;
        let a = user(&ctx.db, "a").await;
        let old = upload_photo(&ctx, &a, photo(), "old.png").await.unwrap();
        let kept = upload_photo(&ctx, &a, photo(), "kept.png").await.unwrap();
        let fresh = upload_photo(&ctx, &a, photo(), "fresh.png").await.unwrap();
        attach(&ctx.db, a.user_id, &[kept.id], "ticket", 1, 5).await.unwrap();
        files::Entity::update_many()
            .col_expr(files::Column::CreatedAt, Expr::value(Utc::now() - Duration::days(2)))
            .filter(files::Column::Id.is_in([old.id, kept.id]))
            .exec(&ctx.db)
            .await
            .unwrap();
        assert_eq!(Storage::of(&ctx.cfg).unwrap().count().await, 6);
        assert_eq!(purge_unattached(&ctx, Duration::days(1)).await.unwrap(), 1);
        assert_eq!(Storage::of(&ctx.cfg).unwrap().count().await, 4);
        assert!(files::Entity::find_by_id(old.id).one(&ctx.db).await.unwrap().is_none());
        assert!(read(&ctx, kept.id, "ticket", 1, true).await.is_ok());
        // The uploader may throw away a fresh one, not an attached one, nor someone else's.
        let b = user(&ctx.db, "b").await;
        assert_eq!(discard(&ctx, &b, fresh.id).await, Err(AppError::NotFound));
        assert_eq!(discard(&ctx, &a, kept.id).await, Err(AppError::NotFound));
        discard(&ctx, &a, fresh.id).await.unwrap();
        assert_eq!(Storage::of(&ctx.cfg).unwrap().count().await, 2);
    }

    fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
    }

    #[tokio::test]
    async fn files_documents_are_kept_as_sent_and_never_mixed_with_photos() {
        let ctx = ctx().await;
        let a = user(&ctx.db, "a").await;
        let d = upload_document(&ctx, &a, pdf(), "dir/说明书.pdf").await.unwrap();
        assert_eq!(d.name, "说明书.pdf");
        let r = row(&ctx, d.id).await;
        assert!(r.key.starts_with("docs/") && r.key.ends_with(".pdf"), "{}", r.key);
        assert_eq!((r.thumb_key.as_str(), r.content_type.as_str()), ("", "application/pdf"));
        assert_eq!(
            upload_document(&ctx, &a, b"GIF89a".to_vec(), "x.pdf").await,
            Err(AppError::validation("file", "err.doc_not_pdf"))
        );
        let p = upload_photo(&ctx, &a, photo(), "p.png").await.unwrap();
        // A photo's id is not a document's, nor the other way round.
        assert_eq!(
            attach_documents(&ctx.db, a.user_id, &[p.id], "equipment_doc", 1, 10).await,
            Err(AppError::validation("documents", "err.doc_not_yours"))
        );
        assert_eq!(
            attach(&ctx.db, a.user_id, &[d.id], "equipment", 1, 6).await,
            Err(AppError::validation("photos", "err.photo_not_yours"))
        );
        attach_documents(&ctx.db, a.user_id, &[d.id], "equipment_doc", 1, 1)
            .await
            .unwrap();
        let d2 = upload_document(&ctx, &a, pdf(), "b.pdf").await.unwrap();
        assert_eq!(
            attach_documents(&ctx.db, a.user_id, &[d2.id], "equipment_doc", 1, 1).await,
            Err(AppError::validation("documents", "err.doc_too_many"))
        );
        assert_eq!(
            documents_of(&ctx.db, "equipment_doc", 1).await.unwrap(),
            vec![d.clone()]
        );
        let (got, bytes) = read_document(&ctx, d.id, "equipment_doc", 1).await.unwrap();
        assert_eq!((got, bytes), (d.clone(), pdf()));
        assert_eq!(
            read(&ctx, d.id, "equipment_doc", 1, false).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            read_document(&ctx, d.id, "equipment_doc", 2).await,
            Err(AppError::NotFound)
        );

        // Removal inside a transaction that rolls back keeps the file.
        let before = Storage::of(&ctx.cfg).unwrap().count().await;
        {
            let t = ctx.db.begin().await.unwrap();
            remove_document(&t, "equipment_doc", 1, d.id).await.unwrap();
            t.rollback().await.unwrap();
        }
        assert!(read_document(&ctx, d.id, "equipment_doc", 1).await.is_ok());
        let gone = remove_document(&ctx.db, "equipment_doc", 1, d.id).await.unwrap();
        assert_eq!(gone.name, "说明书.pdf");
        delete_objects(&ctx, &gone).await;
        assert_eq!(Storage::of(&ctx.cfg).unwrap().count().await, before - 1);
        assert_eq!(
            remove_document(&ctx.db, "equipment_doc", 1, d.id).await.unwrap_err(),
            AppError::NotFound
        );
        // An abandoned document is purged like a photo (one object, no thumbnail).
        files::Entity::update_many()
            .col_expr(files::Column::CreatedAt, Expr::value(Utc::now() - Duration::days(2)))
            .filter(files::Column::Id.eq(d2.id))
            .exec(&ctx.db)
            .await
            .unwrap();
        assert_eq!(purge_unattached(&ctx, Duration::days(1)).await.unwrap(), 1);
        assert_eq!(Storage::of(&ctx.cfg).unwrap().count().await, before - 2);
    }
}
