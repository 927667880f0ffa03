//! Sora admin-api: identity, users, audit log and moderation.
//! Owns the `admin` schema and the paths under /api/admin and /.well-known/jwks.json.

pub mod audit;

use actix_web::web;
use sora_common::{Application, Platform, ServiceSpec};
use utoipa::OpenApi;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static SPEC: ServiceSpec = ServiceSpec {
    name: "admin-api",
    schema: "admin",
    default_port: 3002,
    migrator: &MIGRATOR,
    openapi,
    uses_ip_salt: true,
    uses_encryption_key: false,
    uses_bootstrap_admin: true,
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
/// outbox, and the consumer that writes the audit log.
pub async fn build(mut platform: Platform) -> anyhow::Result<Application> {
    sora_common::events::runtime::start(
        &mut platform,
        Some((audit::AUDIT_QUEUE, audit::AuditRecorder)),
    )
    .await?;
    platform.bind(routes)
}
