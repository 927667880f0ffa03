//! `POST /api/feedback`: what is accepted, what is refused (and then nothing
//! is stored), and retries stored once.

use std::io::Write;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Client, batch, error_fields, event, spawn_app, spawn_app_with};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn one_event_or_a_batch_is_stored_and_counted() {
    let app = spawn_app().await;
    let single = event("rating");
    assert_eq!(app.submit_ok(&single).await, (1, 0));
    let kinds = [
        "layout_applied",
        "extension_installed",
        "extension_uninstalled",
        "recommendation_shown",
        "recommendation_accepted",
        "recommendation_dismissed",
        "session_started",
    ];
    assert_eq!(app.submit_ok(&batch(&kinds)).await, (7, 0));

    let stored = app.stored().await;
    assert_eq!(stored.len(), 8);
    let rating = stored
        .iter()
        .find(|e| e["event_id"] == single["event_id"])
        .unwrap();
    assert_eq!(rating["type"], "rating");
    assert_eq!(rating["rating"], 4);
    assert_eq!(rating["app_version"], "1.4.0");
    // What an administrator sees carries no hash of anything.
    assert!(rating.get("install_id").is_none() && rating.get("install_hash").is_none());
    let mut types: Vec<&str> = stored.iter().map(|e| e["type"].as_str().unwrap()).collect();
    types.sort_unstable();
    let mut expected: Vec<&str> = kinds.iter().copied().chain(["rating"]).collect();
    expected.sort_unstable();
    assert_eq!(types, expected);

    // A hundred events is the most a batch holds.
    let hundred: Vec<&str> = vec!["session_started"; 100];
    assert_eq!(app.submit_ok(&batch(&hundred)).await, (100, 0));
}

