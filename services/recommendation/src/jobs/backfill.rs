//! The catalog backfill: file-server's public catalog, read over REST page
//! by page, into the index. It runs on start (a fresh recommendation
//! service over an existing catalog is complete) and whenever the index
//! finds itself behind: the totals file-server reports differ from the
//! items it holds (a missed or undelivered event, an extension shown again
//! after being hidden — which publishes nothing).
//!
//! Every change it makes is dated `LISTING_LAG` before the listing was
//! asked for, so an event newer than that still wins, and an older one does
//! not undo what the listing said. The margin is there because a listing is
//! older than the moment it is asked for: file-server answers from its
//! replica's catalog, which follows commits a moment late, and an event is
//! dated when its transaction began, before the commit. Without it, an item
//! published just before a check (its event already handled, the listing
//! not showing it yet) was marked removed until the next check.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Deserialize;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::config::CatalogSettings;
use crate::db::items::{self, IndexedItem};

const PER_PAGE: u32 = 100;
/// A catalog larger than this is not paged through (a misbehaving peer).
const MAX_PAGES: u32 = 10_000;
/// How far a listing may lag behind the events: changes newer than this
/// are left to their events (or to the next check, when the totals still
/// differ).
pub const LISTING_LAG: Duration = Duration::from_secs(30);

#[derive(Debug, Deserialize)]
struct Page<T> {
    items: Vec<T>,
    total: i64,
}

#[derive(Debug, Deserialize)]
struct LayoutEntry {
    id: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    panels: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ExtensionEntry {
    id: String,
    name: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
}

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Backfilled {
    pub checked: bool,
    pub upserted: usize,
    pub removed: usize,
}

pub struct Backfill {
    db: PgPool,
    client: reqwest::Client,
    base: String,
    every: Duration,
}

impl Backfill {
    /// `None` when the backfill is turned off (no file-server URL).
    pub fn new(db: PgPool, settings: &CatalogSettings) -> anyhow::Result<Option<Self>> {
        if settings.file_server_url.is_empty() {
            return Ok(None);
        }
        Ok(Some(Self {
            db,
            client: reqwest::Client::builder()
                .timeout(Duration::from_millis(settings.timeout_ms))
                .build()?,
            base: settings.file_server_url.trim_end_matches('/').to_owned(),
            every: Duration::from_secs(settings.check_interval_secs),
        }))
    }

    /// One pass: a full copy when `force` or when the totals differ.
    pub async fn run_once(&self, force: bool) -> anyhow::Result<Backfilled> {
        let mut done = Backfilled::default();
        for kind in ["layout", "extension"] {
            let at = OffsetDateTime::now_utc() - LISTING_LAG;
            let path = format!("{}s", kind);
            let first: Page<serde_json::Value> = self.page(&path, 1, 1).await?;
            let mut conn = self.db.acquire().await?;
            let held = items::live_ids(&mut conn, kind).await?;
            drop(conn);
            if !force && i64::try_from(held.len()).ok() == Some(first.total) {
                continue;
            }
            done.checked = true;
            let (upserted, removed) = self.copy(kind, &path, at, &held).await?;
            done.upserted += upserted;
            done.removed += removed;
        }
        Ok(done)
    }

    /// Copies every page of `kind`, then marks what the catalog no longer
    /// lists as removed.
    async fn copy(
        &self,
        kind: &'static str,
        path: &str,
        at: OffsetDateTime,
        held: &[String],
    ) -> anyhow::Result<(usize, usize)> {
        let mut listed = BTreeSet::new();
        let mut indexed = Vec::new();
        let mut page = 1;
        loop {
            let body: Page<serde_json::Value> = self.page(path, page, PER_PAGE).await?;
            let count = body.items.len();
            for value in body.items {
                let item = match kind {
                    "layout" => layout(serde_json::from_value(value)?, at),
                    _ => extension(serde_json::from_value(value)?, at),
                };
                listed.insert(item.item_id.clone());
                indexed.push(item);
            }
            if count < PER_PAGE as usize || page >= MAX_PAGES {
                break;
            }
            page += 1;
        }
        let mut tx = self.db.begin().await?;
        for item in &indexed {
            items::upsert(&mut tx, item).await?;
        }
        let mut removed = 0;
        for id in held.iter().filter(|id| !listed.contains(*id)) {
            items::remove(&mut tx, kind, id, at).await?;
            removed += 1;
        }
        tx.commit().await?;
        Ok((indexed.len(), removed))
    }

    async fn page<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        page: u32,
        per_page: u32,
    ) -> anyhow::Result<Page<T>> {
        let url = format!(
            "{}/api/{path}?sort=name&page={page}&per_page={per_page}",
            self.base
        );
        let response = self.client.get(&url).send().await?.error_for_status()?;
        Ok(response.json().await?)
    }

    /// Runs a full copy on start, then a check every interval.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut force = true;
        let mut failing = false;
        loop {
            match self.run_once(force).await {
                Ok(done) => {
                    force = false;
                    failing = false;
                    if done.checked {
                        tracing::info!(
                            upserted = done.upserted,
                            removed = done.removed,
                            "catalog index backfilled from file-server"
                        );
                    }
                }
                Err(error) if !failing => {
                    failing = true;
                    tracing::warn!(error = %error, "catalog backfill from file-server failed; will retry");
                }
                Err(_) => {}
            }
            let wait = if force {
                self.every.min(Duration::from_secs(10))
            } else {
                self.every
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

fn layout(entry: LayoutEntry, at: OffsetDateTime) -> IndexedItem {
    IndexedItem::layout(
        entry.id,
        entry.name,
        entry.description.as_deref(),
        &entry.tags,
        entry.panels,
        entry.topics,
        at,
    )
}

fn extension(entry: ExtensionEntry, at: OffsetDateTime) -> IndexedItem {
    IndexedItem::extension(
        entry.id,
        entry.version,
        &entry.name,
        entry.display_name,
        entry.description.as_deref(),
        &entry.keywords,
        at,
    )
}
