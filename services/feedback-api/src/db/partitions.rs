//! The day partitions of `events` (`events_20261130`): made when first
//! needed or a day ahead, dropped whole when they pass the retention period.
//! DDL serialises on an advisory lock, so replicas doing it at once do not
//! trip over each other.

use sqlx::PgConnection;
use time::{Date, Duration};

/// The advisory lock partition changes hold (per database).
const LOCK: i64 = 0x736f_7261_6662; // "sorafb"

fn name(day: Date) -> String {
    format!(
        "events_{:04}{:02}{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// The day a partition's name stands for.
fn day_of(name: &str) -> Option<Date> {
    let digits = name.strip_prefix("events_")?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = digits[..4].parse().ok()?;
    let month: u8 = digits[4..6].parse().ok()?;
    let day: u8 = digits[6..].parse().ok()?;
    Date::from_calendar_date(year, month.try_into().ok()?, day).ok()
}

/// Makes the partitions of `days` that do not exist yet.
pub async fn ensure(conn: &mut PgConnection, days: &[Date]) -> sqlx::Result<()> {
    let mut days = days.to_vec();
    days.sort();
    days.dedup();
    let existing = existing(conn).await?;
    let missing: Vec<Date> = days.into_iter().filter(|d| !existing.contains(d)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", LOCK)
        .execute(&mut *tx)
        .await?;
    for day in missing {
        // Names and bounds come from dates, never from input text.
        let statement = format!(
            "CREATE TABLE IF NOT EXISTS {} PARTITION OF events FOR VALUES FROM ('{day}') TO ('{}')",
            name(day),
            day + Duration::days(1)
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// The days that have a partition.
pub async fn existing(conn: &mut PgConnection) -> sqlx::Result<Vec<Date>> {
    let names = sqlx::query_scalar!(
        r#"SELECT c.relname AS "name!"
           FROM pg_inherits i
           JOIN pg_class c ON c.oid = i.inhrelid
           JOIN pg_class p ON p.oid = i.inhparent
           WHERE p.relname = 'events' AND p.relnamespace = current_schema()::regnamespace"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(names.iter().filter_map(|n| day_of(n)).collect())
}

/// Drops the partitions of the days before `cutoff`; answers those days.
pub async fn drop_before(conn: &mut PgConnection, cutoff: Date) -> sqlx::Result<Vec<Date>> {
    let mut old: Vec<Date> = existing(conn)
        .await?
        .into_iter()
        .filter(|d| *d < cutoff)
        .collect();
    old.sort();
    if old.is_empty() {
        return Ok(old);
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", LOCK)
        .execute(&mut *tx)
        .await?;
    for day in &old {
        let statement = format!("DROP TABLE IF EXISTS {}", name(*day));
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(old)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use time::Month;

    use super::*;

    #[test]
    fn names_and_days_round_trip() {
        let day = Date::from_calendar_date(2026, Month::March, 7).unwrap();
        assert_eq!(name(day), "events_20260307");
        assert_eq!(day_of(&name(day)), Some(day));
        for other in [
            "events",
            "events_2026030",
            "events_20261399",
            "outbox_20260307",
        ] {
            assert_eq!(day_of(other), None, "{other}");
        }
    }
}
