//! What reports read: the roll-ups only, never the raw events, so a summary
//! over years costs a few thousand rows.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

/// Feedback of one type within a range.
#[derive(Debug)]
pub struct TypeCount {
    pub kind: String,
    pub count: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

pub async fn feedback_by_type(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> sqlx::Result<Vec<TypeCount>> {
    sqlx::query_as!(
        TypeCount,
        r#"SELECT type AS kind, sum(count)::int8 AS "count!",
               sum(rating_sum)::int8 AS "rating_sum!", sum(rating_count)::int8 AS "rating_count!"
           FROM feedback_hourly WHERE hour >= $1 AND hour < $2
           GROUP BY type ORDER BY type"#,
        from,
        to,
    )
    .fetch_all(&mut *conn)
    .await
}

pub async fn downloads(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT coalesce(sum(count), 0)::int8 AS "n!" FROM download_hours
           WHERE hour >= $1 AND hour < $2"#,
        from,
        to,
    )
    .fetch_one(&mut *conn)
    .await
}

/// Recommendations shown and accepted (counted in the hour shown).
pub async fn acceptance(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> sqlx::Result<(i64, i64)> {
    let row = sqlx::query!(
        r#"SELECT coalesce(sum(shown), 0)::int8 AS "shown!",
               coalesce(sum(accepted), 0)::int8 AS "accepted!"
           FROM acceptance_hourly WHERE hour >= $1 AND hour < $2"#,
        from,
        to,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.shown, row.accepted))
}

/// The install sketches of the days from `first` to `last`.
pub async fn install_sketches(
    conn: &mut PgConnection,
    first: Date,
    last: Date,
) -> sqlx::Result<Vec<(Date, Vec<u8>)>> {
    let rows = sqlx::query!(
        "SELECT day, sketch FROM installs_daily WHERE day >= $1 AND day <= $2 ORDER BY day",
        first,
        last,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.day, r.sketch)).collect())
}

/// One bucket of a time series: its start and the figures in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub start: OffsetDateTime,
    pub value: i64,
    /// The second figure where there is one (acceptance: accepted).
    pub other: i64,
}

/// What a time series counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Downloads,
    Feedback,
    /// Shown, and accepted.
    Acceptance,
}

/// Non-empty buckets of `metric` from `from` to `to`, by hour or by UTC day.
pub async fn series(
    conn: &mut PgConnection,
    metric: Metric,
    daily: bool,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> sqlx::Result<Vec<Bucket>> {
    let unit = if daily { "day" } else { "hour" };
    let rows = match metric {
        Metric::Downloads => sqlx::query!(
            r#"SELECT date_trunc($1, hour, 'UTC') AS "start!", sum(count)::int8 AS "value!",
                   0::int8 AS "other!"
               FROM download_hours WHERE hour >= $2 AND hour < $3
               GROUP BY 1 ORDER BY 1"#,
            unit,
            from,
            to,
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.start, r.value, r.other))
        .collect::<Vec<_>>(),
        Metric::Feedback => sqlx::query!(
            r#"SELECT date_trunc($1, hour, 'UTC') AS "start!", sum(count)::int8 AS "value!",
                   0::int8 AS "other!"
               FROM feedback_hourly WHERE hour >= $2 AND hour < $3
               GROUP BY 1 ORDER BY 1"#,
            unit,
            from,
            to,
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.start, r.value, r.other))
        .collect(),
        Metric::Acceptance => sqlx::query!(
            r#"SELECT date_trunc($1, hour, 'UTC') AS "start!", sum(shown)::int8 AS "value!",
                   sum(accepted)::int8 AS "other!"
               FROM acceptance_hourly WHERE hour >= $2 AND hour < $3
               GROUP BY 1 ORDER BY 1"#,
            unit,
            from,
            to,
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.start, r.value, r.other))
        .collect(),
    };
    Ok(rows
        .into_iter()
        .map(|(start, value, other)| Bucket {
            start,
            value,
            other,
        })
        .collect())
}

