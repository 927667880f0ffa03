//! Retention: day partitions of events are made a day ahead and dropped
//! whole once every event in them is older than `retention.days`; the daily
//! secrets of client-address keys are deleted after the next day; the
//! record of which recommendations were seen goes with the events. The
//! roll-ups stay: they hold counts, nobody's data.

use std::time::Duration;

use sqlx::PgPool;
use time::{Date, OffsetDateTime};
use tokio::sync::watch;

use crate::db::{partitions, rollups, secrets};

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub dropped_days: Vec<Date>,
    pub secrets_deleted: u64,
    pub recommendations_forgotten: u64,
}

/// One pass as of `now` (a parameter, so tests can move the clock).
pub async fn run_once(pool: &PgPool, days: u32, now: OffsetDateTime) -> anyhow::Result<Swept> {
    let mut conn = pool.acquire().await?;
    let today = now.to_offset(time::UtcOffset::UTC).date();
    let one = time::Duration::days(1);
    partitions::EVENTS
        .ensure(&mut conn, &[today - one, today, today + one])
        .await?;
    // Partition D holds events that occurred in [D, D+1): all past the
    // retention period once D+1 is, i.e. D < the cutoff's day.
    let cutoff = (now - time::Duration::days(i64::from(days)))
        .to_offset(time::UtcOffset::UTC)
        .date();
    let dropped_days = partitions::EVENTS.drop_before(&mut conn, cutoff).await?;
    let secrets_deleted = secrets::delete_before(&mut conn, today - one).await?;
    let recommendations_forgotten =
        rollups::forget_recommendations_before(&mut conn, cutoff).await?;
    Ok(Swept {
        dropped_days,
        secrets_deleted,
        recommendations_forgotten,
    })
}

pub async fn run(pool: PgPool, days: u32, every: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        let wait = match run_once(&pool, days, OffsetDateTime::now_utc()).await {
            Ok(swept) => {
                if !swept.dropped_days.is_empty() {
                    tracing::info!(days = ?swept.dropped_days, "dropped feedback past its retention");
                }
                every
            }
            Err(error) => {
                tracing::warn!(error = %error, "retention pass failed; retrying soon");
                every.min(Duration::from_secs(30))
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => return,
        }
    }
}
