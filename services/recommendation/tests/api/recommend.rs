//! `POST /api/recommendations`: content ranking over the fixture layouts and
//! two extensions, reasons, exclusions, limits, bad input, and what is kept
//! and published of each answer.

use std::time::Duration;

use serde_json::{Value, json};
use sora_common::events::bus::EventBus;
use sora_common::events::topology;
use sora_common::events::types::{ExtensionPublished, RecommendationServed};
use sora_testing::events::pg_bus;

use crate::helpers::{Api, TestApp, eventually, features_of, ids, message, spawn_app};

fn extension(id: &str, keywords: &[&str], description: &str) -> ExtensionPublished {
    let (publisher, name) = id.split_once('.').unwrap();
    ExtensionPublished {
        id: id.to_owned(),
        version: "1.2.0".to_owned(),
        publisher: publisher.to_owned(),
        name: name.to_owned(),
        display_name: None,
        description: Some(description.to_owned()),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        sha256: "0".repeat(64),
        size: 1,
        actor: "u1".to_owned(),
    }
}

async fn catalog() -> TestApp {
    let app = spawn_app().await;
    app.with_fixture_layouts().await;
    app.deliver(&[
        message(
            "file-server",
            &extension(
                "acme.lidar-tools",
                &["lidar", "pointcloud"],
                "Colours point clouds by height",
            ),
        ),
        message(
            "file-server",
            &extension(
                "acme.battery",
                &["battery", "gauge"],
                "Battery levels at a glance",
            ),
        ),
    ])
    .await;
    eventually(Duration::from_secs(20), 2, || async {
        app.model().await["extensions_indexed"].as_u64().unwrap()
    })
    .await;
    app
}

