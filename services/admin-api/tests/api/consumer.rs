//! The audit consumer under faults: a poison message is dead-lettered without
//! blocking the queue; a consumer killed mid-batch loses nothing and applies
//! nothing twice. Both on the PostgreSQL bus and on SQS.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use admin_api::config::AdminSettings;
use admin_api::events::AUDIT_QUEUE;
use sora_common::Settings;
use sora_common::events::bus::OutgoingMessage;
use sora_testing::database::TestDatabase;
use sora_testing::events::{Backend, message, metric, send_to_queue};
use sora_testing::settings::{base_settings, sqs_endpoint, use_sqs};

use crate::helpers::{TestApp, action, audit_count, eventually, inbox_count, test_settings};

const EVENTS: usize = 1000;

async fn a_poison_message_is_dead_lettered_after_max_receives(backend: Backend) {
    let sqs = sqs_endpoint();
    let app = TestApp::spawn_with(
        &admin_api::SPEC,
        |s| {
            test_settings(s);
            s.events.max_receives = 3;
            if let Backend::Sqs = backend {
                use_sqs(&mut s.events, &sqs);
            }
        },
        admin_api::build,
    )
    .await;
    let poison = OutgoingMessage {
        body: "{this is not a cloud event".to_owned(),
        event_type: "sora.admin.action.v1".to_owned(),
        traceparent: None,
    };
    send_to_queue(backend, &app.settings, AUDIT_QUEUE, &[poison]).await;
    let dlq = "events_dlq_depth{queue=\"admin_audit\"";
    eventually(Duration::from_secs(30), Some(1.0), || metric(&app, dlq)).await;
    let failed = metric(
        &app,
        "events_failed_total{queue=\"admin_audit\",type=\"sora.admin.action.v1\"",
    )
    .await;
    assert_eq!(failed, Some(3.0), "it was tried max_receives times");
    let pool = sora_common::db::pool(&app.settings.database, "observer");
    assert_eq!(audit_count(&pool).await, 0);

    // The queue is not blocked by it.
    fill_queue(backend, &app.settings, 3).await;
    eventually(Duration::from_secs(20), 3, || audit_count(&pool)).await;
}

#[tokio::test]
async fn a_poison_message_is_dead_lettered_on_the_postgres_bus() {
    a_poison_message_is_dead_lettered_after_max_receives(Backend::Postgres).await;
}

#[tokio::test]
async fn a_poison_message_is_dead_lettered_on_sqs() {
    a_poison_message_is_dead_lettered_after_max_receives(Backend::Sqs).await;
}

/// Puts `count` audit-worthy events straight on the consumer's queue.
async fn fill_queue(backend: Backend, settings: &Settings<AdminSettings>, count: usize) {
    let messages: Vec<OutgoingMessage> = (0..count)
        .map(|n| message("file-server", &action(n)))
        .collect();
    send_to_queue(backend, settings, AUDIT_QUEUE, &messages).await;
}

fn start_consumer_binary(settings: &Settings<AdminSettings>) -> Child {
    let port = sora_testing::free_port();
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
    if settings.events.backend == sora_common::events::EventBackend::Sqs {
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
    let mut settings = base_settings::<AdminSettings>(&admin_api::SPEC);
    database.configure(&mut settings.database);
    settings.events.visibility_timeout_secs = 2;
    if let Backend::Sqs = backend {
        use_sqs(&mut settings.events, &sqs_endpoint());
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
