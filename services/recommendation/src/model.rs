//! The model a replica ranks with: the content index of the catalog and
//! what was learned, built from the service's schema and replaced whole
//! when it changes. Every replica reads only the rows changed since its
//! last look ([`Refresher`]), so replicas agree within a refresh interval
//! and an update is visible within seconds.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sora_common::events::types::ContentKind;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::db::items::{self, ItemRow};
use crate::db::model::{self, ModelRow};
use crate::domain::rank::{Blend, Catalog, CatalogItem, Learned};

/// The content model's version: bumped when content ranking changes.
pub const CONTENT_VERSION: &str = "content-1";
/// Rows changed this long before a look are read again at the next one: a
/// transaction's `now()` is its start, and it commits later.
const OVERLAP: time::Duration = time::Duration::seconds(10);
/// Decay is applied again at least this often even without new feedback.
const REBUILD_LEARNED: time::Duration = time::Duration::minutes(10);

/// One consistent model.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub catalog: Arc<Catalog>,
    pub learned: Arc<Learned>,
    pub counters: ModelRow,
}

impl Snapshot {
    /// e.g. `content-1.learned-42`: the content rules and how many times
    /// learning moved the weights.
    pub fn model_version(&self) -> String {
        format!("{CONTENT_VERSION}.learned-{}", self.counters.version)
    }
}

/// The replica's current model.
#[derive(Debug, Default)]
pub struct Model {
    current: RwLock<Arc<Snapshot>>,
}

impl Model {
    pub fn current(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn replace(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
    }
}

type WeightKey = (String, String, String);

/// Keeps a [`Model`] current from the database.
pub struct Refresher {
    db: PgPool,
    model: Arc<Model>,
    blend: Blend,
    items: HashMap<(String, String), ItemRow>,
    weights: HashMap<WeightKey, (f64, OffsetDateTime)>,
    seen_until: Option<OffsetDateTime>,
    learned_at: Option<OffsetDateTime>,
}

impl Refresher {
    pub fn new(db: PgPool, model: Arc<Model>, blend: Blend) -> Self {
        Self {
            db,
            model,
            blend,
            items: HashMap::new(),
            weights: HashMap::new(),
            seen_until: None,
            learned_at: None,
        }
    }

    /// Reads what changed and, if anything did, replaces the model.
    pub async fn refresh(&mut self) -> anyhow::Result<()> {
        let mut conn = self.db.acquire().await?;
        let now = model::database_now(&mut conn).await?;
        let since = self.seen_until.map(|at| at - OVERLAP);
        let changed_items = items::changed_since(&mut conn, since).await?;
        let changed_weights = model::weights_changed_since(&mut conn, since).await?;
        let counters = model::model(&mut conn).await?;
        drop(conn);

        let mut catalog_changed = self.seen_until.is_none();
        for row in changed_items {
            let key = (row.kind.clone(), row.item_id.clone());
            if self
                .items
                .get(&key)
                .is_none_or(|old| old.changed_at != row.changed_at)
            {
                catalog_changed = true;
                self.items.insert(key, row);
            }
        }
        let mut weights_changed = false;
        for row in changed_weights {
            let key = (row.token, row.kind, row.item_id);
            let value = (row.weight, row.updated_at);
            if self.weights.get(&key) != Some(&value) {
                weights_changed = true;
                self.weights.insert(key, value);
            }
        }
        self.seen_until = Some(now);

        let current = self.model.current();
        let stale = self.learned_at.is_none_or(|at| now - at > REBUILD_LEARNED);
        if !catalog_changed
            && !weights_changed
            && !stale
            && current.counters.version == counters.version
            && current.counters.events_seen == counters.events_seen
        {
            return Ok(());
        }
        let catalog = if catalog_changed {
            Arc::new(self.catalog())
        } else {
            current.catalog.clone()
        };
        let learned = if catalog_changed || weights_changed || stale {
            self.learned_at = Some(now);
            Arc::new(Learned::new(
                &catalog,
                self.weights
                    .iter()
                    .filter_map(|((token, kind, id), (w, at))| {
                        Some((
                            token.as_str(),
                            ContentKind::parse(kind)?,
                            id.as_str(),
                            *w as f32,
                            at.unix_timestamp(),
                        ))
                    }),
                self.blend,
                now.unix_timestamp(),
            ))
        } else {
            current.learned.clone()
        };
        self.model.replace(Snapshot {
            catalog,
            learned,
            counters,
        });
        Ok(())
    }

    fn catalog(&self) -> Catalog {
        let mut rows: Vec<&ItemRow> = self.items.values().filter(|r| !r.removed).collect();
        rows.sort_by(|a, b| (&a.kind, &a.item_id).cmp(&(&b.kind, &b.item_id)));
        Catalog::new(
            rows.into_iter()
                .filter_map(|row| {
                    Some(CatalogItem {
                        kind: ContentKind::parse(&row.kind)?,
                        id: row.item_id.clone(),
                        version: row.version.clone(),
                        name: row.name.clone(),
                        panels: row.panels.clone(),
                        topics: row.topics.clone(),
                        keywords: row.keywords.clone(),
                        terms: row.terms.clone(),
                    })
                })
                .collect(),
        )
    }

    /// Refreshes every `every` until shutdown.
    pub async fn run(mut self, every: Duration, mut shutdown: watch::Receiver<bool>) {
        let mut failing = false;
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = shutdown.changed() => return,
            }
            match self.refresh().await {
                Ok(()) => failing = false,
                Err(error) if !failing => {
                    failing = true;
                    tracing::warn!(error = %error, "the model could not be refreshed; serving the last one");
                }
                Err(_) => {}
            }
        }
    }
}
