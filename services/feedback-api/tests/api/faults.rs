//! Faults: the process killed under load loses nothing it acknowledged; the
//! database down is a prompt 503 (never a 500 or a hang), and the service
//! recovers by itself.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use feedback_api::config::FeedbackSettings;
use serde_json::Value;
use sora_common::auth::AuthSettings;
use sora_testing::TokenMinter;
use sora_testing::database::TestDatabase;
use sora_testing::postgres::EphemeralPostgres;
use sora_testing::settings::base_settings;
use uuid::Uuid;

use crate::helpers::{Client, batch, eventually, spawn_app_with};
use crate::privacy::{service_pool, start_binary};

const KINDS: [&str; 10] = [
    "rating",
    "session_started",
    "layout_applied",
    "extension_installed",
    "recommendation_shown",
    "recommendation_accepted",
    "recommendation_dismissed",
    "extension_uninstalled",
    "session_started",
    "rating",
];

#[tokio::test]
async fn sigkill_under_load_loses_no_acknowledged_event() {
    sora_common::telemetry::init_for_tests();
    let database = TestDatabase::create(&feedback_api::SPEC).await;
    let minter = TokenMinter::generate(&AuthSettings::default());
    let service = start_binary(&database, &minter, &[("SORA_RATE_LIMIT__PER_SECOND", "0")]).await;
    let url = service.url("/api/feedback");
    let acknowledged: Arc<Mutex<Vec<Uuid>>> = Arc::default();
    let client = reqwest::Client::new();
    let senders: Vec<_> = (0..16)
        .map(|_| {
            let (client, url, acknowledged) = (client.clone(), url.clone(), acknowledged.clone());
            tokio::spawn(async move {
                loop {
                    let body = batch(&KINDS);
                    let Ok(response) = client.post(&url).json(&body).send().await else {
                        return;
                    };
                    if response.status() == 202 {
                        let ids = body["events"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|e| Uuid::parse_str(e["event_id"].as_str().unwrap()).unwrap());
                        acknowledged.lock().unwrap().extend(ids);
                    }
                }
            })
        })
        .collect();
    // Under load for a while, then killed with no chance to flush anything.
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 2000 && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let exited = service.kill();
    assert!(!exited.status.success());
    for sender in senders {
        sender.await.unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 2000, "{}", acknowledged.len());
    let pool = service_pool(&database);
    let stored: Vec<Uuid> = sqlx::query_scalar("SELECT event_id FROM events")
        .fetch_all(&pool)
        .await
        .unwrap();
    let stored: std::collections::HashSet<Uuid> = stored.into_iter().collect();
    let missing = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .count();
    assert_eq!(
        missing,
        0,
        "{missing} of {} acknowledged events lost",
        acknowledged.len()
    );
}

#[tokio::test]
async fn the_database_down_is_a_prompt_503_and_the_service_recovers_by_itself() {
    let pg = EphemeralPostgres::start();
    let mut target = base_settings::<FeedbackSettings>(&feedback_api::SPEC);
    pg.provision(&feedback_api::SPEC, &mut target).await;
    pg.provision_bus(&mut target).await;
    let app = spawn_app_with(|settings| {
        settings.database = target.database.clone();
        settings.events.postgres = target.events.postgres.clone();
        settings.database.acquire_timeout_ms = 1000;
    })
    .await;
    app.submit_ok(&batch(&["rating"])).await;

    pg.stop_server();
    let refused = batch(&KINDS);
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(15), app.submit(&refused))
        .await
        .expect("ingestion hung with the database down");
    assert_eq!(response.status(), 503, "after {:?}", started.elapsed());
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert!(response.headers().contains_key("retry-after"));
    let ready = tokio::time::timeout(Duration::from_secs(15), app.get("/ready"))
        .await
        .expect("/ready hung with the database down");
    assert_eq!(ready.status(), 503);
    // Reports are unavailable too, not failing.
    let summary = app.get_as("/api/stats/summary", &app.admin()).await;
    assert_eq!(summary.status(), 503);

    pg.start_server();
    eventually(Duration::from_secs(30), 200, || async {
        app.get("/ready").await.status().as_u16()
    })
    .await;
    // The client's retry of the refused batch is stored, once.
    assert_eq!(app.submit_ok(&refused).await, (10, 0));
    assert_eq!(app.stored().await.len(), 11);
    let body: Value = app.admin_json("/api/stats/summary").await;
    assert_eq!(body["feedback_total"], 11);
}
