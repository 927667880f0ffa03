//! Downloads on file-server become feedback-api's statistics, through the
//! events file-server publishes: the layout's name from its publish event,
//! its downloads from the batched download events.

use std::time::Duration;

use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_testing::TestApp;

use crate::helpers::{eventually, publish_layout, spawn_files};

#[tokio::test]
async fn downloads_on_file_server_appear_in_feedback_apis_statistics() {
    let files = spawn_files(|_| {}).await;
    // feedback-api on the PostgreSQL bus in file-server's database.
    let feedback = TestApp::spawn_with(
        &feedback_api::SPEC,
        |s| {
            s.events.postgres.host = files.settings.database.host.clone();
            s.events.postgres.port = files.settings.database.port;
            s.events.postgres.name = files.database.name.clone();
        },
        feedback_api::build,
    )
    .await;
    let layout =
        json!({"name": "Camera review", "layout": {"configById": {}, "layout": "Image!a"}});
    let id = publish_layout(&files, &layout).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..3 {
        let download = files.get(&format!("/api/layouts/{id}/download")).await;
        assert_eq!(download.status(), 200);
    }

    let top = eventually(
        Duration::from_secs(30),
        json!([{"id": id, "name": "Camera review", "downloads": 3}]),
        || async {
            let body: Value = feedback
                .get("/api/stats/public")
                .await
                .json()
                .await
                .unwrap();
            body["top_layouts"].clone()
        },
    )
    .await;
    assert_eq!(top[0]["downloads"], 3);
    let summary: Value = feedback
        .get_as("/api/stats/summary", &feedback.tokens.token(Role::Viewer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(summary["downloads"], 3);
}
