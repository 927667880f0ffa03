//! Moderation: administrators only; listing with filters, reading a comment
//! and deleting an event, the last two audited as `sora.admin.action.v1`.

use std::time::Duration;

use feedback_api::db::events::{self, Filter};
use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_common::events::Envelope;
use sora_common::events::bus::EventBus;
use sora_common::events::topology;
use sora_common::events::types::AdminAction;
use sora_testing::events::pg_bus;
use time::format_description::well_known::Rfc3339;
use time::{Duration as Span, OffsetDateTime};

use crate::helpers::{Client, TestApp, batch, event, eventually, spawn_app};

/// The audit events published so far, read from admin-api's queue, which
/// gets them whether admin-api runs or not.
async fn audited(app: &TestApp, expected: usize) -> Vec<AdminAction> {
    let bus = pg_bus(&app.settings);
    let audit = topology::ADMIN_AUDIT.queue;
    eventually(Duration::from_secs(10), expected as u64, || async {
        bus.depth(audit).await.unwrap().ready
    })
    .await;
    let deliveries = bus
        .receive(audit, 10, Duration::from_secs(1))
        .await
        .unwrap();
    let mut actions = Vec::new();
    for delivery in deliveries {
        actions.push(Envelope::parse(&delivery.body).unwrap().payload().unwrap());
        bus.ack(audit, &delivery.receipt).await.unwrap();
    }
    actions
}

#[tokio::test]
async fn only_administrators_moderate() {
    let app = spawn_app().await;
    let mut rating = event("rating");
    rating["comment"] = json!("nice");
    app.submit_ok(&rating).await;
    let one = format!("/api/feedback/{}", rating["event_id"].as_str().unwrap());
    for role in [Role::Viewer, Role::Editor] {
        let token = app.tokens.token(role);
        assert_eq!(app.get_as("/api/feedback", &token).await.status(), 403);
        assert_eq!(app.get_as(&one, &token).await.status(), 403);
        let delete = app.client.delete(app.url(&one)).bearer_auth(&token);
        assert_eq!(delete.send().await.unwrap().status(), 403);
    }
    assert_eq!(app.get("/api/feedback").await.status(), 401);
    assert_eq!(app.get(&one).await.status(), 401);
    assert_eq!(app.stored().await.len(), 1);
}

