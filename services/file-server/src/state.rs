//! What the marketplace's handlers share, and the steps every publish and
//! removal takes: quota, storing the file, committing with its event, and
//! refreshing this replica's catalog.

use std::sync::Arc;
use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::header;
use bytes::Bytes;
use sora_common::ApiError;
use sora_common::auth::{Claims, Role};
use sora_common::ratelimit::KeyedLimiter;
use sora_common::storage::ObjectStore;
use sqlx::{PgPool, Postgres, Transaction};

use crate::catalog::{Catalog, Changes};
use crate::config::{DownloadSettings, MarketplaceSettings};
use crate::domain::package::Limits;
use crate::jobs::download_counter::DownloadCounter;

/// README.md and CHANGELOG.md texts recently asked for: (id, version,
/// changelog?) → the text. Loads are single-flight per key.
pub type DocumentCache = moka::future::Cache<(String, String, bool), Arc<str>>;

/// Bytes of recently downloaded files, by storage key.
pub type FileCache = moka::future::Cache<String, Bytes>;

pub struct AppState {
    pub db: PgPool,
    pub catalog: Arc<Catalog>,
    /// Workspaces' layouts lists, ready to send.
    pub teams: Arc<crate::teams::TeamLists>,
    pub store: Arc<dyn ObjectStore>,
    pub files: Option<FileCache>,
    /// KiB of file bytes the HTTP layer may hold for sending at once.
    pub send_budget: Arc<tokio::sync::Semaphore>,
    pub documents: DocumentCache,
    pub counter: DownloadCounter,
    /// Publishes per editor (admins are not limited).
    pub publishes: Option<KeyedLimiter<String>>,
    pub limits: Limits,
    pub max_upload_bytes: u64,
    /// What a package with a `high` scan finding gets.
    pub scan_policy: crate::config::ScanPolicy,
    pub max_layout_bytes: usize,
    pub downloads: DownloadSettings,
    /// Asked for a recording's best layout (Lichtblick's `default_data`).
    pub recommender: Option<crate::recommender::Recommender>,
    /// What one workspace's extensions may take.
    pub workspace_quota: WorkspaceQuota,
    pub service: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct WorkspaceQuota {
    pub max_extensions: i64,
    pub max_bytes: i64,
}

/// An object written to storage under its content address.
pub struct StoredObject {
    pub sha256: String,
    pub size: i64,
    pub key: String,
}

impl AppState {
    pub fn limits_of(market: &MarketplaceSettings) -> Limits {
        Limits {
            max_uncompressed_bytes: market.max_uncompressed_bytes,
            max_compression_ratio: market.max_compression_ratio,
            max_entries: market.max_entries,
        }
    }

    pub fn file_cache(downloads: &DownloadSettings) -> Option<FileCache> {
        (downloads.memory_cache_bytes > 0).then(|| {
            moka::future::Cache::builder()
                .weigher(|_: &String, bytes: &Bytes| u32::try_from(bytes.len()).unwrap_or(u32::MAX))
                .max_capacity(downloads.memory_cache_bytes)
                .build()
        })
    }

    pub fn document_cache() -> DocumentCache {
        moka::future::Cache::builder()
            .weigher(|_: &(String, String, bool), text: &Arc<str>| {
                u32::try_from(text.len()).unwrap_or(u32::MAX)
            })
            .max_capacity(16 * 1024 * 1024)
            .time_to_idle(Duration::from_secs(3600))
            .build()
    }

    /// Counts a publish attempt by `caller` (admins are not limited): the
    /// attempts left, or 429 when none are.
    pub fn take_publish(&self, caller: &Claims) -> Result<Option<u32>, ApiError> {
        let Some(limiter) = self
            .publishes
            .as_ref()
            .filter(|_| caller.role != Role::Admin)
        else {
            return Ok(None);
        };
        limiter
            .check(&caller.sub)
            .map(|allowed| Some(allowed.remaining))
            .map_err(|refused| ApiError::RateLimited {
                retry_after_secs: refused.retry_after_secs(),
            })
    }

    /// Stores `bytes` under their content address. Stored before any row
    /// points at them; a publish that fails later leaves an unreferenced
    /// object, which is harmless.
    pub async fn store(&self, bytes: Bytes) -> Result<StoredObject, ApiError> {
        let key = object_key(&sha256_hex(&bytes));
        self.store_at(&key, bytes).await
    }

    /// Writes `bytes` under `key`, a key of their own.
    pub async fn store_at(&self, key: &str, bytes: Bytes) -> Result<StoredObject, ApiError> {
        let sha256 = sha256_hex(&bytes);
        let size = i64::try_from(bytes.len()).map_err(ApiError::internal)?;
        self.store
            .put(key, bytes)
            .await
            .map_err(ApiError::internal)?;
        Ok(StoredObject {
            sha256,
            size,
            key: key.to_owned(),
        })
    }

    /// Commits `tx` (the change and its outbox event together), then reads
    /// the changed items into this replica's catalog, so the answer and the
    /// next read show the change; the other replicas follow the trigger's
    /// announcement.
    pub async fn commit(
        &self,
        tx: Transaction<'static, Postgres>,
        changes: &Changes,
    ) -> Result<(), ApiError> {
        tx.commit().await?;
        let mut conn = self.db.acquire().await?;
        self.catalog.reload(&mut conn, changes).await?;
        Ok(())
    }
}

/// A 201 answer for a published item, with `X-RateLimit-Remaining` when a
/// quota applies.
pub fn created(
    location: String,
    body: impl serde::Serialize,
    remaining: Option<u32>,
) -> HttpResponse {
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    if let Some(remaining) = remaining {
        response.insert_header(("x-ratelimit-remaining", remaining));
    }
    response.json(body)
}

/// The lower-case hex SHA-256 of `bytes`: a file's ETag and storage key.
pub fn sha256_hex(bytes: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a file with this digest is stored: content-addressed, so the same
/// bytes are stored once and a key never changes meaning.
pub fn object_key(sha256: &str) -> String {
    format!("sha256/{}/{sha256}", &sha256[..2])
}
