//! Learning from `sora.feedback.submitted.v1`: acceptances of a served
//! recommendation move an item up for recordings like the one it was
//! served for, visible within seconds through the API; one install, and one
//! client address, move an item only so far a day; feedback that quotes
//! nothing served, or an item not served there, teaches nothing.

use std::time::Duration;

use serde_json::Value;
use sora_common::events::types::{ContentKind, FeedbackSubmitted, ItemRef, SubmittedFeedback};
use sora_common::features::McapFeatures;

use crate::helpers::{Api, TestApp, eventually, features_of, ids, message, spawn_app};

const TARGET: &str = "hack-the-car__foxglove_layout";

fn like_x() -> Value {
    features_of(&[
        "/zed/zed_node/left/color/rect/image/compressed",
        "/zed/zed_node/point_cloud/cloud_registered",
        "/zed/zed_node/pose",
        "/zed/zed_node/depth/depth_registered",
        "/diagnostics",
        "/tf",
    ])
}

fn accepted(
    features: Option<&Value>,
    recommendation_id: Option<&str>,
    install: &str,
    client: &str,
) -> SubmittedFeedback {
    SubmittedFeedback {
        event_id: uuid::Uuid::new_v4(),
        feedback_type: "recommendation_accepted".to_owned(),
        item: Some(ItemRef {
            kind: ContentKind::Layout,
            id: TARGET.to_owned(),
            version: None,
        }),
        recommendation_id: recommendation_id.map(str::to_owned),
        rating: None,
        mcap_features: features.map(|f| serde_json::from_value::<McapFeatures>(f.clone()).unwrap()),
        occurred_at: time::OffsetDateTime::now_utc(),
        install: Some(install.to_owned()),
        address_hash: Some(client.to_owned()),
    }
}

/// Serves recommendations for recordings like X with every layout ranked
/// (the target among them), and waits until they are stored; their id.
async fn serve(app: &TestApp) -> String {
    let (status, served) = app
        .recommend(&serde_json::json!({"mcap": like_x(), "limit": 50}))
        .await;
    assert_eq!(status, 200, "{served}");
    assert!(rank_of(&served, TARGET).is_some(), "{served}");
    let id = served["recommendation_id"].as_str().unwrap().to_owned();
    let pool = sora_common::db::pool(&app.settings.database, "test");
    eventually(Duration::from_secs(10), 1, || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM served WHERE recommendation_id = $1")
            .bind(uuid::Uuid::parse_str(&id).unwrap())
            .fetch_one(&pool)
            .await
            .unwrap()
    })
    .await;
    id
}

async fn send(app: &TestApp, events: Vec<SubmittedFeedback>) {
    app.deliver(&[message("feedback-api", &FeedbackSubmitted { events })])
        .await;
}

