//! Sora feedback-api: anonymized usage feedback and statistics.
//! Owns the `feedback` schema and the paths under /api/feedback and /api/stats.

pub mod config;

use actix_web::web;
use sora_common::{Application, Platform, ServiceSpec};
use utoipa::OpenApi;

use crate::config::FeedbackSettings;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static SPEC: ServiceSpec = ServiceSpec {
    name: "feedback-api",
    schema: "feedback",
    default_port: 3001,
    migrator: &MIGRATOR,
    openapi,
};

#[derive(OpenApi)]
#[openapi(paths())]
struct ApiDoc;

fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The service's own routes.
pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// Builds the service on a started platform: its routes and the relay of its
/// outbox.
pub async fn build(mut platform: Platform<FeedbackSettings>) -> anyhow::Result<Application> {
    sora_common::events::runtime::start_producer(&mut platform).await?;
    platform.bind(routes)
}
