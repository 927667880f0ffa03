//! Layouts: every fixture from real robotics projects is accepted with its
//! panels and topics extracted; bad layouts are refused field by field.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Value, json};
use sora_common::auth::Role;

use crate::helpers::*;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The panel types each fixture's provenance note lists ("Panels: 3D, Plot x4").
fn panels_from_sources() -> Vec<(String, BTreeSet<String>)> {
    let sources = std::fs::read_to_string(fixtures().join("SOURCES.md")).unwrap();
    sources
        .lines()
        .filter(|line| line.starts_with("- `") && line.contains("Panels: "))
        .map(|line| {
            let file = line[3..].split('`').next().unwrap().to_owned();
            let panels = line
                .split("Panels: ")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap();
            let panels = panels
                .split(", ")
                .map(|p| p.trim().trim_end_matches('.'))
                .map(|p| match p.rsplit_once(" x") {
                    Some((name, n)) if n.parse::<u32>().is_ok() => name.to_owned(),
                    _ => p.to_owned(),
                })
                .collect();
            (file, panels)
        })
        .collect()
}

async fn publish_layout(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/layouts"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn every_fixture_layout_is_accepted_with_its_panels_and_topics() {
    let app = spawn_app().await;
    let token = app.tokens.token(Role::Editor);
    let expected = panels_from_sources();
    assert_eq!(expected.len(), 19, "every fixture has a provenance line");

    let mut published = Vec::new();
    for (file, panels) in &expected {
        let layout: Value =
            serde_json::from_slice(&std::fs::read(fixtures().join("layouts").join(file)).unwrap())
                .unwrap();
        let response = publish_layout(
            &app,
            &token,
            json!({
                "name": file.trim_end_matches(".json"),
                "description": "fixture",
                "tags": ["fixture"],
                "layout": layout,
            }),
        )
        .await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "{file}: {body}");
        let got: BTreeSet<String> = strings(&body["panels"])
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(&got, panels, "{file}");
        published.push((file.clone(), body, layout));
    }

    // Topics, checked by hand against the files.
    let topics_of = |prefix: &str| {
        let (_, body, _) = published
            .iter()
            .find(|(f, _, _)| f.starts_with(prefix))
            .unwrap();
        strings(&body["topics"])
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        topics_of("lichtblick__"),
        [
            "/CAM_FRONT/image_rect_compressed",
            "/CAM_FRONT_LEFT/image_rect_compressed",
            "/CAM_FRONT_RIGHT/image_rect_compressed",
            "/LIDAR_TOP",
            "/RADAR_BACK_LEFT",
            "/RADAR_BACK_RIGHT",
            "/RADAR_FRONT",
            "/RADAR_FRONT_LEFT",
            "/RADAR_FRONT_RIGHT",
            "/diagnostics",
            "/drivable_area",
            "/imu",
            "/map",
            "/markers/annotations",
            "/markers/car",
            "/semantic_map",
        ]
    );
    let macaw = "/macaw/sysid1/";
    assert_eq!(
        topics_of("macaw__"),
        [
            "altitude_asl",
            "altitude_rel_home",
            "arm",
            "battery_state",
            "cmd_mode",
            "cmd_vel",
            "gps",
            "heartbeat_count",
            "is_armed",
            "land",
            "mode",
            "takeoff"
        ]
        .map(|t| format!("{macaw}{t}"))
    );
    // The legacy "3D Panel" and "ImageViewPanel".
    assert_eq!(
        topics_of("FenswoodScenario__"),
        [
            "/client_count",
            "/foxglove/grid",
            "/tf",
            "/vehicle_1/camera/image_raw",
            "/vehicle_1/gimbal_tilt_cmd",
            "/vehicle_1/mavros/local_position/pose"
        ]
    );

    // The download is the layout itself, cacheable and counted.
    let (_, body, layout) = &published[0];
    let url = body["download_url"]
        .as_str()
        .unwrap()
        .replace(&app.settings.server.public_base_url, "");
    let download = app.get(&url).await;
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        download.headers()["etag"],
        format!("\"{}\"", body["sha256"].as_str().unwrap()).as_str()
    );
    assert_eq!(&download.json::<Value>().await.unwrap(), layout);
    let id = body["id"].as_str().unwrap().to_owned();
    eventually(std::time::Duration::from_secs(10), true, || async {
        let details: Value = app
            .get(&format!("/api/layouts/{id}"))
            .await
            .json()
            .await
            .unwrap();
        details["downloads"] == 1
    })
    .await;
}

