//! Ended sessions, shared with every service: admin-api records them
//! (`db::revocations`), tells its own verifier at once, reads the table
//! every second into it (for the sessions other replicas end) and serves it
//! at `GET /internal/revocations`, which the other services fetch every
//! second. No service calls admin-api per request; a token is refused within
//! about two seconds of its user's sessions ending (docs/security.md).

use std::time::Duration;

use actix_web::{HttpResponse, web};
use sora_common::ApiError;
use sora_common::auth::{JwtVerifier, Revocation, Revocations};
use sora_common::platform::Platform;
use sqlx::PgPool;

use crate::config::AdminSettings;
use crate::db;
use crate::state::AppState;

/// How often this replica reads the table.
const EVERY: Duration = Duration::from_secs(1);
/// How often revocations older than every token are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How long a revocation is kept: the longest token lifetime, plus the
/// clock skew verifiers tolerate.
pub fn window_secs(longest_ttl: time::Duration, leeway_secs: u64) -> i64 {
    longest_ttl.whole_seconds() + i64::try_from(leeway_secs).unwrap_or(i64::MAX / 2) + 60
}

pub fn start(platform: &mut Platform<AdminSettings>, longest_ttl: time::Duration) {
    let window = window_secs(longest_ttl, platform.settings.auth.leeway_secs);
    let pool = platform.db.clone();
    let verifier = platform.verifier.clone();
    platform.spawn_background(move |mut shutdown| async move {
        let mut last_prune = tokio::time::Instant::now();
        loop {
            if let Err(error) = load(&pool, &verifier, window).await {
                tracing::warn!(error = %error, "reading revoked sessions failed");
            }
            if last_prune.elapsed() >= PRUNE_EVERY {
                last_prune = tokio::time::Instant::now();
                if let Ok(mut conn) = pool.acquire().await {
                    let _ = db::revocations::prune(&mut conn, window).await;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = shutdown.changed() => break,
            }
        }
    });
}

async fn current(pool: &PgPool, window: i64) -> sqlx::Result<Vec<Revocation>> {
    let mut conn = pool.acquire().await?;
    let rows = db::revocations::recent(&mut conn, window).await?;
    Ok(rows
        .into_iter()
        .map(|(user, min_version)| Revocation {
            sub: user.to_string(),
            min_version,
        })
        .collect())
}

async fn load(pool: &PgPool, verifier: &JwtVerifier, window: i64) -> sqlx::Result<()> {
    verifier.apply_revocations(current(pool, window).await?);
    Ok(())
}

/// The users whose sessions ended within the lifetime of the longest-lived
/// token, with the lowest session version (`ver`) still valid: what every
/// service refuses tokens by. Internal: the gateway does not route it.
#[utoipa::path(get, path = "/internal/revocations", tag = "auth", responses(
    (status = 200, body = Revocations),
))]
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let window = window_secs(state.identity.longest_ttl(), state.leeway_secs);
    let revocations = current(&state.db, window).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(Revocations { revocations }))
}
