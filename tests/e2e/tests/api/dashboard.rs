//! The dashboard with the services it reads: admin-api forwards its calls
//! to file-server and feedback-api with the caller's token, and a real
//! browser (Debian's Chromium through Playwright, `browser/dashboard.py`)
//! drives the pages on data this test creates. Screenshots go to
//! docs/screenshots/.

use std::path::Path;
use std::time::Duration;

use admin_api::config::dev_secrets;
use feedback_api::config::FeedbackSettings;
use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_testing::TestApp;

use crate::helpers::{
    AdminApp, FilesApp, admin_settings, eventually, foxe, login, publish_layout, spawn_files,
    trust_dev_key,
};

/// file-server, feedback-api and admin-api on one PostgreSQL bus (in
/// file-server's database), admin-api calling the other two.
struct System {
    files: FilesApp,
    feedback: TestApp<FeedbackSettings>,
    admin: AdminApp,
}

impl System {
    async fn spawn() -> Self {
        // Packages whose scan finds code loaded from the network are held
        // for an admin's review.
        let files = spawn_files(|s| {
            trust_dev_key(s);
            s.service.marketplace.scan_policy = file_server::config::ScanPolicy::Hold;
        })
        .await;
        let bus = |events: &mut sora_common::events::EventsSettings| {
            events.postgres.host = files.settings.database.host.clone();
            events.postgres.port = files.settings.database.port;
            events.postgres.name = files.database.name.clone();
        };
        let feedback = TestApp::spawn_with(
            &feedback_api::SPEC,
            |s| {
                trust_dev_key(s);
                bus(&mut s.events);
            },
            feedback_api::build,
        )
        .await;
        let admin = TestApp::spawn_with(
            &admin_api::SPEC,
            |s| {
                admin_settings(s);
                bus(&mut s.events);
                let peers = &mut s.service.peers;
                peers.file_server_url = files.address.clone();
                peers.feedback_api_url = feedback.address.clone();
                peers.recommendation_url = "http://127.0.0.1:9".to_owned();
                peers.retries = 0;
                peers.timeout_ms = 2000;
            },
            admin_api::build,
        )
        .await;
        Self {
            files,
            feedback,
            admin,
        }
    }

    async fn publish_extension(&self, name: &str, version: &str) {
        let response = self
            .files
            .client
            .post(self.files.url("/api/extensions"))
            .bearer_auth(self.files.tokens.token_for("user-acme", Role::Editor))
            .header("content-type", "application/zip")
            .body(foxe("acme", name, version))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }

    /// Publishes `acme.<name>` 1.0.0 loading a script from the network:
    /// held for review.
    async fn publish_held(&self, name: &str) {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let manifest = json!({"name": name, "publisher": "acme", "version": "1.0.0",
                              "main": "dist/extension.js", "displayName": name});
        zip.start_file("package.json", options).unwrap();
        zip.write_all(manifest.to_string().as_bytes()).unwrap();
        zip.start_file("dist/extension.js", options).unwrap();
        zip.write_all(b"export const load = () => import('https://cdn.example/panel.js');")
            .unwrap();
        let response = self
            .files
            .client
            .post(self.files.url("/api/extensions"))
            .bearer_auth(self.files.tokens.token_for("user-acme", Role::Editor))
            .header("content-type", "application/zip")
            .body(zip.finish().unwrap().into_inner())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
    }

    async fn download(&self, path: &str, times: usize) {
        for _ in 0..times {
            assert_eq!(self.files.get(path).await.status(), 200, "{path}");
        }
    }

