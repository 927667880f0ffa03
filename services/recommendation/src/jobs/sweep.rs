//! Forgets what is kept only for a while: served recommendations past
//! their retention (whole days: `served` is partitioned by day, made a day
//! ahead here), and influence counts of days gone by.

use std::time::Duration;

use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::db::model;

/// One pass: the days of served recommendations dropped, and the influence
/// rows deleted. A day is kept `retention_days` whole days after it ends.
pub async fn run_once(pool: &PgPool, retention_days: u32) -> anyhow::Result<(usize, u64)> {
    let mut conn = pool.acquire().await?;
    let cutoff = OffsetDateTime::now_utc().date() - time::Duration::days(i64::from(retention_days));
    Ok(model::forget(&mut conn, cutoff).await?)
}

/// A pass every hour until shutdown.
pub async fn run(pool: PgPool, retention_days: u32, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(error) = run_once(&pool, retention_days).await {
            tracing::warn!(error = %error, "sweeping served recommendations failed; will retry");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
