use std::path::{Path, PathBuf};
use std::time::Duration;

use recommendation::config::RecommendationSettings;
use recommendation::events::QUEUE;
use serde_json::{Value, json};
use sora_common::Settings;
use sora_common::events::EventPayload;
use sora_common::events::bus::OutgoingMessage;
use sora_common::events::types::LayoutPublished;
use sora_testing::events::{Backend, send_to_queue};

pub use sora_testing::eventually;

pub type TestApp = sora_testing::TestApp<RecommendationSettings>;

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The service with no backfill (no file-server here) and a model that is
/// refreshed every 100 ms.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings<RecommendationSettings>)) -> TestApp {
    TestApp::spawn_with(
        &recommendation::SPEC,
        |settings| {
            settings.service.catalog.file_server_url = String::new();
            settings.service.ranking.refresh_ms = 100;
            settings.events.relay_interval_ms = 50;
            adjust(settings);
        },
        recommendation::build,
    )
    .await
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

pub fn fixture_recording(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("mcap").join(name)).unwrap()
}

pub fn message<P: EventPayload>(service: &str, payload: &P) -> OutgoingMessage {
    sora_testing::events::message(service, payload)
}

/// Every fixture layout, as file-server would announce it (id: the file's
/// name without `.json`).
pub fn fixture_layouts() -> Vec<LayoutPublished> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures().join("layouts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let info = sora_common::layout::analyze(&doc).unwrap();
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            LayoutPublished {
                name: id.replace("__", " "),
                id,
                description: None,
                tags: Vec::new(),
                panels: info.panels,
                topics: info.topics,
                actor: "u1".to_owned(),
            }
        })
        .collect()
}

impl Api for TestApp {
    fn app(&self) -> &TestApp {
        self
    }
}

/// The requests and deliveries the tests make.
#[allow(async_fn_in_trait)]
pub trait Api {
    fn app(&self) -> &TestApp;

    /// Puts `messages` on the service's queue.
    async fn deliver(&self, messages: &[OutgoingMessage]) {
        let app = self.app();
        send_to_queue(Backend::Postgres, &app.settings, QUEUE, messages).await;
    }

    /// The fixture layouts announced, and in the model.
    async fn with_fixture_layouts(&self) -> Vec<LayoutPublished> {
        let app = self.app();
        let layouts = fixture_layouts();
        let messages: Vec<_> = layouts.iter().map(|l| message("file-server", l)).collect();
        app.deliver(&messages).await;
        eventually(Duration::from_secs(20), layouts.len() as u64, || async {
            app.model().await["layouts_indexed"].as_u64().unwrap()
        })
        .await;
        layouts
    }

    async fn model(&self) -> Value {
        let app = self.app();
        let response = app
            .client
            .get(app.url("/api/recommendations/model"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// `POST /api/recommendations`: the status and the body.
    async fn recommend(&self, body: &Value) -> (u16, Value) {
        let app = self.app();
        let response = app
            .client
            .post(app.url("/api/recommendations"))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Recommendations for `features`, expecting 200.
    async fn recommend_ok(&self, features: &Value) -> Value {
        let app = self.app();
        let (status, body) = app.recommend(&json!({"mcap": features})).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// `POST /api/recommendations/from-mcap` with `bytes`.
    async fn post_mcap(&self, query: &str, bytes: Vec<u8>) -> (u16, Value) {
        let app = self.app();
        let response = app
            .client
            .post(app.url(&format!("/api/recommendations/from-mcap{query}")))
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// Features of a recording with `topics` and no schema names.
pub fn features_of(topics: &[&str]) -> Value {
    json!({"topics": topics.iter().map(|t| json!({"topic": t})).collect::<Vec<_>>()})
}

/// The ids of an answer's items, in order.
pub fn ids(answer: &Value) -> Vec<String> {
    answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}