#[tokio::test]
async fn an_event_without_id_or_time_gets_them_on_receipt() {
    let app = spawn_app().await;
    let mut bare = event("session_started");
    bare.as_object_mut().unwrap().remove("event_id");
    let before = time::OffsetDateTime::now_utc();
    app.submit_ok(&bare).await;
    let stored = app.stored().await;
    let id = Uuid::parse_str(stored[0]["event_id"].as_str().unwrap()).unwrap();
    assert_eq!(id.get_version_num(), 7);
    let at = time::OffsetDateTime::parse(
        stored[0]["occurred_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(at >= before - time::Duration::seconds(1));
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_of_the_batch_is_stored() {
    let app = spawn_app().await;
    let now = time::OffsetDateTime::now_utc();
    let rfc3339 = |at: time::OffsetDateTime| {
        at.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let with = |kind: &str, field: &str, value: Value| {
        let mut e = event(kind);
        e[field] = value;
        e
    };
    let without = |kind: &str, field: &str| {
        let mut e = event(kind);
        e.as_object_mut().unwrap().remove(field);
        e
    };
    let cases: Vec<(Value, &str)> = vec![
        (without("rating", "consent"), "consent"),
        (with("rating", "consent", json!(false)), "consent"),
        (with("rating", "type", json!("page_viewed")), "type"),
        (with("rating", "rating", json!(0)), "rating"),
        (with("rating", "rating", json!(6)), "rating"),
        (without("rating", "rating"), "rating"),
        (
            without("recommendation_shown", "recommendation_id"),
            "recommendation_id",
        ),
        (
            with("rating", "comment", json!("x".repeat(2001))),
            "comment",
        ),
        (without("rating", "install_id"), "install_id"),
        (with("rating", "install_id", json!("me")), "install_id"),
        (with("rating", "event_id", json!("again")), "event_id"),
        (
            with(
                "rating",
                "occurred_at",
                json!(rfc3339(now + time::Duration::hours(1))),
            ),
            "occurred_at",
        ),
        (
            with(
                "rating",
                "occurred_at",
                json!(rfc3339(now - time::Duration::days(91))),
            ),
            "occurred_at",
        ),
        (
            with("rating", "occurred_at", json!("yesterday")),
            "occurred_at",
        ),
        (with("rating", "os", json!("x".repeat(65))), "os"),
        (
            with(
                "rating",
                "item",
                json!({"kind": "panel", "id": "acme.plot"}),
            ),
            "item.kind",
        ),
        (
            with(
                "rating",
                "mcap_features",
                json!({"topics": (0..1001).map(|n| json!({"topic": format!("/t{n}")})).collect::<Vec<_>>()}),
            ),
            "mcap_features.topics",
        ),
        (
            with(
                "rating",
                "mcap_features",
                json!({"topics": [{"topic": "x".repeat(300)}]}),
            ),
            "mcap_features.topics[0].topic",
        ),
    ];
    for (bad, field) in cases {
        // Alone, and as the fourth event of a batch of valid ones.
        let response = app.submit(&bad).await;
        assert_eq!(response.status(), 422, "{field}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert!(
            error_fields(&problem).iter().any(|f| f == field),
            "{field}: {problem}"
        );

        let mut events = batch(&["rating", "layout_applied", "session_started"]);
        events["events"].as_array_mut().unwrap().push(bad);
        let response = app.submit(&events).await;
        assert_eq!(response.status(), 422, "{field}");
        let problem: Value = response.json().await.unwrap();
        let at = format!("events[3].{field}");
        assert!(error_fields(&problem).contains(&at), "{at}: {problem}");
    }
    // Unknown fields, in an event or in the batch.
    let response = app
        .submit(&with("rating", "user_email", json!("a@b.c")))
        .await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert!(problem.to_string().contains("user_email"), "{problem}");
    let mut extra = batch(&["rating"]);
    extra["sent_by"] = json!("me");
    assert_eq!(app.submit(&extra).await.status(), 422);
    // A wrong JSON type is named too.
    let response = app.submit(&with("rating", "rating", json!("five"))).await;
    assert_eq!(response.status(), 422);
    // Batches: 1 to 100 events.
    for count in [0, 101] {
        let response = app.submit(&batch(&vec!["rating"; count])).await;
        assert_eq!(response.status(), 422, "{count}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(error_fields(&problem), ["events"], "{problem}");
    }

    assert!(app.stored().await.is_empty());
}

#[tokio::test]
async fn malformed_bodies_and_wrong_types_are_refused() {
    let app = spawn_app().await;
    let json_type = [("content-type", "application/json")];
    let response = app.submit_raw(b"{\"type\": ".to_vec(), &json_type).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body = serde_json::to_vec(&event("rating")).unwrap();
    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let response = app
            .submit_raw(body.clone(), &[("content-type", content_type)])
            .await;
        assert_eq!(response.status(), 415, "{content_type}");
    }
    assert_eq!(app.submit_raw(body.clone(), &[]).await.status(), 415);
    let response = app
        .submit_raw(
            body.clone(),
            &[
                ("content-type", "application/json"),
                ("content-encoding", "br"),
            ],
        )
        .await;
    assert_eq!(response.status(), 415);
    // Not gzip although it says so.
    let response = app
        .submit_raw(
            body,
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    assert!(app.stored().await.is_empty());
}

#[tokio::test]
async fn gzip_bodies_are_read_and_the_limit_applies_while_inflating() {
    let app = spawn_app().await;
    let headers = [
        ("content-type", "application/json"),
        ("content-encoding", "gzip"),
    ];
    let body = batch(&["rating", "session_started"]);
    let response = app
        .submit_raw(gzip(&serde_json::to_vec(&body).unwrap()), &headers)
        .await;
    assert_eq!(response.status(), 202);
    assert_eq!(app.stored().await.len(), 2);

    // 60 MB of spaces inside a JSON string: about 60 KB on the wire.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(b"{\"type\": \"rating\", \"comment\": \"")
        .unwrap();
    let spaces = vec![b' '; 1024 * 1024];
    for _ in 0..60 {
        encoder.write_all(&spaces).unwrap();
    }
    encoder.write_all(b"\"}").unwrap();
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 200 * 1024, "{}", bomb.len());
    let response = app.submit_raw(bomb, &headers).await;
    assert_eq!(response.status(), 413);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );

    // Uncompressed, the same limit: declared or streamed.
    let mut big = event("rating");
    big["app_version"] = json!("x".repeat(1024 * 1024));
    let response = app.submit(&big).await;
    assert_eq!(response.status(), 413);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let response = app
        .client
        .post(app.url("/api/feedback"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(app.stored().await.len(), 2);
}

#[tokio::test]
async fn a_repeated_event_id_is_acknowledged_and_stored_once() {
    let app = spawn_app().await;
    let body = batch(&["rating", "session_started", "layout_applied"]);
    assert_eq!(app.submit_ok(&body).await, (3, 0));
    assert_eq!(app.submit_ok(&body).await, (0, 3));
    // A batch with one new event and a repeated one.
    let mut mixed = batch(&["session_started"]);
    mixed["events"]
        .as_array_mut()
        .unwrap()
        .push(body["events"][0].clone());
    assert_eq!(app.submit_ok(&mixed).await, (1, 1));
    // The same id twice in one batch.
    let twice = json!({"events": [mixed["events"][0], mixed["events"][0]]});
    assert_eq!(app.submit_ok(&twice).await, (0, 2));
    assert_eq!(app.stored().await.len(), 4);
}

#[tokio::test]
async fn racing_retries_of_a_batch_store_it_once() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let body = batch(&["rating", "session_started", "extension_installed"]);
        let answers = futures_util::future::join_all((0..8).map(|_| app.submit_ok(&body))).await;
        let accepted: u64 = answers.iter().map(|(a, _)| a).sum();
        let duplicates: u64 = answers.iter().map(|(_, d)| d).sum();
        assert_eq!((accepted, duplicates), (3, 21), "{answers:?}");
    }
    assert_eq!(app.stored().await.len(), 15);
}

#[tokio::test]
async fn clients_are_rate_limited_per_hashed_address() {
    let app = spawn_app_with(|settings| {
        settings.service.rate_limit.per_second = 1;
        settings.service.rate_limit.burst = 3;
    })
    .await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = app.submit(&event("session_started")).await;
        assert_eq!(response.status(), 202);
        assert_eq!(response.headers()["x-ratelimit-limit"], "3");
        remaining.push(
            response.headers()["x-ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let refused = event("session_started");
    let response = app.submit(&refused).await;
    assert_eq!(response.status(), 429);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(app.stored().await.len(), 3);
    // After the wait it asked for, the client is served again.
    tokio::time::sleep(std::time::Duration::from_secs(retry)).await;
    assert_eq!(app.submit(&refused).await.status(), 202);
}

/// Posts from `forwarded_for` and answers the status.
async fn submit_from(app: &crate::helpers::TestApp, forwarded_for: &str) -> u16 {
    app.client
        .post(app.url("/api/feedback"))
        .header("x-forwarded-for", forwarded_for)
        .json(&event("session_started"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    let limited = |trusted: &'static [&'static str]| {
        move |settings: &mut sora_common::Settings<feedback_api::config::FeedbackSettings>| {
            settings.service.rate_limit.per_second = 1;
            settings.service.rate_limit.burst = 1;
            settings.server.trusted_proxies = trusted.iter().map(|s| (*s).to_owned()).collect();
        }
    };
    // Not behind a proxy: a forged header does not make a new client.
    let app = spawn_app_with(limited(&[])).await;
    assert_eq!(submit_from(&app, "203.0.113.1").await, 202);
    assert_eq!(submit_from(&app, "203.0.113.2").await, 429);

    // Behind a trusted proxy: each forwarded client has its own bucket,
    // keyed by the right-most address the proxy did not add.
    let app = spawn_app_with(limited(&["127.0.0.1/32"])).await;
    assert_eq!(submit_from(&app, "203.0.113.1").await, 202);
    assert_eq!(submit_from(&app, "203.0.113.2").await, 202);
    assert_eq!(submit_from(&app, "198.51.100.9, 203.0.113.1").await, 429);
    // IPv6 clients are one per /64.
    assert_eq!(submit_from(&app, "2001:db8:1:2::10").await, 202);
    assert_eq!(submit_from(&app, "2001:db8:1:2::99").await, 429);
}
