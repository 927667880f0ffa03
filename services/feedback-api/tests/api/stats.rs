//! Statistics: the summary's figures, zero-filled series, bounded ranges,
//! and the CSV export (RFC 4180, formulas neutralised).

use std::time::Duration;

use feedback_api::events::STATS_QUEUE;
use serde_json::{Value, json};
use sora_common::events::types::{
    ContentKind, DownloadCount, ExtensionPublished, FilesDownloaded, ItemRef, RecommendationServed,
};
use sora_testing::events::{Backend, message, send_to_queue};
use time::format_description::well_known::Rfc3339;
use time::{Duration as Span, OffsetDateTime};
use uuid::Uuid;

use crate::helpers::{Client, event, eventually, spawn_app};

fn by(install: Uuid, kind: &str, recommendation: Option<&str>) -> Value {
    let mut e = event(kind);
    e["install_id"] = json!(install);
    if let Some(id) = recommendation {
        e["recommendation_id"] = json!(id);
    }
    e
}

#[tokio::test]
async fn the_summary_counts_feedback_installs_and_acceptance() {
    let app = spawn_app().await;
    let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let mut low = by(a, "rating", None);
    low["rating"] = json!(2);
    // An acceptance may arrive before its showing: it counts when that does.
    app.submit_ok(&json!({"events": [by(c, "recommendation_accepted", Some("r4"))]}))
        .await;
    app.submit_ok(&json!({"events": [
        by(a, "rating", None), low,
        by(b, "recommendation_shown", Some("r1")),
        by(b, "recommendation_shown", Some("r2")),
        by(c, "recommendation_shown", Some("r3")),
        by(c, "recommendation_shown", Some("r4")),
        by(b, "recommendation_accepted", Some("r1")),
        by(b, "recommendation_dismissed", Some("r2")),
    ]}))
    .await;
    // Accepted twice (two events): one acceptance.
    app.submit_ok(&json!({"events": [by(b, "recommendation_accepted", Some("r1"))]}))
        .await;

    let response = app.get("/api/stats/summary").await;
    assert_eq!(response.status(), 401);
    let response = app.get_as("/api/stats/summary", &app.viewer()).await;
    assert_eq!(response.status(), 200);
    let summary: Value = response.json().await.unwrap();
    assert_eq!(summary["feedback_total"], 10, "{summary}");
    assert_eq!(summary["feedback"]["rating"], 2);
    assert_eq!(summary["feedback"]["recommendation_shown"], 4);
    assert_eq!(summary["feedback"]["recommendation_accepted"], 3);
    assert_eq!(summary["feedback"]["recommendation_dismissed"], 1);
    assert_eq!(summary["feedback"]["session_started"], 0);
    assert_eq!(summary["average_rating"], 3.0);
    assert_eq!(summary["unique_installs"], 3);
    assert_eq!(
        summary["recommendations"],
        json!({"shown": 4, "accepted": 2, "acceptance_rate": 0.5})
    );
    assert_eq!(summary["downloads"], 0);
}

fn served(id: &str, items: usize) -> RecommendationServed {
    RecommendationServed {
        recommendation_id: id.to_owned(),
        model_version: "learned-1".to_owned(),
        items: (0..items)
            .map(|i| ItemRef {
                kind: ContentKind::Layout,
                id: format!("layout-{i}"),
                version: None,
            })
            .collect(),
    }
}

#[tokio::test]
async fn what_the_recommender_served_counts_as_shown_once() {
    let app = spawn_app().await;
    let install = Uuid::new_v4();
    // A client reports one of them shown too, and accepts it.
    app.submit_ok(&json!({"events": [
        by(install, "recommendation_shown", Some("s1")),
        by(install, "recommendation_accepted", Some("s1")),
    ]}))
    .await;
    let first = message("recommendation", &served("s1", 3));
    let messages = [
        first.clone(),
        message("recommendation", &served("s2", 2)),
        // Nothing served: nothing to accept, not counted.
        message("recommendation", &served("s3", 0)),
        // Redelivered: applied once.
        first,
    ];
    send_to_queue(Backend::Postgres, &app.settings, STATS_QUEUE, &messages).await;
    // Shown once each; clients' own reports still count as feedback.
    eventually(
        Duration::from_secs(20),
        (
            json!({"shown": 2, "accepted": 1, "acceptance_rate": 0.5}),
            json!(1),
        ),
        || async {
            let summary: Value = app
                .get_as("/api/stats/summary", &app.viewer())
                .await
                .json()
                .await
                .unwrap();
            (
                summary["recommendations"].clone(),
                summary["feedback"]["recommendation_shown"].clone(),
            )
        },
    )
    .await;
}

