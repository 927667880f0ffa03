//! Replicas: each holds the catalog in memory and follows the database's
//! announcements, so a change made on one shows on the others within a
//! second; one that missed announcements catches up when it reconnects.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::*;

/// A second file-server on `first`'s database and storage.
async fn replica_of(first: &TestApp) -> TestApp {
    let database = first.settings.database.clone();
    let storage = first.settings.service.storage.clone();
    spawn_app_with(move |s| {
        s.database = database;
        s.service.storage = storage;
    })
    .await
}

/// The connections listening for catalog announcements.
const LISTENERS: &str = "SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND query LIKE 'LISTEN \"file_server_catalog\"%'";

async fn status(app: &TestApp, path: &str) -> u16 {
    app.get(path).await.status().as_u16()
}

#[tokio::test]
async fn a_publish_on_one_replica_shows_on_the_other_within_a_second() {
    let a = spawn_app().await;
    let b = replica_of(&a).await;
    assert_eq!(status(&b, "/api/extensions/acme.plot").await, 404);

    publish(&a, "acme", "plot", "1.0.0").await;
    let published = Instant::now();
    eventually(Duration::from_secs(1), 200, || {
        status(&b, "/api/extensions/acme.plot")
    })
    .await;
    assert!(published.elapsed() < Duration::from_secs(1));
    let listed: Value = b.get("/api/extensions?q=plot").await.json().await.unwrap();
    assert_eq!(listed["total"], 1);
    let index: Value = b
        .get("/api/extensions/marketplace.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(index.as_array().unwrap().len(), 1);
    let download = b
        .get("/api/extensions/acme.plot/versions/1.0.0/download")
        .await;
    assert_eq!(download.status(), 200);

    // A change the other way round, and a removal.
    let token = b.tokens.token(sora_common::auth::Role::Admin);
    let yanked = b
        .client
        .delete(b.url("/api/extensions/acme.plot/versions/1.0.0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(yanked.status(), 204);
    let latest = || async {
        let details: Value = a
            .get("/api/extensions/acme.plot")
            .await
            .json()
            .await
            .unwrap();
        details["version"].clone()
    };
    eventually(Duration::from_secs(1), Value::Null, latest).await;
}

#[tokio::test]
async fn a_replica_that_missed_announcements_catches_up_when_it_reconnects() {
    let a = spawn_app().await;
    let b = replica_of(&a).await;
    let mut db = a.database.admin_connection().await;
    // Both replicas listen (and have read the catalog) before the change.
    let listening = || async {
        let mut db = a.database.admin_connection().await;
        sqlx::query_scalar::<_, i64>(LISTENERS)
            .fetch_one(&mut db)
            .await
            .unwrap()
    };
    eventually(Duration::from_secs(5), 2, listening).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A change nobody announces: triggers do not fire for this session.
    sqlx::raw_sql(
        "SET session_replication_role = replica;
         INSERT INTO file_server.layouts (id, name, owner, sha256, size, storage_key)
         VALUES ('01900000-0000-7000-8000-000000000001', 'Unannounced', 'u1',
                 repeat('a', 64), 2, 'sha256/aa/unannounced');
         SET session_replication_role = DEFAULT;",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let path = "/api/layouts/01900000-0000-7000-8000-000000000001";
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status(&b, path).await, 404, "nothing announced it");

    // The listening connections drop (a restart of PostgreSQL, a network
    // blip): on reconnecting, each replica reads everything again.
    let dropped: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN \"file_server_catalog\"%') t",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert!(dropped >= 2, "both replicas listen ({dropped})");
    eventually(Duration::from_secs(5), 200, || status(&b, path)).await;
    eventually(Duration::from_secs(5), 200, || status(&a, path)).await;
}
