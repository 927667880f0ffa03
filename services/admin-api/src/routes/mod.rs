//! admin-api's HTTP routes, a module per resource, each registering itself.

pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod forward;
pub mod lichtblick;
pub mod overview;
pub mod users;

use actix_web::web;
use sora_common::ApiError;
use sora_common::events::outbox;
use sora_common::events::types::AdminAction;
use sqlx::PgConnection;

pub fn configure(cfg: &mut web::ServiceConfig) {
    auth::configure(cfg);
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
    outbox::enqueue(
        conn,
        crate::SPEC.name,
        &AdminAction {
            actor: actor.to_owned(),
            action: action.to_owned(),
            target_type: target.0.to_owned(),
            target_id: target.1,
            details,
        },
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(())
}
