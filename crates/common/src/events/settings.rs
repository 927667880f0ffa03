//! The events section: which bus, its connection, and the consumer and relay
//! timings.

use std::collections::HashMap;

use secrecy::SecretString;
use serde::Deserialize;

use crate::checks::{Check, is_identifier};
use crate::db::{DEV_PASSWORD, DatabaseSettings};

/// The PostgreSQL bus's schema; its role is `sora_bus`.
pub const BUS_SCHEMA: &str = "bus";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventBackend {
    /// Queues in PostgreSQL (schema `bus`): the embedded default.
    Postgres,
    /// Amazon SQS or an SQS-compatible server.
    Sqs,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsSettings {
    pub backend: EventBackend,
    pub postgres: BusDatabaseSettings,
    pub sqs: SqsSettings,
    /// Receives before a message goes to the dead-letter queue.
    pub max_receives: u32,
    /// Seconds a received message stays invisible to other consumers.
    pub visibility_timeout_secs: u64,
    /// Long-poll wait of a receive, in seconds (SQS allows at most 20).
    pub wait_secs: u64,
    /// Messages a consumer handles at once.
    pub consumer_concurrency: usize,
    /// First retry delay after a failure, in milliseconds; doubles each time.
    pub retry_base_ms: u64,
    /// Outbox rows the relay publishes per batch.
    pub relay_batch_size: i64,
    /// How often the relay looks for due rows, in milliseconds (it is also
    /// woken by NOTIFY when a transaction commits an event).
    pub relay_interval_ms: u64,
    /// How often the relay re-reads which queues subscribe to what.
    pub routes_refresh_ms: u64,
    /// How long an event of a type no queue subscribes to waits in the
    /// outbox for a subscriber before it is dropped.
    pub unrouted_retention_secs: u64,
    /// How often queue depth and outbox backlog are sampled for /metrics.
    pub metrics_interval_ms: u64,
    /// Routes added to those consumers register on the bus: queue → event
    /// types. Empty by default; a deployment may pre-declare queues here so
    /// that events wait for a consumer that has never started yet.
    pub subscriptions: HashMap<String, Vec<String>>,
}

impl Default for EventsSettings {
    fn default() -> Self {
        Self {
            backend: EventBackend::Postgres,
            postgres: BusDatabaseSettings::default(),
            sqs: SqsSettings::default(),
            max_receives: 5,
            visibility_timeout_secs: 30,
            wait_secs: 10,
            consumer_concurrency: 8,
            retry_base_ms: 500,
            relay_batch_size: 100,
            relay_interval_ms: 500,
            routes_refresh_ms: 5000,
            unrouted_retention_secs: 3600,
            metrics_interval_ms: 5000,
            subscriptions: HashMap::new(),
        }
    }
}

/// Where the PostgreSQL bus lives. Empty host/name and port 0 mean "the same as
/// `database`"; the bus has its own role so no service touches another's schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BusDatabaseSettings {
    pub host: String,
    pub port: u16,
    pub name: String,
    pub user: String,
    pub password: SecretString,
    pub max_connections: u32,
}

impl Default for BusDatabaseSettings {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 0,
            name: String::new(),
            user: "sora_bus".to_owned(),
            password: DEV_PASSWORD.into(),
            max_connections: 5,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SqsSettings {
    /// Empty: AWS's own endpoint for the region.
    pub endpoint_url: String,
    pub region: String,
    /// Empty: the AWS default credential chain (environment, profile, IRSA…).
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Prepended to every queue name, e.g. `sora-prod-`.
    pub queue_prefix: String,
}

impl Default for SqsSettings {
    fn default() -> Self {
        Self {
            endpoint_url: String::new(),
            region: "us-east-1".to_owned(),
            access_key_id: String::new(),
            secret_access_key: SecretString::from(""),
            queue_prefix: "sora-".to_owned(),
        }
    }
}

impl EventsSettings {
    pub(crate) fn validate(&self, check: &mut Check<'_>) {
        if self.max_receives == 0 {
            check.bad("max_receives", "must be at least 1");
        }
        if self.consumer_concurrency == 0 {
            check.bad("consumer_concurrency", "must be at least 1");
        }
        if !(1..=10_000).contains(&self.relay_batch_size) {
            check.bad("relay_batch_size", "must be between 1 and 10000");
        }
        if self.wait_secs > 20 {
            check.bad("wait_secs", "must be at most 20 (the SQS limit)");
        }
        for queue in self.subscriptions.keys() {
            if !is_identifier(queue) {
                check.bad(
                    "subscriptions",
                    "queue names must be lower-case identifiers",
                );
            }
        }
        match self.backend {
            EventBackend::Postgres => {
                check.section("postgres").no_dev_secret(
                    "password",
                    &self.postgres.password,
                    DEV_PASSWORD,
                );
            }
            EventBackend::Sqs => {
                check
                    .section("sqs")
                    .http_url("endpoint_url", &self.sqs.endpoint_url, true);
            }
        }
    }

    /// The bus database's connection settings, filled in from `database`.
    pub fn bus_database(&self, database: &DatabaseSettings) -> DatabaseSettings {
        let bus = &self.postgres;
        let or = |own: &str, shared: &str| if own.is_empty() { shared } else { own }.to_owned();
        DatabaseSettings {
            host: or(&bus.host, &database.host),
            port: if bus.port == 0 {
                database.port
            } else {
                bus.port
            },
            name: or(&bus.name, &database.name),
            user: bus.user.clone(),
            password: bus.password.clone(),
            schema: BUS_SCHEMA.to_owned(),
            max_connections: bus.max_connections,
            acquire_timeout_ms: database.acquire_timeout_ms,
            migrate_on_start: database.migrate_on_start,
        }
    }
}
