//! Download counting off the response path: a download is recorded in memory
//! and a background task adds the counts to PostgreSQL every few hundred
//! milliseconds, in one transaction per flush (per-day rows, per-version and
//! per-item totals, and `sora.file.downloaded.v2` events carrying the counts:
//! a download never costs a database write or an event of its own). Counts
//! are exact under concurrency: increments are additive upserts, and a flush
//! that fails is kept and retried. On shutdown the last counts are flushed;
//! a crash loses at most the current interval's counts. The platform's batch
//! writer (`sora_common::batch`) does the pacing, retries and flushing.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::future::BoxFuture;
use sora_common::batch::{self, Batch, Options, Queue};
use sora_common::events::outbox;
use sora_common::events::types::{ContentKind, DownloadCount, FilesDownloaded};
use sqlx::PgPool;

use crate::db::downloads::CountColumns;
use time::{Date, OffsetDateTime};

/// How often counts are written.
const FLUSH_INTERVAL: Duration = Duration::from_millis(250);
/// Counts per event, so a message stays far below queue size limits.
const COUNTS_PER_EVENT: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    kind: ContentKind,
    id: String,
    /// Empty for layouts, which have no versions.
    version: String,
    day: Date,
    /// A workspace's extension: counted for the workspace alone, never in
    /// the public figures or events.
    workspace: Option<String>,
}

/// Records downloads; cheap to clone.
#[derive(Clone)]
pub struct DownloadCounter {
    queue: Queue<Key>,
}

const OPTIONS: Options = Options {
    interval: FLUSH_INTERVAL,
    // Downloads of one interval, and far more: a full queue drops a count
    // (logged) rather than making a download wait.
    capacity: 1 << 16,
    max_batch: 100_000,
    max_backoff: Duration::from_secs(5),
};

impl DownloadCounter {
    /// The counter and the task that writes its counts (run it until shutdown).
    pub fn new(db: PgPool, service: &'static str) -> (Self, batch::Writer<Counts>) {
        let counts = Counts {
            service,
            pending: HashMap::new(),
        };
        let (queue, writer) = batch::channel(db, counts, OPTIONS);
        (Self { queue }, writer)
    }

    pub fn record(&self, kind: ContentKind, id: &str, version: Option<&str>) {
        self.push(Key {
            kind,
            id: id.to_owned(),
            version: version.unwrap_or_default().to_owned(),
            day: OffsetDateTime::now_utc().date(),
            workspace: None,
        });
    }

    /// A download of `workspace`'s extension `id`.
    pub fn record_team(&self, workspace: &str, id: &str) {
        self.push(Key {
            kind: ContentKind::Extension,
            id: id.to_owned(),
            version: String::new(),
            day: OffsetDateTime::now_utc().date(),
            workspace: Some(workspace.to_owned()),
        });
    }

    fn push(&self, key: Key) {
        let id = key.id.clone();
        if !self.queue.try_push(key) {
            tracing::warn!(
                id,
                "download not counted: the counter is stopped or far behind"
            );
        }
    }
}

/// The counts gathered for one write, by item, version and day.
pub struct Counts {
    service: &'static str,
    pending: HashMap<Key, i64>,
}

impl Batch for Counts {
    type Item = Key;
    const WHAT: &'static str = "download counts";

    fn add(&mut self, key: Key) {
        *self.pending.entry(key).or_default() += 1;
    }

    fn len(&self) -> usize {
        self.pending.len()
    }

    fn clear(&mut self) {
        self.pending.clear();
    }

    fn write<'a>(&'a self, db: &'a PgPool) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(write(db, self.service, &self.pending))
    }
}

async fn write(db: &PgPool, service: &str, counts: &HashMap<Key, i64>) -> anyhow::Result<()> {
    let mut columns = CountColumns::default();
    let mut events = Vec::new();
    let (mut workspaces, mut team_ids, mut team_days, mut team_counts) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (key, &n) in counts {
        if let Some(workspace) = &key.workspace {
            workspaces.push(workspace.clone());
            team_ids.push(key.id.clone());
            team_days.push(key.day);
            team_counts.push(n);
            continue;
        }
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
    if !columns.ids.is_empty() {
        crate::db::downloads::add(&mut tx, &columns).await?;
    }
    if !workspaces.is_empty() {
        crate::db::downloads::add_team(&mut tx, &workspaces, &team_ids, &team_days, &team_counts)
            .await?;
    }
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
