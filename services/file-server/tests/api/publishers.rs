//! Publisher namespaces, attacked: only members publish, yank or hide under
//! a publisher; only owners (and admins) change its members; a namespace
//! keeps an owner; a name is claimed once, even by racing publishes; only
//! admins mark one verified. Every refusal leaves everything as it was.

use serde_json::{Value, json};
use sora_common::auth::Role;

use crate::helpers::*;

async fn publisher(app: &TestApp, id: &str, token: Option<&str>) -> Value {
    let response = match token {
        Some(token) => app.get_as(&format!("/api/publishers/{id}"), token).await,
        None => app.get(&format!("/api/publishers/{id}")).await,
    };
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn members(details: &Value) -> Vec<(String, String)> {
    details["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user_id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn set_member(
    app: &TestApp,
    token: &str,
    id: &str,
    user: &str,
    role: &str,
) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/publishers/{id}/members/{user}")))
        .bearer_auth(token)
        .json(&json!({ "role": role }))
        .send()
        .await
        .unwrap()
}

async fn remove_member(app: &TestApp, token: &str, id: &str, user: &str) -> reqwest::Response {
    app.client
        .delete(app.url(&format!("/api/publishers/{id}/members/{user}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn yank(app: &TestApp, token: &str, id: &str, version: &str) -> reqwest::Response {
    app.client
        .delete(app.url(&format!("/api/extensions/{id}/versions/{version}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn hide(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/extensions/{id}")))
        .bearer_auth(token)
        .json(&json!({ "hidden": true }))
        .send()
        .await
        .unwrap()
}

async fn versions(app: &TestApp, id: &str) -> Value {
    let details: Value = app
        .get(&format!("/api/extensions/{id}"))
        .await
        .json()
        .await
        .unwrap();
    details["versions"].clone()
}

/// acme's verified mark in the listing, the details, the marketplace index
/// and the namespace itself.
async fn shown(app: &TestApp) -> [bool; 4] {
    let list: Value = app.get("/api/extensions").await.json().await.unwrap();
    let details: Value = app
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    let index: Value = app
        .get("/api/extensions/marketplace.json")
        .await
        .json()
        .await
        .unwrap();
    let publisher = publisher(app, "acme", None).await;
    [
        &list["items"][0]["publisher_verified"],
        &details["publisher_verified"],
        &index[0]["publisherVerified"],
        &publisher["verified"],
    ]
    .map(|v| v.as_bool().expect("a boolean"))
}

fn pair(user: &str, role: &str) -> (String, String) {
    (user.to_owned(), role.to_owned())
}

#[tokio::test]
async fn only_members_publish_yank_or_hide_under_a_publisher_and_only_owners_change_members() {
    let app = spawn_app().await;
    let alice = app.tokens.token_for("alice", Role::Editor);
    let bob = app.tokens.token_for("bob", Role::Editor);
    let carol = app.tokens.token_for("carol", Role::Editor);
    let plot = foxe(&manifest("acme", "plot", "1.0.0"));
    assert_eq!(publish_as(&app, &alice, plot).await.status(), 201);

    // The first publish under a name claims it.
    let acme = publisher(&app, "acme", Some(&alice)).await;
    assert_eq!(acme["role"], "owner");
    assert_eq!(acme["verified"], false);
    assert_eq!(acme["extensions"], json!(["acme.plot"]));
    assert_eq!(members(&acme), [pair("alice", "owner")]);
    // Anyone sees the namespace, not who is in it.
    let public = publisher(&app, "acme", None).await;
    assert_eq!(public["members"], json!([]));
    assert_eq!(public["role"], Value::Null);
    assert_problem(app.get("/api/publishers/nobody").await, 404).await;

    // bob is an editor but not a member: every attempt is refused and
    // changes nothing.
    let other = foxe(&manifest("acme", "other", "1.0.0"));
    let problem = assert_problem(publish_as(&app, &bob, other.clone()).await, 403).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("acme"),
        "{problem}"
    );
    let next = foxe(&manifest("acme", "plot", "1.1.0"));
    assert_problem(publish_as(&app, &bob, next.clone()).await, 403).await;
    assert_problem(yank(&app, &bob, "acme.plot", "1.0.0").await, 403).await;
    assert_problem(hide(&app, &bob, "acme.plot").await, 403).await;
    assert_problem(set_member(&app, &bob, "acme", "bob", "owner").await, 403).await;
    assert_problem(remove_member(&app, &bob, "acme", "alice").await, 403).await;
    assert_problem(app.get("/api/extensions/acme.other").await, 404).await;
    let plot_versions = versions(&app, "acme.plot").await;
    assert_eq!(plot_versions.as_array().unwrap().len(), 1);
    assert_eq!(plot_versions[0]["yanked"], false);
    assert_eq!(
        members(&publisher(&app, "acme", Some(&alice)).await),
        [pair("alice", "owner")]
    );

    // A contributor publishes, yanks and hides, and manages no one.
    let added = set_member(&app, &alice, "acme", "bob", "contributor").await;
    assert_eq!(added.status(), 200);
    assert_eq!(publish_as(&app, &bob, other).await.status(), 201);
    assert_eq!(publish_as(&app, &bob, next).await.status(), 201);
    assert_eq!(yank(&app, &bob, "acme.plot", "1.0.0").await.status(), 204);
    assert_problem(
        set_member(&app, &bob, "acme", "carol", "contributor").await,
        403,
    )
    .await;
    assert_problem(set_member(&app, &bob, "acme", "bob", "owner").await, 403).await;
    assert_problem(remove_member(&app, &bob, "acme", "alice").await, 403).await;
    let listed = publisher(&app, "acme", Some(&bob)).await;
    assert_eq!(listed["role"], "contributor");
    assert_eq!(
        members(&listed),
        [pair("alice", "owner"), pair("bob", "contributor")]
    );
    let mine: Value = app
        .get_as("/api/publishers", &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0]["id"], "acme");
    let none: Value = app
        .get_as("/api/publishers", &carol)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));

    // Removed, bob can do nothing more under acme.
    assert_eq!(
        remove_member(&app, &alice, "acme", "bob").await.status(),
        204
    );
    let later = foxe(&manifest("acme", "other", "1.1.0"));
    assert_problem(publish_as(&app, &bob, later).await, 403).await;
    assert_problem(hide(&app, &bob, "acme.other").await, 403).await;
    assert_eq!(
        versions(&app, "acme.other").await.as_array().unwrap().len(),
        1
    );

    // The last owner stays: neither removed nor demoted.
    let problem = assert_problem(remove_member(&app, &alice, "acme", "alice").await, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("last owner"),
        "{problem}"
    );
    assert_problem(
        set_member(&app, &alice, "acme", "alice", "contributor").await,
        409,
    )
    .await;
    assert_eq!(
        members(&publisher(&app, "acme", Some(&alice)).await),
        [pair("alice", "owner")]
    );

    // A member may leave; bad input is refused with what to fix.
    assert_eq!(
        set_member(&app, &alice, "acme", "carol", "contributor")
            .await
            .status(),
        200
    );
    assert_eq!(
        remove_member(&app, &carol, "acme", "carol").await.status(),
        204
    );
    let problem = assert_problem(
        set_member(&app, &alice, "acme", "carol", "admin").await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "role");
    assert_problem(remove_member(&app, &alice, "acme", "carol").await, 404).await;
    assert_eq!(
        members(&publisher(&app, "acme", Some(&alice)).await),
        [pair("alice", "owner")]
    );
}

