//! What feedback-api's handlers share: the pool, the writers' queue, the
//! keys that hash and seal, the rate limiter, and the step every accepted
//! event takes before it is handed to a writer.

use sora_common::ApiError;
use sora_common::ratelimit::KeyedLimiter;
use sqlx::PgPool;
use time::{Date, OffsetDateTime};

use crate::config::FeedbackSettings;
use crate::db;
use crate::db::events::NewEvent;
use crate::domain::event::{Limits, ValidEvent};
use crate::domain::pseudonyms::{DayKey, Hash16, Pseudonyms};
use crate::domain::redact::redact;
use crate::domain::sealing::Sealer;
use crate::jobs::writer::Writer;

pub struct AppState {
    pub db: PgPool,
    pub settings: FeedbackSettings,
    pub writer: Writer,
    pub pseudonyms: Pseudonyms,
    pub sealer: Sealer,
    /// Today's key for client addresses (single-flight when the day turns).
    pub day_keys: moka::future::Cache<Date, DayKey>,
    /// Per hashed client; `None` when turned off.
    pub limiter: Option<KeyedLimiter<Hash16>>,
    pub service: &'static str,
}

impl AppState {
    /// A day's key lives in memory a day at most (its secret in the
    /// database is deleted after the next day).
    pub fn day_key_cache() -> moka::future::Cache<Date, DayKey> {
        moka::future::Cache::builder()
            .max_capacity(4)
            .time_to_live(std::time::Duration::from_secs(24 * 3600))
            .build()
    }

    /// The key client addresses are hashed with today.
    pub async fn day_key(&self) -> Result<DayKey, ApiError> {
        let today = OffsetDateTime::now_utc().date();
        let (pool, pseudonyms) = (self.db.clone(), &self.pseudonyms);
        self.day_keys
            .try_get_with(today, async move {
                let mut conn = pool.acquire().await?;
                let secret = db::secrets::get_or_create(&mut conn, today).await?;
                Ok::<_, anyhow::Error>(pseudonyms.day_key(today, &secret))
            })
            .await
            .map_err(|error| {
                tracing::warn!(error = %error, "no key for today's client addresses");
                ApiError::Unavailable("the database is unavailable".to_owned())
            })
    }

    pub fn limits(&self) -> Limits {
        let ingest = &self.settings.ingest;
        Limits {
            max_events: ingest.max_events,
            max_skew: time::Duration::seconds(
                i64::try_from(ingest.max_clock_skew_secs).unwrap_or(i64::MAX),
            ),
            max_age: time::Duration::days(i64::from(self.settings.retention.days)),
        }
    }

    /// `event` as it is kept: the install id hashed, the comment redacted
    /// and sealed.
    pub fn to_store(
        &self,
        event: ValidEvent,
        client_hash: Hash16,
        received_at: OffsetDateTime,
    ) -> Result<NewEvent, ApiError> {
        let comment = event
            .comment
            .map(|text| self.sealer.seal(event.event_id, &redact(&text)))
            .transpose()
            .map_err(ApiError::internal)?;
        Ok(NewEvent {
            event_id: event.event_id,
            kind: event.kind,
            occurred_at: event.occurred_at,
            received_at,
            install_hash: self.pseudonyms.install(event.install_id),
            client_hash,
            app_version: event.app_version,
            os: event.os,
            locale: event.locale,
            item: event.item,
            recommendation_id: event.recommendation_id,
            rating: event.rating,
            comment,
            mcap_features: event.mcap_features,
        })
    }
}

/// The state's parts that need building.
pub fn sealer_of(settings: &FeedbackSettings) -> anyhow::Result<Sealer> {
    let current = crate::config::decode_key(&settings.encryption_key)
        .ok_or_else(|| anyhow::anyhow!("encryption_key is not a 32-byte key"))?;
    let older: Vec<[u8; 32]> = settings
        .old_encryption_keys
        .iter()
        .filter_map(crate::config::decode_key)
        .collect();
    Sealer::new(&current, &older)
}
