//! Download counting off the response path: a download is recorded in memory
//! and a background task adds the counts to PostgreSQL every few hundred
//! milliseconds, in one transaction per flush (per-day rows, per-version and
//! per-item totals, and `sora.file.downloaded.v2` events carrying the counts:
//! a download never costs a database write or an event of its own). Counts
//! are exact under concurrency: increments are additive upserts, and a flush
//! that fails is kept and retried. On shutdown the last counts are flushed;
//! a crash loses at most the current interval's counts.

use std::collections::HashMap;
use std::time::Duration;

use sora_common::events::outbox;
use sora_common::events::types::{ContentKind, DownloadCount, FilesDownloaded};
use sqlx::PgPool;

use crate::db::downloads::CountColumns;
use time::{Date, OffsetDateTime};
use tokio::sync::{mpsc, watch};

/// How often counts are written.
const FLUSH_INTERVAL: Duration = Duration::from_millis(250);
/// Counts per event, so a message stays far below queue size limits.
const COUNTS_PER_EVENT: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: ContentKind,
    id: String,
    /// Empty for layouts, which have no versions.
    version: String,
    day: Date,
}

/// Records downloads; cheap to clone.
#[derive(Clone)]
pub struct DownloadCounter {
    sender: mpsc::UnboundedSender<Key>,
}

impl DownloadCounter {
    /// The counter and the task that writes its counts (run it until shutdown).
    pub fn new(
        db: PgPool,
        service: &'static str,
    ) -> (Self, impl FnOnce(watch::Receiver<bool>) -> FlushTask) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let task = move |shutdown| FlushTask {
            db,
            service,
            receiver,
            shutdown,
        };
        (Self { sender }, task)
    }

    pub fn record(&self, kind: ContentKind, id: &str, version: Option<&str>) {
        let key = Key {
            kind,
            id: id.to_owned(),
            version: version.unwrap_or_default().to_owned(),
            day: OffsetDateTime::now_utc().date(),
        };
        if self.sender.send(key).is_err() {
            tracing::warn!(id, "download not counted: the counter has stopped");
        }
    }
}

pub struct FlushTask {
    db: PgPool,
    service: &'static str,
    receiver: mpsc::UnboundedReceiver<Key>,
    shutdown: watch::Receiver<bool>,
}

impl FlushTask {
    pub async fn run(mut self) {
        let mut pending: HashMap<Key, i64> = HashMap::new();
        let mut tick = tokio::time::interval(FLUSH_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                key = self.receiver.recv() => match key {
                    Some(key) => *pending.entry(key).or_default() += 1,
                    None => break,
                },
                _ = tick.tick() => self.flush(&mut pending).await,
                _ = self.shutdown.changed() => break,
            }
        }
        // Requests still in flight were drained before background tasks stop.
        while let Ok(key) = self.receiver.try_recv() {
            *pending.entry(key).or_default() += 1;
        }
        for _ in 0..3 {
            if pending.is_empty() {
                break;
            }
            self.flush(&mut pending).await;
        }
        if !pending.is_empty() {
            let lost: i64 = pending.values().sum();
            tracing::error!(lost, "download counts could not be written before shutdown");
        }
    }

    async fn flush(&self, pending: &mut HashMap<Key, i64>) {
        if pending.is_empty() {
            return;
        }
        match write(&self.db, self.service, pending).await {
            Ok(()) => pending.clear(),
            Err(error) => {
                let waiting: i64 = pending.values().sum();
                tracing::warn!(error = %error, waiting, "download counts not written yet; retrying");
            }
        }
    }
}

async fn write(db: &PgPool, service: &str, counts: &HashMap<Key, i64>) -> anyhow::Result<()> {
    let mut columns = CountColumns::default();
    let mut events = Vec::new();
    for (key, &n) in counts {
        columns.kinds.push(key.kind.as_str().to_owned());
        columns.ids.push(key.id.clone());
        columns.versions.push(key.version.clone());
        columns.days.push(key.day);
        columns.counts.push(n);
        events.push(DownloadCount {
            kind: key.kind,
            id: key.id.clone(),
            version: Some(key.version.clone()).filter(|v| !v.is_empty()),
            day: key.day.to_string(),
            count: u64::try_from(n)?,
        });
    }
    let mut tx = db.begin().await?;
    crate::db::downloads::add(&mut tx, &columns).await?;
    let batches: Vec<FilesDownloaded> = events
        .chunks(COUNTS_PER_EVENT)
        .map(|chunk| FilesDownloaded {
            counts: chunk.to_vec(),
        })
        .collect();
    outbox::enqueue_all(&mut tx, service, &batches).await?;
    tx.commit().await?;
    Ok(())
}