#[tokio::test]
async fn series_are_zero_filled_per_hour_or_day() {
    let app = spawn_app().await;
    let now = OffsetDateTime::now_utc();
    let at = |kind: &str, ago: Span, recommendation: Option<&str>| {
        let mut e = by(Uuid::new_v4(), kind, recommendation);
        e["occurred_at"] = json!((now - ago).format(&Rfc3339).unwrap());
        e
    };
    app.submit_ok(&json!({"events": [
        at("session_started", Span::hours(2), None),
        at("session_started", Span::hours(2), None),
        at("rating", Span::hours(26), None),
        at("recommendation_shown", Span::hours(26), Some("s1")),
        at("recommendation_shown", Span::hours(26), Some("s2")),
        at("recommendation_accepted", Span::hours(25), Some("s1")),
    ]}))
    .await;
    let hour = |t: OffsetDateTime| {
        t.replace_minute(0)
            .unwrap()
            .replace_second(0)
            .unwrap()
            .replace_nanosecond(0)
            .unwrap()
    };
    let from = hour(now) - Span::hours(47);
    let to = hour(now) + Span::hours(1);
    let query = |metric: &str, interval: &str, from: OffsetDateTime, to: OffsetDateTime| {
        format!(
            "/api/stats/timeseries?metric={metric}&interval={interval}&from={}&to={}",
            from.format(&Rfc3339).unwrap().replace('+', "%2B"),
            to.format(&Rfc3339).unwrap().replace('+', "%2B"),
        )
    };
    let series = app.admin_json(&query("feedback", "hour", from, to)).await;
    let points = series["points"].as_array().unwrap();
    assert_eq!(points.len(), 48);
    let counts: Vec<i64> = points
        .iter()
        .map(|p| p["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<i64>(), 6);
    assert_eq!(counts[47 - 2], 2, "{counts:?}");
    assert_eq!(counts[47 - 26], 3, "{counts:?}");
    assert_eq!(counts[47 - 25], 1, "{counts:?}");
    assert_eq!(points[0]["time"], from.format(&Rfc3339).unwrap());

    let series = app.admin_json(&query("acceptance", "hour", from, to)).await;
    let point = &series["points"][47 - 26];
    assert_eq!(
        (point["shown"].as_i64(), point["accepted"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(point["rate"], 0.5);
    assert!(series["points"][0]["rate"].is_null());

    let today = now.date().midnight().assume_utc();
    let days = app
        .admin_json(&query(
            "feedback",
            "day",
            today - Span::days(6),
            today + Span::days(1),
        ))
        .await;
    let counts: Vec<i64> = days["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts.len(), 7);
    assert_eq!(counts.iter().sum::<i64>(), 6);
    // The events are at most two days old (one day, unless it is just past midnight).
    assert_eq!(counts[..4], [0; 4]);
    let downloads = app
        .admin_json("/api/stats/timeseries?metric=downloads")
        .await;
    assert_eq!(downloads["interval"], "day");
    assert!(downloads["points"].as_array().unwrap().len() >= 30);
}

#[tokio::test]
async fn ranges_and_parameters_are_checked() {
    let app = spawn_app().await;
    let viewer = app.viewer();
    for path in [
        "/api/stats/timeseries?metric=visits",
        "/api/stats/timeseries?metric=feedback&interval=minute",
        "/api/stats/timeseries?metric=feedback&interval=hour&from=2026-01-01&to=2026-03-01",
        "/api/stats/timeseries",
        "/api/stats/summary?from=2026-02-01&to=2026-01-01",
        "/api/stats/summary?from=2020-01-01&to=2026-01-01",
        "/api/stats/summary?from=last-week",
        "/api/stats/summary?format=xml",
        "/api/stats/export.csv?to=tomorrow",
    ] {
        let response = app.get_as(path, &viewer).await;
        assert_eq!(response.status(), 400, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }
    let ok = app
        .get_as(
            "/api/stats/summary?from=2026-01-01&to=2026-02-01T12:00:00%2B09:00",
            &viewer,
        )
        .await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["to"], "2026-02-01T03:00:00Z");
    for path in [
        "/api/stats/timeseries?metric=feedback",
        "/api/stats/export.csv",
    ] {
        assert_eq!(app.get(path).await.status(), 401, "{path}");
    }
}

#[tokio::test]
async fn the_export_is_rfc_4180_csv_with_formulas_neutralised() {
    let app = spawn_app().await;
    let evil = ExtensionPublished {
        id: "acme.evil".to_owned(),
        version: "1.0.0".to_owned(),
        publisher: "acme".to_owned(),
        name: "evil".to_owned(),
        display_name: Some("=HYPERLINK(\"http://x.example\",\"click\")".to_owned()),
        description: None,
        keywords: vec![],
        sha256: "0".repeat(64),
        size: 1,
        actor: "u1".to_owned(),
    };
    let downloaded = FilesDownloaded {
        counts: vec![DownloadCount {
            kind: ContentKind::Extension,
            id: "acme.evil".to_owned(),
            version: Some("1.0.0".to_owned()),
            day: OffsetDateTime::now_utc().date().to_string(),
            count: 5,
        }],
    };
    let messages = [
        message("file-server", &evil),
        message("file-server", &downloaded),
    ];
    send_to_queue(Backend::Postgres, &app.settings, STATS_QUEUE, &messages).await;
    eventually(Duration::from_secs(20), 5, || async {
        let body: Value = app.get("/api/stats/public").await.json().await.unwrap();
        body["downloads"].as_i64().unwrap_or_default()
    })
    .await;
    app.submit_ok(&json!({"events": [event("rating"), event("session_started")]}))
        .await;

    let response = app.get_as("/api/stats/export.csv", &app.viewer()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"sora-stats-"),
        "{disposition}"
    );
    let text = response.text().await.unwrap();
    assert!(
        text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'),
        "{text:?}"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "date",
            "metric",
            "item_kind",
            "item_id",
            "item_version",
            "item_name",
            "value"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let today = OffsetDateTime::now_utc().date().to_string();
    let expect = |metric: &str, cells: &[&str]| {
        let mut row = vec![today.clone(), metric.to_owned()];
        row.extend(cells.iter().map(|c| (*c).to_owned()));
        assert!(rows.contains(&row), "{row:?} not in {rows:?}");
    };
    expect(
        "downloads",
        &[
            "extension",
            "acme.evil",
            "1.0.0",
            "'=HYPERLINK(\"http://x.example\",\"click\")",
            "5",
        ],
    );
    expect("feedback.rating", &["", "", "", "", "1"]);
    expect("feedback.session_started", &["", "", "", "", "1"]);
    expect("unique_installs", &["", "", "", "", "2"]);
}

#[tokio::test]
async fn adoption_counts_active_new_and_returning_installs_and_extension_installs() {
    let app = spawn_app().await;
    let now = OffsetDateTime::now_utc();
    // Fixed installs: their hashes fall in distinct sketch registers, so the
    // small counts below are exact.
    let [a, b, c] = [1u128, 2, 3].map(Uuid::from_u128);
    let on = |install: Uuid, kind: &str, days_ago: i64, extension: Option<&str>| {
        let mut e = by(install, kind, None);
        e["occurred_at"] = json!((now - Span::days(days_ago)).format(&Rfc3339).unwrap());
        if let Some(id) = extension {
            e["item"] = json!({"kind": "extension", "id": id, "version": "1.0.0"});
        }
        e
    };
    let uninstall = on(a, "extension_uninstalled", 0, Some("acme.plot"));
    let uninstall_id = uninstall["event_id"].as_str().unwrap().to_owned();
    app.submit_ok(&json!({"events": [
        on(a, "session_started", 2, None),
        on(b, "extension_installed", 2, Some("acme.plot")),
        on(a, "extension_installed", 2, Some("acme.plot")),
        on(a, "session_started", 1, None),
        on(c, "extension_installed", 1, Some("acme.plot")),
        on(c, "extension_installed", 1, Some("acme.map")),
        on(a, "session_started", 0, None),
        uninstall,
        // Not an extension: not an install of one.
        on(b, "layout_applied", 1, None),
    ]}))
    .await;

    let today = now.date();
    let path = format!(
        "/api/stats/adoption?from={}&to={}",
        today - Span::days(2),
        today + Span::days(1)
    );
    assert_eq!(app.get(&path).await.status(), 401);
    let adoption = app.admin_json(&path).await;
    let days: Vec<(String, [u64; 5])> = adoption["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap();
            (
                d["day"].as_str().unwrap().to_owned(),
                [
                    n("active"),
                    n("weekly"),
                    n("monthly"),
                    n("new"),
                    n("returning"),
                ],
            )
        })
        .collect();
    assert_eq!(
        days,
        vec![
            ((today - Span::days(2)).to_string(), [2, 2, 2, 2, 0]),
            ((today - Span::days(1)).to_string(), [3, 3, 3, 1, 2]),
            (today.to_string(), [1, 3, 3, 0, 1]),
        ],
        "{adoption}"
    );
    let extensions = |adoption: &Value| -> Vec<(String, i64, i64, i64)> {
        adoption["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["id"].as_str().unwrap().to_owned(),
                    e["installs"].as_i64().unwrap(),
                    e["uninstalls"].as_i64().unwrap(),
                    e["net_installs"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        extensions(&adoption),
        vec![
            ("acme.plot".to_owned(), 3, 1, 2),
            ("acme.map".to_owned(), 1, 0, 1),
        ]
    );
    let plot = &adoption["extensions"][0]["days"];
    assert_eq!(plot.as_array().unwrap().len(), 3, "{plot}");
    assert_eq!(plot[0]["installs"], 2);
    assert_eq!(plot[2]["uninstalls"], 1);

    // A range after the installs still gives the net installs of those
    // active in it; one before them lists nobody.
    let yesterday = format!(
        "/api/stats/adoption?from={}&to={}",
        today - Span::days(1),
        today
    );
    let adoption = app.admin_json(&yesterday).await;
    assert_eq!(
        extensions(&adoption),
        vec![
            ("acme.map".to_owned(), 1, 0, 1),
            ("acme.plot".to_owned(), 1, 0, 2),
        ]
    );

    // Moderation deleting the uninstall takes it off.
    let deleted = app
        .client
        .delete(app.url(&format!("/api/feedback/{uninstall_id}")))
        .bearer_auth(app.admin())
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let adoption = app.admin_json(&path).await;
    assert_eq!(extensions(&adoption)[0], ("acme.plot".to_owned(), 3, 0, 3));

    // The export carries the same figures.
    let text = app
        .get_as(&path.replace("adoption", "export.csv"), &app.viewer())
        .await
        .text()
        .await
        .unwrap();
    let yesterday = (today - Span::days(1)).to_string();
    for line in [
        format!("{yesterday},extension.installs,extension,acme.plot,,,1"),
        format!("{yesterday},active_installs.weekly,,,,,3"),
        format!("{yesterday},installs.new,,,,,1"),
        format!("{yesterday},installs.returning,,,,,2"),
    ] {
        assert!(text.contains(&line), "{line} not in {text}");
    }

    for bad in [
        "/api/stats/adoption?from=2020-01-01&to=2026-01-01",
        "/api/stats/adoption?interval=day",
    ] {
        assert_eq!(app.get_as(bad, &app.viewer()).await.status(), 400, "{bad}");
    }
}
