//! feedback-api's event handlers: download statistics from file-server's
//! download events, the catalog's names (for reports) from its publish and
//! removal events, and what the recommender served (each recommendation
//! with items counts as shown, once, however many clients also report it
//! shown). Each event is applied once (the platform's inbox).

use std::collections::{BTreeMap, BTreeSet};

use sora_common::events::consumer::EventHandler;
use sora_common::events::topology;
use sora_common::events::types::{
    ContentRemoved, ExtensionPublished, FilesDownloaded, LayoutPublished, RecommendationServed,
    RemovalReason,
};
use sora_common::events::{Envelope, EventPayload};
use sqlx::PgConnection;
use time::format_description::well_known::Iso8601;
use time::{Date, OffsetDateTime, Time};

use crate::db::rollups::{self, DownloadCount};

/// The queue feedback-api consumes.
pub const STATS_QUEUE: &str = topology::FEEDBACK_STATS.queue;

pub struct StatsRecorder;

impl EventHandler for StatsRecorder {
    const TYPES: &'static [&'static str] = topology::FEEDBACK_STATS.types;

    async fn handle(&self, conn: &mut PgConnection, event: &Envelope) -> anyhow::Result<()> {
        match event.event_type.as_str() {
            FilesDownloaded::TYPE => {
                let downloaded: FilesDownloaded = event.payload()?;
                let counts = downloaded
                    .counts
                    .into_iter()
                    .map(|count| {
                        let day = Date::parse(&count.day, &Iso8601::DATE)
                            .map_err(|e| anyhow::anyhow!("bad day {}: {e}", count.day))?;
                        Ok(DownloadCount {
                            day,
                            hour: hour_within(day, event.time),
                            kind: count.kind.as_str().to_owned(),
                            item_id: count.id,
                            version: count.version.unwrap_or_default(),
                            count: i64::try_from(count.count)?,
                        })
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                rollups::add_downloads(conn, &counts).await?;
            }
            ExtensionPublished::TYPE => {
                let published: ExtensionPublished = event.payload()?;
                let name = published.display_name.as_deref().unwrap_or(&published.name);
                rollups::name_item(conn, "extension", &published.id, name).await?;
            }
            LayoutPublished::TYPE => {
                let published: LayoutPublished = event.payload()?;
                rollups::name_item(conn, "layout", &published.id, &published.name).await?;
            }
            ContentRemoved::TYPE => {
                let removed: ContentRemoved = event.payload()?;
                // A yanked version leaves the item in the catalog.
                if removed.version.is_none() && removed.reason != RemovalReason::Yanked {
                    rollups::remove_item(conn, removed.kind.as_str(), &removed.id).await?;
                }
            }
            RecommendationServed::TYPE => {
                let served: RecommendationServed = event.payload()?;
                // Nothing served, nothing to accept.
                if !served.items.is_empty() {
                    let shown = BTreeMap::from([(served.recommendation_id, event.time)]);
                    let today = OffsetDateTime::now_utc().date();
                    rollups::add_recommendations(conn, &shown, &BTreeSet::new(), today).await?;
                }
            }
            // A routing mistake: fail, so it ends in the dead-letter queue.
            other => anyhow::bail!("feedback-api does not handle {other} events"),
        }
        Ok(())
    }
}

/// The hour downloads of `day` are counted in: the hour the batch was sent
/// (batches leave within a second of their downloads), or the day's last
/// hour for a batch sent after midnight.
fn hour_within(day: Date, sent: OffsetDateTime) -> OffsetDateTime {
    let sent = sent.to_offset(time::UtcOffset::UTC);
    if sent.date() == day {
        rollups::hour_of(sent)
    } else {
        day.with_time(Time::from_hms(23, 0, 0).unwrap_or(Time::MIDNIGHT))
            .assume_utc()
    }
}
