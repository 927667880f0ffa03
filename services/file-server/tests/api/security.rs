//! Tokens at file-server: forged and misused tokens are refused on every kind
//! of protected route, roles are enforced, service tokens open only the
//! internal summary, and keys can come from a JWKS that rotates.

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpResponse, HttpServer, web};
use file_server::config::FileServerSettings;
use reqwest::Method;
use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_testing::TokenMinter;
use sora_testing::contract::assert_forged_tokens_refused;
use sora_testing::settings::base_settings;

use crate::helpers::*;

#[tokio::test]
async fn forged_and_misused_tokens_are_refused_on_every_protected_route() {
    let app = spawn_app().await;
    publish(&app, "acme", "plot", "1.0.0").await;
    for (method, path) in [
        (Method::POST, "/api/extensions"),
        (Method::POST, "/api/layouts"),
        (Method::PATCH, "/api/extensions/acme.plot"),
        (Method::DELETE, "/api/extensions/acme.plot/versions/1.0.0"),
        (Method::GET, "/api/extensions/acme.plot"),
    ] {
        assert_forged_tokens_refused(&app, method, path, false).await;
    }
    assert_forged_tokens_refused(&app, Method::GET, "/internal/summary", true).await;

    // Roles: a viewer cannot use editor routes, an editor cannot use admin powers.
    let viewer = app.tokens.token(Role::Viewer);
    let editor = app.tokens.token_for("user-acme", Role::Editor);
    let layout = json!({"name": "x", "layout": {"configById": {}, "layout": "Plot!a"}});
    let as_viewer = app
        .client
        .post(app.url("/api/layouts"))
        .bearer_auth(&viewer)
        .json(&layout)
        .send()
        .await
        .unwrap();
    assert_problem(as_viewer, 403).await;
    assert_problem(
        publish_as(&app, &viewer, foxe(&manifest("v", "x", "1.0.0"))).await,
        403,
    )
    .await;
    let feature = app
        .client
        .patch(app.url("/api/extensions/acme.plot"))
        .bearer_auth(&editor)
        .json(&json!({"featured": true}))
        .send()
        .await
        .unwrap();
    assert_problem(feature, 403).await;
    // The service summary is for services, not for users of any role.
    assert_problem(
        app.get_as("/internal/summary", &app.tokens.token(Role::Admin))
            .await,
        401,
    )
    .await;
}

