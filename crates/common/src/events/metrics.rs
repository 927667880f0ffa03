//! The event backbone's Prometheus metrics, shared by the relay, the
//! consumers and the sampler.

use prometheus::{IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

#[derive(Clone)]
pub struct EventMetrics {
    pub published: IntCounterVec,
    pub consumed: IntCounterVec,
    pub failed: IntCounterVec,
    pub unrouted_dropped: IntCounterVec,
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
            unrouted_dropped: IntCounterVec::new(
                Opts::new(
                    "events_unrouted_dropped_total",
                    "Events dropped because no queue subscribed to their type in time, by type.",
                ),
                &["type"],
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
        registry.register(Box::new(metrics.unrouted_dropped.clone()))?;
        registry.register(Box::new(metrics.outbox_backlog.clone()))?;
        registry.register(Box::new(metrics.queue_depth.clone()))?;
        registry.register(Box::new(metrics.dlq_depth.clone()))?;
        Ok(metrics)
    }
}