/// An item among the most downloaded.
#[derive(Debug)]
pub struct TopItem {
    pub kind: String,
    pub item_id: String,
    pub name: Option<String>,
    pub downloads: i64,
}

/// All-time downloads, and the `limit` most downloaded items of each kind
/// still in the catalog.
pub async fn public(conn: &mut PgConnection, limit: i64) -> sqlx::Result<(i64, Vec<TopItem>)> {
    let total =
        sqlx::query_scalar!(r#"SELECT coalesce(sum(count), 0)::int8 AS "n!" FROM download_totals"#)
            .fetch_one(&mut *conn)
            .await?;
    let top = sqlx::query_as!(
        TopItem,
        r#"SELECT kind AS "kind!", item_id AS "item_id!", name AS "name?", count AS "downloads!"
           FROM (
               SELECT t.kind, t.item_id, n.name, t.count,
                      row_number() OVER (PARTITION BY t.kind ORDER BY t.count DESC, t.item_id) AS rank
               FROM download_totals t
               LEFT JOIN item_names n ON n.kind = t.kind AND n.item_id = t.item_id
               WHERE NOT coalesce(n.removed, false)
           ) ranked
           WHERE rank <= $1
           ORDER BY kind, rank"#,
        limit,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok((total, top))
}

/// Downloads of one item (and version) on one day, for the export.
#[derive(Debug)]
pub struct ItemDay {
    pub day: Date,
    pub kind: String,
    pub item_id: String,
    /// Empty for a layout.
    pub version: String,
    pub name: Option<String>,
    pub downloads: i64,
}

pub async fn item_days(
    conn: &mut PgConnection,
    first: Date,
    last: Date,
) -> sqlx::Result<Vec<ItemDay>> {
    sqlx::query_as!(
        ItemDay,
        r#"SELECT d.day, d.kind, d.item_id, d.version, n.name AS "name?", d.count AS downloads
           FROM download_days d
           LEFT JOIN item_names n ON n.kind = d.kind AND n.item_id = d.item_id
           WHERE d.day >= $1 AND d.day <= $2
           ORDER BY d.day, d.kind, d.item_id, d.version"#,
        first,
        last,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Feedback per day and type, for the export.
pub async fn feedback_days(
    conn: &mut PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> sqlx::Result<Vec<(Date, String, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT (hour AT TIME ZONE 'UTC')::date AS "day!", type, sum(count)::int8 AS "count!"
           FROM feedback_hourly WHERE hour >= $1 AND hour < $2
           GROUP BY 1, 2 ORDER BY 1, 2"#,
        from,
        to,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.day, r.r#type, r.count))
        .collect())
}

/// One extension's installs and uninstalls on one day.
#[derive(Debug)]
pub struct InstallDay {
    pub day: Date,
    pub item_id: String,
    pub name: Option<String>,
    pub installs: i64,
    pub uninstalls: i64,
}

/// Extension installs and uninstalls from `first` to `last`, by extension
/// then day.
pub async fn install_days(
    conn: &mut PgConnection,
    first: Date,
    last: Date,
) -> sqlx::Result<Vec<InstallDay>> {
    sqlx::query_as!(
        InstallDay,
        r#"SELECT d.day, d.item_id, n.name AS "name?", d.installs, d.uninstalls
           FROM extension_installs_daily d
           LEFT JOIN item_names n ON n.kind = 'extension' AND n.item_id = d.item_id
           WHERE d.day >= $1 AND d.day <= $2
           ORDER BY d.item_id, d.day"#,
        first,
        last,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Each of `ids`' installs net of uninstalls, over everything counted.
pub async fn net_installs(
    conn: &mut PgConnection,
    ids: &[String],
) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT item_id, sum(installs - uninstalls)::int8 AS "net!"
           FROM extension_installs_daily WHERE item_id = ANY($1)
           GROUP BY item_id"#,
        ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.item_id, r.net)).collect())
}
