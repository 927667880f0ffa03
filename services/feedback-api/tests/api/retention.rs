//! Retention with a moved clock: day partitions past `retention.days` are
//! dropped whole, the daily secrets go after the next day, the roll-ups stay.

use feedback_api::jobs::retention;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::helpers::{Client, event, spawn_app};

async fn partition_days(pool: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname = 'events' AND p.relnamespace = 'feedback'::regnamespace
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn events_past_retention_disappear_with_their_day_partition() {
    let app = spawn_app().await;
    let pool = sora_common::db::pool(&app.settings.database, "test");
    let now = OffsetDateTime::now_utc();
    let at = |days: i64| {
        let mut e = event("rating");
        e["occurred_at"] = json!((now - Duration::days(days)).format(&Rfc3339).unwrap());
        e
    };
    let (oldest, older, recent) = (at(89), at(30), at(0));
    app.submit_ok(&json!({"events": [oldest, older, recent]}))
        .await;
    let partitions = partition_days(&pool).await;
    let day = |days: i64| {
        let d = (now - Duration::days(days)).date();
        format!(
            "events_{:04}{:02}{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    };
    for days in [89, 30, 0] {
        assert!(partitions.contains(&day(days)), "{partitions:?}");
    }
    let secrets: i64 = sqlx::query_scalar("SELECT count(*) FROM daily_secrets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(secrets, 1);

    // Today: nothing is old enough.
    let swept = retention::run_once(&pool, 90, now).await.unwrap();
    assert!(swept.dropped_days.is_empty(), "{swept:?}");
    assert_eq!(app.stored().await.len(), 3);

    // Two days on: the oldest event's day is past 90 days, and today's
    // secret is older than yesterday.
    let swept = retention::run_once(&pool, 90, now + Duration::days(2))
        .await
        .unwrap();
    assert_eq!(swept.dropped_days, [(now - Duration::days(89)).date()]);
    assert_eq!(swept.secrets_deleted, 1);
    let ids: Vec<String> = app
        .stored()
        .await
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&oldest["event_id"].as_str().unwrap().to_owned()));
    assert!(!partition_days(&pool).await.contains(&day(89)));

    // Ninety-one days on: every event is gone, its partitions with it.
    retention::run_once(&pool, 90, now + Duration::days(91))
        .await
        .unwrap();
    assert!(app.stored().await.is_empty());
    let remaining = partition_days(&pool).await;
    for days in [89, 30, 0] {
        assert!(!remaining.contains(&day(days)), "{remaining:?}");
    }
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(events, 0);

    // The counts stay: the summary still has the three ratings.
    let summary = app
        .admin_json(&format!(
            "/api/stats/summary?from={}&to={}",
            (now - Duration::days(100)).date(),
            (now + Duration::days(1)).date()
        ))
        .await;
    assert_eq!(summary["feedback"]["rating"], 3, "{summary}");
    assert_eq!(summary["average_rating"], 4.0);
}
