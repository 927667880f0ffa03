//! Tables partitioned by UTC day (`events_20261130`): a partition is made
//! when first needed or a day ahead, and dropped whole once it passes the
//! retention period, so that forgetting a day costs a `DROP TABLE`, not a
//! `DELETE` of its rows. DDL serialises on an advisory lock per table, so
//! replicas doing it at once do not trip over each other.

use sqlx::PgConnection;
use time::{Date, Duration};

/// One table partitioned by `RANGE (day)`.
#[derive(Debug, Clone, Copy)]
pub struct DayPartitions {
    /// The partitioned table, in the service's schema (a plain identifier).
    pub table: &'static str,
    /// The advisory lock its partition changes hold.
    pub lock: i64,
}

impl DayPartitions {
    fn name(&self, day: Date) -> String {
        format!(
            "{}_{:04}{:02}{:02}",
            self.table,
            day.year(),
            u8::from(day.month()),
            day.day()
        )
    }

    /// The day a partition's name stands for.
    fn day_of(&self, name: &str) -> Option<Date> {
        let digits = name.strip_prefix(self.table)?.strip_prefix('_')?;
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = digits[..4].parse().ok()?;
        let month: u8 = digits[4..6].parse().ok()?;
        let day: u8 = digits[6..].parse().ok()?;
        Date::from_calendar_date(year, month.try_into().ok()?, day).ok()
    }

    /// Makes the partitions of `days` that do not exist yet.
    pub async fn ensure(&self, conn: &mut PgConnection, days: &[Date]) -> sqlx::Result<()> {
        let mut days = days.to_vec();
        days.sort();
        days.dedup();
        let existing = self.existing(conn).await?;
        let missing: Vec<Date> = days.into_iter().filter(|d| !existing.contains(d)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(self.lock)
            .execute(&mut *tx)
            .await?;
        for day in missing {
            // Names and bounds come from dates and a constant, never from
            // input text.
            let statement = format!(
                "CREATE TABLE IF NOT EXISTS {} PARTITION OF {} FOR VALUES FROM ('{day}') TO ('{}')",
                self.name(day),
                self.table,
                day + Duration::days(1)
            );
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    /// The days that have a partition.
    pub async fn existing(&self, conn: &mut PgConnection) -> sqlx::Result<Vec<Date>> {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text
             FROM pg_inherits i
             JOIN pg_class c ON c.oid = i.inhrelid
             JOIN pg_class p ON p.oid = i.inhparent
             WHERE p.relname = $1 AND p.relnamespace = current_schema()::regnamespace",
        )
        .bind(self.table)
        .fetch_all(&mut *conn)
        .await?;
        Ok(names.iter().filter_map(|n| self.day_of(n)).collect())
    }

    /// Drops the partitions of the days before `cutoff`; answers those days.
    pub async fn drop_before(
        &self,
        conn: &mut PgConnection,
        cutoff: Date,
    ) -> sqlx::Result<Vec<Date>> {
        let mut old: Vec<Date> = self
            .existing(conn)
            .await?
            .into_iter()
            .filter(|d| *d < cutoff)
            .collect();
        old.sort();
        if old.is_empty() {
            return Ok(old);
        }
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(self.lock)
            .execute(&mut *tx)
            .await?;
        for day in &old {
            let statement = format!("DROP TABLE IF EXISTS {}", self.name(*day));
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(old)
    }
}

/// Whether `error` is PostgreSQL refusing a row no partition takes (a day
/// without its partition yet).
pub fn is_missing_partition(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "23514")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use time::Month;

    use super::*;

    #[test]
    fn names_and_days_round_trip() {
        let events = DayPartitions {
            table: "events",
            lock: 1,
        };
        let day = Date::from_calendar_date(2026, Month::March, 7).unwrap();
        assert_eq!(events.name(day), "events_20260307");
        assert_eq!(events.day_of(&events.name(day)), Some(day));
        for other in [
            "events",
            "events_2026030",
            "events_20261399",
            "eventsx20260307",
            "outbox_20260307",
        ] {
            assert_eq!(events.day_of(other), None, "{other}");
        }
    }
}