#[tokio::test]
async fn a_service_token_reads_the_catalog_summary() {
    let app = spawn_app().await;
    publish(&app, "acme", "plot", "1.0.0").await;
    app.get("/api/extensions/acme.plot/download")
        .await
        .bytes()
        .await
        .unwrap();
    let token = app.tokens.service_token(&app.settings.auth);
    eventually(std::time::Duration::from_secs(10), true, || async {
        let summary: Value = app
            .get_as("/internal/summary", &token)
            .await
            .json()
            .await
            .unwrap();
        summary["details"]["downloads"] == 1
    })
    .await;
    let summary: Value = app
        .get_as("/internal/summary", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(summary["service"], "file-server");
    assert_eq!(summary["details"]["extensions"], 1);
    assert_eq!(summary["details"]["extension_versions"], 1);
    assert_eq!(summary["details"]["downloads_today"], 1);
    assert!(summary["events"]["outbox_backlog"].is_i64());
}

/// A JWKS endpoint whose keys the test changes.
struct JwksServer {
    url: String,
    keys: Arc<Mutex<Vec<Value>>>,
}

impl JwksServer {
    fn start() -> Self {
        let keys: Arc<Mutex<Vec<Value>>> = Arc::default();
        let shared = keys.clone();
        let server = HttpServer::new(move || {
            let keys = shared.clone();
            App::new().route(
                "/.well-known/jwks.json",
                web::get().to(move || {
                    let keys = keys.lock().unwrap().clone();
                    async move { HttpResponse::Ok().json(json!({"keys": keys})) }
                }),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Self {
            url: format!("http://127.0.0.1:{port}/.well-known/jwks.json"),
            keys,
        }
    }

    fn publish(&self, minters: &[&TokenMinter]) {
        *self.keys.lock().unwrap() = minters
            .iter()
            .map(|m| json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": m.kid, "x": m.public_x()}))
            .collect();
    }
}

#[tokio::test]
async fn keys_come_from_a_jwks_refreshed_on_an_unknown_kid_and_on_rotation() {
    let jwks = JwksServer::start();
    let settings = base_settings::<FileServerSettings>(&file_server::SPEC);
    let old_key = TokenMinter::generate(&settings.auth);
    let new_key = TokenMinter::generate(&settings.auth);
    jwks.publish(&[&old_key]);
    let app = spawn_app_with(|s| {
        s.auth.public_keys = Default::default();
        s.auth.jwks_url = jwks.url.clone();
        s.auth.jwks_refresh_secs = 1;
    })
    .await;
    let layout = json!({"name": "x", "layout": {"configById": {}, "layout": "Plot!a"}});
    let post = |token: String| {
        app.client
            .post(app.url("/api/layouts"))
            .bearer_auth(token)
            .json(&layout)
            .send()
    };

    assert_eq!(
        post(old_key.token(Role::Editor)).await.unwrap().status(),
        201
    );
    // A key published after start is fetched when a token first names it.
    jwks.publish(&[&old_key, &new_key]);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        post(new_key.token(Role::Editor)).await.unwrap().status(),
        201
    );
    // Rotation completes when the old key leaves the JWKS.
    jwks.publish(&[&new_key]);
    let old = old_key.token(Role::Editor);
    eventually(std::time::Duration::from_secs(10), true, || async {
        post(old.clone()).await.unwrap().status() == 401
    })
    .await;
    assert_eq!(
        post(new_key.token(Role::Editor)).await.unwrap().status(),
        201
    );
    // A kid in no JWKS is refused.
    let stranger = TokenMinter::generate(&settings.auth);
    assert_problem(post(stranger.token(Role::Editor)).await.unwrap(), 401).await;
}

#[tokio::test]
async fn publishing_is_limited_per_editor_and_hour() {
    let app = spawn_app_with(|s| s.service.marketplace.publishes_per_hour = 3).await;
    let editor = app.tokens.token_for("busy", Role::Editor);
    let layout = json!({"name": "x", "layout": {"configById": {}, "layout": "Plot!a"}});
    let post = |token: String| {
        app.client
            .post(app.url("/api/layouts"))
            .bearer_auth(token)
            .json(&layout)
            .send()
    };

    // Attempts count, refused ones too: one bad package, then two layouts.
    let refused = publish_as(&app, &editor, b"not a zip".to_vec()).await;
    assert_eq!(refused.status(), 422);
    for left in ["1", "0"] {
        let response = post(editor.clone()).await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["x-ratelimit-remaining"], left);
    }
    let limited = post(editor.clone()).await.unwrap();
    assert_eq!(limited.headers()["x-ratelimit-remaining"], "0");
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // Three an hour: the budget refills one attempt every twenty minutes.
    assert!((1100..=1200).contains(&retry_after), "{retry_after}");
    let problem = assert_problem(limited, 429).await;
    assert_eq!(problem["type"], "urn:sora:problem:rate-limited");
    assert_problem(
        publish_as(&app, &editor, foxe(&manifest("busy", "x", "1.0.0"))).await,
        429,
    )
    .await;

    // Per user, and admins are not limited.
    assert_eq!(
        post(app.tokens.token(Role::Editor)).await.unwrap().status(),
        201
    );
    let admin = app.tokens.token(Role::Admin);
    for _ in 0..4 {
        let response = post(admin.clone()).await.unwrap();
        assert_eq!(response.status(), 201);
        assert!(response.headers().get("x-ratelimit-remaining").is_none());
    }
    let page: Value = app.get("/api/layouts").await.json().await.unwrap();
    assert_eq!(page["total"], 7);
}

/// PostgreSQL cannot store U+0000: every way it can arrive is refused where
/// input enters, as a problem naming the field, never a 500.
#[tokio::test]
async fn nul_characters_are_refused_at_the_edge() {
    let app = spawn_app().await;
    for (path, status, field) in [
        ("/api/extensions?q=%00", 400, Some("q")),
        ("/api/extensions?publisher=a%00", 400, Some("publisher")),
        ("/api/extensions?keyword=%00b", 400, Some("keyword")),
        ("/api/layouts?q=%00", 400, Some("q")),
        ("/api/layouts?tag=%00", 400, Some("tag")),
        ("/api/layouts?panel=%00", 400, Some("panel")),
        ("/api/extensions/a%00b", 404, None),
        ("/api/extensions/a.b%00/readme", 404, None),
        ("/api/extensions/a.b/versions/1.0.0%00/download", 404, None),
    ] {
        let problem = assert_problem(app.get(path).await, status).await;
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
        }
    }
    let token = app.tokens.token(Role::Editor);
    let response = app
        .client
        .post(app.url("/api/layouts"))
        .bearer_auth(&token)
        .json(&json!({"name": "a\u{0}b", "layout": {"configById": {}, "layout": "Plot!a"}}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "name", "{problem}");
    let nested = app
        .client
        .post(app.url("/api/layouts"))
        .bearer_auth(&token)
        .json(&json!({"name": "ok", "layout": {"configById": {"Plot!a": {"title": "\u{0}"}}, "layout": "Plot!a"}}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(nested, 422).await;
    assert_eq!(
        problem["errors"][0]["field"],
        "layout.configById.Plot!a.title"
    );
    let page: Value = app.get("/api/layouts").await.json().await.unwrap();
    assert_eq!(page["total"], 0, "nothing was stored");
}