#[tokio::test]
async fn a_recording_gets_the_layouts_that_suit_it_with_reasons() {
    let app = catalog().await;
    let bus = pg_bus(&app.settings);
    // feedback-api's queue gets every served recommendation.
    let watcher = topology::FEEDBACK_STATS.queue;

    // Most of a layout's topics, under their own names, no schemas: that
    // layout first.
    let answer = app
        .recommend_ok(&features_of(&[
            "/zed/zed_node/left/color/rect/image/compressed",
            "/zed/zed_node/point_cloud/cloud_registered",
            "/zed/zed_node/pose",
            "/zed/zed_node/path_map",
            "/diagnostics",
            "/tf",
            "/rosout",
        ]))
        .await;
    // Its point cloud also suits the lidar extension; the best layout is
    // the one it was made from.
    let first = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "layout")
        .unwrap();
    assert_eq!(
        first["id"], "zed-ros2-examples__layout_foxglove_zed",
        "{answer}"
    );
    assert!(first["score"].as_f64().unwrap() > 0.0);
    let reasons: Vec<&str> = first["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("/zed/zed_node/")),
        "{reasons:?}"
    );
    assert!(
        answer["model_version"]
            .as_str()
            .unwrap()
            .starts_with("content-1.")
    );
    let id = answer["recommendation_id"].as_str().unwrap().to_owned();
    uuid::Uuid::parse_str(&id).unwrap();

    // What was served is kept (written in the background), and published.
    let pool = sora_common::db::pool(&app.settings.database, "test");
    let stored = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM served WHERE recommendation_id = $1::uuid",
        )
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    eventually(Duration::from_secs(10), 1, stored).await;
    let (sqlx::types::Json(items), sqlx::types::Json(tokens)): (
        sqlx::types::Json<Vec<String>>,
        sqlx::types::Json<Vec<String>>,
    ) = sqlx::query_as("SELECT items, tokens FROM served WHERE recommendation_id = $1::uuid")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(items.contains(&"layout:zed-ros2-examples__layout_foxglove_zed".to_owned()));
    assert_eq!(items.len(), answer["items"].as_array().unwrap().len());
    assert!(
        tokens.contains(&"t:zed/zed_node/pose".to_owned()),
        "{tokens:?}"
    );
    eventually(Duration::from_secs(10), 1, || async {
        bus.depth(watcher).await.unwrap().ready
    })
    .await;
    let delivery = bus
        .receive(watcher, 1, Duration::from_secs(1))
        .await
        .unwrap()
        .remove(0);
    let served: RecommendationServed = sora_common::events::Envelope::parse(&delivery.body)
        .unwrap()
        .payload()
        .unwrap();
    assert_eq!(served.recommendation_id, id);
    assert_eq!(served.items.len(), items.len());
    assert_eq!(
        served.items[0].id,
        answer["items"][0]["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn schemas_fill_panels_and_match_extension_keywords() {
    let app = catalog().await;
    let features = json!({
        "profile": "ros2",
        "topics": [
            {"topic": "/sensors/lidar_top", "schema_name": "sensor_msgs/msg/PointCloud2",
             "schema_encoding": "ros2msg", "message_encoding": "cdr", "message_count": 10},
            {"topic": "/front/cam", "schema_name": "sensor_msgs/msg/CompressedImage"},
        ]
    });
    let answer = app.recommend_ok(&features).await;
    let ids = ids(&answer);
    assert!(ids.contains(&"acme.lidar-tools".to_owned()), "{answer}");
    assert!(!ids.contains(&"acme.battery".to_owned()), "{answer}");
    let lidar = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "acme.lidar-tools")
        .unwrap();
    assert_eq!(lidar["version"], "1.2.0");
    let reason = lidar["reasons"][0].as_str().unwrap();
    assert!(
        reason.contains("/sensors/lidar_top (sensor_msgs/msg/PointCloud2)"),
        "{reason}"
    );
    // No topic in common, but its 3D and Image panels can show these.
    let layout = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "layout")
        .unwrap();
    assert!(
        layout["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains(" can show /")),
        "{layout}"
    );

    // Installed extensions are left out; kinds and limit are honoured.
    let (status, only) = app
        .recommend(&json!({"mcap": features, "kinds": ["extension"],
                           "installed_extensions": ["ACME.lidar-tools"]}))
        .await;
    assert_eq!(status, 200, "{only}");
    assert!(
        only["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] == "extension")
    );
    assert!(!crate::helpers::ids(&only).contains(&"acme.lidar-tools".to_owned()));
    let (_, one) = app
        .recommend(&json!({"mcap": features, "kinds": ["layout"], "limit": 1}))
        .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert_eq!(one["items"][0]["kind"], "layout");

    // A recording nothing fits gets no items, not noise.
    let none = app.recommend_ok(&features_of(&["/zzz_unrelated_42"])).await;
    assert_eq!(none["items"], json!([]), "{none}");
}

#[tokio::test]
async fn bad_requests_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let topic = |n: usize| json!({"topic": format!("/t{n}")});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"mcap": {"topics": []}, "limit": 0}), "limit"),
        (json!({"mcap": {"topics": []}, "limit": 51}), "limit"),
        (json!({"mcap": {"topics": []}, "kinds": []}), "kinds"),
        (
            json!({"mcap": {"topics": [{"topic": ""}]}}),
            "mcap.topics[0].topic",
        ),
        (
            json!({"mcap": {"topics": (0..1001).map(topic).collect::<Vec<_>>()}}),
            "mcap.topics",
        ),
        (
            json!({"mcap": {"topics": [], "profile": "p".repeat(300)}}),
            "mcap.profile",
        ),
        (
            json!({"mcap": {"topics": []}, "installed_extensions": [""]}),
            "installed_extensions[0]",
        ),
    ];
    for (body, field) in cases {
        let (status, problem) = app.recommend(&body).await;
        assert_eq!(status, 422, "{body} → {problem}");
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{field}: {problem}"
        );
    }
    for body in [
        json!({"mcap": {"topics": []}, "unknown": 1}),
        json!({"mcap": {"topics": []}, "kinds": ["video"]}),
        json!({"topics": []}),
    ] {
        let (status, problem) = app.recommend(&body).await;
        assert_eq!(status, 422, "{body} → {problem}");
    }
    let response = app
        .client
        .post(app.url("/api/recommendations"))
        .header("content-type", "application/json")
        .body("{\"mcap\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let response = app
        .client
        .post(app.url("/api/recommendations"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let pool = sora_common::db::pool(&app.settings.database, "test");
    let served: i64 = sqlx::query_scalar("SELECT count(*) FROM served")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(served, 0);
}
