use std::sync::Arc;
use std::time::Duration;

use sora_common::config::NoSettings;
use sora_common::{Platform, db};
use sora_testing::database::TestDatabase;
use sora_testing::postgres::EphemeralPostgres;
use sora_testing::settings::base_settings;
use sqlx::Connection;

use crate::helpers::{SPEC, SlowGate, TestApp, build, build_with_gate};

/// Polls `path` until it answers `status` or the deadline passes.
async fn wait_for_status(app: &TestApp, path: &str, status: u16) -> reqwest::Response {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let response = app.get(path).await;
        if response.status() == status || tokio::time::Instant::now() > deadline {
            return response;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn ready_turns_503_naming_the_database_while_postgres_is_down() {
    let pg = EphemeralPostgres::start();
    let app = TestApp::spawn_with(
        &SPEC,
        |settings| {
            settings.database.acquire_timeout_ms = 500;
        },
        build,
    )
    .await;
    // Re-point a second app at the ephemeral cluster, which this test may stop.
    let mut settings = base_settings::<NoSettings>(&SPEC);
    pg.provision(&SPEC, &mut settings).await;
    settings.auth.public_keys = app.tokens.public_keys();
    settings.database.acquire_timeout_ms = 500;
    let own = TestApp::spawn_with(&SPEC, |s| *s = settings.clone(), build).await;

    assert_eq!(own.get("/ready").await.status(), 200);
    pg.stop_server();
    let down = wait_for_status(&own, "/ready", 503).await;
    assert_eq!(down.status(), 503);
    assert_eq!(down.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = down.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("database"),
        "{body}"
    );
    assert_ne!(body["checks"]["database"], "ok");
    // Liveness does not depend on the database.
    assert_eq!(own.get("/health").await.status(), 200);

    pg.start_server();
    let up = wait_for_status(&own, "/ready", 200).await;
    assert_eq!(up.status(), 200);
    let body: serde_json::Value = up.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok");
}

#[tokio::test]
async fn shutdown_lets_an_in_flight_request_finish() {
    let gate = Arc::new(SlowGate::default());
    let handler_gate = gate.clone();
    let mut app = TestApp::spawn(&SPEC, move |p| build_with_gate(p, handler_gate)).await;

    let slow = tokio::spawn({
        let client = app.client.clone();
        let url = app.url("/slow");
        async move { client.get(url).send().await }
    });
    gate.started.notified().await;
    app.begin_shutdown();
    // New connections are refused while the old request is still running…
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while reqwest::Client::new()
        .get(app.url("/health"))
        .send()
        .await
        .is_ok()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still accepting connections"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // …and that request completes normally once its handler does.
    gate.release.notify_one();
    let response = slow.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finished");
    app.stop().await.unwrap();
}

#[tokio::test]
async fn replicas_migrating_at_once_apply_each_migration_once() {
    let database = TestDatabase::create(&SPEC).await;
    let mut admin = database.admin_connection().await;
    // Start from an empty schema, as a first deployment would.
    sqlx::raw_sql("DROP TABLE platform_test.notes, platform_test._sqlx_migrations")
        .execute(&mut admin)
        .await
        .unwrap();
    let mut settings = base_settings::<NoSettings>(&SPEC);
    database.configure(&mut settings.database);
    let replicas = (0..4).map(|_| {
        let settings = settings.clone();
        tokio::spawn(async move { Platform::start(&SPEC, settings).await.map(|_| ()) })
    });
    for replica in futures_util::future::join_all(replicas).await {
        replica.unwrap().unwrap();
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM platform_test._sqlx_migrations ORDER BY version")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(applied, [1, 2]);
    let columns: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'platform_test' AND table_name = 'notes'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(columns, 3);
    admin.close().await.unwrap();
    let pool = db::pool(&settings.database, "check");
    assert!(db::ping(&pool, Duration::from_secs(2)).await.is_ok());
}
