//! The other services, as admin-api calls them: their `/internal/summary`
//! for the overview, with a service token, a timeout per call, retries with
//! exponential back-off (`backon`) and a circuit breaker per service
//! (`failsafe`: open after N consecutive failed calls, half-open after the
//! pause, closed by one success); and the dashboard's calls it forwards
//! (`crate::routes::forward`), once each, through the same breaker.

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
    /// Its base URL, without a trailing slash.
    base: String,
    breaker: Breaker,
}

/// The services the overview gathers from.
pub struct Peers {
    client: reqwest::Client,
    /// For forwarded calls: the timeout bounds connecting and each read, not
    /// the whole answer, so a long CSV export streams through.
    forwarding: reqwest::Client,
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
            base: url.trim_end_matches('/').to_owned(),
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
            forwarding: reqwest::Client::builder()
                .connect_timeout(Duration::from_millis(settings.timeout_ms))
                .read_timeout(Duration::from_millis(settings.timeout_ms))
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
        let url = format!("{}/internal/summary", peer.base);
        let call = telemetry::traced(self.client.get(url).bearer_auth(token))
            .send()
            .await;
        match call {
            Ok(response) if response.status().is_success() => response
                .json::<ServiceSummary>()
                .await
                .map_err(|e| format!("unreadable answer: {e}")),
            Ok(response) => Err(format!("answered {}", response.status())),
            Err(e) => Err(why(&e)),
        }
    }

    /// The peer called `name`.
    pub fn peer(&self, name: &str) -> Option<&Peer> {
        self.peers.iter().find(|p| p.name == name)
    }

    /// Sends `request` (its URL relative to `peer`) once, through `peer`'s
    /// breaker: any answer below 500 counts as the peer working.
    pub async fn forward(
        &self,
        peer: &Peer,
        path_and_query: &str,
        request: impl FnOnce(&reqwest::Client, String) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, String> {
        let url = format!("{}{path_and_query}", peer.base);
        let call = async {
            match telemetry::traced(request(&self.forwarding, url))
                .send()
                .await
            {
                Ok(response) if response.status().is_server_error() => {
                    Err(format!("answered {}", response.status()))
                }
                Ok(response) => Ok(response),
                Err(e) => Err(why(&e)),
            }
        };
        peer.breaker.call(call).await.map_err(|error| match error {
            failsafe::Error::Inner(why) => why,
            failsafe::Error::Rejected => "circuit open after repeated failures".to_owned(),
        })
    }
}

/// A failed call, in a few words.
fn why(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "not reachable".to_owned()
    } else {
        error.to_string()
    }
}
