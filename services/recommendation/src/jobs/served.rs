//! What was served, kept by group commit: requests hand their record to
//! the writer and wait; it writes everything that queued meanwhile in one
//! transaction (rows plus one `sora.recommendation.served.v1` each, through
//! the outbox) and then answers them all. An answer leaves only once what
//! it served is stored, and one commit costs all of them one flush.

use sora_common::ApiError;
use sora_common::events::outbox;
use sora_common::events::types::{ItemRef, RecommendationServed};
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot, watch};

use crate::db::model::{self, Served};

/// Most records one transaction writes.
const MAX_BATCH: usize = 500;

struct Pending {
    served: Served,
    items: Vec<ItemRef>,
    done: oneshot::Sender<bool>,
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
        let (queue, receiver) = mpsc::channel(4 * MAX_BATCH);
        (
            Self { queue },
            ServedWriter {
                db,
                service,
                queue: receiver,
            },
        )
    }

    /// Stores `served` and publishes it; returns once it is committed.
    pub async fn record(&self, served: Served, items: Vec<ItemRef>) -> Result<(), ApiError> {
        let (done, stored) = oneshot::channel();
        let unavailable =
            || ApiError::Unavailable("recommendations cannot be recorded right now".to_owned());
        self.queue
            .send(Pending {
                served,
                items,
                done,
            })
            .await
            .map_err(|_| unavailable())?;
        match stored.await {
            Ok(true) => Ok(()),
            _ => Err(unavailable()),
        }
    }
}

impl ServedWriter {
    /// Runs until shutdown, then writes what is queued.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let first = tokio::select! {
                pending = self.queue.recv() => pending,
                _ = shutdown.changed() => {
                    self.queue.close();
                    self.queue.recv().await
                }
            };
            let Some(first) = first else { return };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match self.queue.try_recv() {
                    Ok(pending) => batch.push(pending),
                    Err(_) => break,
                }
            }
            let stored = match self.write(&batch).await {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(error = %error, count = batch.len(), "served recommendations not stored");
                    false
                }
            };
            for pending in batch {
                let _ = pending.done.send(stored);
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
