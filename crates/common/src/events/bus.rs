//! The event bus: queues with at-least-once delivery, a visibility timeout, a
//! receive count and a dead-letter queue. Implemented by [`super::pg_bus::PgBus`]
//! and [`super::sqs_bus::SqsBus`]; relay and consumers are generic over it.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::Duration;

/// Queue → the event types delivered to it.
pub type Routes = BTreeMap<String, BTreeSet<String>>;

/// A message to send: the event envelope as its body, and attributes the
/// consumer can read without parsing it.
#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub body: String,
    pub event_type: String,
    pub traceparent: Option<String>,
}

/// A received message, invisible to other consumers until acknowledged, put
/// back with [`EventBus::retry_later`], or its visibility timeout passes.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub body: String,
    /// Identifies this receipt for `ack`/`retry_later`.
    pub receipt: String,
    /// How many times the message has been received, this time included.
    pub receive_count: u32,
    pub event_type: Option<String>,
    pub traceparent: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Waiting to be received.
    pub ready: u64,
    /// Received and not yet acknowledged.
    pub in_flight: u64,
    /// In the dead-letter queue.
    pub dead: u64,
}

pub trait EventBus: Send + Sync + 'static {
    /// Creates `queue` and its dead-letter queue if missing: a message received
    /// `max_receives` times without being acknowledged is dead-lettered.
    fn ensure_queue(&self, queue: &str) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Records that `queue` (created if missing) receives the events of
    /// `types`, and no longer any other: a consumer declares what it
    /// consumes, and producers' relays learn it from the bus.
    fn subscribe(
        &self,
        queue: &str,
        types: &[&str],
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Every subscription recorded on the bus.
    fn subscriptions(&self) -> impl Future<Output = anyhow::Result<Routes>> + Send;

    /// Sends every message or fails (some may have been sent: at-least-once).
    fn send(
        &self,
        queue: &str,
        messages: &[OutgoingMessage],
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Receives up to `max` messages, waiting up to `wait` for the first one.
    fn receive(
        &self,
        queue: &str,
        max: u32,
        wait: Duration,
    ) -> impl Future<Output = anyhow::Result<Vec<Delivery>>> + Send;

    /// Deletes a received message: it has had its effect.
    fn ack(&self, queue: &str, receipt: &str) -> impl Future<Output = anyhow::Result<()>> + Send;

    /// Makes a received message visible again after `delay` (retry with back-off).
    fn retry_later(
        &self,
        queue: &str,
        receipt: &str,
        delay: Duration,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;

    fn depth(&self, queue: &str) -> impl Future<Output = anyhow::Result<QueueDepth>> + Send;

    /// Answers when the bus does (readiness).
    fn ping(&self) -> impl Future<Output = anyhow::Result<()>> + Send;
}
