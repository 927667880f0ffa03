use std::time::Duration;

use sora_common::Settings;
use sora_common::events::bus::{EventBus, OutgoingMessage};
use sora_common::events::outbox;
use sora_common::events::pg_bus::PgBus;
use sora_common::events::sqs_bus::SqsBus;
use sora_common::events::types::AdminAction;
use sora_common::testing::{TestApp, sqs_endpoint, use_sqs};
use sqlx::PgPool;

pub async fn spawn_app() -> TestApp {
    TestApp::spawn_with(&admin_api::SPEC, trust_dev_signing_key, admin_api::build).await
}

/// admin-api signs with the development key in tests; the services trust it
/// beside the test minter's key.
pub fn trust_dev_signing_key(settings: &mut Settings) {
    use sora_common::config::dev;
    settings.auth.public_keys = format!(
        "{},{}={}",
        settings.auth.public_keys,
        dev::JWT_KID,
        dev::JWT_PUBLIC_X
    );
}

/// The two event buses every event test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Postgres,
    Sqs,
}

/// A producer (file-server) and a consumer (admin-api) sharing one bus: the
/// PostgreSQL bus in the producer's database, or one SQS queue prefix.
pub struct Pair {
    pub producer: TestApp,
    pub consumer: TestApp,
}

impl Pair {
    pub async fn spawn(backend: Backend, adjust: impl Fn(&mut Settings) + Clone) -> Self {
        let sqs = sqs_endpoint();
        let adjust_producer = adjust.clone();
        let producer = TestApp::spawn_with(
            &file_server::SPEC,
            |s| {
                if let Backend::Sqs = backend {
                    use_sqs(s, &sqs);
                }
                adjust_producer(s);
            },
            file_server::build,
        )
        .await;
        let shared = producer.settings.events.clone();
        let consumer = TestApp::spawn_with(
            &admin_api::SPEC,
            |s| {
                s.events.backend = shared.backend;
                s.events.sqs = shared.sqs.clone();
                s.events.postgres.host = producer.settings.database.host.clone();
                s.events.postgres.port = producer.settings.database.port;
                s.events.postgres.name = producer.database.name.clone();
                trust_dev_signing_key(s);
                adjust(s);
            },
            admin_api::build,
        )
        .await;
        Self { producer, consumer }
    }

    /// A pool on the producer's schema, as file-server's own code uses.
    pub fn producer_pool(&self) -> PgPool {
        sora_common::db::pool(&self.producer.settings.database, "test-producer")
    }

    pub fn consumer_pool(&self) -> PgPool {
        sora_common::db::pool(&self.consumer.settings.database, "test-consumer")
    }
}

pub fn action(n: usize) -> AdminAction {
    AdminAction {
        actor: "tester".to_owned(),
        action: "test.performed".to_owned(),
        target_type: "test".to_owned(),
        target_id: n.to_string(),
        details: serde_json::json!({"n": n}),
    }
}

/// Publishes `count` events through file-server's outbox, one transaction each
/// batch of 100, as a state change would.
pub async fn publish(pool: &PgPool, count: usize) {
    let mut n = 0;
    while n < count {
        let mut tx = pool.begin().await.unwrap();
        for _ in 0..(count - n).min(100) {
            outbox::enqueue(&mut tx, "file-server", &action(n))
                .await
                .unwrap();
            n += 1;
        }
        tx.commit().await.unwrap();
    }
}

/// Audit entries of file-server's events (admin-api audits its own actions too).
pub async fn audit_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE source = '/sora/file-server'")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Inbox rows of file-server's events: each applied event has exactly one.
pub async fn inbox_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM inbox i JOIN audit_log a ON a.id = i.event_id WHERE a.source = '/sora/file-server'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Polls `probe` until it returns `expected`, or fails after `within`.
pub async fn eventually<T, F, Fut>(within: Duration, expected: T, mut probe: F) -> T
where
    T: PartialEq + std::fmt::Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = T>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let value = probe().await;
        if value == expected || tokio::time::Instant::now() > deadline {
            assert_eq!(value, expected, "not reached within {within:?}");
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The value of one metric line of `service`, e.g. `events_dlq_depth{queue="admin_audit"`.
pub async fn metric(app: &TestApp, prefix: &str) -> Option<f64> {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// Sends `messages` straight to admin-api's queue on the bus `settings` name,
/// bypassing any outbox (poison messages, pre-filled queues).
pub async fn send_to_audit_queue(
    backend: Backend,
    settings: &Settings,
    messages: &[OutgoingMessage],
) {
    let events = &settings.events;
    let visibility = Duration::from_secs(events.visibility_timeout_secs);
    match backend {
        Backend::Postgres => {
            let pool =
                sora_common::db::pool(&events.bus_database(&settings.database), "test-sender");
            let bus = PgBus::new(pool, events.max_receives, visibility);
            bus.ensure_queue(admin_api::audit::AUDIT_QUEUE)
                .await
                .unwrap();
            for chunk in messages.chunks(200) {
                bus.send(admin_api::audit::AUDIT_QUEUE, chunk)
                    .await
                    .unwrap();
            }
        }
        Backend::Sqs => {
            let bus = SqsBus::new(&events.sqs, events.max_receives, visibility).await;
            bus.ensure_queue(admin_api::audit::AUDIT_QUEUE)
                .await
                .unwrap();
            bus.send(admin_api::audit::AUDIT_QUEUE, messages)
                .await
                .unwrap();
        }
    }
}
