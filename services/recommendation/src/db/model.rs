//! The learned model: weights by (token, item), each install's daily
//! influence, the model's counters, and the recommendations served.

use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// No learned weight grows beyond this, either way.
pub const WEIGHT_LIMIT: f64 = 1000.0;

#[derive(Debug, Clone)]
pub struct WeightRow {
    pub token: String,
    pub kind: String,
    pub item_id: String,
    pub weight: f64,
    pub updated_at: OffsetDateTime,
}

/// The database's clock: what every replica dates its reads by, so that
/// their clocks need not agree.
pub async fn database_now(conn: &mut PgConnection) -> sqlx::Result<OffsetDateTime> {
    sqlx::query_scalar!(r#"SELECT now() AS "now!""#)
        .fetch_one(conn)
        .await
}

/// Weights updated at or after `since` (all of them without).
pub async fn weights_changed_since(
    conn: &mut PgConnection,
    since: Option<OffsetDateTime>,
) -> sqlx::Result<Vec<WeightRow>> {
    sqlx::query_as!(
        WeightRow,
        "SELECT token, kind, item_id, weight, updated_at FROM weights
         WHERE $1::timestamptz IS NULL OR updated_at >= $1",
        since,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Takes up to `amount` of what `install` may still move the item today
/// (at most `cap` a day); returns what was granted. One statement, so
/// concurrent consumers cannot both spend the same allowance.
pub async fn grant(
    conn: &mut PgConnection,
    install: &str,
    (kind, item_id): (&str, &str),
    day: Date,
    amount: f64,
    cap: f64,
) -> sqlx::Result<f64> {
    sqlx::query_scalar!(
        r#"INSERT INTO influence AS i (install, kind, item_id, day, used, granted)
           VALUES ($1, $2, $3, $4, LEAST($5::float8, $6::float8), LEAST($5::float8, $6::float8))
           ON CONFLICT (install, kind, item_id, day) DO UPDATE SET
               used = LEAST($6::float8, i.used + $5::float8),
               granted = LEAST($6::float8, i.used + $5::float8) - i.used
           RETURNING granted"#,
        install,
        kind,
        item_id,
        day,
        amount,
        cap,
    )
    .fetch_one(&mut *conn)
    .await
}

/// Adds `deltas` (token, kind, item id, delta; each key once) to the
/// weights, decaying what was there by its age first.
pub async fn add_weights(
    conn: &mut PgConnection,
    deltas: &[(String, String, String, f64)],
    half_life_days: f64,
) -> sqlx::Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    let tokens: Vec<&str> = deltas.iter().map(|d| d.0.as_str()).collect();
    let kinds: Vec<&str> = deltas.iter().map(|d| d.1.as_str()).collect();
    let ids: Vec<&str> = deltas.iter().map(|d| d.2.as_str()).collect();
    let values: Vec<f64> = deltas.iter().map(|d| d.3).collect();
    sqlx::query!(
        r#"INSERT INTO weights AS w (token, kind, item_id, weight)
           SELECT t, k, i, GREATEST(-$6::float8, LEAST($6::float8, v))
           FROM UNNEST($1::text[], $2::text[], $3::text[], $4::float8[]) AS d (t, k, i, v)
           ON CONFLICT (token, kind, item_id) DO UPDATE SET
               weight = GREATEST(-$6::float8, LEAST($6::float8,
                   w.weight * power(2, -EXTRACT(EPOCH FROM (now() - w.updated_at))::float8
                                       / ($5::float8 * 86400.0))
                   + EXCLUDED.weight)),
               updated_at = now()"#,
        &tokens as &[&str],
        &kinds as &[&str],
        &ids as &[&str],
        &values,
        half_life_days,
        WEIGHT_LIMIT,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The model's counters.
#[derive(Debug, Clone, Default)]
pub struct ModelRow {
    pub version: i64,
    pub events_seen: i64,
    pub events_learned: i64,
    pub last_update: Option<OffsetDateTime>,
}

pub async fn model(conn: &mut PgConnection) -> sqlx::Result<ModelRow> {
    sqlx::query_as!(
        ModelRow,
        "SELECT version, events_seen, events_learned, last_update FROM model"
    )
    .fetch_one(&mut *conn)
    .await
}

/// Counts feedback events seen and learned from; a new version when any
/// weight moved.
pub async fn note_learning(conn: &mut PgConnection, seen: i64, learned: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE model SET events_seen = events_seen + $1,
                          events_learned = events_learned + $2,
                          version = version + (CASE WHEN $2 > 0 THEN 1 ELSE 0 END),
                          last_update = CASE WHEN $2 > 0 THEN now() ELSE last_update END",
        seen,
        learned,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One recommendation served.
#[derive(Debug, Clone)]
pub struct Served {
    pub recommendation_id: Uuid,
    pub model_version: String,
    pub tokens: Vec<String>,
    /// `kind:id` of each item, in order.
    pub items: Vec<String>,
}

pub async fn insert_served(conn: &mut PgConnection, served: &[Served]) -> sqlx::Result<()> {
    let ids: Vec<Uuid> = served.iter().map(|s| s.recommendation_id).collect();
    let versions: Vec<&str> = served.iter().map(|s| s.model_version.as_str()).collect();
    // Each row's lists travel (and stay) as JSON arrays.
    let tokens: Vec<serde_json::Value> =
        served.iter().map(|s| serde_json::json!(s.tokens)).collect();
    let items: Vec<serde_json::Value> = served.iter().map(|s| serde_json::json!(s.items)).collect();
    sqlx::query!(
        r#"INSERT INTO served (recommendation_id, model_version, tokens, items)
           SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[])
           ON CONFLICT DO NOTHING"#,
        &ids,
        &versions as &[&str],
        &tokens,
        &items,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The feature tokens a served recommendation was made for, and its items
/// (`kind:id`).
pub async fn served(
    conn: &mut PgConnection,
    recommendation_id: Uuid,
) -> sqlx::Result<Option<(Vec<String>, Vec<String>)>> {
    let row = sqlx::query!(
        "SELECT tokens, items FROM served WHERE recommendation_id = $1",
        recommendation_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|row| {
        (
            serde_json::from_value(row.tokens).unwrap_or_default(),
            serde_json::from_value(row.items).unwrap_or_default(),
        )
    }))
}

/// Forgets served recommendations older than `before`, and the influence
/// counts of days before yesterday; returns the rows deleted.
pub async fn forget(conn: &mut PgConnection, before: OffsetDateTime) -> sqlx::Result<u64> {
    let served = sqlx::query!("DELETE FROM served WHERE served_at < $1", before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let influence = sqlx::query!("DELETE FROM influence WHERE day < current_date - 1")
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(served + influence)
}
