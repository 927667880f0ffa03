//! Starts a service's part of the event backbone on its platform: the bus
//! chosen by configuration, the outbox relay, optionally a consumer, the
//! metrics sampler and the bus readiness check. All stop with the service.
//! Apart from `events`, which knows nothing of the platform, so that the
//! platform may use the outbox without a circle.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::{PgConnection, PgPool};
use tokio::sync::watch;

use crate::events::Envelope;
use crate::events::bus::EventBus;
use crate::events::consumer::{Consumer, EventHandler};
use crate::events::metrics::EventMetrics;
use crate::events::pg_bus::PgBus;
use crate::events::relay::Relay;
use crate::events::settings::{EventBackend, EventsSettings};
use crate::events::sqs_bus::SqsBus;
use crate::platform::{Platform, ReadinessCheck};

/// The handler of a service that only produces events.
pub struct NoConsumer;

impl EventHandler for NoConsumer {
    const TYPES: &'static [&'static str] = &[];

    async fn handle(&self, _: &mut PgConnection, event: &Envelope) -> anyhow::Result<()> {
        anyhow::bail!("this service consumes no events, got {}", event.event_type)
    }
}

/// Starts the relay of a service that produces events and consumes none.
pub async fn start_producer<S>(platform: &mut Platform<S>) -> anyhow::Result<()> {
    start::<S, NoConsumer>(platform, None).await
}

/// Starts the relay and, given one, a consumer of `queue` with `handler`,
/// which subscribes the queue to the handler's event types.
pub async fn start<S, H: EventHandler>(
    platform: &mut Platform<S>,
    consumer: Option<(&str, H)>,
) -> anyhow::Result<()> {
    let settings = platform.settings.events.clone();
    let visibility = Duration::from_secs(settings.visibility_timeout_secs);
    match settings.backend {
        EventBackend::Postgres => {
            let database = settings.bus_database(&platform.settings.database);
            let pool = crate::db::pool(&database, &format!("{}-bus", platform.spec.name));
            let bus = PgBus::new(pool, settings.max_receives, visibility);
            if database.migrate_on_start {
                bus.migrate().await.map_err(|e| {
                    anyhow::anyhow!("applying the event bus migrations failed: {e}")
                })?;
            }
            launch(platform, Arc::new(bus), consumer)
        }
        EventBackend::Sqs => {
            let bus = SqsBus::new(&settings.sqs, settings.max_receives, visibility).await;
            launch(platform, Arc::new(bus), consumer)
        }
    }
}

fn launch<S, B: EventBus, H: EventHandler>(
    platform: &mut Platform<S>,
    bus: Arc<B>,
    consumer: Option<(&str, H)>,
) -> anyhow::Result<()> {
    let metrics = EventMetrics::register(platform.metrics.registry())?;
    let settings = platform.settings.events.clone();
    platform.add_readiness_check(Arc::new(BusCheck(bus.clone())));

    let relay = Relay::new(
        platform.db.clone(),
        bus.clone(),
        settings.clone(),
        metrics.clone(),
    );
    platform.spawn_background(move |shutdown| relay.run(shutdown));

    let mut queues: Vec<String> = settings.subscriptions.keys().cloned().collect();
    if let Some((queue, handler)) = consumer {
        queues.push(queue.to_owned());
        let consumer = Consumer {
            pool: platform.db.clone(),
            bus: bus.clone(),
            queue: queue.to_owned(),
            handler: Arc::new(handler),
            settings: settings.clone(),
            metrics: metrics.clone(),
        };
        platform.spawn_background(move |shutdown| consumer.run(shutdown));
    }
    queues.sort();
    queues.dedup();

    let pool = platform.db.clone();
    platform
        .spawn_background(move |shutdown| sample(pool, bus, queues, settings, metrics, shutdown));
    Ok(())
}

/// Refreshes the outbox backlog and the depth gauges of the queues this
/// service consumes or pre-declares.
async fn sample<B: EventBus>(
    pool: PgPool,
    bus: Arc<B>,
    queues: Vec<String>,
    settings: EventsSettings,
    metrics: EventMetrics,
    mut shutdown: watch::Receiver<bool>,
) {
    let interval = Duration::from_millis(settings.metrics_interval_ms.max(100));
    while !*shutdown.borrow() {
        if let Ok(backlog) = crate::events::outbox::backlog(&pool).await {
            metrics.outbox_backlog.set(backlog);
        }
        for queue in &queues {
            if let Ok(depth) = bus.depth(queue).await {
                let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
                metrics
                    .queue_depth
                    .with_label_values(&[queue.as_str()])
                    .set(gauge(depth.ready + depth.in_flight));
                metrics
                    .dlq_depth
                    .with_label_values(&[queue.as_str()])
                    .set(gauge(depth.dead));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {},
            _ = shutdown.changed() => {},
        }
    }
}

struct BusCheck<B>(Arc<B>);

impl<B: EventBus> ReadinessCheck for BusCheck<B> {
    fn name(&self) -> &'static str {
        "event_bus"
    }
    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.0.ping().await.map_err(|error| {
                tracing::warn!(error = %format!("{error:#}"), "event bus check failed");
                "unreachable".to_owned()
            })
        })
    }
}
