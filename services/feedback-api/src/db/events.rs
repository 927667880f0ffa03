//! The `events` table: feedback as kept (hashes, sealed comments), written
//! many rows per statement, read and deleted by moderators.

use sora_common::events::types::{ContentKind, ItemRef};
use sora_common::features::McapFeatures;
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::db::partitions;
use crate::domain::event::FeedbackType;
use crate::domain::pseudonyms::Hash16;
use crate::domain::sealing::Sealed;

/// An event ready to store: nothing in it identifies anyone.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub kind: FeedbackType,
    pub occurred_at: OffsetDateTime,
    pub received_at: OffsetDateTime,
    pub install_hash: Hash16,
    pub client_hash: Hash16,
    pub app_version: Option<String>,
    pub os: Option<String>,
    pub locale: Option<String>,
    pub item: Option<ItemRef>,
    pub recommendation_id: Option<String>,
    pub rating: Option<u8>,
    pub comment: Option<Sealed>,
    pub mcap_features: Option<McapFeatures>,
}

impl NewEvent {
    /// The UTC day it occurred: its partition.
    pub fn day(&self) -> Date {
        self.occurred_at.to_offset(time::UtcOffset::UTC).date()
    }
}

/// Stores `events` (one statement); answers those stored, by id and day.
/// An event whose id and day are already stored is skipped: a retry.
pub async fn insert(
    conn: &mut PgConnection,
    events: &[&NewEvent],
) -> anyhow::Result<Vec<(Uuid, Date)>> {
    let n = events.len();
    let mut ids = Vec::with_capacity(n);
    let mut days = Vec::with_capacity(n);
    let mut occurred = Vec::with_capacity(n);
    let mut received = Vec::with_capacity(n);
    let mut kinds = Vec::with_capacity(n);
    let mut installs = Vec::with_capacity(n);
    let mut clients = Vec::with_capacity(n);
    let mut app_versions = Vec::with_capacity(n);
    let mut oses = Vec::with_capacity(n);
    let mut locales = Vec::with_capacity(n);
    let mut item_kinds = Vec::with_capacity(n);
    let mut item_ids = Vec::with_capacity(n);
    let mut item_versions = Vec::with_capacity(n);
    let mut recommendations = Vec::with_capacity(n);
    let mut ratings = Vec::with_capacity(n);
    let mut comment_keys = Vec::with_capacity(n);
    let mut comments = Vec::with_capacity(n);
    let mut features = Vec::with_capacity(n);
    for event in events {
        ids.push(event.event_id);
        days.push(event.day());
        occurred.push(event.occurred_at);
        received.push(event.received_at);
        kinds.push(event.kind.as_str().to_owned());
        installs.push(event.install_hash.to_vec());
        clients.push(event.client_hash.to_vec());
        app_versions.push(event.app_version.clone());
        oses.push(event.os.clone());
        locales.push(event.locale.clone());
        item_kinds.push(event.item.as_ref().map(|i| i.kind.as_str().to_owned()));
        item_ids.push(event.item.as_ref().map(|i| i.id.clone()));
        item_versions.push(event.item.as_ref().and_then(|i| i.version.clone()));
        recommendations.push(event.recommendation_id.clone());
        ratings.push(event.rating.map(i16::from));
        comment_keys.push(event.comment.as_ref().map(|c| c.key_id.clone()));
        comments.push(event.comment.as_ref().map(|c| c.bytes.clone()));
        features.push(
            event
                .mcap_features
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
        );
    }
    let stored = sqlx::query!(
        r#"INSERT INTO events (event_id, day, occurred_at, received_at, type, install_hash,
               client_hash, app_version, os, locale, item_kind, item_id, item_version,
               recommendation_id, rating, comment_key, comment, mcap_features)
           SELECT e.event_id, e.day, e.occurred_at, e.received_at, e.type, e.install_hash,
               e.client_hash, e.app_version, e.os, e.locale, e.item_kind, e.item_id,
               e.item_version, e.recommendation_id, e.rating, e.comment_key, e.comment,
               e.mcap_features::json
           FROM UNNEST($1::uuid[], $2::date[], $3::timestamptz[], $4::timestamptz[],
               $5::text[], $6::bytea[], $7::bytea[], $8::text[], $9::text[], $10::text[],
               $11::text[], $12::text[], $13::text[], $14::text[], $15::int2[], $16::text[],
               $17::bytea[], $18::text[])
             AS e (event_id, day, occurred_at, received_at, type, install_hash, client_hash,
               app_version, os, locale, item_kind, item_id, item_version, recommendation_id,
               rating, comment_key, comment, mcap_features)
           ON CONFLICT DO NOTHING
           RETURNING event_id, day"#,
        &ids,
        &days,
        &occurred,
        &received,
        &kinds,
        &installs,
        &clients,
        &app_versions as &[Option<String>],
        &oses as &[Option<String>],
        &locales as &[Option<String>],
        &item_kinds as &[Option<String>],
        &item_ids as &[Option<String>],
        &item_versions as &[Option<String>],
        &recommendations as &[Option<String>],
        &ratings as &[Option<i16>],
        &comment_keys as &[Option<String>],
        &comments as &[Option<Vec<u8>>],
        &features as &[Option<String>],
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(stored.into_iter().map(|r| (r.event_id, r.day)).collect())
}

