//! Sora feedback-api: anonymized usage feedback and statistics.
//! Owns the `feedback` schema and the paths under /api/feedback and
//! /api/stats. Events are checked, made anonymous (hashes, redaction,
//! sealing) and written by group commit ([`jobs::writer`]); reports read
//! roll-ups written in the same transactions.

pub mod config;
pub mod db;
pub mod domain;
pub mod events;
pub mod jobs;
pub mod routes;
pub mod state;

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use futures_util::future::BoxFuture;
use secrecy::ExposeSecret;
use sora_common::platform::SummarySource;
use sora_common::ratelimit::KeyedLimiter;
use sora_common::{Application, Platform, ServiceSpec};
use sqlx::PgPool;
use utoipa::OpenApi;

use crate::config::FeedbackSettings;
use crate::domain::pseudonyms::Pseudonyms;
use crate::jobs::writer::Writer;
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static SPEC: ServiceSpec = ServiceSpec {
    name: "feedback-api",
    schema: "feedback",
    default_port: 3001,
    migrator: &MIGRATOR,
    openapi,
};

#[derive(OpenApi)]
#[openapi(
    paths(
        routes::ingest::submit,
        routes::moderation::list_feedback,
        routes::moderation::read_feedback,
        routes::moderation::delete_feedback,
        routes::stats::public_stats,
        routes::stats::summary,
        routes::stats::timeseries,
        routes::adoption::adoption,
        routes::export::export_csv,
    ),
    components(schemas(routes::moderation::FeedbackPage)),
    tags(
        (name = "feedback", description = "anonymized usage feedback"),
        (name = "moderation", description = "feedback moderation (admins)"),
        (name = "stats", description = "statistics and reports"),
    )
)]
struct ApiDoc;

fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Feedback figures of the last 30 days for admin-api's overview.
struct FeedbackSummary(PgPool);

impl SummarySource for FeedbackSummary {
    fn summary(&self) -> BoxFuture<'_, anyhow::Result<serde_json::Value>> {
        Box::pin(async move {
            let to = time::OffsetDateTime::now_utc();
            let from = to - time::Duration::days(30);
            let mut conn = self.0.acquire().await?;
            let summary = routes::stats::summarize(&mut conn, from, to)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(serde_json::json!({
                "period_days": 30,
                "feedback_events": summary.feedback_total,
                "unique_installs": summary.unique_installs,
                "recommendations_shown": summary.recommendations.shown,
                "recommendations_accepted": summary.recommendations.accepted,
                "acceptance_rate": summary.recommendations.acceptance_rate,
                "downloads": summary.downloads,
            }))
        })
    }
}

/// Builds the service on a started platform: the relay of its outbox, the
/// consumer of download and catalog events, the writers, retention, and its
/// routes.
pub async fn build(mut platform: Platform<FeedbackSettings>) -> anyhow::Result<Application> {
    sora_common::event_runtime::start(
        &mut platform,
        Some((events::STATS_QUEUE, events::StatsRecorder)),
    )
    .await?;
    let own = platform.settings.service.clone();
    platform.set_summary(Arc::new(FeedbackSummary(platform.db.clone())));

    let (writer, loops) = Writer::new(
        platform.db.clone(),
        platform.spec.name,
        own.ingest.writers,
        own.ingest.max_events_per_commit,
    );
    for writer_loop in loops {
        platform.spawn_background(move |shutdown| writer_loop.run(shutdown));
    }
    let (db, days) = (platform.db.clone(), own.retention.days);
    let every = Duration::from_secs(own.retention.interval_secs);
    platform.spawn_background(move |shutdown| jobs::retention::run(db, days, every, shutdown));

    let state = web::Data::new(AppState {
        db: platform.db.clone(),
        writer,
        pseudonyms: Pseudonyms::new(own.ip_salt.expose_secret()),
        sealer: state::sealer_of(&own)?,
        day_keys: AppState::day_key_cache(),
        limiter: KeyedLimiter::per_second(own.rate_limit.per_second, own.rate_limit.burst),
        service: platform.spec.name,
        settings: own,
    });
    platform.bind(move |cfg| {
        cfg.app_data(state.clone());
        routes::configure(cfg);
    })
}
