//! Login, refresh rotation, logout, JWKS and the audit API, through HTTP.

use std::time::Duration;

use admin_api::config::{AdminSettings, dev_secrets};
use serde_json::{Value, json};
use sora_common::auth::PublicKeys;
use sora_common::auth::Role;
use sora_common::auth::dev;

use crate::helpers::{TestApp, eventually, spawn_app, test_settings};

pub async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/admin/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

pub async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/admin/auth/refresh"))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

pub async fn pair(response: reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn the_bootstrap_admin_logs_in_and_reaches_admin_routes() {
    let app = spawn_app().await;
    // E-mail is case-insensitive.
    let (access, _) = pair(
        login(
            &app,
            "Admin@Sora.local",
            dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
        )
        .await,
    )
    .await;
    let audit = app.get_as("/api/admin/audit", &access).await;
    assert_eq!(audit.status(), 200);

    // The token verifies offline with the published keys, as other services do it.
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    let dev_key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == dev::KID)
        .expect("the signing key is published");
    assert_eq!(dev_key["kty"], "OKP");
    assert_eq!(dev_key["crv"], "Ed25519");
    let mut auth = app.settings.auth.clone();
    auth.public_keys = PublicKeys::default();
    auth.public_keys.push(
        dev_key["kid"].as_str().unwrap(),
        dev_key["x"].as_str().unwrap(),
    );
    let claims = sora_common::auth::JwtVerifier::from_settings(&auth)
        .verify(&access)
        .unwrap();
    assert_eq!(claims.role, Role::Admin);
    assert_eq!(claims.email.as_deref(), Some("admin@sora.local"));
}

#[tokio::test]
async fn wrong_email_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong_password = login(&app, "admin@sora.local", "not-the-password").await;
    let unknown_email = login(
        &app,
        "nobody@sora.local",
        dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
    )
    .await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    let a: Value = wrong_password.json().await.unwrap();
    let b: Value = unknown_email.json().await.unwrap();
    assert_eq!(a, b);
    // Malformed bodies are not credentials checks.
    let malformed = app
        .client
        .post(app.url("/api/admin/auth/login"))
        .json(&json!({"email": "admin@sora.local"}))
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 422);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let app = spawn_app().await;
    let (_, first) = pair(
        login(
            &app,
            "admin@sora.local",
            dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
        )
        .await,
    )
    .await;
    let (_, second) = pair(refresh(&app, &first).await).await;
    assert_ne!(first, second);
    let (_, third) = pair(refresh(&app, &second).await).await;

    // `second` was spent: presenting it again is theft or a bug, and kills the family.
    assert_eq!(refresh(&app, &second).await.status(), 401);
    assert_eq!(
        refresh(&app, &third).await.status(),
        401,
        "the family is revoked"
    );

    // Another login starts a new family, unaffected.
    let (_, fresh) = pair(
        login(
            &app,
            "admin@sora.local",
            dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
        )
        .await,
    )
    .await;
    assert_eq!(refresh(&app, "made-up-token").await.status(), 401);
    let logout = app
        .client
        .post(app.url("/api/admin/auth/logout"))
        .json(&json!({"refresh_token": fresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert_eq!(refresh(&app, &fresh).await.status(), 401, "logged out");
}

#[tokio::test]
async fn the_audit_log_is_for_admins_and_filters() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/admin/audit").await.status(), 401);
    for role in [Role::Viewer, Role::Editor] {
        let response = app
            .get_as("/api/admin/audit", &app.tokens.token(role))
            .await;
        assert_eq!(response.status(), 403, "{role:?}");
    }
    let admin = app.tokens.token(Role::Admin);
    let get = |query: &'static str| {
        let request = app
            .client
            .get(app.url(&format!("/api/admin/audit{query}")))
            .bearer_auth(&admin);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    // admin-api's own action (creating the bootstrap admin) comes back through the bus.
    eventually(Duration::from_secs(20), 1, || async {
        get("").await["total"].as_i64().unwrap()
    })
    .await;
    let page = get("?action=user.created&per_page=5").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["per_page"], 5);
    let entry = &page["items"][0];
    assert_eq!(entry["actor"], "admin-api");
    assert_eq!(entry["subject_type"], "user");
    assert_eq!(entry["details"]["bootstrap"], true);
    assert_eq!(get("?actor=someone-else").await["total"], 0);
    assert_eq!(get("?from=2999-01-01T00:00:00Z").await["total"], 0);
    let bad = app.get_as("/api/admin/audit?from=yesterday", &admin).await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn repeated_failures_slow_the_client_down_with_a_bounded_back_off() {
    let app = spawn_app().await;
    for _ in 0..6 {
        assert_eq!(
            login(&app, "admin@sora.local", "wrong password")
                .await
                .status(),
            401
        );
    }
    // Past five failures this client waits, even with the right password.
    let locked = login(
        &app,
        "admin@sora.local",
        dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
    )
    .await;
    assert_eq!(locked.status(), 429);
    let retry_after: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry_after, 1);
    // The wait is over: the right password gets in.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let signed_in = login(
        &app,
        "admin@sora.local",
        dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
    )
    .await;
    assert_eq!(signed_in.status(), 200);

    // The client that made 6 failures may make 15 more on other accounts…
    for n in 0..15 {
        let status = login(&app, &format!("guess{n}@sora.local"), "whatever password")
            .await
            .status();
        assert_eq!(status, 401, "attempt {n}");
    }
    // …then it waits whatever account it tries.
    assert_eq!(
        login(&app, "someone@sora.local", "whatever password")
            .await
            .status(),
        429
    );
}

