//! recommendation's event handler: the catalog index, kept from
//! file-server's publish and removal events. Each event is applied once
//! (the platform's inbox); events may arrive out of order, so each change
//! is dated by its event, and an older one never replaces a newer one.

use sora_common::events::consumer::EventHandler;
use sora_common::events::types::{
    ContentRemoved, ExtensionPublished, LayoutPublished, RemovalReason,
};
use sora_common::events::{Envelope, EventPayload};
use sqlx::PgConnection;

use crate::db::items::{self, IndexedItem};
use crate::domain::terms::terms;

/// The queue the catalog index consumes.
pub const CATALOG_QUEUE: &str = "recommendation_catalog";

pub struct CatalogIndexer;

impl EventHandler for CatalogIndexer {
    const TYPES: &'static [&'static str] = &[
        ExtensionPublished::TYPE,
        LayoutPublished::TYPE,
        ContentRemoved::TYPE,
    ];

    async fn handle(&self, conn: &mut PgConnection, event: &Envelope) -> anyhow::Result<()> {
        match event.event_type.as_str() {
            ExtensionPublished::TYPE => {
                let published: ExtensionPublished = event.payload()?;
                let name = published
                    .display_name
                    .clone()
                    .unwrap_or_else(|| published.name.clone());
                let text = format!(
                    "{} {name} {}",
                    published.name,
                    published.description.as_deref().unwrap_or("")
                );
                let item = IndexedItem {
                    kind: "extension",
                    item_id: published.id,
                    version: Some(published.version),
                    name,
                    panels: Vec::new(),
                    topics: Vec::new(),
                    keywords: published
                        .keywords
                        .iter()
                        .map(|k| k.to_lowercase())
                        .collect(),
                    terms: terms(&text),
                    at: event.time,
                };
                items::upsert(conn, &item).await?;
            }
            LayoutPublished::TYPE => {
                let published: LayoutPublished = event.payload()?;
                let text = format!(
                    "{} {}",
                    published.name,
                    published.description.as_deref().unwrap_or("")
                );
                let item = IndexedItem {
                    kind: "layout",
                    item_id: published.id,
                    version: None,
                    name: published.name,
                    panels: published.panels,
                    topics: published.topics,
                    keywords: published.tags.iter().map(|t| t.to_lowercase()).collect(),
                    terms: terms(&text),
                    at: event.time,
                };
                items::upsert(conn, &item).await?;
            }
            ContentRemoved::TYPE => {
                let removed: ContentRemoved = event.payload()?;
                // A yanked version leaves the item in the catalog.
                if removed.version.is_none() && removed.reason != RemovalReason::Yanked {
                    items::remove(conn, removed.kind.as_str(), &removed.id, event.time).await?;
                }
            }
            // A routing mistake: fail, so it ends in the dead-letter queue.
            other => anyhow::bail!("recommendation does not handle {other} events"),
        }
        Ok(())
    }
}
