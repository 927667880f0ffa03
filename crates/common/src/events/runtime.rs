//! Starts a service's part of the event backbone: the bus chosen by
//! configuration, the outbox relay, optionally a consumer, the metrics sampler
//! and the bus readiness check. All stop with the service.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use prometheus::{IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};
use sqlx::{PgConnection, PgPool};
use tokio::sync::watch;

use super::Envelope;
use super::bus::EventBus;
use super::consumer::{Consumer, EventHandler};
use super::outbox::Relay;
use super::pg_bus::PgBus;
use super::sqs_bus::SqsBus;
use crate::config::EventBackend;
use crate::server::{Platform, ReadinessCheck};

#[derive(Clone)]
pub struct EventMetrics {
    pub published: IntCounterVec,
    pub consumed: IntCounterVec,
    pub failed: IntCounterVec,
    pub outbox_backlog: IntGauge,
    pub queue_depth: IntGaugeVec,
    pub dlq_depth: IntGaugeVec,
}

impl EventMetrics {
    pub fn register(registry: &Registry) -> anyhow::Result<Self> {
        let metrics = Self {
            published: IntCounterVec::new(
                Opts::new(
                    "events_published_total",
                    "Events handed from the outbox to the bus, by type.",
                ),
                &["type"],
            )?,
            consumed: IntCounterVec::new(
                Opts::new(
                    "events_consumed_total",
                    "Events applied by this service, by type and queue.",
                ),
                &["type", "queue"],
            )?,
            failed: IntCounterVec::new(
                Opts::new(
                    "events_failed_total",
                    "Attempts to apply an event that failed, by type and queue.",
                ),
                &["type", "queue"],
            )?,
            outbox_backlog: IntGauge::new(
                "events_outbox_backlog",
                "Events waiting in this service's outbox.",
            )?,
            queue_depth: IntGaugeVec::new(
                Opts::new(
                    "events_queue_depth",
                    "Messages in a queue, waiting or in flight.",
                ),
                &["queue"],
            )?,
            dlq_depth: IntGaugeVec::new(
                Opts::new(
                    "events_dlq_depth",
                    "Messages in a queue's dead-letter queue.",
                ),
                &["queue"],
            )?,
        };
        registry.register(Box::new(metrics.published.clone()))?;
        registry.register(Box::new(metrics.consumed.clone()))?;
        registry.register(Box::new(metrics.failed.clone()))?;
        registry.register(Box::new(metrics.outbox_backlog.clone()))?;
        registry.register(Box::new(metrics.queue_depth.clone()))?;
        registry.register(Box::new(metrics.dlq_depth.clone()))?;
        Ok(metrics)
    }
}

/// The handler of a service that only produces events.
pub struct NoConsumer;

impl EventHandler for NoConsumer {
    async fn handle(&self, _: &mut PgConnection, event: &Envelope) -> anyhow::Result<()> {
        anyhow::bail!("this service consumes no events, got {}", event.event_type)
    }
}

/// Starts the relay of a service that produces events and consumes none.
pub async fn start_producer(platform: &mut Platform) -> anyhow::Result<()> {
    start::<NoConsumer>(platform, None).await
}

/// Starts the relay and, given one, a consumer of `queue` with `handler`.
pub async fn start<H: EventHandler>(
    platform: &mut Platform,
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

fn launch<B: EventBus, H: EventHandler>(
    platform: &mut Platform,
    bus: Arc<B>,
    consumer: Option<(&str, H)>,
) -> anyhow::Result<()> {
    let metrics = EventMetrics::register(platform.metrics.registry())?;
    let settings = platform.settings.events.clone();
    platform.add_readiness_check(Arc::new(BusCheck(bus.clone())));

    let relay = Relay {
        pool: platform.db.clone(),
        bus: bus.clone(),
        settings: settings.clone(),
        metrics: metrics.clone(),
    };
    platform.spawn_background(move |shutdown| relay.run(shutdown));

    if let Some((queue, handler)) = consumer {
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

    let pool = platform.db.clone();
    platform.spawn_background(move |shutdown| sample(pool, bus, settings, metrics, shutdown));
    Ok(())
}

/// Refreshes the outbox backlog and queue depth gauges.
async fn sample<B: EventBus>(
    pool: PgPool,
    bus: Arc<B>,
    settings: crate::config::EventsSettings,
    metrics: EventMetrics,
    mut shutdown: watch::Receiver<bool>,
) {
    let interval = Duration::from_millis(settings.metrics_interval_ms.max(100));
    let mut queues: Vec<&String> = settings.subscriptions.keys().collect();
    queues.sort();
    while !*shutdown.borrow() {
        if let Ok(backlog) = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM outbox")
            .fetch_one(&pool)
            .await
        {
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
