//! The embedded event bus: queues in PostgreSQL (schema `bus`, role `sora_bus`),
//! received with `FOR UPDATE SKIP LOCKED`, with SQS's semantics.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::Notify;

use super::bus::{Delivery, EventBus, OutgoingMessage, QueueDepth, Routes};

static BUS_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/bus");
const CHANNEL: &str = "sora_bus";

#[derive(Clone)]
pub struct PgBus {
    pool: PgPool,
    max_receives: i32,
    visibility: Duration,
    /// Woken by NOTIFY when a message is sent, so receivers need not poll hard.
    arrivals: Arc<Notify>,
}

impl PgBus {
    /// Connects lazily and listens for arrivals in the background.
    pub fn new(pool: PgPool, max_receives: u32, visibility: Duration) -> Self {
        let arrivals = Arc::new(Notify::new());
        tokio::spawn(listen(pool.clone(), arrivals.clone()));
        Self {
            pool,
            max_receives: i32::try_from(max_receives).unwrap_or(i32::MAX),
            visibility,
            arrivals,
        }
    }

    /// Applies the bus schema's migrations (under sqlx's advisory lock).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        Self::migrate_pool(&self.pool).await
    }

    pub async fn migrate_pool(pool: &PgPool) -> anyhow::Result<()> {
        crate::db::migrate(pool, &BUS_MIGRATOR).await
    }

    /// The bus migrations' fingerprint, so test templates are rebuilt when
    /// they change.
    pub fn migrations_fingerprint() -> String {
        BUS_MIGRATOR
            .iter()
            .map(|m| format!("{}:{:?}", m.version, m.checksum))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Moves messages received too often to the dead letters.
    async fn dead_letter(&self, queue: &str) -> anyhow::Result<()> {
        sqlx::query(
            "WITH dead AS (
                DELETE FROM messages m USING queues q
                WHERE m.queue = $1 AND q.name = m.queue
                  AND m.visible_at <= now() AND m.receive_count >= q.max_receives
                RETURNING m.*
            )
            INSERT INTO dead_letters (id, queue, body, event_type, traceparent, enqueued_at, receive_count)
            SELECT id, queue, body, event_type, traceparent, enqueued_at, receive_count FROM dead",
        )
        .bind(queue)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn receive_now(&self, queue: &str, max: u32) -> anyhow::Result<Vec<Delivery>> {
        self.dead_letter(queue).await?;
        let mut rows: Vec<ReceivedRow> = sqlx::query_as(
            "WITH picked AS (
                SELECT id FROM messages
                WHERE queue = $1 AND visible_at <= now()
                ORDER BY id
                LIMIT $2
                FOR UPDATE SKIP LOCKED
            )
            UPDATE messages m
            SET receive_count = m.receive_count + 1,
                visible_at = now() + make_interval(secs => $3),
                receipt = gen_random_uuid()
            FROM picked WHERE m.id = picked.id
            RETURNING m.id, m.body, m.event_type, m.traceparent, m.receive_count, m.receipt",
        )
        .bind(queue)
        .bind(i64::from(max))
        .bind(self.visibility.as_secs_f64())
        .fetch_all(&self.pool)
        .await?;
        // RETURNING comes in no particular order; hand them out oldest first.
        rows.sort_by_key(|row| row.id);
        Ok(rows
            .into_iter()
            .map(|row| Delivery {
                receipt: format!("{}:{}", row.id, row.receipt),
                receive_count: u32::try_from(row.receive_count).unwrap_or(0),
                body: row.body,
                event_type: row.event_type,
                traceparent: row.traceparent,
            })
            .collect())
    }
}

#[derive(sqlx::FromRow)]
struct ReceivedRow {
    id: i64,
    body: String,
    event_type: Option<String>,
    traceparent: Option<String>,
    receive_count: i32,
    receipt: uuid::Uuid,
}

/// A receipt is `<message id>:<token of this receive>`: an old receipt cannot
/// acknowledge a message someone else has received since.
fn parse_receipt(receipt: &str) -> anyhow::Result<(i64, uuid::Uuid)> {
    let (id, token) = receipt
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("malformed receipt"))?;
    Ok((id.parse()?, token.parse()?))
}

