//! `GET /api/admin/overview`: one dashboard payload gathered over REST from
//! the other services' `/internal/summary`, with a service token acting for
//! the admin, per-call timeouts, retries with back-off, and a circuit breaker
//! per service. A service that does not answer is marked unavailable; the
//! overview itself still answers 200.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{HttpResponse, web};
use serde::Serialize;
use sora_common::auth::{Admin, Claims};
use sora_common::config::PeersSettings;
use sora_common::metrics::{EventSummary, Metrics};
use sora_common::server::ServiceSummary;
use sora_common::{ApiError, telemetry};
use sqlx::PgPool;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::identity::Identity;

/// Opens after `threshold` consecutive failures and stays open `open_for`;
/// then lets calls through again (half-open): one success closes it, one
/// failure opens it for another period.
pub struct CircuitBreaker {
    threshold: u32,
    open_for: Duration,
    state: Mutex<BreakerState>,
}

#[derive(Default)]
struct BreakerState {
    consecutive_failures: u32,
    open_until: Option<Instant>,
}

impl CircuitBreaker {
    pub fn new(threshold: u32, open_for: Duration) -> Self {
        Self {
            threshold,
            open_for,
            state: Mutex::default(),
        }
    }

    /// Whether a call may be made at `now`.
    pub fn allows(&self, now: Instant) -> bool {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.open_until.is_none_or(|until| now >= until)
    }

    pub fn record(&self, success: bool, now: Instant) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if success {
            *state = BreakerState::default();
            return;
        }
        state.consecutive_failures += 1;
        if state.consecutive_failures >= self.threshold {
            state.open_until = Some(now + self.open_for);
        }
    }
}

struct Peer {
    name: &'static str,
    url: String,
    breaker: CircuitBreaker,
}

/// The services the overview gathers from.
pub struct Peers {
    client: reqwest::Client,
    peers: Vec<Peer>,
    retries: u32,
    retry_base: Duration,
}

impl Peers {
    pub fn from_settings(settings: &PeersSettings) -> anyhow::Result<Self> {
        let breaker = || {
            CircuitBreaker::new(
                settings.breaker_failures,
                Duration::from_secs(settings.breaker_open_secs),
            )
        };
        let peer = |name, url: &str| Peer {
            name,
            url: format!("{}/internal/summary", url.trim_end_matches('/')),
            breaker: breaker(),
        };
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_millis(settings.timeout_ms))
                .build()?,
            peers: vec![
                peer("file-server", &settings.file_server_url),
                peer("feedback-api", &settings.feedback_api_url),
                peer("recommendation", &settings.recommendation_url),
            ],
            retries: settings.retries,
            retry_base: Duration::from_millis(settings.retry_base_ms),
        })
    }

    async fn summary(&self, peer: &Peer, token: &str) -> Result<ServiceSummary, String> {
        let mut last_error = String::new();
        for attempt in 0..=self.retries {
            if !peer.breaker.allows(Instant::now()) {
                return Err(if last_error.is_empty() {
                    "circuit open after repeated failures".to_owned()
                } else {
                    format!("circuit open after repeated failures ({last_error})")
                });
            }
            let call = telemetry::traced(self.client.get(&peer.url).bearer_auth(token))
                .send()
                .await;
            let outcome = match call {
                Ok(response) if response.status().is_success() => response
                    .json::<ServiceSummary>()
                    .await
                    .map_err(|e| format!("unreadable answer: {e}")),
                Ok(response) => Err(format!("answered {}", response.status())),
                Err(e) if e.is_timeout() => Err("timed out".to_owned()),
                Err(e) if e.is_connect() => Err("not reachable".to_owned()),
                Err(e) => Err(e.to_string()),
            };
            peer.breaker.record(outcome.is_ok(), Instant::now());
            match outcome {
                Ok(summary) => return Ok(summary),
                Err(error) => {
                    tracing::warn!(peer = peer.name, attempt, error = %error, "overview call failed");
                    last_error = error;
                }
            }
            if attempt < self.retries {
                tokio::time::sleep(self.retry_base * 2u32.saturating_pow(attempt)).await;
            }
        }
        Err(last_error)
    }
}

/// One service's part of the overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeerStatus {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    pub summary: Option<ServiceSummary>,
    /// Why it is unavailable.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminFigures {
    pub users: i64,
    pub audit_entries: i64,
    pub events: EventSummary,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Overview {
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    pub admin: AdminFigures,
    /// file-server, feedback-api and recommendation, by name.
    pub services: std::collections::BTreeMap<String, PeerStatus>,
}

/// The dashboard (admin role): catalog size and downloads from file-server,
/// every service's outbox backlog and queue/DLQ depths, users and audit size.
#[utoipa::path(get, path = "/api/admin/overview", tag = "overview", security(("bearer" = [])), responses(
    (status = 200, body = Overview),
    (status = 401, body = sora_common::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = sora_common::error::Problem, content_type = "application/problem+json"),
))]
pub async fn overview(
    Admin(caller): Admin,
    peers: web::Data<Peers>,
    identity: web::Data<Identity>,
    metrics: web::Data<Metrics>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let token = service_token(&identity, &caller)?;
    let calls = peers.peers.iter().map(|peer| async {
        let status = match peers.summary(peer, &token).await {
            Ok(summary) => PeerStatus {
                status: "ok",
                summary: Some(summary),
                reason: None,
            },
            Err(reason) => PeerStatus {
                status: "unavailable",
                summary: None,
                reason: Some(reason),
            },
        };
        (peer.name.to_owned(), status)
    });
    let (services, counts) = futures_util::future::join(
        futures_util::future::join_all(calls),
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM audit_log)",
        )
        .fetch_one(db.get_ref()),
    )
    .await;
    let (users, audit_entries) = counts?;
    Ok(HttpResponse::Ok().json(Overview {
        generated_at: OffsetDateTime::now_utc(),
        admin: AdminFigures {
            users,
            audit_entries,
            events: metrics.event_summary(),
        },
        services: services.into_iter().collect(),
    }))
}

fn service_token(identity: &Identity, caller: &Claims) -> Result<String, ApiError> {
    identity.service_token(caller).map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breaker_opens_after_five_failures_and_half_opens_after_the_period() {
        let breaker = CircuitBreaker::new(5, Duration::from_secs(30));
        let t0 = Instant::now();
        for _ in 0..4 {
            breaker.record(false, t0);
        }
        assert!(breaker.allows(t0), "four failures keep it closed");
        breaker.record(true, t0);
        for _ in 0..4 {
            breaker.record(false, t0);
        }
        assert!(breaker.allows(t0), "a success resets the count");
        breaker.record(false, t0);
        assert!(
            !breaker.allows(t0),
            "the fifth consecutive failure opens it"
        );
        assert!(!breaker.allows(t0 + Duration::from_secs(29)));
        assert!(
            breaker.allows(t0 + Duration::from_secs(30)),
            "half-open after 30 s"
        );
        breaker.record(false, t0 + Duration::from_secs(30));
        assert!(
            !breaker.allows(t0 + Duration::from_secs(31)),
            "a failed trial reopens it"
        );
        breaker.record(true, t0 + Duration::from_secs(61));
        assert!(breaker.allows(t0 + Duration::from_secs(61)));
    }
}
