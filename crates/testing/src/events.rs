//! For event tests: the two buses, sending straight to a queue (poison
//! messages, pre-filled queues), and reading a metric.

use std::time::Duration;

use sora_common::Settings;
use sora_common::events::bus::{EventBus, OutgoingMessage};
use sora_common::events::pg_bus::PgBus;
use sora_common::events::sqs_bus::SqsBus;
use sora_common::events::{Envelope, EventPayload};

use crate::app::TestApp;

/// The two event buses every event test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Postgres,
    Sqs,
}

/// `payload` in an envelope from `service`, as a message to send straight
/// to a queue.
pub fn message<P: EventPayload>(service: &str, payload: &P) -> OutgoingMessage {
    let envelope = Envelope::new(service, payload).unwrap();
    OutgoingMessage {
        body: serde_json::to_string(&envelope).unwrap(),
        event_type: envelope.event_type,
        traceparent: None,
    }
}

/// Sends `messages` straight to `queue` on the bus `settings` name,
/// bypassing any outbox.
pub async fn send_to_queue<S>(
    backend: Backend,
    settings: &Settings<S>,
    queue: &str,
    messages: &[OutgoingMessage],
) {
    match backend {
        Backend::Postgres => {
            let bus = pg_bus(settings);
            bus.ensure_queue(queue).await.unwrap();
            for chunk in messages.chunks(200) {
                bus.send(queue, chunk).await.unwrap();
            }
        }
        Backend::Sqs => {
            let bus = sqs_bus(settings).await;
            bus.ensure_queue(queue).await.unwrap();
            bus.send(queue, messages).await.unwrap();
        }
    }
}

/// The SQS bus `settings` name, as a test's own client of it.
pub async fn sqs_bus<S>(settings: &Settings<S>) -> SqsBus {
    let events = &settings.events;
    let visibility = Duration::from_secs(events.visibility_timeout_secs);
    SqsBus::new(&events.sqs, events.max_receives, visibility).await
}

/// The PostgreSQL bus `settings` name, as a test's own client of it.
pub fn pg_bus<S>(settings: &Settings<S>) -> PgBus {
    let events = &settings.events;
    let pool = sora_common::db::pool(&events.bus_database(&settings.database), "test-bus");
    PgBus::new(
        pool,
        events.max_receives,
        Duration::from_secs(events.visibility_timeout_secs),
    )
}

/// The value of the first metric line starting with `prefix`, e.g.
/// `events_dlq_depth{queue="admin_audit"`.
pub async fn metric<S>(app: &TestApp<S>, prefix: &str) -> Option<f64> {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// An audit-worthy event, numbered: what the audit tests send through the
/// buses.
pub fn numbered_action(n: usize) -> sora_common::events::types::AdminAction {
    sora_common::events::types::AdminAction {
        actor: "tester".to_owned(),
        action: "test.performed".to_owned(),
        target_type: "test".to_owned(),
        target_id: n.to_string(),
        details: serde_json::json!({"n": n}),
    }
}

/// Audit entries (in admin-api's schema, `pool`) of file-server's events;
/// admin-api audits its own actions too.
pub async fn audit_count(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE source = '/sora/file-server'")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Events waiting in the outbox of the schema `pool` reaches.
pub async fn outbox_count(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Inbox rows of those events: each applied event has exactly one.
pub async fn inbox_count(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM inbox i JOIN audit_log a ON a.id = i.event_id WHERE a.source = '/sora/file-server'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}