/// An event as moderators see it: no hashes, the comment still sealed.
#[derive(Debug)]
pub struct StoredEvent {
    pub event_id: Uuid,
    pub kind: String,
    pub occurred_at: OffsetDateTime,
    pub received_at: OffsetDateTime,
    pub app_version: Option<String>,
    pub os: Option<String>,
    pub locale: Option<String>,
    pub item: Option<ItemRef>,
    pub recommendation_id: Option<String>,
    pub rating: Option<i16>,
    pub comment: Option<Sealed>,
    pub mcap_features: Option<serde_json::Value>,
}

struct Row {
    event_id: Uuid,
    kind: String,
    occurred_at: OffsetDateTime,
    received_at: OffsetDateTime,
    app_version: Option<String>,
    os: Option<String>,
    locale: Option<String>,
    item_kind: Option<String>,
    item_id: Option<String>,
    item_version: Option<String>,
    recommendation_id: Option<String>,
    rating: Option<i16>,
    comment_key: Option<String>,
    comment: Option<Vec<u8>>,
    mcap_features: Option<serde_json::Value>,
}

impl From<Row> for StoredEvent {
    fn from(row: Row) -> Self {
        let kind = match row.item_kind.as_deref() {
            Some("extension") => Some(ContentKind::Extension),
            Some("layout") => Some(ContentKind::Layout),
            _ => None,
        };
        Self {
            event_id: row.event_id,
            kind: row.kind,
            occurred_at: row.occurred_at,
            received_at: row.received_at,
            app_version: row.app_version,
            os: row.os,
            locale: row.locale,
            item: kind.zip(row.item_id).map(|(kind, id)| ItemRef {
                kind,
                id,
                version: row.item_version,
            }),
            recommendation_id: row.recommendation_id,
            rating: row.rating,
            comment: row
                .comment_key
                .zip(row.comment)
                .map(|(key_id, bytes)| Sealed { key_id, bytes }),
            mcap_features: row.mcap_features,
        }
    }
}

/// What moderators filter on.
#[derive(Debug, Default)]
pub struct Filter {
    pub kind: Option<String>,
    pub item_kind: Option<String>,
    pub item_id: Option<String>,
    pub has_comment: Option<bool>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
}

/// Where a page starts: after this event, in the list's order (newest
/// first, then by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    pub occurred_at: OffsetDateTime,
    pub event_id: Uuid,
}

/// Counting stops here: past it, a list says "more than" instead.
pub const COUNT_CAP: i64 = 1_000;

