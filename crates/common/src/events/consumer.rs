//! The consumer runtime: long-polls a queue, handles messages with bounded
//! concurrency, each in one transaction with its inbox row so a redelivered
//! event has its effect once; failures are retried with exponential back-off
//! and dead-lettered by the bus after `events.max_receives` receives.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tracing::{Instrument, field};

use super::Envelope;
use super::bus::{Delivery, EventBus};
use super::metrics::EventMetrics;
use super::settings::EventsSettings;
use crate::telemetry;

/// What a service does with the events of its queue.
pub trait EventHandler: Send + Sync + 'static {
    /// The event types this handler applies; its queue is subscribed to them.
    const TYPES: &'static [&'static str];

    /// Applies `event` inside the transaction that also records it in the
    /// inbox: return an error to roll both back and retry later.
    fn handle(
        &self,
        conn: &mut PgConnection,
        event: &Envelope,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
}

pub struct Consumer<B, H> {
    pub pool: PgPool,
    pub bus: Arc<B>,
    pub queue: String,
    pub handler: Arc<H>,
    pub settings: EventsSettings,
    pub metrics: EventMetrics,
}

enum Outcome {
    Applied(String),
    Duplicate(String),
}

impl<B: EventBus, H: EventHandler> Consumer<B, H> {
    /// Runs until `shutdown`, then finishes the messages in hand.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let this = Arc::new(self);
        let permits = Arc::new(Semaphore::new(this.settings.consumer_concurrency));
        let wait = Duration::from_secs(this.settings.wait_secs);
        let mut tasks = JoinSet::new();
        let mut backoff = Duration::from_millis(100);
        let mut subscribed = false;
        while !*shutdown.borrow() {
            while tasks.try_join_next().is_some() {}
            if !subscribed {
                subscribed = this.bus.subscribe(&this.queue, H::TYPES).await.is_ok();
            }
            let available = permits.available_permits();
            if available == 0 {
                tokio::select! {
                    _ = tasks.join_next() => {},
                    _ = shutdown.changed() => {},
                }
                continue;
            }
            let max = u32::try_from(available.min(10)).unwrap_or(10);
            let received = tokio::select! {
                received = this.bus.receive(&this.queue, max, wait) => received,
                _ = shutdown.changed() => break,
            };
            match received {
                Ok(deliveries) => {
                    backoff = Duration::from_millis(100);
                    for delivery in deliveries {
                        let Ok(permit) = permits.clone().acquire_owned().await else {
                            break;
                        };
                        let this = this.clone();
                        tasks.spawn(async move {
                            this.process(delivery).await;
                            drop(permit);
                        });
                    }
                }
                Err(error) => {
                    tracing::warn!(queue = %this.queue, error = %format!("{error:#}"), "receiving events failed");
                    subscribed = false;
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {},
                        _ = shutdown.changed() => {},
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
        // Graceful: what was received is finished (or left to redelivery).
        while tasks.join_next().await.is_some() {}
    }

    async fn process(&self, delivery: Delivery) {
        let envelope = Envelope::parse(&delivery.body);
        let traceparent = match &envelope {
            Ok(envelope) => envelope.traceparent.clone(),
            Err(_) => delivery.traceparent.clone(),
        };
        let event_type = envelope
            .as_ref()
            .map(|e| e.event_type.clone())
            .ok()
            .or_else(|| delivery.event_type.clone())
            .unwrap_or_else(|| "unknown".to_owned());
        let span = tracing::info_span!(
            "consume_event",
            queue = %self.queue,
            event_type = %event_type,
            event_id = field::Empty,
            receive_count = delivery.receive_count,
            otel.name = %format!("consume {event_type}"),
            otel.kind = "consumer",
        );
        telemetry::continue_trace(&span, traceparent.as_deref());
        let work = async {
            let result = match envelope {
                Ok(envelope) => {
                    tracing::Span::current().record("event_id", field::display(envelope.id));
                    self.apply(&envelope).await
                }
                Err(error) => Err(error.context("the message is not a Sora CloudEvent")),
            };
            match result {
                Ok(outcome) => {
                    let (event_type, duplicate) = match outcome {
                        Outcome::Applied(t) => (t, false),
                        Outcome::Duplicate(t) => (t, true),
                    };
                    if duplicate {
                        tracing::info!("event already applied; acknowledging the redelivery");
                    } else {
                        self.metrics.consumed.with_label_values(&[&event_type, &self.queue]).inc();
                    }
                    if let Err(error) = self.bus.ack(&self.queue, &delivery.receipt).await {
                        // It will be redelivered and found in the inbox.
                        tracing::warn!(error = %format!("{error:#}"), "acknowledging failed");
                    }
                }
                Err(error) => {
                    self.metrics.failed.with_label_values(&[&event_type, &self.queue]).inc();
                    let delay = self.retry_delay(delivery.receive_count);
                    tracing::warn!(
                        error = %format!("{error:#}"),
                        retry_in_ms = delay.as_millis() as u64,
                        "handling the event failed"
                    );
                    if let Err(error) = self.bus.retry_later(&self.queue, &delivery.receipt, delay).await {
                        tracing::warn!(error = %format!("{error:#}"), "could not schedule the retry; the visibility timeout will");
                    }
                }
            }
        }
        .instrument(span);
        telemetry::in_trace(traceparent.as_deref(), work).await;
    }

    async fn apply(&self, envelope: &Envelope) -> anyhow::Result<Outcome> {
        let mut tx = self.pool.begin().await?;
        let fresh = sqlx::query(
            "INSERT INTO inbox (event_id, event_type, queue) VALUES ($1, $2, $3)
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(envelope.id)
        .bind(&envelope.event_type)
        .bind(&self.queue)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !fresh {
            return Ok(Outcome::Duplicate(envelope.event_type.clone()));
        }
        self.handler.handle(&mut tx, envelope).await?;
        tx.commit().await?;
        Ok(Outcome::Applied(envelope.event_type.clone()))
    }

    /// `retry_base_ms · 2^(receives − 1)`, at most the visibility timeout.
    fn retry_delay(&self, receive_count: u32) -> Duration {
        let exponent = receive_count.saturating_sub(1).min(16);
        let delay =
            Duration::from_millis(self.settings.retry_base_ms.saturating_mul(1 << exponent));
        delay.min(Duration::from_secs(self.settings.visibility_timeout_secs))
    }
}
