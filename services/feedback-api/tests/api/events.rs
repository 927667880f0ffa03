//! Events: accepted feedback is published for the recommender (nothing
//! private in it); download and catalog events become statistics, once each,
//! on the PostgreSQL bus and on SQS.

use std::time::Duration;

use feedback_api::events::STATS_QUEUE;
use serde_json::{Value, json};
use sora_common::events::bus::{EventBus, OutgoingMessage};
use sora_common::events::topology;
use sora_common::events::types::{
    ContentKind, ContentRemoved, DownloadCount, ExtensionPublished, FeedbackSubmitted,
    FilesDownloaded, RemovalReason,
};
use sora_common::events::{Envelope, EventPayload};
use sora_testing::events::{Backend, pg_bus, send_to_queue};
use sora_testing::settings::{sqs_endpoint, use_sqs};

use crate::helpers::{Client, event, eventually, spawn_app, spawn_app_with};

#[tokio::test]
async fn accepted_feedback_is_published_for_the_recommender_without_anything_private() {
    let app = spawn_app().await;
    let bus = pg_bus(&app.settings);
    // The recommender's queue gets what feedback-api publishes, whether the
    // recommender runs or not.
    let learner = topology::RECOMMENDATION.queue;
    let features = json!({
        "profile": "ros2",
        "library": "rosbag2",
        "duration_ns": 1_200_000_000u64,
        "topics": [{"topic": "/camera/image_raw", "schema_name": "sensor_msgs/msg/Image",
                    "schema_encoding": "ros2msg", "message_encoding": "cdr",
                    "message_count": 1800}],
    });
    let mut accepted = event("recommendation_accepted");
    accepted["mcap_features"] = features.clone();
    accepted["item"] = json!({"kind": "layout", "id": "acme.camera", "version": null});
    accepted["comment"] = json!("perfect layout, thanks");
    let mut rating = event("rating");
    rating["rating"] = json!(5);
    let body = json!({"events": [accepted, rating]});
    app.submit_ok(&body).await;
    // A retry is acknowledged but not published again.
    app.submit_ok(&body).await;

    let deliveries = eventually(Duration::from_secs(10), 1, || async {
        bus.depth(learner).await.unwrap().ready
    })
    .await;
    assert_eq!(deliveries, 1);
    let delivery = bus
        .receive(learner, 10, Duration::from_secs(1))
        .await
        .unwrap()
        .remove(0);
    for private in ["perfect layout", "install_id", "client", "en-US", "linux"] {
        assert!(
            !delivery.body.contains(private),
            "{private}: {}",
            delivery.body
        );
    }
    let envelope = Envelope::parse(&delivery.body).unwrap();
    assert_eq!(envelope.source, "/sora/feedback-api");
    let submitted: FeedbackSubmitted = envelope.payload().unwrap();
    assert_eq!(submitted.events.len(), 2);
    let first = serde_json::to_value(&submitted.events[0]).unwrap();
    assert_eq!(first["event_id"], body["events"][0]["event_id"]);
    assert_eq!(first["type"], "recommendation_accepted");
    assert_eq!(first["recommendation_id"], "rec-1");
    assert_eq!(first["item"]["id"], "acme.camera");
    assert_eq!(first["mcap_features"], features);
    assert!(first["occurred_at"].is_string());
    // The client's address as a short keyed hash (what bounds one address's
    // influence on learning), never the address.
    let address = first["address_hash"].as_str().unwrap();
    assert_eq!(address.len(), 16);
    assert!(address.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!delivery.body.contains("127.0.0.1"));
    // One install, one short keyed hash: never the id the client sent.
    let install = first["install"].as_str().unwrap();
    assert_eq!(install.len(), 16);
    assert!(install.bytes().all(|b| b.is_ascii_hexdigit()));
    let sent = body["events"][0]["install_id"]
        .as_str()
        .unwrap()
        .replace('-', "");
    assert!(!sent.contains(install));
    let second = serde_json::to_value(&submitted.events[1]).unwrap();
    assert_eq!(
        (second["type"].as_str(), second["rating"].as_i64()),
        (Some("rating"), Some(5))
    );
}

