//! admin-api's HTTP routes, a module per resource, each registering itself.

pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod forward;
pub mod lichtblick;
pub mod overview;
pub mod tokens;
pub mod trusted;
pub mod users;

use actix_web::web;
use sora_common::ApiError;
use sora_common::events::outbox;
use sqlx::PgConnection;

pub fn configure(cfg: &mut web::ServiceConfig) {
    auth::configure(cfg);
    tokens::configure(cfg);
    trusted::configure(cfg);
    lichtblick::configure(cfg);
    dashboard::configure(cfg);
    users::configure(cfg);
    audit::configure(cfg);
    overview::configure(cfg);
    forward::configure(cfg);
}

/// Records an admin action in the outbox, in the caller's transaction.
pub async fn audit(
    conn: &mut PgConnection,
    actor: &str,
    action: &str,
    target: (&str, String),
    details: serde_json::Value,
) -> Result<(), ApiError> {
    outbox::audit(conn, crate::SPEC.name, actor, action, target, details).await
}
