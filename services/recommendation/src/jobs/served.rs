//! What was served, written in the background by the platform's batch
//! writer (`sora_common::batch`): handlers hand their record to a queue and
//! answer at once (unless the writer is far behind: then they wait for
//! room, rather than memory growing or records being lost); the writer
//! writes what gathered in one transaction (rows plus one
//! `sora.recommendation.served.v1` each, through the outbox) every
//! [`INTERVAL`], retrying while the database is down and flushing on
//! shutdown. A crash loses at most the records of the current interval:
//! the same trade as file-server's download counts, so that a
//! recommendation never waits on the database.

use std::time::Duration;

use futures_util::future::BoxFuture;
use sora_common::batch::{self, Batch, Options, Queue};
use sora_common::events::outbox;
use sora_common::events::types::{ItemRef, RecommendationServed};
use sqlx::PgPool;

use crate::db::model::{self, Served};

/// How long records gather before a write.
const INTERVAL: Duration = Duration::from_millis(50);
const OPTIONS: Options = Options {
    interval: INTERVAL,
    // Past it, answers wait for room (the writer's pace becomes the
    // service's), so memory stays bounded (~25 MiB).
    capacity: 8192,
    max_batch: 1000,
    max_backoff: Duration::from_secs(5),
};

pub struct Pending {
    served: Served,
    items: Vec<ItemRef>,
}

/// Where handlers hand what they served.
#[derive(Clone)]
pub struct ServedLog {
    queue: Queue<Pending>,
}

/// The records gathered for one write.
pub struct ServedBatch {
    service: &'static str,
    pending: Vec<Pending>,
}

impl ServedLog {
    pub fn new(db: PgPool, service: &'static str) -> (Self, batch::Writer<ServedBatch>) {
        let gathered = ServedBatch {
            service,
            pending: Vec::new(),
        };
        let (queue, writer) = batch::channel(db, gathered, OPTIONS);
        (Self { queue }, writer)
    }

    /// Queues `served` to be stored and published; waits only when the
    /// writer is a full queue behind.
    pub async fn record(&self, served: Served, items: Vec<ItemRef>) {
        let id = served.recommendation_id;
        if !self.queue.push(Pending { served, items }).await {
            tracing::warn!(recommendation_id = %id,
                "served recommendation not recorded: the service is stopping");
        }
    }
}

impl Batch for ServedBatch {
    type Item = Pending;
    const WHAT: &'static str = "served recommendations";

    fn add(&mut self, item: Pending) {
        self.pending.push(item);
    }

    fn len(&self) -> usize {
        self.pending.len()
    }

    fn clear(&mut self) {
        self.pending.clear();
    }

    fn write<'a>(&'a self, db: &'a PgPool) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let rows: Vec<Served> = self.pending.iter().map(|p| p.served.clone()).collect();
            match self.try_write(db, &rows).await {
                Err(error)
                    if error
                        .downcast_ref::<sqlx::Error>()
                        .is_some_and(sora_common::partitions::is_missing_partition) =>
                {
                    // A day without its partition yet: make it, write again.
                    let mut conn = db.acquire().await?;
                    model::SERVED
                        .ensure(&mut conn, &model::days_of(&rows))
                        .await?;
                    self.try_write(db, &rows).await
                }
                other => other,
            }
        })
    }
}

impl ServedBatch {
    /// The rows and their events, in one transaction.
    async fn try_write(&self, db: &PgPool, rows: &[Served]) -> anyhow::Result<()> {
        let mut tx = db.begin().await?;
        model::insert_served(&mut tx, rows).await?;
        let events: Vec<RecommendationServed> = self
            .pending
            .iter()
            .map(|p| RecommendationServed {
                recommendation_id: p.served.recommendation_id.to_string(),
                model_version: p.served.model_version.clone(),
                items: p.items.clone(),
            })
            .collect();
        outbox::enqueue_all(&mut tx, self.service, &events).await?;
        tx.commit().await?;
        Ok(())
    }
}
