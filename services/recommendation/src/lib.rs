//! Sora recommendation: recommendations from the features of an MCAP recording.
//! Owns the `recommendation` schema and the paths under /api/recommendations.

pub mod db;
pub mod domain;
pub mod events;

use actix_web::web;
use sora_common::config::NoSettings;
use sora_common::{Application, Platform, ServiceSpec};
use utoipa::OpenApi;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static SPEC: ServiceSpec = ServiceSpec {
    name: "recommendation",
    schema: "recommendation",
    default_port: 3003,
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

/// Builds the service on a started platform: its routes, the relay of its
/// outbox and the consumer keeping its catalog index.
pub async fn build(mut platform: Platform<NoSettings>) -> anyhow::Result<Application> {
    sora_common::events::runtime::start(
        &mut platform,
        Some((events::CATALOG_QUEUE, events::CatalogIndexer)),
    )
    .await?;
    platform.bind(routes)
}
