//! recommendation's event handler. Each event is applied once (the
//! platform's inbox), in the transaction that records it.
//!
//! - The catalog index, from file-server's publish and removal events.
//!   Events may arrive out of order, so each change is dated by its event,
//!   and an older one never replaces a newer one.
//! - Learning, from `sora.feedback.submitted.v1`: each event's reward (by
//!   type) moves the weights of its item for the feature tokens of the
//!   recommendation it answers. Only feedback quoting a `recommendation_id`
//!   this service served, about an item it served there, is learned from,
//!   with that recommendation's own features (never features a client
//!   sends). One install may move one item only so far a day, and one
//!   client address only so far (a few installs' worth: a lab behind one
//!   address still counts, a script making up install ids does not).

use std::collections::BTreeMap;

use sora_common::events::consumer::EventHandler;
use sora_common::events::topology;
use sora_common::events::types::{
    ContentRemoved, ExtensionPublished, FeedbackSubmitted, LayoutPublished, RemovalReason,
    SubmittedFeedback,
};
use sora_common::events::{Envelope, EventPayload};
use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::config::LearningSettings;
use crate::db::items::{self, IndexedItem};
use crate::db::model;
use crate::domain::rank::reward;

/// The queue recommendation consumes.
pub const QUEUE: &str = topology::RECOMMENDATION.queue;

/// Installs whose events carry no hash share one allowance.
const UNKNOWN_INSTALL: &str = "unknown";
/// Likewise clients, under a key no install hash can take.
const UNKNOWN_CLIENT: &str = "client:unknown";

pub struct Events {
    pub learning: LearningSettings,
    pub half_life_days: f64,
}

impl EventHandler for Events {
    const TYPES: &'static [&'static str] = topology::RECOMMENDATION.types;

    async fn handle(&self, conn: &mut PgConnection, event: &Envelope) -> anyhow::Result<()> {
        match event.event_type.as_str() {
            ExtensionPublished::TYPE => {
                let published: ExtensionPublished = event.payload()?;
                let item = IndexedItem::extension(
                    published.id,
                    Some(published.version),
                    &published.name,
                    published.display_name,
                    published.description.as_deref(),
                    &published.keywords,
                    event.time,
                );
                items::upsert(conn, &item).await?;
            }
            LayoutPublished::TYPE => {
                let published: LayoutPublished = event.payload()?;
                let item = IndexedItem::layout(
                    published.id,
                    published.name,
                    published.description.as_deref(),
                    &published.tags,
                    published.panels,
                    published.topics,
                    event.time,
                );
                items::upsert(conn, &item).await?;
            }
            ContentRemoved::TYPE => {
                let removed: ContentRemoved = event.payload()?;
                // A yanked version leaves the item in the catalog.
                if removed.version.is_none() && removed.reason != RemovalReason::Yanked {
                    items::remove(conn, removed.kind.as_str(), &removed.id, event.time).await?;
                }
            }
            FeedbackSubmitted::TYPE => {
                let submitted: FeedbackSubmitted = event.payload()?;
                self.learn(conn, &submitted.events).await?;
            }
            // A routing mistake: fail, so it ends in the dead-letter queue.
            other => anyhow::bail!("recommendation does not handle {other} events"),
        }
        Ok(())
    }
}

impl Events {
    async fn learn(
        &self,
        conn: &mut PgConnection,
        events: &[SubmittedFeedback],
    ) -> anyhow::Result<()> {
        let today = OffsetDateTime::now_utc().date();
        let mut deltas: BTreeMap<(String, String, String), f64> = BTreeMap::new();
        let mut learned = 0;
        for event in events {
            // Online acceptance: any acceptance of an item served here,
            // learned from or not.
            if event.feedback_type == "recommendation_accepted"
                && let (Some(item), Some(id)) = (
                    event.item.as_ref(),
                    event
                        .recommendation_id
                        .as_deref()
                        .and_then(|id| id.parse().ok()),
                )
            {
                let item = format!("{}:{}", item.kind.as_str(), item.id);
                model::note_acceptance(conn, id, &item).await?;
            }
        }
        for event in events {
            let reward = f64::from(reward(&event.feedback_type, event.rating));
            let Some(item) = event.item.as_ref().filter(|_| reward != 0.0) else {
                continue;
            };
            // Only what this service served, about an item it served there.
            let Some(id) = event
                .recommendation_id
                .as_deref()
                .and_then(|id| id.parse().ok())
            else {
                continue;
            };
            let Some((tokens, served_items)) = model::served(conn, id).await? else {
                continue;
            };
            let kind = item.kind.as_str();
            if tokens.is_empty() || !served_items.contains(&format!("{kind}:{}", item.id)) {
                continue;
            }
            let install = event.install.as_deref().unwrap_or(UNKNOWN_INSTALL);
            let granted = model::grant(
                conn,
                install,
                (kind, &item.id),
                today,
                reward.abs(),
                self.learning.max_daily_influence,
            )
            .await?;
            if granted <= 0.0 {
                continue;
            }
            let client = event.address_hash.as_deref().map_or_else(
                || UNKNOWN_CLIENT.to_owned(),
                |hash| format!("client:{hash}"),
            );
            let granted = model::grant(
                conn,
                &client,
                (kind, &item.id),
                today,
                granted,
                self.learning.max_daily_influence_per_client,
            )
            .await?;
            if granted <= 0.0 {
                continue;
            }
            learned += 1;
            let delta = granted.copysign(reward);
            for token in tokens {
                *deltas
                    .entry((token, kind.to_owned(), item.id.clone()))
                    .or_default() += delta;
            }
        }
        let deltas: Vec<(String, String, String, f64)> = deltas
            .into_iter()
            .map(|((token, kind, id), delta)| (token, kind, id, delta))
            .collect();
        model::add_weights(conn, &deltas, self.half_life_days).await?;
        model::note_learning(conn, events.len() as i64, learned).await?;
        Ok(())
    }
}
