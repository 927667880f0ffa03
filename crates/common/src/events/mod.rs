//! Events between services: CloudEvents 1.0 envelopes with versioned types,
//! written to a transactional outbox, relayed to a bus (PostgreSQL queue or
//! SQS), consumed idempotently with retries and dead letters.

pub mod bus;
pub mod consumer;
pub mod metrics;
pub mod outbox;
pub mod pg_bus;
pub mod relay;
pub mod schema;
pub mod settings;
pub mod sqs_bus;
pub mod topology;
pub mod types;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub use bus::{Delivery, EventBus, OutgoingMessage, QueueDepth, Routes};
pub use settings::{BUS_SCHEMA, EventBackend, EventsSettings};
pub use types::EventPayload;

pub const SPEC_VERSION: &str = "1.0";

/// A CloudEvents 1.0 event in JSON structured mode, as it travels in a message body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub specversion: String,
    pub id: Uuid,
    /// `/sora/<service>`.
    pub source: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    pub datacontenttype: String,
    /// W3C trace context of the producer (CloudEvents distributed-tracing extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    pub data: serde_json::Value,
}

impl Envelope {
    /// Wraps `payload`, carrying the current span's trace context.
    pub fn new<P: EventPayload>(service: &str, payload: &P) -> anyhow::Result<Self> {
        Ok(Self {
            specversion: SPEC_VERSION.to_owned(),
            id: Uuid::now_v7(),
            source: format!("/sora/{service}"),
            event_type: P::TYPE.to_owned(),
            time: OffsetDateTime::now_utc(),
            datacontenttype: "application/json".to_owned(),
            traceparent: crate::telemetry::current_traceparent(),
            data: serde_json::to_value(payload)?,
        })
    }

    /// The payload, if this envelope is of `P`'s type.
    pub fn payload<P: EventPayload>(&self) -> anyhow::Result<P> {
        anyhow::ensure!(
            self.event_type == P::TYPE,
            "expected a {} event, got {}",
            P::TYPE,
            self.event_type
        );
        Ok(serde_json::from_value(self.data.clone())?)
    }

    pub fn parse(body: &str) -> anyhow::Result<Self> {
        let envelope: Self = serde_json::from_str(body)?;
        anyhow::ensure!(
            envelope.specversion == SPEC_VERSION,
            "unsupported CloudEvents specversion {}",
            envelope.specversion
        );
        Ok(envelope)
    }
}