async fn login_from(app: &TestApp, forwarded_for: &str, email: &str) -> u16 {
    app.client
        .post(app.url("/api/admin/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": email, "password": "whatever password"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_told_apart_by_the_hop_it_saw() {
    let app = TestApp::spawn_with(
        &admin_api::SPEC,
        |s| {
            test_settings(s);
            s.server.trusted_proxies = vec!["127.0.0.0/8".to_owned()];
        },
        admin_api::build,
    )
    .await;
    // A forged hop to the left of the one the proxy saw changes nothing.
    for n in 0..21 {
        let forwarded = format!("10.9.9.{n}, 198.51.100.1");
        let status = login_from(&app, &forwarded, &format!("g{n}@sora.local")).await;
        assert_eq!(status, 401, "attempt {n}");
    }
    assert_eq!(
        login_from(&app, "10.0.0.1, 198.51.100.1", "x@sora.local").await,
        429
    );
    // Another client behind the same proxy is not locked out.
    assert_eq!(login_from(&app, "198.51.100.2", "x@sora.local").await, 401);
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_hops_are_ignored() {
    let app = spawn_app().await;
    for n in 0..21 {
        let status = login_from(
            &app,
            &format!("198.51.100.{n}"),
            &format!("g{n}@sora.local"),
        )
        .await;
        assert_eq!(status, 401, "attempt {n}");
    }
    assert_eq!(login_from(&app, "198.51.100.99", "x@sora.local").await, 429);
}

/// `make run` generates its signing key with `keygen`: the key and the env it
/// writes must make a working, self-consistent identity.
#[test]
fn keygen_writes_a_key_admin_api_can_sign_with() {
    let dir = std::env::temp_dir().join(format!("sora-keygen-{}", uuid::Uuid::new_v4().simple()));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_admin-api"))
        .env_clear()
        .args(["keygen", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let env = std::fs::read_to_string(dir.join("signing.env")).unwrap();
    let mut settings = sora_testing::settings::base_settings::<AdminSettings>(&admin_api::SPEC);
    for line in env.lines() {
        match line.split_once('=').unwrap() {
            ("SORA_IDENTITY__SIGNING_KID", kid) => {
                settings.service.identity.signing_kid = kid.to_owned()
            }
            ("SORA_AUTH__PUBLIC_KEYS", keys) => {
                settings.auth.public_keys = PublicKeys::try_from(keys.to_owned()).unwrap()
            }
            (other, _) => panic!("unexpected {other}"),
        }
    }
    settings.service.identity.signing_key = std::fs::read_to_string(dir.join("signing.pem"))
        .unwrap()
        .into();
    let identity =
        admin_api::identity::Identity::from_settings(&settings.service.identity, &settings.auth)
            .unwrap();
    let token = identity
        .access_token(&admin_api::identity::Subject {
            id: uuid::Uuid::now_v7(),
            role: Role::Editor,
            email: "e@example.com",
            version: 0,
        })
        .unwrap();
    let claims = sora_common::auth::JwtVerifier::from_settings(&settings.auth)
        .verify(&token)
        .unwrap();
    assert_eq!(claims.role, Role::Editor);
    std::fs::remove_dir_all(dir).unwrap();
}
