//! The event backbone under faults: the bus down while file-server publishes.
//! Nothing is lost; nothing has its effect twice. (A consumer killed
//! mid-batch is admin-api's own test.)

use std::time::Duration;

use admin_api::config::AdminSettings;
use sora_testing::events::{Backend, outbox_count};
use sora_testing::moto::EphemeralSqs;
use sora_testing::postgres::EphemeralPostgres;
use sora_testing::settings::{base_settings, use_sqs};

use crate::helpers::{Pair, audit_count, eventually, inbox_count, publish};

const EVENTS: usize = 1000;

async fn events_wait_in_the_outbox_while_the_bus_is_down(backend: Backend) {
    let pg = EphemeralPostgres::start();
    let mut sqs = match backend {
        Backend::Sqs => Some(EphemeralSqs::start().await),
        Backend::Postgres => None,
    };
    let mut bus_settings = base_settings::<AdminSettings>(&admin_api::SPEC);
    pg.provision_bus(&mut bus_settings).await;
    let bus_postgres = bus_settings.events.postgres.clone();
    let sqs_endpoint = sqs.as_ref().map(|s| s.endpoint());
    let pair = Pair::spawn(backend, move |events| {
        events.postgres = bus_postgres.clone();
        if let Some(endpoint) = &sqs_endpoint {
            let prefix = events.sqs.queue_prefix.clone();
            use_sqs(events, endpoint);
            events.sqs.queue_prefix = prefix;
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
    let waiting = outbox_count(&producer).await;
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
    // The relay deletes what it sent after the send: the audit log may have
    // it a moment before the outbox lets it go.
    eventually(Duration::from_secs(20), 0, || outbox_count(&producer)).await;
}

#[tokio::test]
async fn no_event_is_lost_while_the_postgres_bus_is_down() {
    events_wait_in_the_outbox_while_the_bus_is_down(Backend::Postgres).await;
}

#[tokio::test]
async fn no_event_is_lost_while_sqs_is_down() {
    events_wait_in_the_outbox_while_the_bus_is_down(Backend::Sqs).await;
}

/// An event type no consumer of the system takes: what a newer producer
/// may publish before its consumer is deployed.
#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
struct Unwanted {
    n: usize,
}

impl sora_common::events::EventPayload for Unwanted {
    const TYPE: &'static str = "sora.test.unwanted.v1";
}

async fn publish_unwanted(pool: &sqlx::PgPool, count: usize) {
    let payloads: Vec<Unwanted> = (0..count).map(|n| Unwanted { n }).collect();
    let mut tx = pool.begin().await.unwrap();
    sora_common::events::outbox::enqueue_all(&mut tx, "file-server", &payloads)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Events of a type no queue subscribes to are parked, not looked at again
/// every few seconds (a type nobody wants costs one write per event, however
/// many wait), released as soon as a queue subscribes, and dropped once
/// their retention is over if none does.
#[tokio::test]
async fn events_nobody_wants_yet_wait_parked_until_a_queue_subscribes() {
    use sora_common::events::EventPayload;
    use sora_common::events::bus::EventBus;

    let files = crate::helpers::spawn_files(|s| {
        s.events.relay_interval_ms = 50;
        s.events.routes_refresh_ms = 200;
    })
    .await;
    let pool = sora_common::db::pool(&files.settings.database, "test-producer");
    publish_unwanted(&pool, 200).await;
    let parked = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM outbox
             WHERE next_attempt_at = created_at + interval '3600 seconds'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    eventually(Duration::from_secs(20), 200, parked).await;

    let bus = sora_testing::events::pg_bus(&files.settings);
    bus.subscribe("late", &[Unwanted::TYPE]).await.unwrap();
    eventually(Duration::from_secs(20), 200, || async {
        bus.depth("late").await.unwrap().ready
    })
    .await;
    // The relay deletes what it sent just after sending it: the last batch
    // may be in the queue a moment before it leaves the outbox.
    eventually(Duration::from_secs(20), 0, || outbox_count(&pool)).await;

    // With a one-second retention and still no queue for the type: dropped.
    let short = crate::helpers::spawn_files(|s| {
        s.events.relay_interval_ms = 50;
        s.events.unrouted_retention_secs = 1;
    })
    .await;
    let pool = sora_common::db::pool(&short.settings.database, "test-producer");
    publish_unwanted(&pool, 10).await;
    eventually(Duration::from_secs(20), 0, || outbox_count(&pool)).await;
}

/// What the soak found: a consumer that starts after a producer has
/// published still gets every event of its types, even those another
/// consumer, already up, took alone. Services start in any order.
async fn a_consumer_started_late_misses_nothing<B: sora_common::events::EventBus>(
    backend: Backend,
    producer: crate::helpers::FilesApp,
    bus: B,
) {
    use sora_common::events::EventPayload;
    use sora_common::events::types::AdminAction;

    // Another consumer of the same type is up and subscribed.
    bus.subscribe("early", &[AdminAction::TYPE]).await.unwrap();
    // The relay has read the routes again since (every 200 ms here).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pool = sora_common::db::pool(&producer.settings.database, "test-producer");
    publish(&pool, 20).await;
    // The events have left the outbox: the early consumer has them.
    eventually(Duration::from_secs(30), 0, || outbox_count(&pool)).await;
    eventually(Duration::from_secs(30), 20, || async {
        bus.depth("early").await.unwrap().ready
    })
    .await;

    // admin-api starts only now, and audits all twenty, once each.
    let pair = Pair::consumer_for(producer, backend, |_| {}).await;
    let consumer = pair.consumer_pool();
    eventually(Duration::from_secs(30), 20, || audit_count(&consumer)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(audit_count(&consumer).await, 20);
}

fn quick_relay(events: &mut sora_common::events::EventsSettings) {
    events.relay_interval_ms = 50;
    events.routes_refresh_ms = 200;
}

#[tokio::test]
async fn a_consumer_started_late_misses_nothing_on_the_postgres_bus() {
    let producer = crate::helpers::spawn_producer(Backend::Postgres, quick_relay).await;
    let bus = sora_testing::events::pg_bus(&producer.settings);
    a_consumer_started_late_misses_nothing(Backend::Postgres, producer, bus).await;
}

#[tokio::test]
async fn a_consumer_started_late_misses_nothing_on_sqs() {
    let producer = crate::helpers::spawn_producer(Backend::Sqs, quick_relay).await;
    let bus = sora_testing::events::sqs_bus(&producer.settings).await;
    a_consumer_started_late_misses_nothing(Backend::Sqs, producer, bus).await;
}
