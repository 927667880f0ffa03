//! The roll-ups reports read: written in the transaction that stores what
//! they count (feedback events, or file-server's download events), so a
//! count is never lost or made twice. Keys are written in a fixed order so
//! that two writers never wait on each other in a cycle.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use crate::domain::sketch::Sketch;

/// The hour `at` falls in (UTC).
pub fn hour_of(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(time::UtcOffset::UTC);
    at.replace_time(time::Time::from_hms(at.hour(), 0, 0).unwrap_or(time::Time::MIDNIGHT))
}

/// Counts of feedback in one hour, of one type.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackCount {
    pub count: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

/// Feedback counts by hour and type: a group of stored events with `sign`
/// 1, deleted ones with -1. `events` are (occurred_at, type, rating).
pub fn feedback_counts<'a>(
    events: impl IntoIterator<Item = (OffsetDateTime, &'a str, Option<i64>)>,
    sign: i64,
) -> BTreeMap<(OffsetDateTime, String), FeedbackCount> {
    let mut counts: BTreeMap<(OffsetDateTime, String), FeedbackCount> = BTreeMap::new();
    for (occurred_at, kind, rating) in events {
        let count = counts
            .entry((hour_of(occurred_at), kind.to_owned()))
            .or_default();
        count.count += sign;
        if let Some(rating) = rating {
            count.rating_sum += sign * rating;
            count.rating_count += sign;
        }
    }
    counts
}