async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let page: Value = app
        .get(&format!("/api/layouts?{query}"))
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn layouts_are_searchable_by_words_panels_topics_and_tags() {
    let app = spawn_app().await;
    let token = app.tokens.token_for("alice", Role::Editor);
    let plot = json!({"configById": {"Plot!a": {"paths": [{"value": "/odom.twist.linear.x"}]}}, "layout": "Plot!a"});
    let camera = json!({"configById": {"Image!b": {"imageMode": {"imageTopic": "/camera/front"}}}, "layout": "Image!b"});
    for (name, description, tags, layout) in [
        (
            "Odometry plots",
            "Velocity over time",
            json!(["Navigation"]),
            plot,
        ),
        (
            "Camera wall",
            "Every camera of the rover",
            json!(["perception"]),
            camera,
        ),
    ] {
        let response = publish_layout(
            &app,
            &token,
            json!({
                "name": name, "description": description, "tags": tags, "layout": layout
            }),
        )
        .await;
        assert_eq!(response.status(), 201);
    }
    assert_eq!(names(&app, "panel=Plot").await, ["Odometry plots"]);
    assert_eq!(names(&app, "topic=/camera/front").await, ["Camera wall"]);
    assert_eq!(names(&app, "tag=navigation").await, ["Odometry plots"]);
    assert_eq!(names(&app, "q=camra").await, ["Camera wall"]);
    assert_eq!(names(&app, "q=velocity").await, ["Odometry plots"]);
    assert_eq!(
        names(&app, "sort=name").await,
        ["Camera wall", "Odometry plots"]
    );
    assert_problem(app.get("/api/layouts?sort=size").await, 422).await;
    assert_problem(app.get("/api/layouts/not-a-uuid").await, 404).await;
    assert_problem(
        app.get(&format!("/api/layouts/{}", uuid::Uuid::now_v7()))
            .await,
        404,
    )
    .await;

    // Only its owner or an admin deletes a layout.
    let page: Value = app
        .get("/api/layouts?panel=Plot")
        .await
        .json()
        .await
        .unwrap();
    let id = page["items"][0]["id"].as_str().unwrap().to_owned();
    let delete = |token: String| {
        app.client
            .delete(app.url(&format!("/api/layouts/{id}")))
            .bearer_auth(token)
            .send()
    };
    assert_problem(delete(app.tokens.token(Role::Editor)).await.unwrap(), 403).await;
    assert_problem(delete(app.tokens.token(Role::Viewer)).await.unwrap(), 403).await;
    assert_eq!(delete(token.clone()).await.unwrap().status(), 204);
    assert_problem(app.get(&format!("/api/layouts/{id}")).await, 404).await;
    assert_eq!(names(&app, "").await, ["Camera wall"]);
}

#[tokio::test]
async fn bad_layouts_are_refused_field_by_field_and_nothing_is_stored() {
    let app = spawn_app_with(|s| s.service.marketplace.max_layout_bytes = 4096).await;
    let token = app.tokens.token(Role::Editor);
    let good = json!({"configById": {}, "layout": "Plot!a"});
    let cases = [
        (json!({"name": "", "layout": good}), vec!["name"]),
        (
            json!({"name": "x", "tags": ["ok", "no/slash"], "layout": good}),
            vec!["tags"],
        ),
        (json!({"name": "x", "layout": []}), vec!["layout"]),
        (
            json!({"name": "x", "layout": {"layout": "Plot!a"}}),
            vec!["layout.configById"],
        ),
        (
            json!({"name": "x", "layout": {"configById": {}}}),
            vec!["layout.layout"],
        ),
        (
            json!({"name": "x", "layout": {"configById": {"Plot!a": "x"}, "layout": {"first": "Plot!a"}, "userNodes": 3}}),
            vec![
                "layout.configById.Plot!a",
                "layout.userNodes",
                "layout.layout.second",
            ],
        ),
        (
            json!({"name": "", "description": "d".repeat(3000), "layout": {"configById": {}}}),
            vec!["name", "description", "layout.layout"],
        ),
    ];
    for (body, fields) in cases {
        let problem = assert_problem(publish_layout(&app, &token, body.clone()).await, 422).await;
        let got: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(got, fields, "{body}");
    }
    let big = json!({"name": "big", "layout": {"configById": {"Plot!a": {"pad": "x".repeat(5000)}}, "layout": "Plot!a"}});
    assert_problem(publish_layout(&app, &token, big).await, 413).await;
    let missing = app
        .client
        .post(app.url("/api/layouts"))
        .bearer_auth(&token)
        .json(&json!({"layout": good}))
        .send()
        .await
        .unwrap();
    assert_problem(missing, 422).await;
    let anonymous = app
        .client
        .post(app.url("/api/layouts"))
        .json(&json!({"name": "x", "layout": good}))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401).await;
    let viewer = publish_layout(
        &app,
        &app.tokens.token(Role::Viewer),
        json!({"name": "x", "layout": good}),
    )
    .await;
    assert_problem(viewer, 403).await;

    let page: Value = app.get("/api/layouts").await.json().await.unwrap();
    assert_eq!(page["total"], 0);
}
