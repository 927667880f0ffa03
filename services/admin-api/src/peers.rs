//! The other services, as admin-api's overview calls them: their
//! `/internal/summary`, with a service token, a timeout per call, retries
//! with exponential back-off (`backon`) and a circuit breaker per service
//! (`failsafe`: open after N consecutive failed calls, half-open after the
//! pause, closed by one success).

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use failsafe::StateMachine;
use failsafe::backoff::Constant;
use failsafe::failure_policy::ConsecutiveFailures;
use failsafe::futures::CircuitBreaker;
use sora_common::ops::ServiceSummary;
use sora_common::telemetry;

use crate::config::PeersSettings;

type Breaker = StateMachine<ConsecutiveFailures<Constant>, ()>;

pub struct Peer {
    pub name: &'static str,
    url: String,
    breaker: Breaker,
}

/// The services the overview gathers from.
pub struct Peers {
    client: reqwest::Client,
    pub peers: Vec<Peer>,
    retry: ExponentialBuilder,
}

/// Why a call did not answer.
#[derive(Debug, Clone)]
enum CallError {
    Failed(String),
    CircuitOpen,
}

impl Peers {
    pub fn from_settings(settings: &PeersSettings) -> anyhow::Result<Self> {
        let peer = |name, url: &str| Peer {
            name,
            url: format!("{}/internal/summary", url.trim_end_matches('/')),
            breaker: failsafe::Config::new()
                .failure_policy(failsafe::failure_policy::consecutive_failures(
                    settings.breaker_failures,
                    failsafe::backoff::constant(Duration::from_secs(settings.breaker_open_secs)),
                ))
                .build(),
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
            retry: ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(settings.retry_base_ms))
                .with_max_times(settings.retries as usize),
        })
    }

    /// `peer`'s summary, or why it is unavailable.
    pub async fn summary(&self, peer: &Peer, token: &str) -> Result<ServiceSummary, String> {
        let mut last_failure = String::new();
        let attempt = || async {
            peer.breaker
                .call(self.call(peer, token))
                .await
                .map_err(|error| match error {
                    failsafe::Error::Inner(why) => CallError::Failed(why),
                    failsafe::Error::Rejected => CallError::CircuitOpen,
                })
        };
        let result = attempt
            .retry(self.retry)
            .when(|error| matches!(error, CallError::Failed(_)))
            .notify(|error, _| {
                if let CallError::Failed(why) = error {
                    tracing::warn!(peer = peer.name, error = %why, "overview call failed; retrying");
                    last_failure = why.clone();
                }
            })
            .await;
        result.map_err(|error| match error {
            CallError::Failed(why) => why,
            CallError::CircuitOpen if last_failure.is_empty() => {
                "circuit open after repeated failures".to_owned()
            }
            CallError::CircuitOpen => {
                format!("circuit open after repeated failures ({last_failure})")
            }
        })
    }

    async fn call(&self, peer: &Peer, token: &str) -> Result<ServiceSummary, String> {
        let call = telemetry::traced(self.client.get(&peer.url).bearer_auth(token))
            .send()
            .await;
        match call {
            Ok(response) if response.status().is_success() => response
                .json::<ServiceSummary>()
                .await
                .map_err(|e| format!("unreadable answer: {e}")),
            Ok(response) => Err(format!("answered {}", response.status())),
            Err(e) if e.is_timeout() => Err("timed out".to_owned()),
            Err(e) if e.is_connect() => Err("not reachable".to_owned()),
            Err(e) => Err(e.to_string()),
        }
    }
}