/// Adds `counts` (by hour and type) to `feedback_hourly`; negative counts
/// take deleted events off.
pub async fn add_feedback(
    conn: &mut PgConnection,
    counts: &BTreeMap<(OffsetDateTime, String), FeedbackCount>,
) -> sqlx::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let (mut hours, mut kinds, mut n, mut sums, mut rated) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((hour, kind), count) in counts {
        hours.push(*hour);
        kinds.push(kind.clone());
        n.push(count.count);
        sums.push(count.rating_sum);
        rated.push(count.rating_count);
    }
    sqlx::query!(
        "INSERT INTO feedback_hourly (hour, type, count, rating_sum, rating_count)
         SELECT * FROM UNNEST($1::timestamptz[], $2::text[], $3::int8[], $4::int8[], $5::int8[])
         ON CONFLICT (hour, type) DO UPDATE SET
             count = feedback_hourly.count + EXCLUDED.count,
             rating_sum = feedback_hourly.rating_sum + EXCLUDED.rating_sum,
             rating_count = feedback_hourly.rating_count + EXCLUDED.rating_count",
        &hours,
        &kinds,
        &n,
        &sums,
        &rated,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Installs and uninstalls of one extension on one day.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct InstallCount {
    pub installs: i64,
    pub uninstalls: i64,
}

/// Extension installs and uninstalls by day and extension: a group of
/// stored events with `sign` 1, deleted ones with -1. `events` are (day,
/// type, item kind, item id); other types and items are left out.
pub fn install_counts<'a>(
    events: impl IntoIterator<Item = (Date, &'a str, Option<&'a str>, Option<&'a str>)>,
    sign: i64,
) -> BTreeMap<(Date, String), InstallCount> {
    let mut counts: BTreeMap<(Date, String), InstallCount> = BTreeMap::new();
    for (day, kind, item_kind, item_id) in events {
        let (Some("extension"), Some(item_id)) = (item_kind, item_id) else {
            continue;
        };
        let count = match kind {
            "extension_installed" | "extension_uninstalled" => {
                counts.entry((day, item_id.to_owned())).or_default()
            }
            _ => continue,
        };
        if kind == "extension_installed" {
            count.installs += sign;
        } else {
            count.uninstalls += sign;
        }
    }
    counts
}

/// Adds `counts` (by day and extension) to `extension_installs_daily`.
pub async fn add_extension_installs(
    conn: &mut PgConnection,
    counts: &BTreeMap<(Date, String), InstallCount>,
) -> sqlx::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let (mut days, mut ids, mut installs, mut uninstalls) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((day, id), count) in counts {
        days.push(*day);
        ids.push(id.clone());
        installs.push(count.installs);
        uninstalls.push(count.uninstalls);
    }
    sqlx::query!(
        "INSERT INTO extension_installs_daily (day, item_id, installs, uninstalls)
         SELECT * FROM UNNEST($1::date[], $2::text[], $3::int8[], $4::int8[])
         ON CONFLICT (day, item_id) DO UPDATE SET
             installs = extension_installs_daily.installs + EXCLUDED.installs,
             uninstalls = extension_installs_daily.uninstalls + EXCLUDED.uninstalls",
        &days,
        &ids,
        &installs,
        &uninstalls,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Merges `sketches` (by day) into `installs_daily`.
pub async fn add_installs(
    conn: &mut PgConnection,
    sketches: &BTreeMap<Date, Sketch>,
) -> sqlx::Result<()> {
    if sketches.is_empty() {
        return Ok(());
    }
    let days: Vec<Date> = sketches.keys().copied().collect();
    sqlx::query!(
        "INSERT INTO installs_daily (day, sketch)
         SELECT day, ''::bytea FROM UNNEST($1::date[]) AS d (day)
         ON CONFLICT (day) DO NOTHING",
        &days,
    )
    .execute(&mut *conn)
    .await?;
    let stored = sqlx::query!(
        "SELECT day, sketch FROM installs_daily WHERE day = ANY($1) ORDER BY day FOR UPDATE",
        &days,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut merged_days = Vec::with_capacity(stored.len());
    let mut merged = Vec::with_capacity(stored.len());
    for row in stored {
        let mut sketch = Sketch::from_bytes(&row.sketch);
        if let Some(new) = sketches.get(&row.day) {
            sketch.merge(new);
        }
        merged_days.push(row.day);
        merged.push(sketch.as_bytes().to_vec());
    }
    sqlx::query!(
        "UPDATE installs_daily SET sketch = u.sketch
         FROM UNNEST($1::date[], $2::bytea[]) AS u (day, sketch)
         WHERE installs_daily.day = u.day",
        &merged_days,
        &merged,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Recommendations shown (with when, the earliest per id) and accepted in
/// one group of events. Each counts once, in the hour it was first shown;
/// an acceptance that arrives before its showing counts when the showing
/// does.
pub async fn add_recommendations(
    conn: &mut PgConnection,
    shown: &BTreeMap<String, OffsetDateTime>,
    accepted: &BTreeSet<String>,
    today: Date,
) -> sqlx::Result<()> {
    let mut deltas: BTreeMap<OffsetDateTime, (i64, i64)> = BTreeMap::new();
    if !shown.is_empty() {
        let ids: Vec<String> = shown.keys().cloned().collect();
        let times: Vec<OffsetDateTime> = shown.values().copied().collect();
        let newly_shown = sqlx::query!(
            r#"INSERT INTO recommendations (recommendation_id, shown_at, seen_on)
               SELECT id, at, $3 FROM UNNEST($1::text[], $2::timestamptz[]) AS s (id, at)
               ON CONFLICT (recommendation_id) DO UPDATE
                   SET shown_at = EXCLUDED.shown_at, seen_on = EXCLUDED.seen_on
                   WHERE recommendations.shown_at IS NULL
               RETURNING shown_at AS "shown_at!", accepted"#,
            &ids,
            &times,
            today,
        )
        .fetch_all(&mut *conn)
        .await?;
        for row in newly_shown {
            let delta = deltas.entry(hour_of(row.shown_at)).or_default();
            delta.0 += 1;
            delta.1 += i64::from(row.accepted);
        }
    }
    if !accepted.is_empty() {
        let ids: Vec<String> = accepted.iter().cloned().collect();
        let newly_accepted = sqlx::query!(
            "INSERT INTO recommendations (recommendation_id, accepted, seen_on)
             SELECT id, true, $2 FROM UNNEST($1::text[]) AS a (id)
             ON CONFLICT (recommendation_id) DO UPDATE SET accepted = true
                 WHERE NOT recommendations.accepted
             RETURNING shown_at",
            &ids,
            today,
        )
        .fetch_all(&mut *conn)
        .await?;
        for shown_at in newly_accepted.into_iter().filter_map(|row| row.shown_at) {
            deltas.entry(hour_of(shown_at)).or_default().1 += 1;
        }
    }
    if deltas.is_empty() {
        return Ok(());
    }
    let hours: Vec<OffsetDateTime> = deltas.keys().copied().collect();
    let shown_n: Vec<i64> = deltas.values().map(|d| d.0).collect();
    let accepted_n: Vec<i64> = deltas.values().map(|d| d.1).collect();
    sqlx::query!(
        "INSERT INTO acceptance_hourly (hour, shown, accepted)
         SELECT * FROM UNNEST($1::timestamptz[], $2::int8[], $3::int8[])
         ON CONFLICT (hour) DO UPDATE SET
             shown = acceptance_hourly.shown + EXCLUDED.shown,
             accepted = acceptance_hourly.accepted + EXCLUDED.accepted",
        &hours,
        &shown_n,
        &accepted_n,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets recommendations last seen before `day` (their counts stay).
pub async fn forget_recommendations_before(
    conn: &mut PgConnection,
    day: Date,
) -> sqlx::Result<u64> {
    let done = sqlx::query!("DELETE FROM recommendations WHERE seen_on < $1", day)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Downloads of one item on one day, counted in one hour.
#[derive(Debug, Clone)]
pub struct DownloadCount {
    pub day: Date,
    pub hour: OffsetDateTime,
    pub kind: String,
    pub item_id: String,
    /// Empty for a layout.
    pub version: String,
    pub count: i64,
}

pub async fn add_downloads(conn: &mut PgConnection, counts: &[DownloadCount]) -> sqlx::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let mut per_day: BTreeMap<(Date, &str, &str, &str), i64> = BTreeMap::new();
    let mut per_hour: BTreeMap<OffsetDateTime, i64> = BTreeMap::new();
    let mut per_item: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    for c in counts {
        *per_day
            .entry((c.day, &c.kind, &c.item_id, &c.version))
            .or_default() += c.count;
        *per_hour.entry(c.hour).or_default() += c.count;
        *per_item.entry((&c.kind, &c.item_id)).or_default() += c.count;
    }
    let days: Vec<Date> = per_day.keys().map(|k| k.0).collect();
    let kinds: Vec<String> = per_day.keys().map(|k| k.1.to_owned()).collect();
    let ids: Vec<String> = per_day.keys().map(|k| k.2.to_owned()).collect();
    let versions: Vec<String> = per_day.keys().map(|k| k.3.to_owned()).collect();
    let n: Vec<i64> = per_day.values().copied().collect();
    sqlx::query!(
        "INSERT INTO download_days (day, kind, item_id, version, count)
         SELECT * FROM UNNEST($1::date[], $2::text[], $3::text[], $4::text[], $5::int8[])
         ON CONFLICT (day, kind, item_id, version) DO UPDATE
             SET count = download_days.count + EXCLUDED.count",
        &days,
        &kinds,
        &ids,
        &versions,
        &n,
    )
    .execute(&mut *conn)
    .await?;
    let hours: Vec<OffsetDateTime> = per_hour.keys().copied().collect();
    let n: Vec<i64> = per_hour.values().copied().collect();
    sqlx::query!(
        "INSERT INTO download_hours (hour, count)
         SELECT * FROM UNNEST($1::timestamptz[], $2::int8[])
         ON CONFLICT (hour) DO UPDATE SET count = download_hours.count + EXCLUDED.count",
        &hours,
        &n,
    )
    .execute(&mut *conn)
    .await?;
    let kinds: Vec<String> = per_item.keys().map(|k| k.0.to_owned()).collect();
    let ids: Vec<String> = per_item.keys().map(|k| k.1.to_owned()).collect();
    let n: Vec<i64> = per_item.values().copied().collect();
    sqlx::query!(
        "INSERT INTO download_totals (kind, item_id, count)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[])
         ON CONFLICT (kind, item_id) DO UPDATE
             SET count = download_totals.count + EXCLUDED.count",
        &kinds,
        &ids,
        &n,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The name reports show for an item (the latest published).
pub async fn name_item(
    conn: &mut PgConnection,
    kind: &str,
    item_id: &str,
    name: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO item_names (kind, item_id, name) VALUES ($1, $2, $3)
         ON CONFLICT (kind, item_id) DO UPDATE SET name = EXCLUDED.name, removed = false",
        kind,
        item_id,
        name,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An item left the catalog: reports stop listing it among the top.
pub async fn remove_item(conn: &mut PgConnection, kind: &str, item_id: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO item_names (kind, item_id, name, removed) VALUES ($1, $2, $2, true)
         ON CONFLICT (kind, item_id) DO UPDATE SET removed = true",
        kind,
        item_id,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
