//! The catalog: search with typo tolerance, filters, sorting, pagination,
//! semver ordering, yanking and moderation.

use serde_json::{Value, json};
use sora_common::auth::Role;

use crate::helpers::*;

pub async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    let response = app.get(&format!("/api/extensions?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn publish_manifest(app: &TestApp, owner: &str, manifest: Value) {
    let token = app.tokens.token_for(owner, Role::Editor);
    let response = publish_as(app, &token, foxe(&manifest)).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn search_tolerates_typos_and_filters_sort_and_paginate() {
    let app = spawn_app().await;
    publish_manifest(&app, "u1", json!({
        "name": "pointcloud-tools", "publisher": "lidarco", "version": "1.0.0", "main": "dist/extension.js",
        "displayName": "Point Cloud Tools", "description": "Colorize and filter lidar scans",
        "keywords": ["lidar", "pointcloud"]
    })).await;
    publish_manifest(&app, "u2", json!({
        "name": "rosbag-inspector", "publisher": "botworks", "version": "2.1.0", "main": "dist/extension.js",
        "displayName": "Rosbag Inspector", "description": "Inspect message statistics of recordings",
        "keywords": ["ros", "statistics"]
    })).await;
    publish_manifest(&app, "u2", json!({
        "name": "battery-gauge", "publisher": "botworks", "version": "0.3.0", "main": "dist/extension.js",
        "displayName": "Battery Gauge", "description": "Shows the charge of the robot's batteries",
        "keywords": ["power"]
    })).await;

    // Full text over name, display name, description and keywords.
    assert_eq!(ids(&app, "q=lidar").await, ["lidarco.pointcloud-tools"]);
    assert_eq!(
        ids(&app, "q=statistics").await,
        ["botworks.rosbag-inspector"]
    );
    assert_eq!(ids(&app, "q=batteries").await, ["botworks.battery-gauge"]);
    assert_eq!(ids(&app, "q=charge").await, ["botworks.battery-gauge"]);
    // Typos and prefixes still find it.
    assert_eq!(ids(&app, "q=rosbg").await, ["botworks.rosbag-inspector"]);
    assert_eq!(ids(&app, "q=pointclod").await, ["lidarco.pointcloud-tools"]);
    assert_eq!(
        ids(&app, "q=Inspektor").await,
        ["botworks.rosbag-inspector"]
    );
    assert!(ids(&app, "q=zzzzqqq").await.is_empty());

    assert_eq!(ids(&app, "keyword=power").await, ["botworks.battery-gauge"]);
    assert_eq!(
        ids(&app, "publisher=botworks&sort=name").await,
        ["botworks.battery-gauge", "botworks.rosbag-inspector"]
    );
    assert_eq!(
        ids(&app, "sort=updated").await,
        [
            "botworks.battery-gauge",
            "botworks.rosbag-inspector",
            "lidarco.pointcloud-tools"
        ]
    );

    // Downloads order the default listing.
    for _ in 0..3 {
        app.get("/api/extensions/lidarco.pointcloud-tools/download")
            .await
            .bytes()
            .await
            .unwrap();
    }
    app.get("/api/extensions/botworks.battery-gauge/download")
        .await
        .bytes()
        .await
        .unwrap();
    eventually(std::time::Duration::from_secs(10), true, || async {
        ids(&app, "").await
            == [
                "lidarco.pointcloud-tools",
                "botworks.battery-gauge",
                "botworks.rosbag-inspector",
            ]
    })
    .await;

    let page: Value = app
        .get("/api/extensions?per_page=2&page=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(page["page"], 2);
    assert_eq!(page["per_page"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let beyond: Value = app
        .get("/api/extensions?per_page=2&page=9")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (beyond["total"].clone(), beyond["items"].clone()),
        (json!(3), json!([]))
    );
    let capped: Value = app
        .get("/api/extensions?per_page=1000")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(capped["per_page"], 100);

    let item = &app
        .get("/api/extensions?q=battery")
        .await
        .json::<Value>()
        .await
        .unwrap()["items"][0];
    for field in [
        "id",
        "name",
        "display_name",
        "publisher",
        "description",
        "version",
        "keywords",
        "license",
        "homepage",
        "downloads",
        "sha256",
        "size",
        "updated_at",
        "download_url",
    ] {
        assert!(item.get(field).is_some(), "{field} missing from {item}");
    }

    assert_problem(app.get("/api/extensions?sort=stars").await, 422).await;
    assert_problem(app.get("/api/extensions?page=x").await, 400).await;
    assert_problem(app.get("/api/extensions?color=red").await, 400).await;
}

#[tokio::test]
async fn versions_follow_semver_and_yanked_versions_leave_latest_only() {
    let app = spawn_app().await;
    for version in ["1.2.0", "1.10.0", "1.9.3", "2.0.0-beta.1"] {
        publish(&app, "acme", "plot", version).await;
    }
    let details: Value = app
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    let versions: Vec<&str> = details["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["2.0.0-beta.1", "1.10.0", "1.9.3", "1.2.0"]);
    // A pre-release is not "latest" while a release exists.
    assert_eq!(details["version"], "1.10.0");

    let owner = app.tokens.token_for("user-acme", Role::Editor);
    let stranger = app.tokens.token(Role::Editor);
    let yank = |token: String, version: &'static str| {
        app.client
            .delete(app.url(&format!("/api/extensions/acme.plot/versions/{version}")))
            .bearer_auth(token)
            .send()
    };
    assert_problem(yank(stranger, "1.10.0").await.unwrap(), 403).await;
    assert_problem(yank(owner.clone(), "3.0.0").await.unwrap(), 404).await;
    assert_eq!(yank(owner.clone(), "1.10.0").await.unwrap().status(), 204);
    assert_eq!(yank(owner.clone(), "1.10.0").await.unwrap().status(), 204);

    let details: Value = app
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["version"], "1.9.3");
    assert_eq!(details["versions"][1]["yanked"], true);
    // Still downloadable by exact version.
    let exact = app
        .get("/api/extensions/acme.plot/versions/1.10.0/download")
        .await;
    assert_eq!(exact.status(), 200);
    let latest = app.get("/api/extensions/acme.plot/download").await;
    let etag = latest.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", details["versions"][2]["sha256"].as_str().unwrap())
    );

    // Every release yanked: the pre-release is all that is left.
    for version in ["1.9.3", "1.2.0"] {
        assert_eq!(yank(owner.clone(), version).await.unwrap().status(), 204);
    }
    let details: Value = app
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["version"], "2.0.0-beta.1");
    assert_eq!(yank(owner, "2.0.0-beta.1").await.unwrap().status(), 204);
    let details: Value = app
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["version"], Value::Null);
    assert!(ids(&app, "").await.is_empty());
    assert_problem(app.get("/api/extensions/acme.plot/download").await, 404).await;

    // The audit trail: four yanks, each one event. The relay copies an event
    // to the bus before it deletes it from the outbox (at least once), so
    // events are counted by id, in one snapshot.
    let mut db = app.database.admin_connection().await;
    let removed: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT id) FROM (
             SELECT body::json->>'id' AS id FROM bus.messages
             WHERE event_type = 'sora.content.removed.v1' AND queue = 'admin_audit'
             UNION ALL
             SELECT id::text FROM file_server.outbox WHERE event_type = 'sora.content.removed.v1'
         ) events",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(removed, 4);
}