impl EventBus for PgBus {
    async fn ensure_queue(&self, queue: &str) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO queues (name, max_receives) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET max_receives = EXCLUDED.max_receives",
        )
        .bind(queue)
        .bind(self.max_receives)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn subscribe(&self, queue: &str, types: &[&str]) -> anyhow::Result<()> {
        self.ensure_queue(queue).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM subscriptions WHERE queue = $1 AND NOT (event_type = ANY($2))")
            .bind(queue)
            .bind(types)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO subscriptions (queue, event_type)
             SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        )
        .bind(queue)
        .bind(types)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn subscriptions(&self) -> anyhow::Result<Routes> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT queue, event_type FROM subscriptions")
                .fetch_all(&self.pool)
                .await?;
        let mut routes = Routes::new();
        for (queue, event_type) in rows {
            routes.entry(queue).or_default().insert(event_type);
        }
        Ok(routes)
    }

    async fn send(&self, queue: &str, messages: &[OutgoingMessage]) -> anyhow::Result<()> {
        if messages.is_empty() {
            return Ok(());
        }
        let bodies: Vec<&str> = messages.iter().map(|m| m.body.as_str()).collect();
        let types: Vec<&str> = messages.iter().map(|m| m.event_type.as_str()).collect();
        let traces: Vec<Option<&str>> = messages.iter().map(|m| m.traceparent.as_deref()).collect();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO messages (queue, body, event_type, traceparent)
             SELECT $1, body, event_type, traceparent
             FROM unnest($2::text[], $3::text[], $4::text[]) AS t(body, event_type, traceparent)",
        )
        .bind(queue)
        .bind(&bodies)
        .bind(&types)
        .bind(&traces)
        .execute(&mut *tx)
        .await?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(queue)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn receive(
        &self,
        queue: &str,
        max: u32,
        wait: Duration,
    ) -> anyhow::Result<Vec<Delivery>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // Register interest before looking, so an arrival in between is not missed.
            let arrival = self.arrivals.notified();
            let deliveries = self.receive_now(queue, max).await?;
            let now = tokio::time::Instant::now();
            if !deliveries.is_empty() || now >= deadline {
                return Ok(deliveries);
            }
            // Also wake periodically: delayed retries become visible without a NOTIFY.
            let nap = (deadline - now).min(Duration::from_millis(250));
            let _ = tokio::time::timeout(nap, arrival).await;
        }
    }

    async fn ack(&self, queue: &str, receipt: &str) -> anyhow::Result<()> {
        let (id, token) = parse_receipt(receipt)?;
        sqlx::query("DELETE FROM messages WHERE id = $1 AND queue = $2 AND receipt = $3")
            .bind(id)
            .bind(queue)
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn retry_later(&self, queue: &str, receipt: &str, delay: Duration) -> anyhow::Result<()> {
        let (id, token) = parse_receipt(receipt)?;
        sqlx::query(
            "UPDATE messages SET visible_at = now() + make_interval(secs => $4)
             WHERE id = $1 AND queue = $2 AND receipt = $3",
        )
        .bind(id)
        .bind(queue)
        .bind(token)
        .bind(delay.as_secs_f64())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn depth(&self, queue: &str) -> anyhow::Result<QueueDepth> {
        let (ready, in_flight, dead): (i64, i64, i64) = sqlx::query_as(
            "SELECT
                (SELECT count(*) FROM messages WHERE queue = $1 AND visible_at <= now()),
                (SELECT count(*) FROM messages WHERE queue = $1 AND visible_at > now()),
                (SELECT count(*) FROM dead_letters WHERE queue = $1)",
        )
        .bind(queue)
        .fetch_one(&self.pool)
        .await?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(QueueDepth {
            ready: count(ready),
            in_flight: count(in_flight),
            dead: count(dead),
        })
    }

    async fn ping(&self) -> anyhow::Result<()> {
        crate::db::ping(&self.pool, Duration::from_secs(2))
            .await
            .map_err(|why| anyhow::anyhow!("bus database {why}"))
    }
}

/// Wakes receivers on NOTIFY; reconnects with back-off while the bus is down.
async fn listen(pool: PgPool, arrivals: Arc<Notify>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if listener.listen(CHANNEL).await.is_ok() {
                    backoff = Duration::from_millis(200);
                    while listener.recv().await.is_ok() {
                        arrivals.notify_waiters();
                    }
                }
            }
            Err(error) => tracing::debug!(error = %error, "bus listener cannot connect"),
        }
        // Whatever was sent while we were away is found by the periodic wake-up.
        arrivals.notify_waiters();
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
