//! A pooled connection does not keep the buffers its largest message grew:
//! after a 32 MiB statement and a 32 MiB answer, the heap is back near
//! where it was (sqlx alone keeps both for the connection's life).

use std::time::Duration;

use sora_common::db;
use tikv_jemalloc_ctl::{epoch, stats};

use crate::helpers::spawn_app;

const LARGE: usize = 32 * 1024 * 1024;

/// What the heap holds now (MiB): the least of a few readings, so that
/// another test's passing allocation does not count.
async fn live_mib() -> f64 {
    let mut least = f64::MAX;
    for _ in 0..5 {
        epoch::advance().unwrap();
        least = least.min(stats::allocated::read().unwrap() as f64 / (1024.0 * 1024.0));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    least
}

#[tokio::test]
async fn a_connection_gives_back_what_a_large_message_grew() {
    let app = spawn_app().await;
    let mut settings = app.settings.database.clone();
    settings.max_connections = 1;
    let pool = db::pool(&settings, "pools-test");
    let _: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let before = live_mib().await;

    let sent: i32 = sqlx::query_scalar("SELECT length($1)")
        .bind("x".repeat(LARGE))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sent as usize, LARGE);
    let read: String = sqlx::query_scalar("SELECT repeat('y', $1)")
        .bind(LARGE as i32)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(read.len(), LARGE);
    drop(read);
    // The one connection is back in the pool (released in the background),
    // and still open.
    sora_testing::eventually(Duration::from_secs(5), (1, 1), || async {
        (pool.size(), pool.num_idle())
    })
    .await;

    let after = live_mib().await;
    assert!(
        after - before < 16.0,
        "the heap kept {:.1} MiB after two 32 MiB messages",
        after - before
    );
}
