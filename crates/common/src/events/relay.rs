//! The relay: hands committed outbox rows to the queues that subscribe to
//! their type, in batches, and deletes a row only once every such queue has
//! it. Routes are the system's consumers (`topology`), whatever queues
//! subscribe on the bus, and any configured in `events.subscriptions`. While the
//! bus is down, rows wait and the relay backs off; a row whose type no queue
//! subscribes to yet waits for a subscriber up to
//! `events.unrouted_retention_secs`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use super::bus::{EventBus, OutgoingMessage, Routes};
use super::metrics::EventMetrics;
use super::settings::EventsSettings;
use super::topology;

/// Longest wait between two attempts to publish, while the bus is down.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Routes are re-read for a type without a queue at most this often.
const MIN_ROUTES_REFRESH: Duration = Duration::from_secs(1);

pub struct Relay<B> {
    pool: PgPool,
    bus: Arc<B>,
    settings: EventsSettings,
    metrics: EventMetrics,
    routes: tokio::sync::Mutex<RouteTable>,
}

/// Event type → the queues it goes to, as last read.
struct RouteTable {
    queues_of: HashMap<String, Vec<String>>,
    read_at: Option<Instant>,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: Uuid,
    event_type: String,
    envelope: String,
    created_at: OffsetDateTime,
}

/// The envelope's trace context, read without building its data (an
/// envelope may carry hundreds of events).
fn traceparent_of(envelope: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct TraceOnly {
        traceparent: Option<String>,
    }
    serde_json::from_str::<TraceOnly>(envelope)
        .ok()
        .and_then(|e| e.traceparent)
}

