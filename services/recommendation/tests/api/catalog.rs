//! The catalog index, kept from file-server's events: a fixture layout's
//! panels and topics, an extension's keywords and terms; a later
//! publication replaces an earlier one, a removal marks the item, a yanked
//! version does not, and a redelivered event changes nothing.

use std::time::Duration;

use recommendation::events::QUEUE as CATALOG_QUEUE;
use sora_common::events::EventPayload;
use sora_common::events::bus::{EventBus, OutgoingMessage};
use sora_common::events::types::{
    ContentKind, ContentRemoved, ExtensionPublished, LayoutPublished, RemovalReason,
};
use sora_testing::events::{Backend, send_to_queue};

use crate::helpers::spawn_app;

fn message<P: EventPayload>(payload: &P) -> OutgoingMessage {
    sora_testing::events::message("file-server", payload)
}

fn extension(version: &str, description: &str) -> ExtensionPublished {
    ExtensionPublished {
        id: "acme.lidar-view".to_owned(),
        version: version.to_owned(),
        publisher: "acme".to_owned(),
        name: "lidar-view".to_owned(),
        display_name: Some("LiDAR View".to_owned()),
        description: Some(description.to_owned()),
        keywords: vec!["LiDAR".to_owned(), "PointCloud2".to_owned()],
        sha256: "0".repeat(64),
        size: 1,
        actor: "u1".to_owned(),
    }
}

type Row = (
    String,
    String,
    Option<String>,
    String,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    bool,
);

async fn rows(pool: &sqlx::PgPool) -> Vec<Row> {
    sqlx::query_as(
        "SELECT kind, item_id, version, name, panels, topics, keywords, terms, removed
         FROM items ORDER BY kind, item_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn published_and_removed_content_keeps_the_index() {
    let app = spawn_app().await;
    let pool = sora_common::db::pool(&app.settings.database, "test");
    let layout = LayoutPublished {
        id: "0190a8e4-6000-7000-8000-0000000000aa".to_owned(),
        name: "Camera review".to_owned(),
        description: Some("Cameras and lidar of the ZED".to_owned()),
        tags: vec!["Perception".to_owned()],
        panels: vec!["3D".to_owned(), "Image".to_owned()],
        topics: vec!["/zed/left/image_rect_color".to_owned(), "/tf".to_owned()],
        actor: "u1".to_owned(),
    };
    let older = message(&extension("1.0.0", "Shows point clouds"));
    let newer = message(&extension(
        "1.1.0",
        "Shows LiDAR point clouds from a Velodyne",
    ));
    // Out of order, and the older one redelivered: the newer one stands.
    let messages = [message(&layout), newer, older.clone(), older];
    send_to_queue(Backend::Postgres, &app.settings, CATALOG_QUEUE, &messages).await;
    // Every message handled (the queue empty), then the rows as they stay.
    let bus = sora_testing::events::pg_bus(&app.settings);
    sora_testing::eventually(Duration::from_secs(20), (0, 0), || async {
        let depth = bus.depth(CATALOG_QUEUE).await.unwrap();
        (depth.ready, depth.in_flight)
    })
    .await;
    let all = rows(&pool).await;
    let (kind, id, version, name, panels, topics, keywords, terms, removed) = all[0].clone();
    assert_eq!(
        (kind.as_str(), id.as_str()),
        ("extension", "acme.lidar-view")
    );
    assert_eq!(
        (version.as_deref(), name.as_str()),
        (Some("1.1.0"), "LiDAR View")
    );
    assert!(panels.is_empty() && topics.is_empty() && !removed);
    assert_eq!(keywords, ["lidar", "pointcloud2"]);
    assert!(terms.contains(&"velodyne".to_owned()), "{terms:?}");
    let (kind, _, version, name, panels, topics, keywords, terms, removed) = all[1].clone();
    assert_eq!(
        (kind.as_str(), version, name.as_str()),
        ("layout", None, "Camera review")
    );
    assert_eq!(panels, ["3D", "Image"]);
    assert_eq!(topics, ["/zed/left/image_rect_color", "/tf"]);
    assert_eq!(keywords, ["perception"]);
    assert!(
        terms.contains(&"cameras".to_owned()) && !removed,
        "{terms:?}"
    );

    // A yanked version leaves the item; deleting the layout marks it.
    let removals = [
        message(&ContentRemoved {
            kind: ContentKind::Extension,
            id: "acme.lidar-view".to_owned(),
            version: Some("1.1.0".to_owned()),
            reason: RemovalReason::Yanked,
            actor: "u1".to_owned(),
        }),
        message(&ContentRemoved {
            kind: ContentKind::Layout,
            id: layout.id.clone(),
            version: None,
            reason: RemovalReason::Deleted,
            actor: "u1".to_owned(),
        }),
    ];
    send_to_queue(Backend::Postgres, &app.settings, CATALOG_QUEUE, &removals).await;
    let removed = sora_testing::eventually(Duration::from_secs(20), vec![false, true], || async {
        rows(&pool).await.iter().map(|r| r.8).collect::<Vec<_>>()
    })
    .await;
    assert_eq!(removed, [false, true]);
}
