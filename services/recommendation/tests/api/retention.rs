//! What was served is kept by day: each answer in its day's partition, a
//! lookup reads that day alone, and the sweep drops whole days past the
//! retention (and makes tomorrow's ahead).

use recommendation::db::model::SERVED;
use recommendation::jobs::sweep;
use time::{Duration as Span, OffsetDateTime};
use uuid::{Timestamp, Uuid};

use crate::helpers::{Api, features_of, spawn_app};

#[tokio::test]
async fn served_answers_are_kept_and_dropped_by_day() {
    let app = spawn_app().await;
    app.with_fixture_layouts().await;
    let answer = app
        .recommend_ok(&features_of(&["/camera/image", "/tf"]))
        .await;
    let id = Uuid::parse_str(answer["recommendation_id"].as_str().unwrap()).unwrap();
    let pool = sora_common::db::pool(&app.settings.database, "test");
    let today = OffsetDateTime::now_utc().date();
    let partition = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT tableoid::regclass::text FROM served WHERE recommendation_id = $1",
        )
        .bind(id)
        .fetch_optional(&pool)
        .await
        .unwrap()
    };
    let name = |day: time::Date| format!("served_{}", day.to_string().replace('-', ""));
    sora_testing::eventually(
        std::time::Duration::from_secs(10),
        Some(name(today)),
        partition,
    )
    .await;

    // An answer of 100 days ago, in its own day's partition.
    let old_day = today - Span::days(100);
    let old_at = old_day.midnight().assume_utc() + Span::hours(12);
    let old_id = Uuid::new_v7(Timestamp::from_unix(
        uuid::NoContext,
        u64::try_from(old_at.unix_timestamp()).unwrap(),
        0,
    ));
    let mut conn = pool.acquire().await.unwrap();
    SERVED.ensure(&mut conn, &[old_day]).await.unwrap();
    sqlx::query(
        "INSERT INTO served (recommendation_id, day, model_version, tokens, items)
         VALUES ($1, $2, 'content-1.learned-0', '[]', '[\"layout:a\"]')",
    )
    .bind(old_id)
    .bind(old_day)
    .execute(&mut *conn)
    .await
    .unwrap();
    assert!(SERVED.existing(&mut conn).await.unwrap().contains(&old_day));

    // 90 days kept: the old day goes whole, today's answer stays, and
    // tomorrow's partition is there before the first answer of tomorrow.
    let (dropped, _) = sweep::run_once(&pool, 90).await.unwrap();
    assert_eq!(dropped, 1);
    let days = SERVED.existing(&mut conn).await.unwrap();
    assert!(!days.contains(&old_day), "{days:?}");
    assert!(days.contains(&(today + Span::days(1))), "{days:?}");
    assert_eq!(partition().await, Some(name(today)));
    let old: i64 = sqlx::query_scalar("SELECT count(*) FROM served WHERE recommendation_id = $1")
        .bind(old_id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(old, 0);
    // A second pass has nothing left to drop.
    assert_eq!(sweep::run_once(&pool, 90).await.unwrap().0, 0);
}
