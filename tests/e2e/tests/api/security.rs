//! The attacks a security review tried against the running system, each
//! sent as an attacker would and each asserting that it fails and that
//! nothing changed (docs/security.md). The decompression bomb is sent to the
//! recommendation binary itself, to measure its memory
//! (services/recommendation/tests/api/bomb.rs).

use std::time::{Duration, Instant};

use feedback_api::config::FeedbackSettings;
use recommendation::config::RecommendationSettings;
use reqwest::Method;
use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_testing::{TestApp, free_port};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{
    AdminApp, FilesApp, admin_settings, eventually, foxe, login, publish_layout, spawn_files,
    trust_dev_key,
};

const ROOT: &str = "admin@sora.local";
pub(crate) const PASSWORD: &str = "a-long-password-2026";
const OPEN: &str = "open-team";

fn root_password() -> &'static str {
    admin_api::config::dev_secrets::BOOTSTRAP_ADMIN_PASSWORD
}

/// The four services, each verifying tokens with admin-api's list of ended
/// sessions, as deployed.
pub(crate) struct Stack {
    pub(crate) admin: AdminApp,
    pub(crate) files: FilesApp,
    pub(crate) feedback: TestApp<FeedbackSettings>,
    recommender: TestApp<RecommendationSettings>,
}

/// What one sign-in gives a user: an API token pair, a dashboard session's
/// token and Lichtblick's cookie.
struct Credentials {
    id: String,
    api: String,
    refresh: String,
    dashboard: String,
    cookie: String,
}

