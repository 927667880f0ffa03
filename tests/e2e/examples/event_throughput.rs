//! `make bench` scenario: events through outbox → bus → consumer.
//!
//!     event_throughput <postgres|sqs> <burst> <rate_per_s> <seconds>
//!
//! Runs file-server's relay and admin-api's audit consumer (the production
//! code, in one process) against the database and bus from the `SORA_*`
//! environment, then measures two things:
//! - latency: `rate_per_s` events a second for `seconds`, each in its own
//!   transaction; p50/p99 of publish → audit row committed;
//! - throughput: `burst` events committed at once; events per second from the
//!   first commit to the last audit row.
//!
//! Prints one line: `RESULT eps=… p50_ms=… p99_ms=… events=…`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use sora_common::events::outbox;
use sora_common::events::types::AdminAction;
use sora_common::events::{EventBackend, EventsSettings};
use sora_common::server::ServerSettings;
use sora_common::{Platform, Settings};
use sqlx::PgPool;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backend = match args.first().map(String::as_str) {
        Some("sqs") => EventBackend::Sqs,
        _ => EventBackend::Postgres,
    };
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let burst = number(1, 2000) as usize;
    let rate = number(2, 100);
    let seconds = number(3, 5);
    let run = uuid::Uuid::new_v4().simple().to_string();

    let configure = |server: &mut ServerSettings, events: &mut EventsSettings| {
        server.port = 0;
        events.backend = backend;
        events.relay_interval_ms = 100;
        events.wait_secs = 1;
        events.sqs.queue_prefix = format!("bench{}-", &run[..8]);
    };
    let mut producer_settings = Settings::load(&file_server::SPEC)?;
    configure(&mut producer_settings.server, &mut producer_settings.events);
    let mut consumer_settings = Settings::load(&admin_api::SPEC)?;
    configure(&mut consumer_settings.server, &mut consumer_settings.events);
    let producer_pool = sora_common::db::pool(&producer_settings.database, "bench-producer");
    let consumer_pool = sora_common::db::pool(&consumer_settings.database, "bench-consumer");

    let producer =
        file_server::build(Platform::start(&file_server::SPEC, producer_settings).await?).await?;
    let consumer =
        admin_api::build(Platform::start(&admin_api::SPEC, consumer_settings).await?).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    for app in [producer, consumer] {
        let mut stopped = stopped.clone();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.changed().await;
        }));
    }

    // Latency at a steady rate, one event per transaction.
    let paced = format!("bench.paced.{run}");
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let total = (rate * seconds) as usize;
    let started = Instant::now();
    for n in 0..total {
        let due = started + interval * n as u32;
        tokio::time::sleep_until(due.into()).await;
        let mut tx = producer_pool.begin().await?;
        outbox::enqueue(&mut tx, "file-server", &event(&paced, n)).await?;
        tx.commit().await?;
    }
    wait_for(&consumer_pool, &paced, total).await?;
    let (p50, p99): (f64, f64) = sqlx::query_as(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)
         FROM (SELECT extract(epoch FROM recorded_at - occurred_at) * 1000 AS ms FROM audit_log WHERE action = $1) t",
    )
    .bind(&paced)
    .fetch_one(&consumer_pool)
    .await?;

    // Throughput of a burst committed at once.
    let burst_action = format!("bench.burst.{run}");
    let mut tx = producer_pool.begin().await?;
    for n in 0..burst {
        outbox::enqueue(&mut tx, "file-server", &event(&burst_action, n)).await?;
    }
    tx.commit().await?;
    let committed = Instant::now();
    wait_for(&consumer_pool, &burst_action, burst).await?;
    let eps = burst as f64 / committed.elapsed().as_secs_f64();

    println!(
        "RESULT eps={eps:.1} p50_ms={p50:.3} p99_ms={p99:.3} events={}",
        total + burst
    );
    let _ = stop.send(true);
    Ok(())
}

fn event(action: &str, n: usize) -> AdminAction {
    AdminAction {
        actor: "bench".to_owned(),
        action: action.to_owned(),
        target_type: "bench".to_owned(),
        target_id: n.to_string(),
        details: serde_json::Value::Null,
    }
}

async fn wait_for(pool: &PgPool, action: &str, count: usize) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let done: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(pool)
            .await?;
        if done as usize >= count {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {done} of {count} events arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
