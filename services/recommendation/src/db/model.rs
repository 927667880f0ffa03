//! The learned model: weights by (token, item), each install's daily
//! influence, the model's counters, and the recommendations served.

use sora_common::partitions::DayPartitions;
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// `served`, partitioned by the UTC day of each recommendation's id.
pub const SERVED: DayPartitions = DayPartitions {
    table: "served",
    lock: 0x736f_7261_7276, // "sorarv"
};

/// The UTC day a recommendation id (a UUIDv7) was made; None for an id of
/// another kind, which nothing served here has.
pub fn day_of_id(id: Uuid) -> Option<Date> {
    let (seconds, _) = id.get_timestamp()?.to_unix();
    OffsetDateTime::from_unix_timestamp(i64::try_from(seconds).ok()?)
        .ok()
        .map(OffsetDateTime::date)
}

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
    let today = OffsetDateTime::now_utc().date();
    let days: Vec<Date> = ids
        .iter()
        .map(|id| day_of_id(*id).unwrap_or(today))
        .collect();
    let versions: Vec<&str> = served.iter().map(|s| s.model_version.as_str()).collect();
    // Each row's lists travel (and stay) as JSON arrays.
    let tokens: Vec<serde_json::Value> =
        served.iter().map(|s| serde_json::json!(s.tokens)).collect();
    let items: Vec<serde_json::Value> = served.iter().map(|s| serde_json::json!(s.items)).collect();
    // Counted for online acceptance once each (a retried write inserts
    // nothing the second time), when it had items to accept.
    sqlx::query!(
        r#"WITH inserted AS (
               INSERT INTO served (recommendation_id, model_version, tokens, items, day)
               SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[], $5::date[])
               ON CONFLICT DO NOTHING
               RETURNING model_version, served_at, items)
           INSERT INTO online_acceptance (ranking, day, served)
           SELECT split_part(model_version, '.learned-', 1),
                  (served_at AT TIME ZONE 'UTC')::date, count(*)
           FROM inserted WHERE jsonb_array_length(items) > 0
           GROUP BY 1, 2
           ON CONFLICT (ranking, day)
           DO UPDATE SET served = online_acceptance.served + EXCLUDED.served"#,
        &ids,
        &versions as &[&str],
        &tokens,
        &items,
        &days,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The days `served` rows would go to.
pub fn days_of(served: &[Served]) -> Vec<Date> {
    let today = OffsetDateTime::now_utc().date();
    served
        .iter()
        .map(|s| day_of_id(s.recommendation_id).unwrap_or(today))
        .collect()
}

/// The feature tokens a served recommendation was made for, and its items
/// (`kind:id`).
pub async fn served(
    conn: &mut PgConnection,
    recommendation_id: Uuid,
) -> sqlx::Result<Option<(Vec<String>, Vec<String>)>> {
    let Some(day) = day_of_id(recommendation_id) else {
        return Ok(None);
    };
    let row = sqlx::query!(
        "SELECT tokens, items FROM served WHERE recommendation_id = $1 AND day = $2",
        recommendation_id,
        day
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

/// Notes that `item` (`kind:id`) of a served recommendation was accepted:
/// the recommendation counts as accepted once, at the best rank any of its
/// items was accepted at. Nothing when it was not served here or did not
/// hold the item.
pub async fn note_acceptance(
    conn: &mut PgConnection,
    recommendation_id: Uuid,
    item: &str,
) -> sqlx::Result<()> {
    let Some(day) = day_of_id(recommendation_id) else {
        return Ok(());
    };
    sqlx::query!(
        r#"WITH s AS (
               SELECT recommendation_id, model_version, served_at, best_rank,
                      (SELECT e.ord FROM jsonb_array_elements_text(items) WITH ORDINALITY AS e (item, ord)
                       WHERE e.item = $2 LIMIT 1)::int AS rank
               FROM served WHERE recommendation_id = $1 AND day = $3 FOR UPDATE),
           better AS (
               UPDATE served SET best_rank = s.rank FROM s
               WHERE served.recommendation_id = s.recommendation_id AND served.day = $3
                 AND s.rank IS NOT NULL
                 AND (s.best_rank IS NULL OR s.best_rank > s.rank)
               RETURNING s.model_version, s.served_at, s.best_rank AS old, s.rank AS new)
           INSERT INTO online_acceptance (ranking, day, accepted, at_1, at_3, at_5)
           SELECT split_part(model_version, '.learned-', 1), (served_at AT TIME ZONE 'UTC')::date,
                  (old IS NULL)::int,
                  (new <= 1 AND coalesce(old, 32767) > 1)::int,
                  (new <= 3 AND coalesce(old, 32767) > 3)::int,
                  (new <= 5 AND coalesce(old, 32767) > 5)::int
           FROM better
           ON CONFLICT (ranking, day) DO UPDATE SET
               accepted = online_acceptance.accepted + EXCLUDED.accepted,
               at_1 = online_acceptance.at_1 + EXCLUDED.at_1,
               at_3 = online_acceptance.at_3 + EXCLUDED.at_3,
               at_5 = online_acceptance.at_5 + EXCLUDED.at_5"#,
        recommendation_id,
        item,
        day,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Online acceptance per ranking version over the days from `first`.
#[derive(Debug)]
pub struct OnlineAcceptance {
    pub ranking: String,
    pub served: i64,
    pub accepted: i64,
    pub at_1: i64,
    pub at_3: i64,
    pub at_5: i64,
}

pub async fn online_acceptance(
    conn: &mut PgConnection,
    first: Date,
) -> sqlx::Result<Vec<OnlineAcceptance>> {
    sqlx::query_as!(
        OnlineAcceptance,
        r#"SELECT ranking, sum(served)::int8 AS "served!", sum(accepted)::int8 AS "accepted!",
               sum(at_1)::int8 AS "at_1!", sum(at_3)::int8 AS "at_3!", sum(at_5)::int8 AS "at_5!"
           FROM online_acceptance WHERE day >= $1
           GROUP BY ranking ORDER BY ranking"#,
        first,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Forgets served recommendations of the days before `cutoff` (their
/// partitions are dropped whole) and the influence counts of days before
/// yesterday, and makes the partitions of yesterday, today and tomorrow;
/// returns the days dropped and the influence rows deleted.
pub async fn forget(conn: &mut PgConnection, cutoff: Date) -> sqlx::Result<(usize, u64)> {
    let today = OffsetDateTime::now_utc().date();
    let one = time::Duration::days(1);
    SERVED
        .ensure(conn, &[today - one, today, today + one])
        .await?;
    let days = SERVED.drop_before(conn, cutoff).await?.len();
    let influence = sqlx::query!("DELETE FROM influence WHERE day < current_date - 1")
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok((days, influence))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_uuid_v7_tells_the_day_it_was_made() {
        let id = Uuid::parse_str("019aef3c-1b2a-7000-8000-000000000001").unwrap();
        let day = Date::from_calendar_date(2025, time::Month::December, 5).unwrap();
        assert_eq!(day_of_id(id), Some(day));
        assert_eq!(
            day_of_id(Uuid::now_v7()),
            Some(OffsetDateTime::now_utc().date())
        );
        // Ids of other kinds say nothing: nothing served here has one.
        assert_eq!(day_of_id(Uuid::new_v4()), None);
        assert_eq!(day_of_id(Uuid::nil()), None);
    }
}
