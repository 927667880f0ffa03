//! Sora recommendation: recommendations from the features of an MCAP recording.
//! Owns the `recommendation` schema and the paths under /api/recommendations.
//!
//! The catalog index is kept from file-server's events (and backfilled over
//! REST); feedback events teach it which items suit which recordings. Each
//! replica ranks from a model in memory ([`model`]), rebuilt from the
//! schema when something changes; what it serves is stored by group commit
//! ([`jobs::served`]) and published.

pub mod config;
pub mod db;
pub mod domain;
pub mod events;
pub mod jobs;
pub mod model;
pub mod routes;
pub mod state;

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use sora_common::ratelimit::KeyedLimiter;
use sora_common::{Application, Platform, ServiceSpec};
use utoipa::OpenApi;

use crate::config::RecommendationSettings;
use crate::domain::recording::MemoryBudget;
use crate::jobs::backfill::Backfill;
use crate::jobs::served::ServedLog;
use crate::model::{Model, Refresher};
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static SPEC: ServiceSpec = ServiceSpec {
    name: "recommendation",
    schema: "recommendation",
    default_port: 3003,
    migrator: &MIGRATOR,
    openapi,
};

#[derive(OpenApi)]
#[openapi(
    paths(
        routes::recommend,
        routes::from_mcap::from_mcap,
        routes::model::model
    ),
    tags((name = "recommendations", description = "what to open a recording with"))
)]
struct ApiDoc;

fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Builds the service on a started platform: the consumer of catalog and
/// feedback events, the model (read once before the first request), the
/// writer of what is served, the backfill, and its routes.
pub async fn build(mut platform: Platform<RecommendationSettings>) -> anyhow::Result<Application> {
    let own = platform.settings.service.clone();
    sora_common::event_runtime::start(
        &mut platform,
        Some((
            events::QUEUE,
            events::Events {
                learning: own.learning.clone(),
                half_life_days: f64::from(own.ranking.half_life_days),
            },
        )),
    )
    .await?;

    let model = Arc::new(Model::default());
    let mut refresher = Refresher::new(platform.db.clone(), model.clone(), own.ranking.blend());
    refresher.refresh().await?;
    let every = Duration::from_millis(own.ranking.refresh_ms);
    platform.spawn_background(move |shutdown| refresher.run(every, shutdown));

    let (served, writer) = ServedLog::new(platform.db.clone(), platform.spec.name);
    platform.spawn_background(move |shutdown| writer.run(shutdown));
    if let Some(backfill) = Backfill::new(platform.db.clone(), &own.catalog)? {
        platform.spawn_background(move |shutdown| backfill.run(shutdown));
    }
    let (db, days) = (platform.db.clone(), own.learning.served_retention_days);
    platform.spawn_background(move |shutdown| jobs::sweep::run(db, days, shutdown));

    let upload = &own.upload;
    let budget = MemoryBudget::new(
        upload.memory_budget_bytes,
        Duration::from_millis(upload.budget_wait_ms),
    );
    let mcap_limiter = KeyedLimiter::new(upload.per_client_per_minute, Duration::from_secs(60));
    let state = web::Data::new(AppState {
        db: platform.db.clone(),
        model,
        served,
        budget,
        mcap_limiter,
        settings: own,
    });
    platform.bind(move |cfg| {
        cfg.app_data(state.clone());
        routes::configure(cfg);
    })
}
