//! Sora file-server: the extension (.foxe) and layout marketplace.
//! Owns the `file_server` schema and the paths under /api/extensions,
//! /api/layouts, /api/workspaces and /api/lichtblick (Lichtblick's remote API). Reads are answered from an in-memory catalog ([`catalog`]);
//! writes go to PostgreSQL, which announces them to every replica.

pub mod catalog;
pub mod config;
pub mod db;
pub mod domain;
pub mod jobs;
pub mod recommender;
pub mod routes;
pub mod state;
pub mod teams;

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use futures_util::future::BoxFuture;
use sora_common::page::Page;
use sora_common::platform::{ReadinessCheck, SummarySource};
use sora_common::storage::{self, ObjectStore};
use sora_common::{Application, Platform, ServiceSpec};
use sqlx::PgPool;
use utoipa::OpenApi;

use crate::catalog::Catalog;
use crate::catalog::views::{ExtensionSummary, LayoutSummary};
use crate::config::FileServerSettings;
use crate::jobs::download_counter::DownloadCounter;
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static SPEC: ServiceSpec = ServiceSpec {
    name: "file-server",
    schema: "file_server",
    default_port: 3000,
    migrator: &MIGRATOR,
    openapi,
};

#[derive(OpenApi)]
#[openapi(
    paths(
        routes::extensions::list_extensions,
        routes::extensions::get_extension,
        routes::extensions::publish::publish_extension,
        routes::extensions::moderation::moderate_extension,
        routes::extensions::moderation::unlisted_extensions,
        routes::extensions::readme,
        routes::extensions::changelog,
        routes::extensions::moderation::yank_version,
        routes::extensions::moderation::scan_findings,
        routes::extensions::review::held_versions,
        routes::extensions::review::release_version,
        routes::extensions::review::appeal_version,
        routes::publishers::list_publishers,
        routes::publishers::get_publisher,
        routes::publishers::update_publisher,
        routes::publishers::set_member,
        routes::publishers::remove_member,
        routes::publishers::keys::list_keys,
        routes::publishers::keys::add_key,
        routes::publishers::keys::revoke_key,
        routes::publishers::trusted::list,
        routes::publishers::trusted::register,
        routes::publishers::trusted::remove,
        routes::publishers::trusted::exchange,
        routes::downloads::download_latest,
        routes::downloads::download_version,
        routes::downloads::download_layout,
        routes::marketplace::marketplace_index,
        routes::marketplace::index_keys,
        routes::layouts::list_layouts,
        routes::layouts::get_layout,
        routes::layouts::publish_layout,
        routes::layouts::delete_layout,
        routes::workspaces::list_workspaces,
        routes::workspaces::create_workspace,
        routes::workspaces::get_workspace,
        routes::workspaces::update_workspace,
        routes::workspaces::delete_workspace,
        routes::workspaces::set_member,
        routes::workspaces::remove_member,
        routes::lichtblick::layouts::list_layouts,
        routes::lichtblick::layouts::create_layout,
        routes::lichtblick::layouts::update_layout,
        routes::lichtblick::layouts::delete_layout,
        routes::lichtblick::layouts::layout_versions,
        routes::lichtblick::layouts::restore_layout,
        routes::lichtblick::layouts::default_data,
        routes::lichtblick::extensions::list_extensions,
        routes::lichtblick::extensions::get_extension,
        routes::lichtblick::extensions::download_extension,
        routes::lichtblick::extensions::upload_extension,
        routes::lichtblick::extensions::remove_extension,
        routes::lichtblick::sessions::get_session,
        routes::lichtblick::sessions::create_session,
    ),
    components(schemas(Page<ExtensionSummary>, Page<LayoutSummary>)),
    tags(
        (name = "extensions", description = "Foxglove/Lichtblick extensions (.foxe)"),
        (name = "publishers", description = "Publisher namespaces: members who publish under them, the verified mark"),
        (name = "layouts", description = "Foxglove layouts"),
        (name = "workspaces", description = "Team workspaces: members, anonymous reading, the default layout"),
        (name = "lichtblick", description = "Lichtblick's remote API (its API_URL): a workspace's layouts, extensions and sessions; JSON answers in the envelope {data, timestamp, path}"),
    )
)]
struct ApiDoc;

fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
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
            let figures = db::extensions::figures(&mut *self.0.acquire().await?).await?;
            Ok(serde_json::json!({
                "extensions": figures.extensions,
                "extension_versions": figures.extension_versions,
                "layouts": figures.layouts,
                "downloads": figures.downloads,
                "downloads_today": figures.downloads_today,
            }))
        })
    }
}

/// Builds the service on a started platform: object storage, the catalog
/// (loaded before the first request when the database answers) and its
/// follower, the download counter, the relay of its outbox, and its routes.
pub async fn build(mut platform: Platform<FileServerSettings>) -> anyhow::Result<Application> {
    sora_common::event_runtime::start_producer(&mut platform).await?;
    let own = platform.settings.service.clone();
    let store = storage::from_settings(&own.storage).await?;
    platform.add_readiness_check(Arc::new(StorageCheck(store.clone())));
    platform.set_summary(Arc::new(CatalogSummary(platform.db.clone())));

    let signer = config::index_signer(&platform.settings.service.marketplace)
        .map_err(|e| anyhow::anyhow!("marketplace.index_signing_key: {e}"))?;
    let catalog = Arc::new(Catalog::new(
        &platform.settings.server.public_base_url,
        signer,
    ));
    let first_load = async {
        let mut conn = platform.db.acquire().await?;
        catalog.load_all(&mut conn).await
    };
    match tokio::time::timeout(Duration::from_secs(10), first_load).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "catalog not loaded yet; it follows once the database answers")
        }
        Err(_) => {
            tracing::warn!("catalog not loaded within 10 s; it follows once the database answers")
        }
    }
    let (db, following) = (platform.db.clone(), catalog.clone());
    platform.spawn_background(move |shutdown| jobs::catalog_sync::run(db, following, shutdown));

    let (files, documents) = (
        AppState::file_cache(&own.downloads),
        AppState::document_cache(),
    );
    if let Some(files) = files.clone() {
        platform
            .metrics
            .register_cache("files", move || files.weighted_size())?;
    }
    let cached = documents.clone();
    platform
        .metrics
        .register_cache("documents", move || cached.weighted_size())?;

    let teams = Arc::new(teams::TeamLists::default());
    let (db, following) = (platform.db.clone(), teams.clone());
    platform.spawn_background(move |shutdown| jobs::team_sync::run(db, following, shutdown));
    let kept = teams.clone();
    platform
        .metrics
        .register_cache("team_layouts", move || kept.weighted_size())?;

    let (counter, flusher) = DownloadCounter::new(platform.db.clone(), platform.spec.name);
    platform.spawn_background(move |shutdown| flusher.run(shutdown));
    let state = web::Data::new(AppState {
        db: platform.db.clone(),
        catalog,
        teams,
        store,
        files,
        send_budget: Arc::new(tokio::sync::Semaphore::new(
            usize::try_from(own.downloads.send_buffer_bytes / 1024).unwrap_or(usize::MAX),
        )),
        documents,
        counter,
        publishes: sora_common::ratelimit::KeyedLimiter::new(
            own.marketplace.publishes_per_hour,
            Duration::from_secs(3600),
        ),
        limits: AppState::limits_of(&own.marketplace),
        scan_policy: own.marketplace.scan_policy,
        max_upload_bytes: own.marketplace.max_upload_bytes,
        max_layout_bytes: own.marketplace.max_layout_bytes,
        downloads: own.downloads.clone(),
        recommender: recommender::Recommender::from_settings(&own.lichtblick)?,
        workspace_quota: state::WorkspaceQuota {
            max_extensions: own.lichtblick.max_workspace_extensions,
            max_bytes: own.lichtblick.max_workspace_extension_bytes,
        },
        service: platform.spec.name,
    });
    let max_layout_bytes = own.marketplace.max_layout_bytes;
    platform.bind(move |cfg| {
        cfg.app_data(state.clone());
        routes::configure(cfg, max_layout_bytes);
    })
}