    async fn send_feedback(&self, events: Vec<Value>) {
        let response = self
            .feedback
            .client
            .post(self.feedback.url("/api/feedback"))
            .json(&json!({ "events": events }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
    }

    /// An access token from admin-api's login, for a new user with `role`:
    /// signed with the key every service here trusts.
    async fn sign_in_as(&self, role: &str) -> String {
        let email = format!("{role}-{}@example.com", uuid::Uuid::new_v4().simple());
        let password = "a-long-enough-password";
        let created = self
            .admin
            .client
            .post(self.admin.url("/api/admin/users"))
            .bearer_auth(self.admin.tokens.token(Role::Admin))
            .json(&json!({"email": email, "password": password, "role": role}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        login(&self.admin, &email, password).await
    }

    /// Through admin-api, as the dashboard calls it.
    async fn call(&self, method: reqwest::Method, path: &str, token: &str) -> reqwest::Response {
        self.admin
            .client
            .request(method, self.admin.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

fn event(kind: &str, extra: Value) -> Value {
    let mut event = json!({"type": kind, "consent": true, "install_id": uuid::Uuid::new_v4(),
                           "app_version": "1.4.0", "os": "linux"});
    for (key, value) in extra.as_object().unwrap() {
        event[key] = value.clone();
    }
    event
}

async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn admin_api_forwards_the_dashboards_calls_with_the_callers_token() {
    use reqwest::Method;
    let mut system = System::spawn().await;
    system.publish_extension("plot", "1.0.0").await;
    system.publish_extension("plot", "1.1.0").await;
    system
        .send_feedback(vec![event(
            "rating",
            json!({"rating": 2, "comment": "Crashes; write to ada@example.com"}),
        )])
        .await;
    let admin = system.sign_in_as("admin").await;
    let viewer = system.sign_in_as("viewer").await;

    // Search, then yank through admin-api: gone from file-server's latest.
    let found: Value = system
        .call(Method::GET, "/api/admin/catalog/extensions?q=plot", &viewer)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["version"], "1.1.0");
    let yank = "/api/admin/catalog/extensions/acme.plot/versions/1.1.0";
    let refused = problem(system.call(Method::DELETE, yank, &viewer).await, 403).await;
    assert!(refused["detail"].as_str().unwrap().contains("editor"));
    assert_eq!(
        system.call(Method::DELETE, yank, &admin).await.status(),
        204
    );
    let public: Value = system
        .files
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["version"], "1.0.0");
    let yanked: Vec<&Value> = public["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["yanked"] == true)
        .map(|v| &v["version"])
        .collect();
    assert_eq!(yanked, [&json!("1.1.0")]);

    // No token: refused by admin-api itself; dot segments go nowhere.
    let anonymous = system
        .admin
        .client
        .get(system.admin.url("/api/admin/stats/summary"))
        .send()
        .await
        .unwrap();
    problem(anonymous, 401).await;
    problem(
        system
            .call(
                Method::DELETE,
                "/api/admin/catalog/extensions/%2e%2e/versions/%2e%2e",
                &admin,
            )
            .await,
        404,
    )
    .await;

    // Feedback: listed, read with its comment decrypted (and redacted), deleted.
    let listed: Value = system
        .call(Method::GET, "/api/admin/feedback?has_comment=true", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 1);
    let id = listed["items"][0]["event_id"].as_str().unwrap().to_owned();
    problem(
        system
            .call(Method::GET, &format!("/api/admin/feedback/{id}"), &viewer)
            .await,
        403,
    )
    .await;
    let read: Value = system
        .call(Method::GET, &format!("/api/admin/feedback/{id}"), &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["comment"], "Crashes; write to [email]");
    let deleted = system
        .call(Method::DELETE, &format!("/api/admin/feedback/{id}"), &admin)
        .await;
    assert_eq!(deleted.status(), 204);

    // The CSV comes through as CSV, named as feedback-api names it.
    let csv = system
        .call(Method::GET, "/api/admin/stats/export.csv", &viewer)
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.headers().contains_key("content-disposition"));
    assert!(csv.text().await.unwrap().starts_with("date,metric"));

    // A service that is down: 503 naming it, not a hang or a 500.
    system.feedback.stop().await.unwrap();
    let down = problem(
        system
            .call(Method::GET, "/api/admin/stats/summary", &viewer)
            .await,
        503,
    )
    .await;
    assert!(
        down["detail"]
            .as_str()
            .unwrap()
            .starts_with("feedback-api is unavailable"),
        "{down}"
    );
}

#[tokio::test]
async fn the_dashboard_moderates_and_charts_real_data_in_chromium() {
    let (python, chromium) = sora_testing::browser_tools();
    let system = System::spawn().await;
    // The data the pages show: two extensions, a layout, downloads, feedback.
    system.publish_extension("plot", "1.0.0").await;
    system.publish_extension("plot", "1.1.0").await;
    system.publish_extension("map", "1.0.0").await;
    system.publish_held("loader").await;
    let layout = json!({"name": "Camera review",
                        "layout": {"configById": {"Image!a": {"imageTopic": "/camera"}}, "layout": "Image!a"}});
    let layout_id = publish_layout(&system.files, &layout).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    system
        .download("/api/extensions/acme.plot/versions/1.1.0/download", 3)
        .await;
    system
        .download(&format!("/api/layouts/{layout_id}/download"), 2)
        .await;
    let mut events = Vec::new();
    for n in 0..4 {
        events.push(event(
            "recommendation_shown",
            json!({"recommendation_id": format!("r{n}")}),
        ));
    }
    for n in 0..2 {
        events.push(event(
            "recommendation_accepted",
            json!({"recommendation_id": format!("r{n}")}),
        ));
    }
    events.push(event(
        "rating",
        json!({"rating": 4, "comment": "Handy. Reach me at ada@example.com",
               "item": {"kind": "layout", "id": layout_id}}),
    ));
    events.push(event(
        "layout_applied",
        json!({"item": {"kind": "layout", "id": layout_id}}),
    ));
    for (kind, id) in [
        ("extension_installed", "acme.plot"),
        ("extension_installed", "acme.plot"),
        ("extension_uninstalled", "acme.plot"),
        ("extension_installed", "acme.map"),
    ] {
        events.push(event(
            kind,
            json!({"item": {"kind": "extension", "id": id}}),
        ));
    }
    system.send_feedback(events).await;
    // Downloads reach feedback-api's figures through file-server's events.
    let viewer = system.feedback.tokens.token(Role::Viewer);
    eventually(Duration::from_secs(30), json!(5), || async {
        let summary: Value = system
            .feedback
            .get_as("/api/stats/summary", &viewer)
            .await
            .json()
            .await
            .unwrap();
        summary["downloads"].clone()
    })
    .await;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = tokio::process::Command::new(python)
        .arg(root.join("browser/dashboard.py"))
        .arg(&system.admin.address)
        .arg(chromium)
        .arg(root.join("../../docs/screenshots"))
        .arg("admin@sora.local")
        .arg(dev_secrets::BOOTSTRAP_ADMIN_PASSWORD)
        .arg(&system.files.address)
        .arg(&layout_id)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "the browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