fn message<P: EventPayload>(payload: &P) -> OutgoingMessage {
    sora_testing::events::message("file-server", payload)
}

fn downloads(kind: ContentKind, id: &str, version: Option<&str>, count: u64) -> DownloadCount {
    DownloadCount {
        kind,
        id: id.to_owned(),
        version: version.map(str::to_owned),
        day: time::OffsetDateTime::now_utc().date().to_string(),
        count,
    }
}

async fn downloads_become_statistics_once(backend: Backend) {
    let sqs = sqs_endpoint();
    let app = spawn_app_with(|settings| {
        if let Backend::Sqs = backend {
            use_sqs(&mut settings.events, &sqs);
        }
    })
    .await;
    let published = ExtensionPublished {
        id: "acme.plot".to_owned(),
        version: "2.0.0".to_owned(),
        publisher: "acme".to_owned(),
        name: "plot".to_owned(),
        display_name: Some("Plot Deluxe".to_owned()),
        description: None,
        keywords: vec![],
        sha256: "0".repeat(64),
        size: 1,
        actor: "u1".to_owned(),
    };
    let batch = message(&FilesDownloaded {
        counts: vec![
            downloads(ContentKind::Extension, "acme.plot", Some("1.0.0"), 3),
            downloads(ContentKind::Extension, "acme.plot", Some("2.0.0"), 4),
            downloads(ContentKind::Layout, "acme.dashboard", None, 2),
            downloads(ContentKind::Layout, "acme.gone", None, 1),
        ],
    });
    let removed = message(&ContentRemoved {
        kind: ContentKind::Layout,
        id: "acme.gone".to_owned(),
        version: None,
        reason: RemovalReason::Deleted,
        actor: "u1".to_owned(),
    });
    // The download batch is delivered twice (at-least-once): counted once.
    let messages = [message(&published), batch.clone(), batch, removed];
    send_to_queue(backend, &app.settings, STATS_QUEUE, &messages).await;

    let total = eventually(Duration::from_secs(20), 10, || async {
        let body: Value = app.get("/api/stats/public").await.json().await.unwrap();
        body["downloads"].as_i64().unwrap_or_default()
    })
    .await;
    assert_eq!(total, 10);
    let response = app.get("/api/stats/public").await;
    assert_eq!(response.headers()["cache-control"], "public, max-age=60");
    let public: Value = response.json().await.unwrap();
    assert_eq!(
        public["top_extensions"],
        json!([{"id": "acme.plot", "name": "Plot Deluxe", "downloads": 7}])
    );
    // A removed item leaves the top list, not the totals (its removal may
    // be applied after the downloads: waited for).
    eventually(
        Duration::from_secs(20),
        json!([{"id": "acme.dashboard", "name": null, "downloads": 2}]),
        || async {
            let body: Value = app.get("/api/stats/public").await.json().await.unwrap();
            body["top_layouts"].clone()
        },
    )
    .await;
    let summary = app.admin_json("/api/stats/summary").await;
    assert_eq!(summary["downloads"], 10);
    // Per item and version, in the export.
    let csv = app
        .get_as("/api/stats/export.csv", &app.viewer())
        .await
        .text()
        .await
        .unwrap();
    for row in [
        "downloads,extension,acme.plot,1.0.0,Plot Deluxe,3\r\n",
        "downloads,extension,acme.plot,2.0.0,Plot Deluxe,4\r\n",
        "downloads,layout,acme.dashboard,,,2\r\n",
    ] {
        assert!(csv.contains(row), "{row} not in {csv}");
    }
    // Nothing was dead-lettered, nothing is left.
    let depth = match backend {
        Backend::Postgres => pg_bus(&app.settings).depth(STATS_QUEUE).await.unwrap(),
        Backend::Sqs => return,
    };
    assert_eq!((depth.ready, depth.dead), (0, 0));
}

#[tokio::test]
async fn downloads_become_statistics_once_on_the_postgres_bus() {
    downloads_become_statistics_once(Backend::Postgres).await;
}

#[tokio::test]
async fn downloads_become_statistics_once_on_sqs() {
    downloads_become_statistics_once(Backend::Sqs).await;
}
