//! The event backbone under faults: the bus down while events are published,
//! a consumer killed mid-batch. Nothing is lost; nothing has its effect twice.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sora_common::Settings;
use sora_common::events::Envelope;
use sora_common::events::bus::OutgoingMessage;
use sora_common::testing::{
    EphemeralPostgres, EphemeralSqs, TestDatabase, base_settings, sqs_endpoint, use_sqs,
};

use crate::helpers::{
    Backend, Pair, action, audit_count, eventually, inbox_count, publish, send_to_audit_queue,
};

const EVENTS: usize = 1000;

async fn events_wait_in_the_outbox_while_the_bus_is_down(backend: Backend) {
    let pg = EphemeralPostgres::start();
    let mut sqs = match backend {
        Backend::Sqs => Some(EphemeralSqs::start().await),
        Backend::Postgres => None,
    };
    let mut bus_settings = base_settings(&admin_api::SPEC);
    pg.provision_bus(&mut bus_settings).await;
    let bus_postgres = bus_settings.events.postgres.clone();
    let sqs_endpoint = sqs.as_ref().map(|s| s.endpoint());
    let pair = Pair::spawn(backend, move |s| {
        s.events.postgres = bus_postgres.clone();
        if let Some(endpoint) = &sqs_endpoint {
            let prefix = s.events.sqs.queue_prefix.clone();
            use_sqs(s, endpoint);
            s.events.sqs.queue_prefix = prefix;
        }
    })
    .await;
    let producer = pair.producer_pool();
    let consumer = pair.consumer_pool();
    publish(&producer, 1).await;
    eventually(Duration::from_secs(20), 1, || audit_count(&consumer)).await;

    // The bus goes down; the services keep taking writes.
    match &mut sqs {
        Some(sqs) => sqs.stop_server(),
        None => pg.stop_server(),
    }
    publish(&producer, EVENTS).await;
    let not_ready = pair.producer.get("/ready").await;
    assert_eq!(not_ready.status(), 503);
    let body: serde_json::Value = not_ready.json().await.unwrap();
    assert_ne!(body["checks"]["event_bus"], "ok", "{body}");
    assert_eq!(body["checks"]["database"], "ok", "{body}");
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&producer)
        .await
        .unwrap();
    assert_eq!(waiting, EVENTS as i64, "every event waits in the outbox");

    // It comes back: every event arrives, each audited once.
    match &mut sqs {
        Some(sqs) => sqs.start_server().await,
        None => pg.start_server(),
    }
    eventually(Duration::from_secs(300), EVENTS as i64 + 1, || {
        audit_count(&consumer)
    })
    .await;
    let inbox = inbox_count(&consumer).await;
    assert_eq!(inbox, EVENTS as i64 + 1);
    let distinct: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT subject_id) FROM audit_log WHERE action = 'test.performed'",
    )
    .fetch_one(&consumer)
    .await
    .unwrap();
    assert_eq!(distinct, EVENTS as i64, "events 0..{EVENTS} all arrived");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&producer)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn no_event_is_lost_while_the_postgres_bus_is_down() {
    events_wait_in_the_outbox_while_the_bus_is_down(Backend::Postgres).await;
}

#[tokio::test]
async fn no_event_is_lost_while_sqs_is_down() {
    events_wait_in_the_outbox_while_the_bus_is_down(Backend::Sqs).await;
}

/// Puts `count` audit-worthy events straight on the consumer's queue.
async fn fill_queue(backend: Backend, settings: &Settings, count: usize) {
    let messages: Vec<OutgoingMessage> = (0..count)
        .map(|n| {
            let envelope = Envelope::new("file-server", &action(n)).unwrap();
            OutgoingMessage {
                body: serde_json::to_string(&envelope).unwrap(),
                event_type: envelope.event_type,
                traceparent: None,
            }
        })
        .collect();
    send_to_audit_queue(backend, settings, &messages).await;
}

fn start_consumer_binary(settings: &Settings) -> Child {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_admin-api"));
    command
        .env_clear()
        .env("SORA_SERVER__PORT", port.to_string())
        .env("SORA_DATABASE__HOST", &settings.database.host)
        .env("SORA_DATABASE__PORT", settings.database.port.to_string())
        .env("SORA_DATABASE__NAME", &settings.database.name)
        .env(
            "SORA_EVENTS__VISIBILITY_TIMEOUT_SECS",
            settings.events.visibility_timeout_secs.to_string(),
        )
        .env("SORA_EVENTS__WAIT_SECS", "1")
        .env("SORA_EVENTS__RETRY_BASE_MS", "20")
        .env("SORA_TELEMETRY__LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if settings.events.backend == sora_common::config::EventBackend::Sqs {
        let sqs = &settings.events.sqs;
        command
            .env("SORA_EVENTS__BACKEND", "sqs")
            .env("SORA_EVENTS__SQS__ENDPOINT_URL", &sqs.endpoint_url)
            .env("SORA_EVENTS__SQS__ACCESS_KEY_ID", &sqs.access_key_id)
            .env("SORA_EVENTS__SQS__SECRET_ACCESS_KEY", "test")
            .env("SORA_EVENTS__SQS__QUEUE_PREFIX", &sqs.queue_prefix);
    }
    command.spawn().unwrap()
}

async fn a_consumer_killed_mid_batch_loses_nothing_and_repeats_nothing(backend: Backend) {
    sora_common::telemetry::init_for_tests();
    let database = TestDatabase::create(&admin_api::SPEC).await;
    let mut settings = base_settings(&admin_api::SPEC);
    database.configure(&mut settings);
    settings.events.visibility_timeout_secs = 2;
    if let Backend::Sqs = backend {
        use_sqs(&mut settings, &sqs_endpoint());
    }
    fill_queue(backend, &settings, EVENTS).await;
    let pool = sora_common::db::pool(&settings.database, "observer");

    let mut first = start_consumer_binary(&settings);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut seen = 0;
    while seen == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the consumer never started"
        );
        assert!(first.try_wait().unwrap().is_none(), "the consumer exited");
        // The table exists once the binary has migrated.
        seen = sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE source = '/sora/file-server'",
        )
        .fetch_one(&pool)
        .await
        .unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.kill().unwrap(); // SIGKILL: no chance to finish or acknowledge anything
    first.wait().unwrap();
    let at_kill = audit_count(&pool).await;
    assert!(
        at_kill < EVENTS as i64,
        "killed after the batch, not during it ({at_kill})"
    );

    let mut second = start_consumer_binary(&settings);
    eventually(Duration::from_secs(300), EVENTS as i64, || {
        audit_count(&pool)
    })
    .await;
    second.kill().unwrap();
    second.wait().unwrap();
    let inbox = inbox_count(&pool).await;
    assert_eq!(inbox, EVENTS as i64, "each event applied exactly once");
    let distinct: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT subject_id) FROM audit_log WHERE source = '/sora/file-server'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(distinct, EVENTS as i64);
}

#[tokio::test]
async fn a_killed_consumer_on_the_postgres_bus_loses_and_repeats_nothing() {
    a_consumer_killed_mid_batch_loses_nothing_and_repeats_nothing(Backend::Postgres).await;
}

#[tokio::test]
async fn a_killed_consumer_on_sqs_loses_and_repeats_nothing() {
    a_consumer_killed_mid_batch_loses_nothing_and_repeats_nothing(Backend::Sqs).await;
}
