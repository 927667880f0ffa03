//! The first event flow: what file-server publishes lands in admin-api's audit log.

use std::time::Duration;

use sora_common::events::outbox;
use sora_common::events::types::{ContentKind, ContentRemoved, ExtensionPublished, RemovalReason};

use crate::helpers::{Pair, audit_count, eventually, foxe, inbox_count, publish};
use sora_testing::events::{Backend, metric, outbox_count};

async fn published_events_are_audited_once_with_the_producers_trace(backend: Backend) {
    let pair = Pair::spawn(backend, |_| {}).await;
    let producer = pair.producer_pool();
    let consumer = pair.consumer_pool();

    // One state change, inside a traced request of the producer.
    let trace_id = sora_common::telemetry::in_trace(None, async {
        let mut tx = producer.begin().await.unwrap();
        outbox::enqueue(
            &mut tx,
            "file-server",
            &ExtensionPublished {
                id: "acme.lidar-tools".to_owned(),
                version: "1.2.0".to_owned(),
                publisher: "acme".to_owned(),
                name: "lidar-tools".to_owned(),
                display_name: Some("Lidar tools".to_owned()),
                description: None,
                keywords: vec!["lidar".to_owned()],
                sha256: "ab".repeat(32),
                size: 1234,
                actor: "editor-7".to_owned(),
            },
        )
        .await
        .unwrap();
        outbox::enqueue(
            &mut tx,
            "file-server",
            &ContentRemoved {
                kind: ContentKind::Extension,
                id: "acme.lidar-tools".to_owned(),
                version: Some("1.1.0".to_owned()),
                reason: RemovalReason::Yanked,
                actor: "editor-7".to_owned(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        sora_common::telemetry::current_trace_id()
    })
    .await;

    eventually(Duration::from_secs(20), 2, || audit_count(&consumer)).await;
    let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT action, subject_id, actor, trace_id FROM audit_log WHERE source = '/sora/file-server' ORDER BY occurred_at, id",
    )
    .fetch_all(&consumer)
    .await
    .unwrap();
    assert_eq!(rows[0].0, "extension.published");
    assert_eq!(rows[0].1, "acme.lidar-tools@1.2.0");
    assert_eq!(rows[1].0, "extension.yanked");
    assert_eq!(rows[1].1, "acme.lidar-tools@1.1.0");
    assert!(rows.iter().all(|r| r.2 == "editor-7"));
    // One trace spans the producer's request, the relay, the bus and the consumer.
    assert!(
        rows.iter()
            .all(|r| r.3.as_deref() == Some(trace_id.as_str())),
        "{rows:?} vs {trace_id}"
    );

    // The outbox empties and the metrics tell the story on both sides. The
    // relay deletes an event once every queue took it (three consumer
    // queues): the audit log may have it first.
    eventually(Duration::from_secs(20), 0, || outbox_count(&producer)).await;
    let published = metric(
        &pair.producer,
        "events_published_total{type=\"sora.extension.published.v1\"",
    )
    .await;
    assert_eq!(published, Some(1.0));
    let consumed = metric(
        &pair.consumer,
        "events_consumed_total{queue=\"admin_audit\",type=\"sora.content.removed.v1\"",
    )
    .await;
    assert_eq!(consumed, Some(1.0));

    // More events keep flowing, each audited exactly once.
    publish(&producer, 50).await;
    eventually(Duration::from_secs(20), 52, || audit_count(&consumer)).await;
    let inbox = inbox_count(&consumer).await;
    assert_eq!(inbox, 52);
}

#[tokio::test]
async fn published_events_are_audited_once_on_the_postgres_bus() {
    published_events_are_audited_once_with_the_producers_trace(Backend::Postgres).await;
}

#[tokio::test]
async fn published_events_are_audited_once_on_sqs() {
    published_events_are_audited_once_with_the_producers_trace(Backend::Sqs).await;
}

#[tokio::test]
async fn publishing_yanking_and_removing_through_file_server_are_audited() {
    use sora_common::auth::Role;
    let pair = Pair::spawn(Backend::Postgres, |_| {}).await;
    let files = &pair.producer;
    let editor = files.tokens.token_for("editor-7", Role::Editor);
    let send = |request: reqwest::RequestBuilder| async {
        let response = request.bearer_auth(&editor).send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response
    };
    send(
        files
            .client
            .post(files.url("/api/extensions"))
            .header("content-type", "application/zip")
            .body(foxe("acme", "plot", "1.0.0")),
    )
    .await;
    send(
        files
            .client
            .delete(files.url("/api/extensions/acme.plot/versions/1.0.0")),
    )
    .await;
    send(
        files
            .client
            .patch(files.url("/api/extensions/acme.plot"))
            .json(&serde_json::json!({"hidden": true})),
    )
    .await;
    let layout = serde_json::json!({"name": "x", "layout": {"configById": {}, "layout": "Plot!a"}});
    let created: serde_json::Value =
        send(files.client.post(files.url("/api/layouts")).json(&layout))
            .await
            .json()
            .await
            .unwrap();
    let layout_id = created["id"].as_str().unwrap().to_owned();
    send(
        files
            .client
            .delete(files.url(&format!("/api/layouts/{layout_id}"))),
    )
    .await;

    let consumer = pair.consumer_pool();
    eventually(Duration::from_secs(30), 5, || audit_count(&consumer)).await;
    let admin = pair.consumer.tokens.token(Role::Admin);
    let page: serde_json::Value = pair
        .consumer
        .get_as("/api/admin/audit?actor=editor-7&per_page=10", &admin)
        .await
        .json()
        .await
        .unwrap();
    let mut entries: Vec<(String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["subject_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    entries.sort();
    let expected = [
        ("extension.hidden", "acme.plot".to_owned()),
        ("extension.published", "acme.plot@1.0.0".to_owned()),
        ("extension.yanked", "acme.plot@1.0.0".to_owned()),
        ("layout.deleted", layout_id.clone()),
        ("layout.published", layout_id),
    ]
    .map(|(a, s)| (a.to_owned(), s));
    assert_eq!(entries, expected);
}
