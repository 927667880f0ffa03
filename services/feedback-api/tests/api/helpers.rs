use feedback_api::config::FeedbackSettings;
use serde_json::{Value, json};
use sora_common::Settings;
use sora_common::auth::Role;
use uuid::Uuid;

pub use sora_testing::eventually;

pub type TestApp = sora_testing::TestApp<FeedbackSettings>;

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings<FeedbackSettings>)) -> TestApp {
    TestApp::spawn_with(&feedback_api::SPEC, adjust, feedback_api::build).await
}

/// A valid event of `kind` with the fields its type needs and an `event_id`.
pub fn event(kind: &str) -> Value {
    let mut event = json!({
        "type": kind,
        "consent": true,
        "install_id": Uuid::new_v4(),
        "app_version": "1.4.0",
        "os": "linux",
        "locale": "en-US",
        "event_id": Uuid::new_v4(),
    });
    if kind == "rating" {
        event["rating"] = json!(4);
    }
    if kind.starts_with("recommendation_") {
        event["recommendation_id"] = json!("rec-1");
    }
    if kind.starts_with("layout") {
        event["item"] = json!({"kind": "layout", "id": "acme.dashboard", "version": "1.0.0"});
    }
    if kind.starts_with("extension") {
        event["item"] = json!({"kind": "extension", "id": "acme.plot", "version": "2.1.0"});
    }
    event
}

/// `n` valid events, as a batch body.
pub fn batch(kinds: &[&str]) -> Value {
    json!({ "events": kinds.iter().map(|k| event(k)).collect::<Vec<_>>() })
}

impl Client for TestApp {
    fn app(&self) -> &TestApp {
        self
    }
}

/// The requests the tests send.
pub trait Client {
    fn app(&self) -> &TestApp;

    async fn submit(&self, body: &Value) -> reqwest::Response {
        let app = self.app();
        app.client
            .post(app.url("/api/feedback"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Submits and expects `202`; the answer's `{accepted, duplicates}`.
    async fn submit_ok(&self, body: &Value) -> (u64, u64) {
        let response = self.submit(body).await;
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, 202, "{answer}");
        (
            answer["accepted"].as_u64().unwrap(),
            answer["duplicates"].as_u64().unwrap(),
        )
    }

    /// POSTs raw bytes with `headers`.
    async fn submit_raw(&self, body: Vec<u8>, headers: &[(&str, &str)]) -> reqwest::Response {
        let app = self.app();
        let mut request = app.client.post(app.url("/api/feedback")).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    fn admin(&self) -> String {
        self.app().tokens.token(Role::Admin)
    }

    fn viewer(&self) -> String {
        self.app().tokens.token(Role::Viewer)
    }

    /// GET as an admin, expecting 200: the JSON body.
    async fn admin_json(&self, path: &str) -> Value {
        let app = self.app();
        let response = app.get_as(path, &self.admin()).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    /// Every stored event (admin list), newest first.
    async fn stored(&self) -> Vec<Value> {
        let mut all = Vec::new();
        for page in 1.. {
            let body = self
                .admin_json(&format!("/api/feedback?per_page=100&page={page}"))
                .await;
            let items = body["items"].as_array().unwrap().clone();
            if items.is_empty() {
                break;
            }
            all.extend(items);
        }
        all
    }
}

/// The `errors[].field` of a problem.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
