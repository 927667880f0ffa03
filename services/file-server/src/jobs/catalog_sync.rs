//! Keeps this replica's catalog current: listens on `file_server_catalog`
//! (announced by a trigger on every change), reloads the items announced, in
//! small batches, and reloads everything whenever it (re)connects, since
//! announcements made while it was away are lost.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::catalog::{Catalog, Changes};

pub const CHANNEL: &str = "file_server_catalog";

/// Announcements arriving this close together are reloaded together.
const BATCH_WINDOW: Duration = Duration::from_millis(10);
const MAX_BATCH: usize = 1000;
/// Everything is read again this often anyway, as a safety net.
const RESYNC_EVERY: Duration = Duration::from_secs(600);

pub async fn run(pool: PgPool, catalog: Arc<Catalog>, mut shutdown: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(100);
    while !*shutdown.borrow() {
        let result = tokio::select! {
            result = follow(&pool, &catalog) => result,
            _ = shutdown.changed() => return,
        };
        if let Err(error) = result {
            tracing::warn!(error = %format!("{error:#}"), "catalog announcements lost; reconnecting");
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {},
            _ = shutdown.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Listens, resynchronises, then applies announcements. The listener
/// reconnects by itself after a dropped connection and says so (`None`):
/// what was announced meanwhile is lost, so everything is read again.
async fn follow(pool: &PgPool, catalog: &Catalog) -> anyhow::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Listening before reading: nothing committed from here on is missed.
    catalog.load_all(&mut *pool.acquire().await?).await?;
    tracing::debug!("catalog loaded");
    let mut resync = tokio::time::interval(RESYNC_EVERY);
    resync.tick().await;
    loop {
        let first = tokio::select! {
            notification = listener.try_recv() => notification?,
            _ = resync.tick() => None,
        };
        let Some(first) = first else {
            tracing::info!("catalog announcements may have been missed; reading everything again");
            catalog.load_all(&mut *pool.acquire().await?).await?;
            continue;
        };
        let mut changes = Changes::default();
        changes.add_announcement(first.payload());
        let mut lost = false;
        while changes.len() < MAX_BATCH {
            match tokio::time::timeout(BATCH_WINDOW, listener.try_recv()).await {
                Ok(Ok(Some(notification))) => changes.add_announcement(notification.payload()),
                Ok(Ok(None)) => {
                    lost = true;
                    break;
                }
                Ok(Err(error)) => return Err(error.into()),
                Err(_) => break,
            }
        }
        let mut conn = pool.acquire().await?;
        if lost {
            catalog.load_all(&mut conn).await?;
        } else {
            catalog.reload(&mut conn, &changes).await?;
        }
    }
}
