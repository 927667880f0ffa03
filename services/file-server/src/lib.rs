//! Sora file-server: the extension (.foxe) and layout marketplace.
//! Owns the `file_server` schema and the paths under /api/extensions and /api/layouts.

pub mod cache;
pub mod counter;
pub mod download;
pub mod extensions;
pub mod layout;
pub mod layouts;
pub mod listing;
pub mod package;
pub mod quota;

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web;
use futures_util::future::BoxFuture;
use sora_common::ApiError;
use sora_common::auth::{Claims, Role};
use sora_common::server::{ReadinessCheck, SummarySource};
use sora_common::storage::{self, ObjectStore};
use sora_common::{Application, Platform, ServiceSpec};
use sqlx::PgPool;
use utoipa::OpenApi;

use crate::cache::{ResponseCache, TtlCache};
use crate::counter::DownloadCounter;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static SPEC: ServiceSpec = ServiceSpec {
    name: "file-server",
    schema: "file_server",
    default_port: 3000,
    migrator: &MIGRATOR,
    openapi,
    uses_ip_salt: false,
    uses_encryption_key: false,
    uses_bootstrap_admin: false,
};

#[derive(OpenApi)]
#[openapi(
    paths(
        extensions::list_extensions,
        extensions::get_extension,
        extensions::publish_extension,
        extensions::moderate_extension,
        extensions::download_latest,
        extensions::download_version,
        extensions::readme,
        extensions::changelog,
        extensions::yank_version,
        extensions::marketplace_index,
        layouts::list_layouts,
        layouts::get_layout,
        layouts::publish_layout,
        layouts::delete_layout,
        layouts::download_layout,
    ),
    tags(
        (name = "extensions", description = "Foxglove/Lichtblick extensions (.foxe)"),
        (name = "layouts", description = "Foxglove layouts"),
    )
)]
struct ApiDoc;

fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Everything the marketplace's handlers share.
pub struct Marketplace {
    pub db: PgPool,
    pub store: Arc<dyn ObjectStore>,
    pub limits: package::Limits,
    pub max_upload: u64,
    pub max_layout_bytes: usize,
    /// Public base URL, without a trailing slash, for absolute links.
    pub base_url: String,
    pub counter: DownloadCounter,
    pub cache: ResponseCache,
    /// Which stored file a download URL names.
    pub versions: TtlCache<Arc<extensions::VersionFile>>,
    /// Publishes per editor and hour.
    pub publishes: quota::Quota,
    pub service: &'static str,
}

impl Marketplace {
    /// Counts a publish attempt by `caller` (admins are not limited): the
    /// attempts left in this hour, or 429 when none are.
    pub fn take_publish(&self, caller: &Claims) -> Result<Option<u32>, ApiError> {
        if caller.role == Role::Admin {
            return Ok(None);
        }
        self.publishes
            .take(&caller.sub, Instant::now())
            .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })
    }

    /// Drops everything cached: call after any change to the catalog.
    pub fn changed(&self) {
        self.cache.invalidate();
        self.versions.invalidate();
    }
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

/// Sets `X-RateLimit-Remaining` on a publish answer when a quota applies.
pub fn with_quota(
    mut response: actix_web::HttpResponse,
    remaining: Option<u32>,
) -> actix_web::HttpResponse {
    if let Some(remaining) = remaining {
        response.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-ratelimit-remaining"),
            actix_web::http::header::HeaderValue::from(remaining),
        );
    }
    response
}

/// The service's own routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    extensions::routes(cfg);
    layouts::routes(cfg);
}

struct StorageCheck(Arc<dyn ObjectStore>);

impl ReadinessCheck for StorageCheck {
    fn name(&self) -> &'static str {
        "storage"
    }
    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        self.0.ping()
    }
}

/// The catalog's figures for admin-api's overview.
struct CatalogSummary(PgPool);

impl SummarySource for CatalogSummary {
    fn summary(&self) -> BoxFuture<'_, anyhow::Result<serde_json::Value>> {
        Box::pin(async move {
            let (extensions, versions, layouts, downloads, today): (i64, i64, i64, i64, i64) =
                sqlx::query_as(
                    "SELECT
                        (SELECT count(*) FROM extensions WHERE NOT hidden AND latest_version IS NOT NULL),
                        (SELECT count(*) FROM extension_versions),
                        (SELECT count(*) FROM layouts),
                        (SELECT coalesce(sum(count), 0)::bigint FROM downloads_daily),
                        (SELECT coalesce(sum(count), 0)::bigint FROM downloads_daily
                          WHERE day = (now() AT TIME ZONE 'UTC')::date)",
                )
                .fetch_one(&self.0)
                .await?;
            Ok(serde_json::json!({
                "extensions": extensions,
                "extension_versions": versions,
                "layouts": layouts,
                "downloads": downloads,
                "downloads_today": today,
            }))
        })
    }
}

/// Builds the service on a started platform: object storage, the download
/// counter, the relay of its outbox, and its routes.
pub async fn build(mut platform: Platform) -> anyhow::Result<Application> {
    sora_common::events::runtime::start_producer(&mut platform).await?;
    let store = storage::from_settings(&platform.settings.storage).await?;
    platform.add_readiness_check(Arc::new(StorageCheck(store.clone())));
    platform.set_summary(Arc::new(CatalogSummary(platform.db.clone())));
    let (counter, flusher) = DownloadCounter::new(platform.db.clone(), platform.spec.name);
    platform.spawn_background(|shutdown| flusher(shutdown).run());
    let market = &platform.settings.marketplace;
    let state = web::Data::new(Marketplace {
        db: platform.db.clone(),
        store,
        limits: package::Limits {
            max_uncompressed_bytes: market.max_uncompressed_bytes,
            max_compression_ratio: market.max_compression_ratio,
            max_entries: market.max_entries,
        },
        max_upload: market.max_upload_bytes,
        max_layout_bytes: market.max_layout_bytes,
        base_url: platform
            .settings
            .server
            .public_base_url
            .trim_end_matches('/')
            .to_owned(),
        counter,
        cache: ResponseCache::new(Duration::from_millis(market.list_cache_ttl_ms)),
        versions: TtlCache::new(Duration::from_millis(market.list_cache_ttl_ms)),
        publishes: quota::Quota::new(market.publishes_per_hour, Duration::from_secs(3600)),
        service: platform.spec.name,
    });
    platform.bind(move |cfg| {
        cfg.app_data(state.clone());
        routes(cfg);
    })
}