/// Up to `limit` events that pass `filter`, newest first, from `after` (or
/// skipping `offset`), and how many pass in all, at most [`COUNT_CAP`] + 1.
///
/// Read a day partition at a time, newest first, until the page is full
/// (and the count past its cap): a first page reads today's partition
/// alone, where one statement over every partition planned all of them
/// and opened each one's index (91 at the retention's end) to merge them.
/// A filter that few events pass reads further back, a day at a time; the
/// days of `from`/`to`/`after` bound it.
pub async fn list(
    conn: &mut PgConnection,
    filter: &Filter,
    after: Option<After>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<StoredEvent>, i64)> {
    let day = |t: Option<OffsetDateTime>| t.map(|t| t.to_offset(time::UtcOffset::UTC).date());
    let (from_day, to_day) = (day(filter.from), day(filter.to));
    let mut days = partitions::EVENTS.existing(conn).await?;
    days.retain(|d| from_day.is_none_or(|f| *d >= f) && to_day.is_none_or(|t| *d <= t));
    days.sort_unstable_by(|a, b| b.cmp(a));
    let after_day = day(after.map(|a| a.occurred_at));
    // The filters are optional parameters of one prepared statement. After
    // five runs PostgreSQL may keep one generic plan for all of them, made
    // for no filter in particular: it reads the newest-first index and
    // skips, and an item with few events makes that a scan of the day.
    // Each read is planned for the filters (and the day) it has.
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await?;
    let wanted = offset + limit;
    let mut rows = Vec::new();
    for &on in days.iter().filter(|d| after_day.is_none_or(|a| **d <= a)) {
        let more = sqlx::query_as!(
            Row,
            r#"SELECT event_id, type AS kind, occurred_at, received_at, app_version, os, locale,
                   item_kind, item_id, item_version, recommendation_id, rating, comment_key,
                   comment, mcap_features::jsonb AS "mcap_features: serde_json::Value"
               FROM events
               WHERE day = $1
                 AND ($2::text IS NULL OR type = $2)
                 AND ($3::text IS NULL OR item_kind = $3)
                 AND ($4::text IS NULL OR item_id = $4)
                 AND ($5::bool IS NULL OR (comment IS NOT NULL) = $5)
                 AND ($6::timestamptz IS NULL OR occurred_at >= $6)
                 AND ($7::timestamptz IS NULL OR occurred_at < $7)
                 AND ($8::timestamptz IS NULL OR (occurred_at, event_id) < ($8, $9::uuid))
               ORDER BY occurred_at DESC, event_id DESC
               LIMIT $10"#,
            on,
            filter.kind,
            filter.item_kind,
            filter.item_id,
            filter.has_comment,
            filter.from,
            filter.to,
            after.map(|a| a.occurred_at),
            after.map(|a| a.event_id),
            wanted - rows.len() as i64,
        )
        .fetch_all(&mut *tx)
        .await?;
        rows.extend(more);
        if rows.len() as i64 >= wanted {
            break;
        }
    }
    let mut total = 0;
    for &on in &days {
        total += sqlx::query_scalar!(
            r#"SELECT count(*) AS "count!" FROM (
                   SELECT 1 FROM events
                   WHERE day = $1
                     AND ($2::text IS NULL OR type = $2)
                     AND ($3::text IS NULL OR item_kind = $3)
                     AND ($4::text IS NULL OR item_id = $4)
                     AND ($5::bool IS NULL OR (comment IS NOT NULL) = $5)
                     AND ($6::timestamptz IS NULL OR occurred_at >= $6)
                     AND ($7::timestamptz IS NULL OR occurred_at < $7)
                   LIMIT $8) kept"#,
            on,
            filter.kind,
            filter.item_kind,
            filter.item_id,
            filter.has_comment,
            filter.from,
            filter.to,
            COUNT_CAP + 1 - total,
        )
        .fetch_one(&mut *tx)
        .await?;
        if total > COUNT_CAP {
            break;
        }
    }
    tx.commit().await?;
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(rows.len());
    Ok((
        rows.into_iter()
            .skip(offset)
            .map(StoredEvent::from)
            .collect(),
        total,
    ))
}

pub async fn get(conn: &mut PgConnection, event_id: Uuid) -> sqlx::Result<Option<StoredEvent>> {
    let row = sqlx::query_as!(
        Row,
        r#"SELECT event_id, type AS kind, occurred_at, received_at, app_version, os, locale,
               item_kind, item_id, item_version, recommendation_id, rating, comment_key,
               comment, mcap_features::jsonb AS "mcap_features: serde_json::Value"
           FROM events WHERE event_id = $1
           ORDER BY received_at LIMIT 1"#,
        event_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(StoredEvent::from))
}

/// What a deleted event counted for, to take it off the roll-ups.
#[derive(Debug)]
pub struct Deleted {
    pub kind: String,
    pub day: Date,
    pub occurred_at: OffsetDateTime,
    pub rating: Option<i16>,
    pub item_kind: Option<String>,
    pub item_id: Option<String>,
}

/// Deletes the event (every row with its id: a client may have reused one
/// on another day).
pub async fn delete(conn: &mut PgConnection, event_id: Uuid) -> sqlx::Result<Vec<Deleted>> {
    sqlx::query_as!(
        Deleted,
        r#"DELETE FROM events WHERE event_id = $1
           RETURNING type AS kind, day, occurred_at, rating, item_kind, item_id"#,
        event_id,
    )
    .fetch_all(&mut *conn)
    .await
}
