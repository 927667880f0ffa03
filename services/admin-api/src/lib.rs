//! Sora admin-api: identity, users, audit log and moderation.
//! Owns the `admin` schema and the paths under /api/admin and /.well-known/jwks.json.

pub mod audit;
pub mod auth_routes;
pub mod identity;
pub mod overview;
pub mod throttle;
pub mod users;

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
#[openapi(
    paths(
        auth_routes::login,
        auth_routes::refresh,
        auth_routes::logout,
        auth_routes::jwks,
        audit::list_audit,
        overview::overview,
        users::list_users,
        users::create_user,
        users::update_user,
        users::delete_user,
    ),
    tags(
        (name = "auth", description = "Login, token refresh and the public keys."),
        (name = "audit", description = "Every admin and publishing action."),
        (name = "users", description = "User management, for admins."),
        (name = "overview", description = "The dashboard, gathered from every service."),
    )
)]
struct ApiDoc;

fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The service's own routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/admin/auth/login").post(auth_routes::login))
        .service(web::resource("/api/admin/auth/refresh").post(auth_routes::refresh))
        .service(web::resource("/api/admin/auth/logout").post(auth_routes::logout))
        .service(web::resource("/.well-known/jwks.json").get(auth_routes::jwks))
        .service(web::resource("/api/admin/audit").get(audit::list_audit))
        .service(web::resource("/api/admin/overview").get(overview::overview))
        .service(
            web::resource("/api/admin/users")
                .get(users::list_users)
                .post(users::create_user),
        )
        .service(
            web::resource("/api/admin/users/{id}")
                .patch(users::update_user)
                .delete(users::delete_user),
        );
}

/// Builds the service on a started platform: its routes, the relay of its
/// outbox, and the consumer that writes the audit log.
pub async fn build(mut platform: Platform) -> anyhow::Result<Application> {
    sora_common::events::runtime::start(
        &mut platform,
        Some((audit::AUDIT_QUEUE, audit::AuditRecorder)),
    )
    .await?;
    let identity = identity::Identity::from_settings(&platform.settings)?;
    identity::bootstrap_admin(&platform.db, &identity, &platform.settings).await?;
    let identity = web::Data::new(identity);
    let throttle = web::Data::new(throttle::LoginThrottle::new(
        secrecy::ExposeSecret::expose_secret(&platform.settings.ip_salt),
    ));
    let settings = web::Data::new(platform.settings.clone());
    let peers = web::Data::new(overview::Peers::from_settings(&platform.settings.peers)?);
    platform.bind(move |cfg| {
        cfg.app_data(identity.clone())
            .app_data(settings.clone())
            .app_data(throttle.clone())
            .app_data(peers.clone());
        routes(cfg);
    })
}
