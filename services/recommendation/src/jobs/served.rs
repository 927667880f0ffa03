//! What was served, written in the background: handlers hand their record
//! to a queue and answer at once (unless the writer is far behind: then
//! they wait for room, rather than memory growing or records being lost); the writer takes everything queued and
//! writes it in one transaction (rows plus one
//! `sora.recommendation.served.v1` each, through the outbox), at most
//! every [`INTERVAL`], retrying while the database is down and flushing on
//! shutdown. A crash loses at most the records of the current interval: the
//! same trade as file-server's download counts, so that a recommendation
//! never waits on the database (and keeps being answered while it is down).

use std::time::Duration;

use sora_common::events::outbox;
use sora_common::events::types::{ItemRef, RecommendationServed};
use sqlx::PgPool;
use tokio::sync::{mpsc, watch};

use crate::db::model::{self, Served};

/// Most records one transaction writes.
const MAX_BATCH: usize = 1000;
/// Records waiting at most; past it, answers wait for room (the writer's
/// pace becomes the service's), so memory stays bounded (~25 MiB).
const CAPACITY: usize = 8192;
/// How long records gather before a write.
const INTERVAL: Duration = Duration::from_millis(50);
/// Longest wait between two attempts while the database is down.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

struct Pending {
    served: Served,
    items: Vec<ItemRef>,
}

/// Where handlers hand what they served.
#[derive(Clone)]
pub struct ServedLog {
    queue: mpsc::Sender<Pending>,
}

pub struct ServedWriter {
    db: PgPool,
    service: &'static str,
    queue: mpsc::Receiver<Pending>,
}

impl ServedLog {
    pub fn new(db: PgPool, service: &'static str) -> (Self, ServedWriter) {
        let (queue, receiver) = mpsc::channel(CAPACITY);
        (
            Self { queue },
            ServedWriter {
                db,
                service,
                queue: receiver,
            },
        )
    }

    /// Queues `served` to be stored and published; waits only when the
    /// writer is [`CAPACITY`] records behind.
    pub async fn record(&self, served: Served, items: Vec<ItemRef>) {
        if let Err(error) = self.queue.send(Pending { served, items }).await {
            tracing::warn!(recommendation_id = %error.0.served.recommendation_id,
                "served recommendation not recorded: the service is stopping");
        }
    }
}

impl ServedWriter {
    /// Runs until shutdown, then writes what is queued.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut batch: Vec<Pending> = Vec::new();
        let mut backoff = INTERVAL;
        loop {
            let stopping = if batch.is_empty() {
                tokio::select! {
                    first = self.queue.recv() => match first {
                        Some(first) => { batch.push(first); false }
                        None => true,
                    },
                    _ = shutdown.changed() => true,
                }
            } else {
                false
            };
            if stopping {
                self.queue.close();
                while let Some(pending) = self.queue.recv().await {
                    batch.push(pending);
                }
                for chunk in batch.chunks(MAX_BATCH) {
                    if let Err(error) = self.write(chunk).await {
                        tracing::error!(error = %error, count = chunk.len(),
                            "served recommendations lost at shutdown");
                    }
                }
                return;
            }
            // Let the interval's records gather, then take them all.
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = shutdown.changed() => {}
            }
            while batch.len() < MAX_BATCH {
                match self.queue.try_recv() {
                    Ok(pending) => batch.push(pending),
                    Err(_) => break,
                }
            }
            match self.write(&batch).await {
                Ok(()) => {
                    batch.clear();
                    backoff = INTERVAL;
                }
                Err(error) => {
                    tracing::warn!(error = %error, count = batch.len(),
                        "served recommendations not stored yet; retrying");
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    async fn write(&self, batch: &[Pending]) -> anyhow::Result<()> {
        let mut tx = self.db.begin().await?;
        let rows: Vec<Served> = batch.iter().map(|p| p.served.clone()).collect();
        model::insert_served(&mut tx, &rows).await?;
        let events: Vec<RecommendationServed> = batch
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
