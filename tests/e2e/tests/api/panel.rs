//! The Lichtblick panel (panel/), built as a `.foxe`: published and listed
//! in the marketplace; then, under Node, installed and activated by
//! Lichtblick's own extension loader and driven in a DOM with a fake
//! PanelExtensionContext offering a real recording's topics
//! (tests/e2e/lichtblick/panel.mjs) against the running services:
//! recommendations with reasons, consent, `shown` and `accepted` stored by
//! feedback-api, the recommender's learned weights moved; and nothing sent
//! before consent or after it was withdrawn.

use std::time::Duration;

use serde_json::{Value, json};
use sora_common::auth::Role;

use crate::helpers::{eventually, publish_layout};
use crate::recommendations::{RecommendationApp, fixture_layout, model, spawn_learning};

/// The `.foxe` `scripts/panel.sh` built (make test runs it first).
fn built_panel() -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../panel");
    let found = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "foxe"))
        .unwrap_or_else(|| {
            panic!("no panel/*.foxe: run scripts/panel.sh package (make test does)")
        });
    std::fs::read(found).unwrap()
}

/// How many recommendations the recommender has served.
async fn served(recommender: &RecommendationApp) -> i64 {
    let pool = sora_common::db::pool(&recommender.settings.database, "test");
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM served")
        .fetch_one(&pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_panel_from_the_marketplace_recommends_in_lichtblick_and_its_consented_feedback_moves_the_model()
 {
    let Ok(node) = std::env::var("SORA_TEST_NODE") else {
        panic!(
            "SORA_TEST_NODE is not set: run `make test`, which installs Node and the panel's packages"
        );
    };
    let (files, recommender, feedback) = spawn_learning().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/layouts");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        publish_layout(&files, &fixture_layout(name)).await;
    }
    let published = files
        .client
        .post(files.url("/api/extensions"))
        .bearer_auth(files.tokens.token(Role::Editor))
        .header("content-type", "application/zip")
        .body(built_panel())
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 201);
    eventually(Duration::from_secs(30), names.len() as u64, || async {
        model(&recommender).await["layouts_indexed"]
            .as_u64()
            .unwrap()
    })
    .await;

    // The recording's features as the recommender reads them, and what it
    // recommends for them before any feedback.
    let recording = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/mcap/lichtblick__example_logs.mcap"
    );
    let before: Value = recommender
        .client
        .post(recommender.url("/api/recommendations/from-mcap"))
        .header("content-type", "application/octet-stream")
        .body(std::fs::read(recording).unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let features = &before["features"];
    // Kept in the background.
    eventually(Duration::from_secs(10), 1, || served(&recommender)).await;

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/lichtblick/panel.mjs");
    let output = tokio::process::Command::new(node)
        .arg(script)
        .arg(&files.address)
        .arg(&recommender.address)
        .arg(&feedback.address)
        .arg(features.to_string())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("SORA_PANEL_RESULT "))
        .map(|json| serde_json::from_str(json).unwrap())
        .unwrap_or_else(|| panic!("no result in {stdout}"));
    let recommendation = result["recommendation_id"].as_str().unwrap();
    let accepted = &result["answered"]["id"];
    assert_eq!(
        result["app_version"], "0.1.0",
        "the version built into the panel"
    );

    // One question, asked after consent; none before it or after it ended.
    eventually(Duration::from_secs(10), 2, || served(&recommender)).await;
    // Stored: what was shown and what was accepted, nothing after withdrawal.
    let stored: Value = feedback
        .get_as("/api/feedback", &feedback.tokens.token(Role::Admin))
        .await
        .json()
        .await
        .unwrap();
    let mut events: Vec<(String, Value, Value)> = stored["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["recommendation_id"].clone(),
                e["item"]["id"].clone(),
            )
        })
        .collect();
    events.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        events,
        [
            (
                "recommendation_accepted".to_owned(),
                json!(recommendation),
                accepted.clone()
            ),
            (
                "recommendation_shown".to_owned(),
                json!(recommendation),
                Value::Null
            ),
        ]
    );

    // The dashboard's acceptance figures (feedback-api's summary) count it:
    // accepted answers against the answers the recommender served (the
    // test's own question above, and the panel's).
    let viewer = feedback.tokens.token(Role::Viewer);
    eventually(
        Duration::from_secs(30),
        json!({"shown": 2, "accepted": 1, "acceptance_rate": 0.5}),
        || async {
            let summary: Value = feedback
                .get_as("/api/stats/summary", &viewer)
                .await
                .json()
                .await
                .unwrap();
            summary["recommendations"].clone()
        },
    )
    .await;

    // The recommender learned from it: the same recording ranks the
    // accepted layout higher than before.
    let score_of = |answer: &Value| {
        answer["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| &i["id"] == accepted)
            .map(|i| i["score"].as_f64().unwrap())
            .unwrap_or_else(|| panic!("{accepted} is not recommended: {answer}"))
    };
    eventually(Duration::from_secs(30), true, || async {
        model(&recommender).await["events_learned"]
            .as_i64()
            .unwrap()
            >= 1
    })
    .await;
    let again: Value = recommender
        .client
        .post(recommender.url("/api/recommendations"))
        .json(&json!({"mcap": features}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        score_of(&again) > score_of(&before),
        "{} after, {} before",
        score_of(&again),
        score_of(&before)
    );
}

/// A Lichtblick served from another origin than Sora's: the panel's JSON
/// POSTs pass the preflight of feedback-api and recommendation for the
/// origins the operator lists (`SORA_ALLOWED_ORIGINS`), with no
/// credentials; any other origin gets no CORS answer at all.
#[tokio::test]
async fn only_the_configured_viewer_origins_pass_the_preflight_of_the_panels_posts() {
    const VIEWER: &str = "https://lichtblick.example.com";
    let origins = |s: &mut Vec<String>| *s = vec![VIEWER.to_owned()];
    let feedback = sora_testing::TestApp::spawn_with(
        &feedback_api::SPEC,
        |s| origins(&mut s.allowed_origins),
        feedback_api::build,
    )
    .await;
    let recommender =
        crate::recommendations::spawn_recommendation(|s| origins(&mut s.allowed_origins)).await;
    for url in [
        feedback.url("/api/feedback"),
        recommender.url("/api/recommendations"),
    ] {
        let preflight = |origin: &'static str| {
            feedback
                .client
                .request(reqwest::Method::OPTIONS, &url)
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type")
                .send()
        };
        let allowed = preflight(VIEWER).await.unwrap();
        assert!(allowed.status().is_success(), "{url}: {}", allowed.status());
        let headers = allowed.headers();
        assert_eq!(headers["access-control-allow-origin"], VIEWER, "{url}");
        let methods = headers["access-control-allow-methods"].to_str().unwrap();
        assert!(methods.contains("POST"), "{url}: {methods}");
        assert!(
            headers.get("access-control-allow-credentials").is_none(),
            "{url}: no cookies or credentials across origins"
        );
        let other = preflight("https://evil.example").await.unwrap();
        assert!(
            other.headers().get("access-control-allow-origin").is_none(),
            "{url}: another origin"
        );
    }
}
