//! Lichtblick's remote API with the services around it: a workspace managed
//! through admin-api (and audited), Lichtblick's own client classes driving
//! file-server's `/api/lichtblick` under Node with nothing but a browser
//! session's cookies (`lichtblick/run.mjs`), and `default_data` answered
//! from the recommendation service's best layout for a recording.

use std::time::Duration;

use recommendation::config::RecommendationSettings;
use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_testing::{TestApp, free_port};

use crate::helpers::{
    AdminApp, FilesApp, admin_settings, eventually, login, publish_layout, spawn_files,
    trust_dev_key,
};

const EMAIL: &str = "lena@example.com";
const PASSWORD: &str = "lena-password-2026";
const WORKSPACE: &str = "field-team";

struct Stack {
    files: FilesApp,
    admin: AdminApp,
    recommender: TestApp<RecommendationSettings>,
}

impl Stack {
    /// The services, `marketplace` layouts published before the recommender
    /// starts (it backfills them); their ids.
    async fn spawn(marketplace: &[Value]) -> (Self, Vec<String>) {
        let recommender_port = free_port();
        let files = spawn_files(|s| {
            trust_dev_key(s);
            s.service.lichtblick.recommendation_url =
                format!("http://127.0.0.1:{recommender_port}");
            s.service.lichtblick.recommendation_timeout_ms = 2000;
        })
        .await;
        let mut published = Vec::new();
        for layout in marketplace {
            published.push(
                publish_layout(&files, layout).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let address = files.address.clone();
        let recommender = TestApp::spawn_with(
            &recommendation::SPEC,
            |s| {
                s.server.port = recommender_port;
                s.service.ranking.refresh_ms = 100;
                s.service.catalog.file_server_url = address;
            },
            recommendation::build,
        )
        .await;
        let bus = (
            files.settings.database.host.clone(),
            files.settings.database.port,
            files.database.name.clone(),
        );
        let files_url = files.address.clone();
        let admin = TestApp::spawn_with(
            &admin_api::SPEC,
            |s| {
                admin_settings(s);
                s.events.postgres.host = bus.0;
                s.events.postgres.port = bus.1;
                s.events.postgres.name = bus.2;
                s.service.peers.file_server_url = files_url;
            },
            admin_api::build,
        )
        .await;
        let stack = Self {
            files,
            admin,
            recommender,
        };
        (stack, published)
    }

    /// As the bootstrap admin, through admin-api (forwarded where it forwards).
    async fn admin_call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let token = login(
            &self.admin,
            "admin@sora.local",
            admin_api::config::dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
        )
        .await;
        let response = self
            .admin
            .client
            .request(method, self.admin.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }
}

#[tokio::test]
async fn lichtblicks_own_client_syncs_layouts_and_extensions_with_a_session_cookie() {
    let Ok(node) = std::env::var("SORA_TEST_NODE") else {
        panic!(
            "SORA_TEST_NODE is not set: run `make test`, which installs Node and the client's packages"
        );
    };
    let (stack, _) = Stack::spawn(&[]).await;
    // A user, made a writer of a new workspace through admin-api.
    let user = stack
        .admin_call(
            reqwest::Method::POST,
            "/api/admin/users",
            json!({"email": EMAIL, "password": PASSWORD, "role": "viewer"}),
        )
        .await;
    let user_id = user["id"].as_str().unwrap();
    let created = stack
        .admin_call(
            reqwest::Method::POST,
            "/api/admin/workspaces",
            json!({"name": WORKSPACE, "owner": "someone-else"}),
        )
        .await;
    assert_eq!(created["members"][0]["role"], "owner");
    stack
        .admin_call(
            reqwest::Method::PUT,
            &format!("/api/admin/workspaces/{WORKSPACE}/members/{user_id}"),
            json!({"role": "writer"}),
        )
        .await;
    // Extensions run in every member's Lichtblick: only owners upload them
    // unless the workspace lets its writers.
    let changed = stack
        .admin_call(
            reqwest::Method::PATCH,
            &format!("/api/admin/workspaces/{WORKSPACE}"),
            json!({"extension_uploaders": "writer"}),
        )
        .await;
    assert_eq!(changed["extension_uploaders"], "writer");
    // A session for `?session=`, made with a token of the user's own.
    let token = login(&stack.admin, EMAIL, PASSWORD).await;
    let session: Value = stack
        .files
        .client
        .post(stack.files.url(&format!("/api/lichtblick/workspaces/{WORKSPACE}/sessions")))
        .bearer_auth(token)
        .json(&json!({"mcaps": [{"url": "https://data.example.com/run-1.mcap", "metadata": {"robot": "r2"}}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session_id = session["data"]["id"].as_str().unwrap();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/lichtblick/run.mjs");
    let output = tokio::process::Command::new(node)
        .arg(script)
        .arg(&stack.admin.address)
        .arg(&stack.files.address)
        .arg(EMAIL)
        .arg(PASSWORD)
        .arg(WORKSPACE)
        .arg(session_id)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "the Lichtblick client failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // What the client did is in the audit log, with the workspace's management.
    for action in [
        "workspace.created",
        "workspace.member_set",
        "workspace.session_created",
        "workspace.extension_uploaded",
        "workspace.extension_removed",
        "workspace.layout_deleted",
    ] {
        eventually(Duration::from_secs(20), 1, || async {
            let page: Value = stack
                .admin
                .get_as(
                    &format!("/api/admin/audit?action={action}"),
                    &stack.admin.tokens.token(Role::Admin),
                )
                .await
                .json()
                .await
                .unwrap();
            page["total"].as_i64().unwrap()
        })
        .await;
    }
}

#[tokio::test]
async fn the_default_layout_of_a_recording_comes_from_the_recommender_and_falls_back_when_it_is_down()
 {
    let layout = json!({"name": "Camera review", "layout": {
        "configById": {"Image!cam": {"cameraTopic": "/camera/image_raw"},
                       "Plot!imu": {"paths": [{"value": "/imu.linear_acceleration.x"}]}},
        "layout": {"first": "Image!cam", "second": "Plot!imu", "direction": "row"}}});
    let (mut stack, _) = Stack::spawn(&[layout]).await;
    let created = stack
        .files
        .client
        .post(stack.files.url("/api/workspaces"))
        .bearer_auth(stack.files.tokens.token(Role::Admin))
        .json(&json!({"name": WORKSPACE, "owner": "owner-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    // The recommender has backfilled the catalog from file-server.
    eventually(Duration::from_secs(20), 1, || async {
        let model: Value = stack
            .recommender
            .get("/api/recommendations/model")
            .await
            .json()
            .await
            .unwrap();
        model["layouts_indexed"].as_u64().unwrap()
    })
    .await;
    let member = stack.files.tokens.token_for("owner-1", Role::Viewer);
    let files = &stack.files;
    let default_for = |query: &'static str| {
        let member = member.clone();
        async move {
            let response = files
                .get_as(
                    &format!("/api/lichtblick/workspaces/{WORKSPACE}/layouts/default_data{query}"),
                    &member,
                )
                .await;
            let status = response.status().as_u16();
            let source = response
                .headers()
                .get("x-sora-default-source")
                .map(|v| v.to_str().unwrap().to_owned());
            let body: Value = response.json().await.unwrap();
            (status, source, body)
        }
    };
    let (status, source, body) = default_for("?topics=/camera/image_raw,/imu").await;
    assert_eq!(
        (status, source.as_deref()),
        (200, Some("recommendation")),
        "{body}"
    );
    assert_eq!(
        body["data"]["configById"]["Image!cam"]["cameraTopic"],
        "/camera/image_raw"
    );

    // The recommender down: no recommendation, and no shared layout to fall
    // back on yet: 404, which the client reads as "start from your base".
    stack.recommender.stop().await.unwrap();
    let (status, _, _) = default_for("?topics=/camera/image_raw").await;
    assert_eq!(status, 404);
}