async fn weight(pool: &sqlx::PgPool, token: &str) -> f64 {
    sqlx::query_scalar("SELECT weight FROM weights WHERE token = $1 AND item_id = $2")
        .bind(token)
        .bind(TARGET)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn rank_of(answer: &Value, id: &str) -> Option<usize> {
    ids(answer).iter().position(|i| i == id)
}

#[tokio::test]
async fn acceptances_move_an_item_up_for_recordings_like_theirs() {
    let app = spawn_app().await;
    app.with_fixture_layouts().await;
    let before = app.recommend_ok(&like_x()).await;
    assert_eq!(ids(&before)[0], "zed-ros2-examples__layout_foxglove_zed");
    let start = rank_of(&before, TARGET);
    assert!(start.is_none_or(|r| r > 2), "{before}");
    let version = app.model().await["model_version"].clone();
    let id = serve(&app).await;

    // One install, twenty acceptances today: counted once (the bound is
    // one acceptance's worth per item and day).
    let one_install = (0..20)
        .map(|_| accepted(None, Some(&id), "00000000000000aa", "00000000000000c0"))
        .collect();
    send(&app, one_install).await;
    eventually(Duration::from_secs(20), (20, 1), || async {
        let model = app.model().await;
        (
            model["events_seen"].as_i64().unwrap(),
            model["events_learned"].as_i64().unwrap(),
        )
    })
    .await;
    let model = app.model().await;
    assert_ne!(model["model_version"], version);
    assert!(model["last_update"].is_string());
    let pool = sora_common::db::pool(&app.settings.database, "test");
    assert_eq!(weight(&pool, "t:zed/zed_node/pose").await, 1.0);
    let after_one = app.recommend_ok(&like_x()).await;
    assert!(
        rank_of(&after_one, TARGET).is_none_or(|r| r > 2),
        "{after_one}"
    );

    // Twelve installs at twelve addresses: it reaches the top 3, and says
    // why.
    let many = (0..12)
        .map(|n| accepted(None, Some(&id), &format!("{n:016x}"), &format!("{n:016x}")))
        .collect();
    send(&app, many).await;
    eventually(Duration::from_secs(20), 13, || async {
        app.model().await["events_learned"].as_i64().unwrap()
    })
    .await;
    assert!((weight(&pool, "t:zed/zed_node/pose").await - 13.0).abs() < 0.01);
    let after = app.recommend_ok(&like_x()).await;
    let rank = rank_of(&after, TARGET).expect("recommended");
    assert!(rank <= 2, "{after}");
    let reasons = after["items"][rank]["reasons"].to_string();
    assert!(
        reasons.contains("chosen by users with similar recordings"),
        "{reasons}"
    );

    // A recording with nothing in common is not affected.
    let other = app
        .recommend_ok(&features_of(&[
            "/ouster/points",
            "/oak/rgb/image_raw",
            "/panther/battery",
        ]))
        .await;
    assert_eq!(ids(&other)[0], "panther-iros-demo__foxglove", "{other}");
    assert!(rank_of(&other, TARGET).is_none_or(|r| r > 2), "{other}");
}

#[tokio::test]
async fn feedback_quoting_a_recommendation_learns_from_its_recording() {
    let app = spawn_app().await;
    app.with_fixture_layouts().await;
    let id = serve(&app).await;
    let pool = sora_common::db::pool(&app.settings.database, "test");
    let events = (0..3)
        .map(|n| accepted(None, Some(&id), &format!("{n:016x}"), "00000000000000c1"))
        .chain([
            // Quoting nothing known, or nothing at all with features of its
            // own (a client's claim): nothing to learn.
            accepted(
                Some(&like_x()),
                Some("not-a-served-id"),
                "00000000000000ff",
                "ff",
            ),
            accepted(Some(&like_x()), None, "00000000000000fe", "fe"),
            accepted(
                Some(&like_x()),
                Some(&uuid::Uuid::now_v7().to_string()),
                "00000000000000fd",
                "fd",
            ),
        ])
        .collect();
    send(&app, events).await;
    eventually(Duration::from_secs(20), (6, 3), || async {
        let model = app.model().await;
        (
            model["events_seen"].as_i64().unwrap(),
            model["events_learned"].as_i64().unwrap(),
        )
    })
    .await;
    let learned = weight(&pool, "t:zed/zed_node/pose").await;
    assert!((learned - 3.0).abs() < 0.01, "{learned}");
    // The replica's snapshot reads the weights on its next refresh (1 s).
    eventually(Duration::from_secs(10), true, || async {
        app.model().await["tokens_learned"].as_u64().unwrap() > 0
    })
    .await;
}

#[tokio::test]
async fn one_address_moves_an_item_only_so_far_a_day_whatever_installs_it_claims() {
    let app = spawn_app().await;
    app.with_fixture_layouts().await;
    let id = serve(&app).await;
    // One address, a hundred made-up installs, each accepting: five count
    // (learning.max_daily_influence_per_client), the rest are refused.
    let flood = (0..100)
        .map(|n| accepted(None, Some(&id), &format!("{n:016x}"), "00000000000000aa"))
        .collect();
    send(&app, flood).await;
    eventually(Duration::from_secs(20), (100, 5), || async {
        let model = app.model().await;
        (
            model["events_seen"].as_i64().unwrap(),
            model["events_learned"].as_i64().unwrap(),
        )
    })
    .await;
    let pool = sora_common::db::pool(&app.settings.database, "test");
    assert!((weight(&pool, "t:zed/zed_node/pose").await - 5.0).abs() < 0.01);
    // An item that was not served there is not learned, however quoted.
    let mut other = accepted(None, Some(&id), "00000000000000bb", "00000000000000bb");
    other.item.as_mut().unwrap().id = "not-served-there".to_owned();
    send(&app, vec![other]).await;
    eventually(Duration::from_secs(20), (101, 5), || async {
        let model = app.model().await;
        (
            model["events_seen"].as_i64().unwrap(),
            model["events_learned"].as_i64().unwrap(),
        )
    })
    .await;
}

#[tokio::test]
async fn online_acceptance_counts_each_served_answer_once_at_its_best_rank() {
    let app = spawn_app().await;
    app.with_fixture_layouts().await;
    let (status, first) = app
        .recommend(&serde_json::json!({"mcap": like_x(), "limit": 50}))
        .await;
    assert_eq!(status, 200);
    let (top, target_rank) = (ids(&first)[0].clone(), rank_of(&first, TARGET).unwrap() + 1);
    let a = first["recommendation_id"].as_str().unwrap().to_owned();
    let b = serve(&app).await;
    let layout = |id: &str, recommendation: &str, n: u64| {
        let mut event = accepted(
            None,
            Some(recommendation),
            &format!("{n:016x}"),
            &format!("{n:016x}"),
        );
        event.item.as_mut().unwrap().id = id.to_owned();
        event
    };
    // A: the target twice, then its top item: accepted once, at rank 1.
    // B: the target. Neither counts: an item it did not serve, a
    // recommendation served elsewhere.
    send(
        &app,
        vec![
            layout(TARGET, &a, 1),
            layout(TARGET, &a, 2),
            layout(&top, &a, 3),
            layout(TARGET, &b, 4),
            layout("no-such-layout", &b, 5),
            layout(TARGET, &uuid::Uuid::new_v4().to_string(), 6),
        ],
    )
    .await;
    let at = |k: usize| i64::from(target_rank <= k);
    let ranking = app.model().await["model_version"]
        .as_str()
        .unwrap()
        .split(".learned-")
        .next()
        .unwrap()
        .to_owned();
    let expected = serde_json::json!([{
        "ranking": ranking, "served": 2, "accepted": 2,
        "acceptance_rate": 1.0,
        "acceptance_at_1": (1 + at(1)) as f64 / 2.0,
        "acceptance_at_3": (1 + at(3)) as f64 / 2.0,
        "acceptance_at_5": (1 + at(5)) as f64 / 2.0,
    }]);
    eventually(Duration::from_secs(20), expected, || async {
        app.model().await["online"].clone()
    })
    .await;
}