#[tokio::test]
async fn racing_first_publishes_claim_a_name_once() {
    let app = spawn_app().await;
    let alice = app.tokens.token_for("alice", Role::Editor);
    let bob = app.tokens.token_for("bob", Role::Editor);
    // Names far apart, so that no refusal is a typosquat's.
    for (round, name) in ["alpha", "bravo", "charlie", "delta", "echo"]
        .into_iter()
        .enumerate()
    {
        let (a, b) = tokio::join!(
            publish_as(&app, &alice, foxe(&manifest(name, "left", "1.0.0"))),
            publish_as(&app, &bob, foxe(&manifest(name, "right", "1.0.0"))),
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 403], "round {round}");
        let winner = if a.status() == 201 { "alice" } else { "bob" };
        let token = if winner == "alice" { &alice } else { &bob };
        let details = publisher(&app, name, Some(token)).await;
        assert_eq!(members(&details), [pair(winner, "owner")]);
        assert_eq!(details["extensions"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn only_an_admin_marks_a_publisher_verified_and_listings_show_it() {
    let app = spawn_app().await;
    let alice = app.tokens.token_for("alice", Role::Editor);
    let admin = app.tokens.token_for("root", Role::Admin);
    assert_eq!(
        publish_as(&app, &alice, foxe(&manifest("acme", "plot", "1.0.0")))
            .await
            .status(),
        201
    );
    let patch = |token: String, id: &str, body: Value| {
        app.client
            .patch(app.url(&format!("/api/publishers/{id}")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    assert_eq!(shown(&app).await, [false; 4]);

    // Its owner cannot verify it.
    assert_problem(
        patch(alice.clone(), "acme", json!({"verified": true}))
            .await
            .unwrap(),
        403,
    )
    .await;
    assert_eq!(shown(&app).await, [false; 4]);
    assert_problem(
        patch(admin.clone(), "acme", json!({"verified": "yes"}))
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_problem(
        patch(admin.clone(), "nobody", json!({"verified": true}))
            .await
            .unwrap(),
        404,
    )
    .await;

    let verified = patch(admin.clone(), "acme", json!({"verified": true}))
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let body: Value = verified.json().await.unwrap();
    assert!(body["verified_at"].is_string(), "{body}");
    assert_eq!(shown(&app).await, [true; 4]);
    assert_eq!(
        patch(admin.clone(), "acme", json!({"verified": false}))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(shown(&app).await, [false; 4]);

    // An admin may reserve a namespace for someone before they publish.
    let carol = app.tokens.token_for("carol", Role::Editor);
    let dave = app.tokens.token_for("dave", Role::Editor);
    assert_eq!(
        set_member(&app, &admin, "lab", "carol", "owner")
            .await
            .status(),
        200
    );
    let package = |name: &str| foxe(&manifest("lab", name, "1.0.0"));
    assert_problem(publish_as(&app, &dave, package("a")).await, 403).await;
    assert_eq!(publish_as(&app, &carol, package("b")).await.status(), 201);
    // An editor cannot create one that way, and a name is what a package's
    // publisher may be (no dot: the first dot of an id ends its publisher).
    assert_problem(set_member(&app, &dave, "daves", "dave", "owner").await, 404).await;
    let problem = assert_problem(
        set_member(&app, &admin, "lab.x", "carol", "owner").await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "publisher");
    assert_problem(app.get("/api/publishers/lab.x").await, 404).await;

    // Each change is in the audit trail.
    let mut db = app.database.admin_connection().await;
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT e->'data'->>'action' FROM (
             SELECT body::json AS e FROM bus.messages WHERE queue = 'admin_audit'
             UNION ALL SELECT envelope::json FROM file_server.outbox) m
         WHERE e->'data'->>'action' LIKE 'publisher.%' ORDER BY 1",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "publisher.member_set",
            "publisher.unverified",
            "publisher.verified"
        ]
    );
}

#[tokio::test]
async fn the_migration_gives_each_existing_publisher_to_whoever_published_first() {
    let app = spawn_app().await;
    let mut db = app.database.admin_connection().await;
    // The schema as it was before namespaces, with extensions published then.
    sqlx::raw_sql(
        "SET search_path = file_server;
         DROP TABLE trusted_publishers, oidc_tokens_spent;
         DROP TABLE publisher_keys, publisher_members, publishers;
         ALTER TABLE extension_versions DROP COLUMN signature, DROP COLUMN signed_by,
             DROP COLUMN provenance,
             DROP COLUMN scan_findings, DROP COLUMN held, DROP COLUMN appeal,
             DROP COLUMN appealed_at, DROP COLUMN released_by, DROP COLUMN released_at,
             DROP COLUMN release_reason;
         DROP FUNCTION announce_publisher_change();
         DELETE FROM _sqlx_migrations WHERE version >= 7;
         INSERT INTO extensions (id, publisher, name, owner, created_at) VALUES
             ('acme.plot', 'acme', 'plot', 'alice', '2026-01-01'),
             ('acme.map', 'acme', 'map', 'root', '2026-01-02'),
             ('beta.gone', 'beta', 'gone', 'bob', '2026-01-03'),
             ('gamma.tool', 'gamma', 'tool', 'carol', '2026-01-04');
         INSERT INTO extension_versions
             (extension_id, version, sha256, size, storage_key, published_by, published_at) VALUES
             ('acme.plot', '1.0.0', 'aa', 1, 'k1', 'alice', '2026-01-01'),
             ('acme.plot', '1.1.0', 'ab', 1, 'k2', 'root', '2026-01-05'),
             ('acme.map', '1.0.0', 'ac', 1, 'k3', 'root', '2026-01-02'),
             ('gamma.tool', '0.1.0', 'ad', 1, 'k4', 'carol', '2026-01-04');",
    )
    .execute(&mut db)
    .await
    .unwrap();

    let pool = sora_common::db::pool(&app.settings.database, "migration-test");
    sora_common::platform::migrate(&pool, &file_server::SPEC)
        .await
        .unwrap();

    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT publisher, user_id, role FROM file_server.publisher_members
         ORDER BY publisher, user_id",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let expected = [
        ("acme", "alice", "owner"),
        ("acme", "root", "contributor"),
        ("beta", "bob", "owner"),
        ("gamma", "carol", "owner"),
    ]
    .map(|(p, u, r)| (p.to_owned(), u.to_owned(), r.to_owned()));
    assert_eq!(rows, expected);

    // They publish on as before; nobody else does.
    let bob = app.tokens.token_for("bob", Role::Editor);
    let carol = app.tokens.token_for("carol", Role::Editor);
    let alice = app.tokens.token_for("alice", Role::Editor);
    assert_eq!(
        publish_as(&app, &bob, foxe(&manifest("beta", "back", "1.0.0")))
            .await
            .status(),
        201
    );
    assert_eq!(
        publish_as(&app, &alice, foxe(&manifest("acme", "plot", "2.0.0")))
            .await
            .status(),
        201
    );
    assert_problem(
        publish_as(&app, &carol, foxe(&manifest("acme", "extra", "1.0.0"))).await,
        403,
    )
    .await;
}