#[tokio::test]
async fn moderation_hides_and_features() {
    let app = spawn_app().await;
    publish(&app, "acme", "plot", "1.0.0").await;
    publish(&app, "other", "map", "1.0.0").await;
    let patch = |token: String, body: Value| {
        app.client
            .patch(app.url("/api/extensions/acme.plot"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let owner = app.tokens.token_for("user-acme", Role::Editor);
    let admin = app.tokens.token(Role::Admin);
    assert_problem(
        patch(owner.clone(), json!({"featured": true}))
            .await
            .unwrap(),
        403,
    )
    .await;
    assert_problem(
        patch(app.tokens.token(Role::Editor), json!({"hidden": true}))
            .await
            .unwrap(),
        403,
    )
    .await;
    assert_problem(
        patch(admin.clone(), json!({"pinned": true})).await.unwrap(),
        422,
    )
    .await;

    let featured: Value = patch(admin.clone(), json!({"featured": true}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(featured["featured"], true);
    assert_eq!(ids(&app, "featured=true").await, ["acme.plot"]);

    assert_eq!(
        patch(owner.clone(), json!({"hidden": true}))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(ids(&app, "").await, ["other.map"]);
    assert_problem(app.get("/api/extensions/acme.plot").await, 404).await;
    assert_problem(
        app.get("/api/extensions/acme.plot/versions/1.0.0/download")
            .await,
        404,
    )
    .await;
    // Its owner and admins still see it; a stranger does not; a bad token is refused.
    let seen: Value = app
        .get_as("/api/extensions/acme.plot", &owner)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["hidden"], true);
    assert_eq!(
        app.get_as("/api/extensions/acme.plot", &admin)
            .await
            .status(),
        200
    );
    let stranger = app.tokens.token(Role::Editor);
    assert_problem(
        app.get_as("/api/extensions/acme.plot", &stranger).await,
        404,
    )
    .await;
    // The unlisted: the owner's and every one for an admin; nothing for a
    // stranger; editors only.
    let unlisted = |token: String| {
        let app = &app;
        async move {
            let body: Value = app
                .get_as("/api/extensions/unlisted", &token)
                .await
                .json()
                .await
                .unwrap();
            body.as_array()
                .unwrap()
                .iter()
                .map(|e| (e["id"].as_str().unwrap().to_owned(), e["hidden"].clone()))
                .collect::<Vec<_>>()
        }
    };
    let hidden = vec![("acme.plot".to_owned(), json!(true))];
    assert_eq!(unlisted(owner.clone()).await, hidden);
    assert_eq!(unlisted(admin.clone()).await, hidden);
    assert!(unlisted(stranger.clone()).await.is_empty());
    assert_problem(
        app.get_as("/api/extensions/unlisted", &app.tokens.token(Role::Viewer))
            .await,
        403,
    )
    .await;
    assert_problem(app.get("/api/extensions/unlisted").await, 401).await;
    assert_problem(
        app.get_as("/api/extensions/other.map", "not-a-token").await,
        401,
    )
    .await;
    let index: Value = app
        .get("/api/extensions/marketplace.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(index.as_array().unwrap().len(), 1);

    assert_eq!(
        patch(owner, json!({"hidden": false}))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(app.get("/api/extensions/acme.plot").await.status(), 200);
}
