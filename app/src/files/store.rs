//! (ssr) Where uploaded files live: a local folder by default, or an S3-compatible bucket (AWS
//! S3, MinIO, Ceph, Aliyun OSS, Tencent COS …). One interface for both (object_store), so
//! services never know which. Keys are made by the service, never taken from a user.
use crate::shared::error::AppError;
use object_store::{path::Path, ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

/// An S3-compatible bucket.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    /// `https://minio.example.com:9000`; `None`: AWS S3 in `region`.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Allow `http://` endpoints (a MinIO on the same host or network).
    pub allow_http: bool,
    /// `endpoint/bucket/key` (MinIO and most others) rather than `bucket.endpoint/key`.
    pub path_style: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("allow_http", &self.allow_http)
            .field("path_style", &self.path_style)
            .finish_non_exhaustive()
    }
}

/// The object store behind uploads. Cheap to clone.
#[derive(Clone)]
pub struct Storage {
    inner: Arc<dyn ObjectStore>,
    /// For logs: which folder or bucket (never credentials).
    label: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Storage").field(&self.label).finish()
    }
}

impl Default for Storage {
    fn default() -> Self {
        Storage::memory()
    }
}

fn path(key: &str) -> Result<Path, AppError> {
    Path::parse(key).map_err(|e| {
        tracing::error!(key, error = %e, "invalid storage key");
        AppError::Internal
    })
}

impl Storage {
    /// Files under `dir`, which is created when missing.
    pub fn local(dir: impl AsRef<std::path::Path>) -> anyhow::Result<Storage> {
        use anyhow::Context;
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).with_context(|| format!("creating the upload folder {}", dir.display()))?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .with_context(|| format!("opening the upload folder {}", dir.display()))?
            .with_automatic_cleanup(true);
        Ok(Storage {
            inner: Arc::new(fs),
            label: format!("folder {}", dir.display()),
        })
    }

    /// An S3-compatible bucket. Nothing is sent until the first upload.
    pub fn s3(c: S3Config) -> anyhow::Result<Storage> {
        use anyhow::Context;
        let options = object_store::ClientOptions::new()
            .with_allow_http(c.allow_http)
            .with_connect_timeout(std::time::Duration::from_secs(10))
            .with_timeout(std::time::Duration::from_secs(60));
        let mut b = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&c.bucket)
            .with_region(&c.region)
            .with_access_key_id(&c.access_key_id)
            .with_secret_access_key(&c.secret_access_key)
            .with_virtual_hosted_style_request(!c.path_style)
            .with_client_options(options);
        if let Some(e) = c.endpoint.as_deref().filter(|e| !e.is_empty()) {
            b = b.with_endpoint(e);
        }
        let s3 = b.build().context("S3 storage settings")?;
        Ok(Storage {
            inner: Arc::new(s3),
            label: match &c.endpoint {
                Some(e) => format!("bucket {} at {e}", c.bucket),
                None => format!("bucket {} in {}", c.bucket, c.region),
            },
        })
    }

    /// This server's store (a part of the runtime config). A server that configured none
    /// cannot keep files: an error, logged.
    pub fn of(cfg: &crate::db::RuntimeConfig) -> Result<&Storage, AppError> {
        cfg.parts.get::<Storage>().ok_or_else(|| {
            tracing::error!("no file store configured");
            AppError::Internal
        })
    }

    /// In memory: tests and benchmarks.
    pub fn memory() -> Storage {
        Storage {
            inner: Arc::new(object_store::memory::InMemory::new()),
            label: "memory".into(),
        }
    }

    /// Which folder or bucket, for logs.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Stores `bytes` under `key`, replacing what was there. Errors (logged) when the store fails.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        self.inner
            .put(&path(key)?, PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| {
                tracing::error!(key, store = %self.label, error = %e, "storing a file failed");
                AppError::Internal
            })
    }

    /// The bytes under `key`: `NotFound` when there are none, `Internal` (logged) when the
    /// store fails.
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let r = match self.inner.get(&path(key)?).await {
            Ok(r) => r.bytes().await,
            Err(e) => Err(e),
        };
        match r {
            Ok(b) => Ok(b.to_vec()),
            Err(object_store::Error::NotFound { .. }) => Err(AppError::NotFound),
            Err(e) => {
                tracing::error!(key, store = %self.label, error = %e, "reading a file failed");
                Err(AppError::Internal)
            }
        }
    }

    /// Removes `key`; removing what is not there succeeds. Errors (logged) when the store fails.
    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        match self.inner.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => {
                tracing::error!(key, store = %self.label, error = %e, "deleting a file failed");
                Err(AppError::Internal)
            }
        }
    }

    /// How many objects there are (tests: nothing left behind).
    #[cfg(test)]
    pub(crate) async fn count(&self) -> usize {
        let mut n = 0;
        let mut todo: Vec<Option<Path>> = vec![None];
        while let Some(p) = todo.pop() {
            let r = self.inner.list_with_delimiter(p.as_ref()).await.unwrap();
            n += r.objects.len();
            todo.extend(r.common_prefixes.into_iter().map(Some));
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn round_trip(s: &Storage) {
        let key = "photos/2026/11/abc.jpg";
        assert_eq!(s.get(key).await, Err(AppError::NotFound));
        s.put(key, b"one".to_vec()).await.unwrap();
        assert_eq!(s.get(key).await.unwrap(), b"one");
        s.put(key, b"two".to_vec()).await.unwrap();
        assert_eq!(s.get(key).await.unwrap(), b"two");
        s.delete(key).await.unwrap();
        assert_eq!(s.get(key).await, Err(AppError::NotFound));
        s.delete(key).await.unwrap();
    }

    #[tokio::test]
    async fn files_memory_store_round_trip() {
        round_trip(&Storage::memory()).await;
    }

    #[tokio::test]
    async fn files_local_store_round_trip_in_a_new_folder() {
        let dir = std::env::temp_dir().join(format!("linli-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = Storage::local(dir.join("uploads")).unwrap();
        s.put("photos/2026/11/x.jpg", b"jpeg".to_vec()).await.unwrap();
        assert_eq!(
            std::fs::read(dir.join("uploads/photos/2026/11/x.jpg")).unwrap(),
            b"jpeg"
        );
        round_trip(&s).await;
        assert!(format!("{s:?}").contains("uploads"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_s3_config_builds_without_network_and_hides_the_secret() {
        let s = Storage::s3(S3Config {
            bucket: "linli".into(),
            endpoint: Some("http://127.0.0.1:9000".into()),
            region: "us-east-1".into(),
            access_key_id: "minio".into(),
            secret_access_key: "very-secret-value".into(),
            allow_http: true,
            path_style: true,
        })
        .unwrap();
        assert!(!format!("{s:?}").contains("very-secret-value"));
    }
}
