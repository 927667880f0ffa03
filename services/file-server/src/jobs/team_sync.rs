//! Keeps this replica's workspace views current (`crate::teams`): listens on
//! `file_server_workspaces` and drops each workspace announced. Keeping
//! starts only once listening, and stops (everything dropped) whenever the
//! connection is lost, since announcements made meanwhile are lost too.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::teams::TeamLists;

pub const CHANNEL: &str = "file_server_workspaces";

pub async fn run(pool: PgPool, teams: Arc<TeamLists>, mut shutdown: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(100);
    while !*shutdown.borrow() {
        let result = tokio::select! {
            result = follow(&pool, &teams) => result,
            _ = shutdown.changed() => return,
        };
        teams.following(false);
        if let Err(error) = result {
            tracing::warn!(error = %format!("{error:#}"), "workspace announcements lost; reconnecting");
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {},
            _ = shutdown.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Listens, then drops what each announcement names. The listener
/// reconnects by itself after a dropped connection and says so (`None`):
/// everything kept is dropped then, as it may have missed a change.
async fn follow(pool: &PgPool, teams: &TeamLists) -> anyhow::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Listening before keeping anything: nothing committed from here on is
    // missed.
    teams.following(true);
    loop {
        match listener.try_recv().await? {
            Some(notification) => teams.changed(notification.payload()).await,
            None => {
                tracing::info!("workspace announcements may have been missed; dropping every view");
                teams.following(true);
            }
        }
    }
}
