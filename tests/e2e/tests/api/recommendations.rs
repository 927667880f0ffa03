//! The recommender with the services it learns from: a fresh
//! recommendation service over an existing catalog backfills it from
//! file-server's REST API (and notices when it falls behind); layouts
//! published on file-server reach it as events; feedback sent to
//! feedback-api about a recommendation moves its model.

use std::time::Duration;

use recommendation::config::RecommendationSettings;
use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_testing::TestApp;

use crate::helpers::{FilesApp, eventually, publish_layout, spawn_files};

pub(crate) type RecommendationApp = TestApp<RecommendationSettings>;

pub(crate) fn fixture_layout(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/layouts/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let layout: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    json!({"name": name, "description": "from the fixtures", "tags": ["demo"], "layout": layout})
}

fn zed_recording() -> Value {
    json!({"topics": [
        {"topic": "/zed/zed_node/left/color/rect/image/compressed",
         "schema_name": "sensor_msgs/msg/CompressedImage"},
        {"topic": "/zed/zed_node/point_cloud/cloud_registered",
         "schema_name": "sensor_msgs/msg/PointCloud2"},
        {"topic": "/zed/zed_node/pose", "schema_name": "geometry_msgs/msg/PoseStamped"},
        {"topic": "/tf", "schema_name": "tf2_msgs/msg/TFMessage"},
    ]})
}

async fn recommend(app: &RecommendationApp, features: &Value) -> Value {
    let response = app
        .client
        .post(app.url("/api/recommendations"))
        .json(&json!({"mcap": features, "kinds": ["layout"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub(crate) async fn model(app: &RecommendationApp) -> Value {
    app.get("/api/recommendations/model")
        .await
        .json()
        .await
        .unwrap()
}

/// recommendation with `adjust` applied; its model refreshed often.
pub(crate) async fn spawn_recommendation(
    adjust: impl FnOnce(&mut sora_common::Settings<RecommendationSettings>),
) -> RecommendationApp {
    TestApp::spawn_with(
        &recommendation::SPEC,
        |s| {
            s.service.ranking.refresh_ms = 100;
            s.service.catalog.file_server_url = String::new();
            adjust(s);
        },
        recommendation::build,
    )
    .await
}

/// file-server, the recommender and feedback-api on one PostgreSQL bus
/// (file-server's database), relaying often: what the recommender learns
/// from.
pub(crate) async fn spawn_learning() -> (
    FilesApp,
    RecommendationApp,
    TestApp<feedback_api::config::FeedbackSettings>,
) {
    let files = spawn_files(|_| {}).await;
    let on_files_bus = |s: &mut sora_common::events::EventsSettings| {
        s.postgres.host = files.settings.database.host.clone();
        s.postgres.port = files.settings.database.port;
        s.postgres.name = files.database.name.clone();
        s.relay_interval_ms = 50;
    };
    let recommender = spawn_recommendation(|s| on_files_bus(&mut s.events)).await;
    let feedback = TestApp::spawn_with(
        &feedback_api::SPEC,
        |s| on_files_bus(&mut s.events),
        feedback_api::build,
    )
    .await;
    (files, recommender, feedback)
}

#[tokio::test]
async fn a_fresh_recommender_backfills_the_catalog_and_notices_when_it_falls_behind() {
    let files = spawn_files(|_| {}).await;
    let zed = publish_layout(
        &files,
        &fixture_layout("zed-ros2-examples__layout_foxglove_zed"),
    )
    .await;
    let panther = publish_layout(&files, &fixture_layout("panther-iros-demo__foxglove")).await;

    // On a bus of its own: it never sees file-server's events, only its API.
    let address = files.address.clone();
    let recommender = spawn_recommendation(|s| {
        s.service.catalog.file_server_url = address;
        s.service.catalog.check_interval_secs = 1;
    })
    .await;
    eventually(Duration::from_secs(20), 2, || async {
        model(&recommender).await["layouts_indexed"]
            .as_u64()
            .unwrap()
    })
    .await;
    let answer = recommend(&recommender, &zed_recording()).await;
    assert_eq!(answer["items"][0]["id"], zed["id"], "{answer}");
    assert_eq!(
        answer["items"][0]["name"],
        "zed-ros2-examples__layout_foxglove_zed"
    );

    // Deleted on file-server while the recommender was not listening: the
    // totals differ, the next check copies the catalog again.
    delete_layout(&files, panther["id"].as_str().unwrap()).await;
    eventually(Duration::from_secs(20), 1, || async {
        model(&recommender).await["layouts_indexed"]
            .as_u64()
            .unwrap()
    })
    .await;
}

async fn delete_layout(files: &FilesApp, id: &str) {
    let response = files
        .client
        .delete(files.url(&format!("/api/layouts/{id}")))
        .bearer_auth(files.tokens.token(Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn published_layouts_and_feedback_reach_the_recommender_as_events() {
    let (files, recommender, feedback) = spawn_learning().await;

    let zed = publish_layout(
        &files,
        &fixture_layout("zed-ros2-examples__layout_foxglove_zed"),
    )
    .await;
    eventually(Duration::from_secs(20), 1, || async {
        model(&recommender).await["layouts_indexed"]
            .as_u64()
            .unwrap()
    })
    .await;
    let answer = recommend(&recommender, &zed_recording()).await;
    assert_eq!(answer["items"][0]["id"], zed["id"]);

    // Kept in the background; the user takes a moment to apply it.
    let pool = sora_common::db::pool(&recommender.settings.database, "test");
    eventually(Duration::from_secs(10), 1, || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM served")
            .fetch_one(&pool)
            .await
            .unwrap()
    })
    .await;
    // The user applies it: feedback-api stores the event and publishes it,
    // the recommender learns from the recording the recommendation was for.
    let event = json!({
        "type": "recommendation_accepted",
        "consent": true,
        "install_id": uuid::Uuid::new_v4(),
        "app_version": "1.4.0",
        "event_id": uuid::Uuid::new_v4(),
        "recommendation_id": answer["recommendation_id"],
        "item": {"kind": "layout", "id": zed["id"], "version": null},
    });
    let response = feedback
        .client
        .post(feedback.url("/api/feedback"))
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    eventually(Duration::from_secs(30), (1, 1), || async {
        let model = model(&recommender).await;
        (
            model["events_seen"].as_i64().unwrap(),
            model["events_learned"].as_i64().unwrap(),
        )
    })
    .await;
    let again = recommend(&recommender, &zed_recording()).await;
    assert!(
        again["items"][0]["score"].as_f64().unwrap()
            > answer["items"][0]["score"].as_f64().unwrap(),
        "{again}"
    );
}