impl Stack {
    pub(crate) async fn spawn() -> Self {
        let (files_port, feedback_port) = (free_port(), free_port());
        let admin = TestApp::spawn_with(
            &admin_api::SPEC,
            |s| {
                admin_settings(s);
                s.service.peers.file_server_url = format!("http://127.0.0.1:{files_port}");
                s.service.peers.feedback_api_url = format!("http://127.0.0.1:{feedback_port}");
            },
            admin_api::build,
        )
        .await;
        let revocations = admin.url("/internal/revocations");
        let files = spawn_files(|s| {
            trust_dev_key(s);
            s.server.port = files_port;
            s.auth.revocations_url = revocations.clone();
        })
        .await;
        let feedback = TestApp::spawn_with(
            &feedback_api::SPEC,
            |s| {
                trust_dev_key(s);
                s.server.port = feedback_port;
                s.auth.revocations_url = revocations.clone();
            },
            feedback_api::build,
        )
        .await;
        let recommender = TestApp::spawn_with(
            &recommendation::SPEC,
            |s| {
                trust_dev_key(s);
                s.service.catalog.file_server_url = String::new();
                s.auth.revocations_url = revocations.clone();
            },
            recommendation::build,
        )
        .await;
        let stack = Self {
            admin,
            files,
            feedback,
            recommender,
        };
        // A workspace anyone may read, for the cookie's checks.
        let created = stack
            .files
            .client
            .post(stack.files.url("/api/workspaces"))
            .bearer_auth(stack.root().await)
            .json(&json!({"name": OPEN, "owner": "someone", "anonymous_read": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        stack
    }

    pub(crate) async fn root(&self) -> String {
        login(&self.admin, ROOT, root_password()).await
    }

    async fn admin_call(&self, method: Method, path: &str, body: Option<Value>) -> u16 {
        let mut request = self
            .admin
            .client
            .request(method, self.admin.url(path))
            .bearer_auth(self.root().await);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().status().as_u16()
    }

    pub(crate) async fn create_user(&self, email: &str, role: &str) -> String {
        let created: Value = self
            .admin
            .client
            .post(self.admin.url("/api/admin/users"))
            .bearer_auth(self.root().await)
            .json(&json!({"email": email, "password": PASSWORD, "role": role}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        created["id"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn user_count(&self) -> i64 {
        let page: Value = self
            .admin
            .get_as("/api/admin/users", &self.root().await)
            .await
            .json()
            .await
            .unwrap();
        page["total"].as_i64().unwrap()
    }

    /// Signs `email` in every way there is.
    async fn sign_in(&self, id: &str, email: &str, password: &str) -> Credentials {
        let client = &self.admin.client;
        let body = json!({"email": email, "password": password});
        let pair: Value = client
            .post(self.admin.url("/api/admin/auth/login"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session: Value = client
            .post(self.admin.url("/api/admin/session"))
            .header("x-sora-csrf", "1")
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let lichtblick = client
            .post(self.admin.url("/api/admin/lichtblick/session"))
            .header("x-sora-csrf", "1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(lichtblick.status(), 200);
        let cookie = lichtblick
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("sora_access="))
            .and_then(|v| v.split(';').next())
            .unwrap()
            .to_owned();
        Credentials {
            id: id.to_owned(),
            api: pair["access_token"].as_str().unwrap().to_owned(),
            refresh: pair["refresh_token"].as_str().unwrap().to_owned(),
            dashboard: session["access_token"].as_str().unwrap().to_owned(),
            cookie,
        }
    }

    /// What each credential gets at each service, by name.
    async fn statuses(&self, creds: &Credentials) -> Vec<(&'static str, u16)> {
        let status = |response: reqwest::Response| response.status().as_u16();
        let files = status(self.files.get_as("/api/workspaces", &creds.api).await);
        let cookie = status(
            self.files
                .client
                .get(
                    self.files
                        .url(&format!("/api/lichtblick/workspaces/{OPEN}/layouts")),
                )
                .header("cookie", format!("sora_access={}", creds.cookie))
                .send()
                .await
                .unwrap(),
        );
        let feedback = status(self.feedback.get_as("/api/stats/summary", &creds.api).await);
        let recommendation = status(
            self.recommender
                .client
                .post(self.recommender.url("/api/recommendations"))
                .bearer_auth(&creds.api)
                .json(&json!({"mcap": {"topics": [{"topic": "/tf"}]}}))
                .send()
                .await
                .unwrap(),
        );
        let admin = status(self.admin.get_as("/api/admin/users", &creds.api).await);
        let dashboard = status(
            self.admin
                .get_as("/api/admin/users", &creds.dashboard)
                .await,
        );
        vec![
            ("file-server (token)", files),
            ("file-server (Lichtblick cookie)", cookie),
            ("feedback-api (token)", feedback),
            ("recommendation (token)", recommendation),
            ("admin-api (token)", admin),
            ("admin-api (dashboard session)", dashboard),
        ]
    }
}

#[derive(Debug, Clone, Copy)]
enum Ending {
    Disabled,
    Deleted,
    Demoted,
    PasswordChanged,
    SignedOutEverywhere,
    RefreshTokenReplayed,
}

#[tokio::test]
async fn ended_sessions_are_refused_by_every_service_within_two_seconds() {
    let stack = Stack::spawn().await;
    for ending in [
        Ending::Disabled,
        Ending::Deleted,
        Ending::Demoted,
        Ending::PasswordChanged,
        Ending::SignedOutEverywhere,
        Ending::RefreshTokenReplayed,
    ] {
        let email = format!("{ending:?}@example.com").to_lowercase();
        let id = stack.create_user(&email, "admin").await;
        let creds = stack.sign_in(&id, &email, PASSWORD).await;
        let before = stack.statuses(&creds).await;
        assert!(
            before.iter().all(|(_, s)| *s == 200),
            "{ending:?}: {before:?}"
        );

        let user = format!("/api/admin/users/{}", creds.id);
        // What an administrator does to the user, and the answer to it.
        let by_admin = match ending {
            Ending::Disabled => Some((Method::PATCH, Some(json!({"disabled": true})), 200)),
            Ending::Deleted => Some((Method::DELETE, None, 204)),
            Ending::Demoted => Some((Method::PATCH, Some(json!({"role": "viewer"})), 200)),
            Ending::PasswordChanged => Some((
                Method::PATCH,
                Some(json!({"password": "another-password-2026"})),
                200,
            )),
            _ => None,
        };
        if let Some((method, body, expected)) = by_admin {
            assert_eq!(stack.admin_call(method, &user, body).await, expected);
        }
        match ending {
            Ending::SignedOutEverywhere => {
                let out = stack
                    .admin
                    .client
                    .post(stack.admin.url("/api/admin/auth/logout-all"))
                    .bearer_auth(&creds.api)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(out.status(), 204);
            }
            Ending::RefreshTokenReplayed => {
                let refresh = |token: String| {
                    stack
                        .admin
                        .client
                        .post(stack.admin.url("/api/admin/auth/refresh"))
                        .json(&json!({"refresh_token": token}))
                        .send()
                };
                let rotated = refresh(creds.refresh.clone()).await.unwrap();
                assert_eq!(rotated.status(), 200);
                // The stolen copy, presented again.
                let replayed = refresh(creds.refresh.clone()).await.unwrap();
                assert_eq!(replayed.status(), 401);
            }
            _ => {}
        }
        let ended = Instant::now();
        loop {
            let after = stack.statuses(&creds).await;
            if after.iter().all(|(_, s)| *s == 401) {
                break;
            }
            assert!(
                ended.elapsed() < Duration::from_secs(2),
                "{ending:?}: still answered 2 s after: {after:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // The attack: the old token and the old dashboard session make an
        // administrator. Refused, and no user is created.
        let users = stack.user_count().await;
        for token in [&creds.api, &creds.dashboard] {
            let created = stack
                .admin
                .client
                .post(stack.admin.url("/api/admin/users"))
                .bearer_auth(token)
                .json(
                    &json!({"email": format!("x-{email}"), "password": PASSWORD, "role": "admin"}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(created.status(), 401, "{ending:?}");
        }
        assert_eq!(stack.user_count().await, users, "{ending:?}");
    }

    // Ending sessions ends those, not the ones that follow: the user whose
    // password changed signs in with the new one, and every service answers.
    let email = "passwordchanged@example.com";
    let id = {
        let page: Value = stack
            .admin
            .get_as("/api/admin/users?per_page=100", &stack.root().await)
            .await
            .json()
            .await
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let fresh = stack.sign_in(&id, email, "another-password-2026").await;
    let now = stack.statuses(&fresh).await;
    assert!(now.iter().all(|(_, s)| *s == 200), "{now:?}");
}

#[tokio::test]
async fn each_credential_is_accepted_only_where_it_belongs() {
    let stack = Stack::spawn().await;
    let id = stack.create_user("lena@example.com", "admin").await;
    let creds = stack.sign_in(&id, "lena@example.com", PASSWORD).await;
    let users = stack.user_count().await;

    // Lichtblick's cookie (what an extension running in Lichtblick rides
    // on) sent as a bearer token: no administrator made, no publishing.
    let made = stack
        .admin
        .client
        .post(stack.admin.url("/api/admin/users"))
        .bearer_auth(&creds.cookie)
        .json(&json!({"email": "evil@example.com", "password": PASSWORD, "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 401);
    assert_eq!(stack.user_count().await, users);
    let published = stack
        .files
        .client
        .post(stack.files.url("/api/extensions"))
        .bearer_auth(&creds.cookie)
        .header("content-type", "application/octet-stream")
        .body(foxe("evil", "panel", "1.0.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 401);
    let listed: Value = stack
        .files
        .get("/api/extensions")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 0, "{listed}");
    // Even under /api/lichtblick it is accepted only as the cookie, never
    // as a bearer token.
    assert_eq!(
        stack
            .files
            .get_as(
                &format!("/api/lichtblick/workspaces/{OPEN}/layouts"),
                &creds.cookie
            )
            .await
            .status(),
        401
    );

    // The dashboard's token is for admin-api alone (which forwards the
    // dashboard's calls as the user).
    for (service, status) in [
        (
            "file-server",
            stack
                .files
                .get_as("/api/workspaces", &creds.dashboard)
                .await,
        ),
        (
            "feedback-api",
            stack
                .feedback
                .get_as("/api/stats/summary", &creds.dashboard)
                .await,
        ),
    ] {
        assert_eq!(status.status(), 401, "{service}");
    }
    for path in [
        "/api/admin/users",
        "/api/admin/stats/summary",
        "/api/admin/workspaces",
    ] {
        let answered = stack.admin.get_as(path, &creds.dashboard).await;
        assert_eq!(answered.status(), 200, "{path}");
    }

    // A token of the general audience is no Lichtblick cookie either.
    let as_cookie = stack
        .files
        .client
        .get(
            stack
                .files
                .url(&format!("/api/lichtblick/workspaces/{OPEN}/layouts")),
        )
        .header("cookie", format!("sora_access={}", creds.api))
        .send()
        .await
        .unwrap();
    assert_eq!(as_cookie.status(), 401);
}

/// The server blocks of the shipped gateway: (listen, locations).
fn gateway_servers() -> Vec<(String, Vec<String>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/nginx/gateway.conf"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .collect();
    let mut servers = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if *line != "server {" {
            continue;
        }
        let mut depth = 0;
        let mut listen = String::new();
        let mut locations = Vec::new();
        for inner in &lines[i..] {
            depth += inner.matches('{').count() as i32 - inner.matches('}').count() as i32;
            if let Some(port) = inner.strip_prefix("listen ") {
                listen = port.trim_end_matches(';').to_owned();
            }
            if let Some(location) = inner.strip_prefix("location ") {
                let location = location.split('{').next().unwrap().trim().to_owned();
                locations.push(location);
            }
            if depth == 0 {
                break;
            }
        }
        servers.push((listen, locations));
    }
    servers
}

#[test]
fn the_gateway_serves_lichtblick_and_the_dashboard_on_origins_of_their_own() {
    let servers = gateway_servers();
    let app = servers
        .iter()
        .find(|(_, locations)| locations.iter().any(|l| l == "/api/lichtblick"))
        .unwrap();
    let admin = servers
        .iter()
        .find(|(_, locations)| locations.iter().any(|l| l == "/admin"))
        .unwrap();
    assert_ne!(app.0, admin.0, "one listener for both");
    // Lichtblick's origin reaches its API, its sign-in and the exchange of
    // personal access tokens, nothing of the administration's: no
    // dashboard, no session, user or token-making routes.
    for location in &app.1 {
        let allowed = [
            "= /api/admin/lichtblick/session",
            "= /api/admin/auth/token",
            "= /api/admin/auth/oidc",
        ];
        let administration = location.starts_with("/admin")
            || (location.contains("/api/admin") && !allowed.contains(&location.as_str()));
        assert!(!administration, "{location} on Lichtblick's origin");
    }
    assert!(app.1.iter().any(|l| l == "/"), "Lichtblick's app at /");
    // The administration's origin serves nothing of Lichtblick's.
    for location in &admin.1 {
        assert!(
            location.contains("admin") || location.contains("health") || location == "/",
            "{location} on the administration's origin"
        );
    }

    // The Ingress: the same split, by host.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../k8s/base/ingress.yaml");
    let ingress = std::fs::read_to_string(path).unwrap();
    let documents: Vec<&str> = ingress.split("\n---\n").collect();
    assert_eq!(documents.len(), 2);
    let (app_host, admin_host) = if documents[0].contains("path: /api/lichtblick") {
        (documents[0], documents[1])
    } else {
        (documents[1], documents[0])
    };
    assert!(!app_host.contains("path: /admin"));
    assert!(!app_host.contains("path: /api/admin\n"));
    assert!(!admin_host.contains("/api/lichtblick"));
    assert!(admin_host.contains("path: /admin"));

    // Both name their proxies, so that a client is not everyone.
    for file in ["docker-compose.yml", "k8s/base/configmap.yaml"] {
        let path = format!("{}/../../{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("SORA_SERVER__TRUSTED_PROXIES"), "{file}");
        assert!(text.contains("SORA_AUTH__REVOCATIONS_URL"), "{file}");
    }
}

/// `GET path` sent byte for byte (a URL library would turn `\` into `/`).
async fn raw_get(address: &str, path: &str, token: &str) -> (u16, String) {
    let host = address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[tokio::test]
async fn the_dashboards_forwarding_reaches_only_the_routes_it_lists() {
    let stack = Stack::spawn().await;
    let root = stack.root().await;
    for path in [
        r"/api/admin/catalog/layouts/..\..\metrics",
        r"/api/admin/catalog/layouts/..%5c..%5cmetrics",
        r"/api/admin/catalog/layouts/%2e%2e%5c%2e%2e%5cmetrics",
        r"/api/admin/feedback/..\..\..\ready",
        r"/api/admin/catalog/extensions/..\..\workspaces/open-team/versions/x",
        "/api/admin/catalog/layouts/..%2f..%2fmetrics",
    ] {
        let (status, answer) = raw_get(&stack.admin.address, path, &root).await;
        assert_eq!(status, 404, "{path}: {answer}");
        assert!(!answer.contains("# HELP"), "{path}: {answer}");
        assert!(!answer.contains("\"checks\""), "{path}: {answer}");
    }
    // The listed routes still work.
    let (status, _) = raw_get(&stack.admin.address, "/api/admin/catalog/layouts", &root).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_moderators_takedown_sticks_until_a_moderator_reverses_it() {
    let files = spawn_files(|_| {}).await;
    let publisher = files.tokens.token_for("publisher-1", Role::Editor);
    let moderator = files.tokens.token(Role::Admin);
    let published = files
        .client
        .post(files.url("/api/extensions"))
        .bearer_auth(&publisher)
        .header("content-type", "application/octet-stream")
        .body(foxe("acme", "plot", "1.0.0"))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 201);
    let patch = |token: &str, hidden: bool| {
        files
            .client
            .patch(files.url("/api/extensions/acme.plot"))
            .bearer_auth(token.to_owned())
            .json(&json!({ "hidden": hidden }))
            .send()
    };
    let public = || async { files.get("/api/extensions/acme.plot").await.status() };

    assert_eq!(patch(&moderator, true).await.unwrap().status(), 200);
    assert_eq!(public().await, 404);
    // The publisher undoes the takedown: refused, and it stays down.
    let undone = patch(&publisher, false).await.unwrap();
    assert_eq!(undone.status(), 403);
    let problem: Value = undone.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("moderator"));
    assert_eq!(public().await, 404);
    let catalog: Value = files.get("/api/extensions").await.json().await.unwrap();
    assert_eq!(catalog["total"], 0);
    // A moderator reverses it.
    assert_eq!(patch(&moderator, false).await.unwrap().status(), 200);
    assert_eq!(public().await, 200);
    // What the publisher hid themselves, they may show again.
    assert_eq!(patch(&publisher, true).await.unwrap().status(), 200);
    assert_eq!(public().await, 404);
    assert_eq!(patch(&publisher, false).await.unwrap().status(), 200);
    assert_eq!(public().await, 200);
    // A moderator taking over a publisher's own hiding makes it a takedown.
    assert_eq!(patch(&publisher, true).await.unwrap().status(), 200);
    assert_eq!(patch(&moderator, true).await.unwrap().status(), 200);
    assert_eq!(patch(&publisher, false).await.unwrap().status(), 403);
    assert_eq!(public().await, 404);
}

#[tokio::test]
async fn guessing_a_password_slows_the_guesser_and_never_locks_the_owner_out() {
    // Behind the gateway: the client is the hop it saw.
    let admin = TestApp::spawn_with(
        &admin_api::SPEC,
        |s| {
            admin_settings(s);
            s.server.trusted_proxies = vec!["127.0.0.1/32".to_owned()];
        },
        admin_api::build,
    )
    .await;
    let attempt = |from: &'static str, password: &'static str| {
        admin
            .client
            .post(admin.url("/api/admin/auth/login"))
            .header("x-forwarded-for", from)
            .json(&json!({"email": ROOT, "password": password}))
            .send()
    };
    let mut waits = Vec::new();
    for _ in 0..40 {
        let response = attempt("203.0.113.66", "guess").await.unwrap();
        match response.status().as_u16() {
            401 => {}
            429 => waits.push(
                response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap(),
            ),
            other => panic!("{other}"),
        }
    }
    // Slowed down after five, with a bounded wait (15 minutes at most)…
    assert!(waits.len() >= 30, "{waits:?}");
    assert!(waits.iter().all(|w| (1..=900).contains(w)), "{waits:?}");
    // …even with the right password, while the owner, elsewhere, gets in.
    assert_eq!(
        attempt("203.0.113.66", root_password())
            .await
            .unwrap()
            .status(),
        429
    );
    assert_eq!(
        attempt("198.51.100.7", root_password())
            .await
            .unwrap()
            .status(),
        200
    );
    // Another client behind the same gateway is not slowed either.
    assert_eq!(
        attempt("198.51.100.8", "wrong").await.unwrap().status(),
        401
    );
}

#[tokio::test]
async fn one_address_cannot_steer_what_is_recommended() {
    let files = spawn_files(|_| {}).await;
    let on_files_bus = |s: &mut sora_common::events::EventsSettings| {
        s.postgres.host = files.settings.database.host.clone();
        s.postgres.port = files.settings.database.port;
        s.postgres.name = files.database.name.clone();
        s.relay_interval_ms = 50;
    };
    let recommender = TestApp::spawn_with(
        &recommendation::SPEC,
        |s| {
            s.service.ranking.refresh_ms = 100;
            s.service.catalog.file_server_url = String::new();
            on_files_bus(&mut s.events);
        },
        recommendation::build,
    )
    .await;
    let feedback = TestApp::spawn_with(
        &feedback_api::SPEC,
        |s| on_files_bus(&mut s.events),
        feedback_api::build,
    )
    .await;
    let layout = json!({"name": "Camera review", "layout": {
        "configById": {"Image!cam": {"cameraTopic": "/camera/image_raw"}},
        "layout": "Image!cam"}});
    let target = publish_layout(&files, &layout).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let model = || async {
        let model: Value = recommender
            .get("/api/recommendations/model")
            .await
            .json()
            .await
            .unwrap();
        model
    };
    eventually(Duration::from_secs(20), 1, || async {
        model().await["layouts_indexed"].as_u64().unwrap()
    })
    .await;
    let recording = json!({"topics": [{"topic": "/camera/image_raw",
                                       "schema_name": "sensor_msgs/msg/Image"}]});
    let served: Value = recommender
        .client
        .post(recommender.url("/api/recommendations"))
        .json(&json!({"mcap": recording}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pool = sora_common::db::pool(&recommender.settings.database, "test");
    eventually(Duration::from_secs(10), 1, || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM served")
            .fetch_one(&pool)
            .await
            .unwrap()
    })
    .await;

    // The attack, from one address: a hundred made-up installs accepting the
    // layout for a recommendation that was served, and a hundred accepting
    // it for a recording the attacker describes, quoting a recommendation
    // that was never served.
    let item = json!({"kind": "layout", "id": target, "version": null});
    let quoting: Vec<Value> = (0..100)
        .map(|_| {
            json!({"type": "recommendation_accepted", "consent": true,
                   "install_id": uuid::Uuid::new_v4(),
                   "recommendation_id": served["recommendation_id"], "item": item})
        })
        .collect();
    let forged: Vec<Value> = (0..100)
        .map(|_| {
            json!({"type": "recommendation_accepted", "consent": true,
                   "install_id": uuid::Uuid::new_v4(), "item": item,
                   "recommendation_id": uuid::Uuid::now_v7(),
                   "mcap_features": {"topics": [{"topic": "/lidar/points"}]}})
        })
        .collect();
    for events in [quoting, forged] {
        let sent = feedback
            .client
            .post(feedback.url("/api/feedback"))
            .json(&json!({ "events": events }))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 202, "{}", sent.text().await.unwrap());
    }
    eventually(Duration::from_secs(30), 200, || async {
        model().await["events_seen"].as_i64().unwrap()
    })
    .await;
    // Five installs' worth from one address (the per-client bound), nothing
    // from the forged recording.
    assert_eq!(model().await["events_learned"], 5);
    let forged_weight: i64 =
        sqlx::query_scalar("SELECT count(*) FROM weights WHERE token LIKE '%lidar%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(forged_weight, 0);
    let largest: f64 = sqlx::query_scalar("SELECT coalesce(max(weight), 0) FROM weights")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(largest <= 5.0 + 1e-9, "{largest}");
}
