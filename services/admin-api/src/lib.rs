//! Sora admin-api: identity, users, audit log and moderation.
//! Owns the `admin` schema and the paths under /api/admin and /.well-known/jwks.json.

pub mod config;
pub mod db;
pub mod domain;
pub mod events;
pub mod identity;
pub mod oidc;
pub mod peers;
pub mod revocations;
pub mod routes;
pub mod state;
pub mod throttle;

use actix_web::web;
use secrecy::ExposeSecret;
use sora_common::auth::Role;
use sora_common::page::Page;
use sora_common::{Application, Platform, ServiceSpec};
use sqlx::PgPool;
use utoipa::OpenApi;

use crate::config::AdminSettings;
use crate::db::audit::AuditItem;
use crate::db::users::User;
use crate::identity::Identity;
use crate::state::AppState;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub static SPEC: ServiceSpec = ServiceSpec {
    name: "admin-api",
    schema: "admin",
    default_port: 3002,
    migrator: &MIGRATOR,
    openapi,
};

#[derive(OpenApi)]
#[openapi(
    paths(
        routes::auth::login,
        routes::auth::refresh,
        routes::auth::logout,
        routes::auth::logout_all,
        routes::auth::browser_login,
        routes::auth::browser_refresh,
        routes::auth::browser_logout,
        routes::lichtblick::lichtblick_login,
        routes::lichtblick::lichtblick_logout,
        routes::auth::jwks,
        routes::audit::list_audit,
        routes::overview::overview,
        routes::users::list_users,
        routes::users::create_user,
        routes::users::update_user,
        routes::users::delete_user,
        routes::tokens::create_token,
        routes::tokens::list_tokens,
        routes::tokens::revoke_token,
        routes::tokens::exchange,
        routes::trusted::exchange,
    ),
    components(schemas(Page<User>, Page<AuditItem>)),
    tags(
        (name = "auth", description = "Login, token refresh and the public keys."),
        (name = "audit", description = "Every admin and publishing action."),
        (name = "users", description = "User management, for admins."),
        (name = "tokens", description = "Personal access tokens for scripts and the command line, and their exchange for access tokens."),
        (name = "overview", description = "The dashboard, gathered from every service."),
        (name = "forwarded", description = "The dashboard's calls to file-server and feedback-api, forwarded with the caller's token."),
    )
)]
struct ApiDoc;

fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    routes::forward::document(&mut doc);
    doc
}

/// Builds the service on a started platform: its routes, the relay of its
/// outbox, and the consumer that writes the audit log.
pub async fn build(mut platform: Platform<AdminSettings>) -> anyhow::Result<Application> {
    sora_common::event_runtime::start(
        &mut platform,
        Some((events::AUDIT_QUEUE, events::AuditRecorder)),
    )
    .await?;
    let own = &platform.settings.service;
    let identity = Identity::from_settings(&own.identity, &platform.settings.auth)?;
    bootstrap_admin(&platform.db, &identity, own).await?;
    // The dashboard's session tokens are for admin-api alone.
    platform.verifier.accept_dashboard_tokens();
    revocations::start(&mut platform, identity.longest_ttl());
    let own = &platform.settings.service;
    let state = web::Data::new(AppState {
        db: platform.db.clone(),
        throttle: throttle::LoginThrottle::new(own.ip_salt.expose_secret()),
        peers: peers::Peers::from_settings(&own.peers)?,
        oidc: oidc::OidcIssuers::from_settings(
            &own.trusted_publishing,
            platform.settings.auth.leeway_secs,
        )?,
        trusted_ttl: time::Duration::seconds(i64::try_from(own.trusted_publishing.token_ttl_secs)?),
        public_keys: platform.settings.auth.public_keys.clone(),
        verifier: platform.verifier.clone(),
        leeway_secs: platform.settings.auth.leeway_secs,
        identity,
    });
    platform.bind(move |cfg| {
        cfg.app_data(state.clone());
        routes::configure(cfg);
    })
}

/// Creates the bootstrap admin when there is no user at all. Replicas racing
/// here are harmless: the e-mail is unique.
async fn bootstrap_admin(
    pool: &PgPool,
    identity: &Identity,
    settings: &AdminSettings,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    if db::users::count(&mut tx).await? > 0 {
        return Ok(());
    }
    let email = settings.bootstrap_admin_email.trim().to_lowercase();
    let hash = identity
        .hash(settings.bootstrap_admin_password.expose_secret())
        .await?;
    if let Some(user) = db::users::insert(&mut tx, &email, &hash, Role::Admin).await? {
        routes::audit(
            &mut tx,
            SPEC.name,
            "user.created",
            ("user", user.id.to_string()),
            serde_json::json!({"email": email, "role": "admin", "bootstrap": true}),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(email = %email, "created the bootstrap admin");
    }
    tx.commit().await?;
    Ok(())
}