#[tokio::test]
async fn administrators_list_with_filters() {
    let app = spawn_app().await;
    let now = OffsetDateTime::now_utc();
    let mut commented = event("rating");
    commented["comment"] = json!("the plot panel froze");
    let mut old = event("layout_applied");
    old["occurred_at"] = json!((now - Span::days(3)).format(&Rfc3339).unwrap());
    app.submit_ok(&json!({"events": [
        commented, old, event("extension_installed"), event("session_started"),
        event("session_started"),
    ]}))
    .await;

    let app = &app;
    let list = |query: &str| {
        let path = format!("/api/feedback?{query}");
        async move { app.admin_json(&path).await }
    };
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = list("").await;
    assert_eq!(all["total"], 5);
    // Newest first; the list never carries comments, only whether there is one.
    assert_eq!(ids(&all).last().unwrap(), "layout_applied");
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.get("comment").is_none())
    );
    assert_eq!(
        ids(&list("type=session_started").await),
        ["session_started"; 2]
    );
    let with_comment = list("has_comment=true").await;
    assert_eq!(ids(&with_comment), ["rating"]);
    assert_eq!(with_comment["items"][0]["has_comment"], true);
    assert_eq!(list("has_comment=false").await["total"], 4);
    assert_eq!(
        ids(&list("item_kind=extension&item_id=acme.plot").await),
        ["extension_installed"]
    );
    let day = (now - Span::days(2)).date();
    assert_eq!(ids(&list(&format!("to={day}")).await), ["layout_applied"]);
    assert_eq!(list(&format!("from={day}")).await["total"], 4);
    let paged = list("per_page=2&page=3").await;
    assert_eq!(
        (paged["total"].as_i64(), paged["per_page"].as_i64()),
        (Some(5), Some(2))
    );
    assert_eq!(ids(&paged).len(), 1);
    assert!(paged["next"].is_null());

    // A page that spans two days (read a day partition at a time).
    let spanning = list("per_page=3&page=2").await;
    assert_eq!(ids(&spanning).len(), 2);
    assert_eq!(ids(&spanning).last().unwrap(), "layout_applied");

    // Following `next` walks the list in its order, each event once, across
    // days (pages of 3: the second holds today's last and the old one).
    let everything: Vec<Value> = all["items"].as_array().unwrap().clone();
    let mut walked = Vec::new();
    let mut page = list("per_page=3").await;
    loop {
        assert_eq!(
            (page["total"].as_i64(), page["total_capped"].as_bool()),
            (Some(5), Some(false))
        );
        walked.extend(page["items"].as_array().unwrap().iter().cloned());
        let Some(next) = page["next"].as_str() else {
            break;
        };
        page = list(&format!("per_page=3&after={next}")).await;
    }
    assert_eq!(walked, everything);
    let first = list("per_page=2").await;
    let sessions = list(&format!(
        "type=session_started&per_page=1&after={}",
        first["next"].as_str().unwrap()
    ))
    .await;
    assert!(ids(&sessions).iter().all(|t| t == "session_started"));

    for bad in [
        "type=page_viewed",
        "item_kind=panel",
        "from=soon",
        "has_comment=maybe",
        "sort=asc",
        "after=yesterday",
        "after=12_not-a-uuid",
        "page=2&after=1764979200000000_00000000-0000-0000-0000-000000000000",
        "page=501&per_page=20",
    ] {
        let response = app
            .get_as(&format!("/api/feedback?{bad}"), &app.admin())
            .await;
        assert_eq!(response.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn reading_a_comment_and_deleting_an_event_are_audited() {
    let app = spawn_app().await;
    let mut rating = event("rating");
    rating["comment"] = json!("Panel crashed, write to ops@example.org");
    rating["rating"] = json!(1);
    let other = event("rating");
    app.submit_ok(&json!({"events": [rating, other]})).await;
    let id = rating["event_id"].as_str().unwrap();
    let admin = app.tokens.token_for("admin-7", Role::Admin);

    let response = app.get_as(&format!("/api/feedback/{id}"), &admin).await;
    assert_eq!(response.status(), 200);
    let read: Value = response.json().await.unwrap();
    assert_eq!(read["comment"], "Panel crashed, write to [email]");
    assert_eq!(read["rating"], 1);
    let actions = audited(&app, 1).await;
    assert_eq!(actions.len(), 1);
    assert_eq!(
        (
            actions[0].actor.as_str(),
            actions[0].action.as_str(),
            actions[0].target_id.as_str()
        ),
        ("admin-7", "feedback.read", id)
    );
    assert!(
        !serde_json::to_string(&actions[0])
            .unwrap()
            .contains("crashed")
    );

    let delete = || {
        app.client
            .delete(app.url(&format!("/api/feedback/{id}")))
            .bearer_auth(&admin)
    };
    assert_eq!(delete().send().await.unwrap().status(), 204);
    assert_eq!(
        app.get_as(&format!("/api/feedback/{id}"), &admin)
            .await
            .status(),
        404
    );
    assert_eq!(delete().send().await.unwrap().status(), 404);
    let remaining = app.stored().await;
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0]["event_id"], other["event_id"]);
    // Its counts leave the reports.
    let summary = app.admin_json("/api/stats/summary").await;
    assert_eq!(summary["feedback"]["rating"], 1);
    assert_eq!(summary["average_rating"], 4.0);
    let actions = audited(&app, 1).await;
    assert_eq!(
        (actions[0].action.as_str(), actions[0].target_type.as_str()),
        ("feedback.deleted", "feedback")
    );

    let missing = uuid::Uuid::new_v4();
    let response = app
        .get_as(&format!("/api/feedback/{missing}"), &admin)
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn past_a_thousand_events_the_count_stops_and_next_goes_on() {
    let app = spawn_app().await;
    app.submit_ok(&json!({"events": [event("rating")]})).await;
    let mut db = app.database.admin_connection().await;
    sqlx::query(
        "INSERT INTO feedback.events (event_id, day, occurred_at, received_at, type, install_hash, client_hash)
         SELECT gen_random_uuid(), (now() AT TIME ZONE 'UTC')::date,
                date_trunc('day', now()) + i * interval '1 ms', now(), 'session_started', '\\x00', '\\x00'
         FROM generate_series(1, 1001) AS i",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let page = app.admin_json("/api/feedback?per_page=100&page=10").await;
    assert_eq!(
        (page["total"].as_i64(), page["total_capped"].as_bool()),
        (Some(1_000), Some(true))
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 100);
    let next = page["next"].as_str().unwrap().to_owned();
    let beyond = app
        .admin_json(&format!("/api/feedback?per_page=100&after={next}"))
        .await;
    assert_eq!(beyond["items"].as_array().unwrap().len(), 2);
    assert!(beyond["next"].is_null());
    let deeper = app
        .get_as("/api/feedback?per_page=100&page=11", &app.admin())
        .await;
    assert_eq!(deeper.status(), 400);
}

#[tokio::test]
async fn every_list_is_planned_for_its_own_filters() {
    // One statement serves every filter; a generic plan (PostgreSQL's
    // choice after five runs of a prepared statement) would read the
    // newest-first index for an item filter and skip through the table.
    let app = spawn_app().await;
    app.submit_ok(&batch(&[
        "rating",
        "session_started",
        "extension_installed",
    ]))
    .await;
    let mut db = app.database.admin_connection().await;
    sqlx::query("SET search_path = feedback")
        .execute(&mut db)
        .await
        .unwrap();
    let filter = |item: Option<&str>| Filter {
        kind: None,
        item_kind: item.map(|_| "extension".to_owned()),
        item_id: item.map(str::to_owned),
        has_comment: None,
        from: None,
        to: None,
    };
    for _ in 0..8 {
        let (rows, total) = events::list(&mut db, &filter(None), None, 21, 0)
            .await
            .unwrap();
        assert_eq!((rows.len(), total), (3, 3));
    }
    let (rows, _) = events::list(&mut db, &filter(Some("acme.plot")), None, 21, 0)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let plans: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements
         WHERE statement LIKE '%FROM events%' AND statement NOT LIKE '%pg_prepared%'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(plans.len(), 2, "the page and its count");
    for (generic, custom) in plans {
        // Nine lists, each reading one or more day partitions.
        assert_eq!(generic, 0);
        assert!(custom >= 9, "{custom} custom plans");
    }
}