impl<B: EventBus> Relay<B> {
    pub fn new(pool: PgPool, bus: Arc<B>, settings: EventsSettings, metrics: EventMetrics) -> Self {
        Self {
            pool,
            bus,
            settings,
            metrics,
            routes: tokio::sync::Mutex::new(RouteTable {
                queues_of: HashMap::new(),
                read_at: None,
            }),
        }
    }

    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let wake = Arc::new(Notify::new());
        let listener = tokio::spawn(listen_for_commits(self.pool.clone(), wake.clone()));
        let interval = Duration::from_millis(self.settings.relay_interval_ms);
        let mut queues_ready = false;
        let mut backoff = Duration::from_millis(100);
        while !*shutdown.borrow() {
            let woken = wake.notified();
            if !queues_ready {
                queues_ready = self.ensure_configured_queues().await.is_ok();
            }
            let pause = match self.publish_due().await {
                Ok(handled) if handled as i64 >= self.settings.relay_batch_size => continue,
                Ok(_) => {
                    backoff = Duration::from_millis(100);
                    interval
                }
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "publishing events failed; they stay in the outbox");
                    queues_ready = false;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    backoff
                }
            };
            tokio::select! {
                _ = woken => {},
                _ = tokio::time::sleep(pause) => {},
                _ = shutdown.changed() => {},
            }
        }
        listener.abort();
    }

    /// The system's consumer queues and those named in configuration exist
    /// before any consumer starts, so events wait in them.
    async fn ensure_configured_queues(&self) -> anyhow::Result<()> {
        let system = topology::CONSUMERS.iter().map(|s| s.queue);
        for queue in system.chain(self.settings.subscriptions.keys().map(String::as_str)) {
            self.bus.ensure_queue(queue).await?;
        }
        Ok(())
    }

    /// The queues `event_type` goes to, re-reading the routes when they are
    /// old, or (at most every second) when the type has none; types that
    /// gained their first queue are added to `gained`.
    async fn queues_for(
        &self,
        event_type: Option<&str>,
        gained: &mut Vec<String>,
    ) -> anyhow::Result<Vec<String>> {
        let mut table = self.routes.lock().await;
        let age = table.read_at.map(|at| at.elapsed());
        let stale = age.is_none_or(|age| {
            age >= Duration::from_millis(self.settings.routes_refresh_ms)
                || event_type
                    .is_some_and(|t| !table.queues_of.contains_key(t) && age >= MIN_ROUTES_REFRESH)
        });
        if stale {
            let mut routes: Routes = self.bus.subscriptions().await?;
            for subscription in topology::CONSUMERS {
                routes
                    .entry(subscription.queue.to_owned())
                    .or_default()
                    .extend(subscription.types.iter().map(|t| (*t).to_owned()));
            }
            for (queue, types) in &self.settings.subscriptions {
                routes
                    .entry(queue.clone())
                    .or_default()
                    .extend(types.iter().cloned());
            }
            let mut queues_of: HashMap<String, Vec<String>> = HashMap::new();
            for (queue, types) in routes {
                for event_type in types {
                    queues_of.entry(event_type).or_default().push(queue.clone());
                }
            }
            gained.extend(
                queues_of
                    .keys()
                    .filter(|t| !table.queues_of.contains_key(*t))
                    .cloned(),
            );
            *table = RouteTable {
                queues_of,
                read_at: Some(Instant::now()),
            };
        }
        Ok(event_type
            .and_then(|t| table.queues_of.get(t).cloned())
            .unwrap_or_default())
    }

    /// Rows parked for lack of a queue, of types that now have one, are due
    /// again.
    async fn release(
        &self,
        conn: &mut sqlx::PgConnection,
        gained: &[String],
    ) -> anyhow::Result<()> {
        if !gained.is_empty() {
            sqlx::query(
                "UPDATE outbox SET next_attempt_at = now()
                 WHERE event_type = ANY($1) AND next_attempt_at > now()",
            )
            .bind(gained)
            .execute(conn)
            .await?;
        }
        Ok(())
    }

    /// Publishes one batch of due rows; returns how many it handled.
    pub async fn publish_due(&self) -> anyhow::Result<usize> {
        let mut tx = self.pool.begin().await?;
        // Routes are re-read even when nothing is due, so that parked rows
        // are released soon after their first queue subscribes.
        let mut gained = Vec::new();
        self.queues_for(None, &mut gained).await?;
        self.release(&mut tx, &gained).await?;
        gained.clear();
        // SKIP LOCKED: replicas of the service share the work without waiting.
        // In the order of `outbox_due`, so that rows waiting for a later
        // attempt (unrouted, or the bus down) are never scanned.
        let rows: Vec<DueRow> = sqlx::query_as(
            "SELECT id, event_type, envelope, created_at FROM outbox
             WHERE next_attempt_at <= now()
             ORDER BY next_attempt_at, id
             LIMIT $1
             FOR UPDATE SKIP LOCKED",
        )
        .bind(self.settings.relay_batch_size)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(0);
        }
        let retention = time::Duration::seconds(
            i64::try_from(self.settings.unrouted_retention_secs).unwrap_or(i64::MAX),
        );
        let now = OffsetDateTime::now_utc();
        let mut per_queue: BTreeMap<String, Vec<OutgoingMessage>> = BTreeMap::new();
        let mut done = Vec::new();
        let mut routed_types = Vec::new();
        let mut waiting = Vec::new();
        for row in &rows {
            let queues = self.queues_for(Some(&row.event_type), &mut gained).await?;
            if queues.is_empty() {
                if now - row.created_at > retention {
                    tracing::warn!(event_type = %row.event_type, id = %row.id,
                        "no queue subscribed to this event within the retention; dropping it");
                    self.metrics
                        .unrouted_dropped
                        .with_label_values(&[&row.event_type])
                        .inc();
                    done.push(row.id);
                } else {
                    waiting.push(row.id);
                }
                continue;
            }
            let traceparent = traceparent_of(&row.envelope);
            for queue in queues {
                per_queue.entry(queue).or_default().push(OutgoingMessage {
                    body: row.envelope.clone(),
                    event_type: row.event_type.clone(),
                    traceparent: traceparent.clone(),
                });
            }
            done.push(row.id);
            routed_types.push(&row.event_type);
        }
        let sent = tokio::time::timeout(Duration::from_secs(30), async {
            for (queue, messages) in &per_queue {
                self.bus.send(queue, messages).await?;
            }
            anyhow::Ok(())
        })
        .await
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the bus did not answer within 30 s")));

        // A row no queue wants is parked until its retention ends (then it
        // is looked at once more, and dropped if still unwanted), not
        // looked at again every few seconds: a type nobody subscribes to
        // costs one write per event, however many wait. When a queue
        // subscribes to its type, the row is released (`release`).
        if !waiting.is_empty() {
            sqlx::query(
                "UPDATE outbox SET next_attempt_at = created_at + make_interval(secs => $2)
                 WHERE id = ANY($1)",
            )
            .bind(&waiting)
            .bind(retention.as_seconds_f64())
            .execute(&mut *tx)
            .await?;
        }
        self.release(&mut tx, &gained).await?;
        match sent {
            Ok(()) => {
                sqlx::query("DELETE FROM outbox WHERE id = ANY($1)")
                    .bind(&done)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                // Each event once, however many queues it went to.
                for event_type in routed_types {
                    self.metrics
                        .published
                        .with_label_values(&[event_type])
                        .inc();
                }
                Ok(rows.len())
            }
            Err(error) => {
                // Some queues may have the events already: consumers deduplicate.
                sqlx::query(
                    "UPDATE outbox
                     SET attempts = attempts + 1,
                         next_attempt_at = now() + make_interval(secs => least(5.0, 0.1 * power(2, attempts))),
                         last_error = $2
                     WHERE id = ANY($1)",
                )
                .bind(&done)
                .bind(format!("{error:#}"))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Err(error)
            }
        }
    }
}

/// Wakes the relay when a transaction that wrote to the outbox commits.
async fn listen_for_commits(pool: PgPool, wake: Arc<Notify>) {
    loop {
        if let Ok(mut listener) = PgListener::connect_with(&pool).await {
            let channel: Result<String, _> =
                sqlx::query_scalar("SELECT 'sora_outbox_' || current_schema()")
                    .fetch_one(&pool)
                    .await;
            if let Ok(channel) = channel
                && listener.listen(&channel).await.is_ok()
            {
                while listener.recv().await.is_ok() {
                    wake.notify_one();
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
