//! The transactional outbox: an event is a row in the producer's own schema,
//! committed with the state change it describes; the relay hands committed rows
//! to the bus, in batches, and deletes them only once every subscribed queue
//! has them. While the bus is down, rows wait and the relay backs off.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use super::bus::{EventBus, OutgoingMessage};
use super::runtime::EventMetrics;
use super::{Envelope, EventPayload};
use crate::config::EventsSettings;

/// Longest wait between two attempts to publish, while the bus is down.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Writes `payload` to the outbox inside the caller's transaction: it is
/// published if and only if that transaction commits.
pub async fn enqueue<P: EventPayload>(
    conn: &mut PgConnection,
    service: &str,
    payload: &P,
) -> anyhow::Result<Envelope> {
    let mut envelopes = enqueue_all(conn, service, std::slice::from_ref(payload)).await?;
    envelopes
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no envelope was written"))
}

/// Like [`enqueue`] for many events of one type, in one statement.
pub async fn enqueue_all<P: EventPayload>(
    conn: &mut PgConnection,
    service: &str,
    payloads: &[P],
) -> anyhow::Result<Vec<Envelope>> {
    let envelopes = payloads
        .iter()
        .map(|payload| Envelope::new(service, payload))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ids: Vec<Uuid> = envelopes.iter().map(|e| e.id).collect();
    let bodies = envelopes
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    sqlx::query(
        "INSERT INTO outbox (id, event_type, envelope)
         SELECT id, $2, envelope FROM UNNEST($1::uuid[], $3::text[]) AS e (id, envelope)",
    )
    .bind(&ids)
    .bind(P::TYPE)
    .bind(&bodies)
    .execute(&mut *conn)
    .await?;
    // Delivered at commit: wakes the relay at once instead of at its next tick.
    sqlx::query("SELECT pg_notify('sora_outbox_' || current_schema(), '')")
        .execute(&mut *conn)
        .await?;
    Ok(envelopes)
}

pub struct Relay<B> {
    pub pool: PgPool,
    pub bus: Arc<B>,
    pub settings: EventsSettings,
    pub metrics: EventMetrics,
}

impl<B: EventBus> Relay<B> {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let wake = Arc::new(Notify::new());
        let listener = tokio::spawn(listen_for_commits(self.pool.clone(), wake.clone()));
        let interval = Duration::from_millis(self.settings.relay_interval_ms);
        let mut queues_ready = false;
        let mut backoff = Duration::from_millis(100);
        while !*shutdown.borrow() {
            let woken = wake.notified();
            if !queues_ready {
                queues_ready = self.ensure_queues().await.is_ok();
            }
            let pause = match self.publish_due().await {
                Ok(published) if published as i64 >= self.settings.relay_batch_size => continue,
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

    async fn ensure_queues(&self) -> anyhow::Result<()> {
        for queue in self.settings.subscriptions.keys() {
            self.bus.ensure_queue(queue).await?;
        }
        Ok(())
    }

    /// Publishes one batch of due rows; returns how many left the outbox.
    pub async fn publish_due(&self) -> anyhow::Result<usize> {
        let mut tx = self.pool.begin().await?;
        // SKIP LOCKED: replicas of the service share the work without waiting.
        let rows: Vec<(Uuid, String, String)> = sqlx::query_as(
            "SELECT id, event_type, envelope FROM outbox
             WHERE next_attempt_at <= now()
             ORDER BY id
             LIMIT $1
             FOR UPDATE SKIP LOCKED",
        )
        .bind(self.settings.relay_batch_size)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let ids: Vec<Uuid> = rows.iter().map(|(id, _, _)| *id).collect();
        let mut per_queue: BTreeMap<&str, Vec<OutgoingMessage>> = BTreeMap::new();
        for (_, event_type, envelope) in &rows {
            let traceparent = Envelope::parse(envelope).ok().and_then(|e| e.traceparent);
            for queue in self.settings.queues_for(event_type) {
                per_queue.entry(queue).or_default().push(OutgoingMessage {
                    body: envelope.clone(),
                    event_type: event_type.clone(),
                    traceparent: traceparent.clone(),
                });
            }
        }
        let sent = tokio::time::timeout(Duration::from_secs(30), async {
            for (queue, messages) in &per_queue {
                self.bus.send(queue, messages).await?;
            }
            anyhow::Ok(())
        })
        .await
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the bus did not answer within 30 s")));

        match sent {
            Ok(()) => {
                sqlx::query("DELETE FROM outbox WHERE id = ANY($1)")
                    .bind(&ids)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                for (_, event_type, _) in &rows {
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
                .bind(&ids)
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
