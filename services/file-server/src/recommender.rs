//! The recommendation service as file-server's client of it: asked for the
//! best marketplace layout of a recording (Lichtblick's `default_data`).

use std::time::Duration;

use uuid::Uuid;

use crate::config::LichtblickSettings;

/// The recommendation service, as `default_data` asks it for the best
/// layout of a recording's topics: one call, bounded by a timeout.
pub struct Recommender {
    client: reqwest::Client,
    url: String,
}

impl Recommender {
    pub fn from_settings(settings: &LichtblickSettings) -> anyhow::Result<Option<Self>> {
        if settings.recommendation_url.is_empty() {
            return Ok(None);
        }
        Ok(Some(Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_millis(settings.recommendation_timeout_ms))
                .build()?,
            url: format!(
                "{}/api/recommendations",
                settings.recommendation_url.trim_end_matches('/')
            ),
        }))
    }

    /// The marketplace layout it ranks first for `topics`, if it answers.
    pub async fn best_layout(&self, topics: &[String]) -> Result<Option<Uuid>, String> {
        let body = serde_json::json!({
            "mcap": {"topics": topics.iter().map(|t| serde_json::json!({"topic": t})).collect::<Vec<_>>()},
            "kinds": ["layout"],
            "limit": 1,
        });
        let response = sora_common::telemetry::traced(self.client.post(&self.url).json(&body))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()));
        }
        let answer: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
        Ok(answer["items"][0]["id"]
            .as_str()
            .and_then(|id| Uuid::parse_str(id).ok()))
    }
}
