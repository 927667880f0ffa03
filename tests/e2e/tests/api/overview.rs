//! The overview: gathered over REST with a service token and the caller's
//! trace, and still answering when a service is down (circuit breaker).

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_testing::TestApp;

use crate::helpers::{admin_settings, publish_layout, spawn_admin, spawn_files, trust_dev_key};

/// Headers a fake peer received.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A peer that answers a summary and records the authorization and
/// traceparent headers of each call.
fn recording_peer() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let shared = seen.clone();
    let server = HttpServer::new(move || {
        let seen = shared.clone();
        App::new().route(
            "/internal/summary",
            web::get().to(move |req: HttpRequest| {
                let header = |name: &str| {
                    req.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                seen.lock()
                    .unwrap()
                    .push((header("authorization"), header("traceparent")));
                async {
                    HttpResponse::Ok().json(json!({
                        "service": "recommendation",
                        "events": {"outbox_backlog": 0, "queue_depth": {}, "dlq_depth": {}},
                        "details": {"recommendations_served": 7}
                    }))
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    (format!("http://127.0.0.1:{port}"), seen)
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn the_overview_gathers_every_service_and_degrades_when_one_is_down() {
    let files = spawn_files(trust_dev_key).await;
    let mut feedback =
        TestApp::spawn_with(&feedback_api::SPEC, trust_dev_key, feedback_api::build).await;
    let (recommendation, seen) = recording_peer();
    let admin = TestApp::spawn_with(
        &admin_api::SPEC,
        |s| {
            admin_settings(s);
            let peers = &mut s.service.peers;
            peers.file_server_url = files.address.clone();
            peers.feedback_api_url = feedback.address.clone();
            peers.recommendation_url = recommendation.clone();
            peers.retries = 1;
            peers.retry_base_ms = 10;
            peers.timeout_ms = 1000;
        },
        admin_api::build,
    )
    .await;
    // Something in the catalog to count.
    let layout = json!({"name": "x", "layout": {"configById": {}, "layout": "Plot!a"}});
    publish_layout(&files, &layout).await;
    // Feedback to count: two recommendations shown, one accepted.
    let feedback_events: Vec<Value> = [
        ("recommendation_shown", "r1"),
        ("recommendation_shown", "r2"),
        ("recommendation_accepted", "r1"),
    ]
    .iter()
    .map(|(kind, recommendation)| {
        json!({"type": kind, "consent": true, "install_id": uuid::Uuid::new_v4(),
                   "recommendation_id": recommendation})
    })
    .collect();
    let submitted = feedback
        .client
        .post(feedback.url("/api/feedback"))
        .json(&json!({"events": feedback_events}))
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 202);

    let caller = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    let token = admin.tokens.token_for(caller, Role::Admin);
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let overview = |token: String| {
        admin
            .client
            .get(admin.url("/api/admin/overview"))
            .bearer_auth(token)
            .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
            .send()
    };
    let response = overview(token.clone()).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let services = &body["services"];
    assert_eq!(services["file-server"]["status"], "ok", "{body}");
    assert_eq!(services["file-server"]["summary"]["details"]["layouts"], 1);
    assert_eq!(services["feedback-api"]["status"], "ok");
    assert_eq!(
        services["feedback-api"]["summary"]["service"],
        "feedback-api"
    );
    let figures = &services["feedback-api"]["summary"]["details"];
    assert_eq!(figures["feedback_events"], 3, "{body}");
    assert_eq!(figures["recommendations_shown"], 2);
    assert_eq!(figures["acceptance_rate"], 0.5);
    assert_eq!(
        services["recommendation"]["summary"]["details"]["recommendations_served"],
        7
    );
    assert_eq!(body["admin"]["users"], 1, "the bootstrap admin");

    // The callee saw a service token acting for the admin, and the caller's trace.
    let (authorization, traceparent) = seen.lock().unwrap()[0].clone();
    let claims = claims_of(authorization.strip_prefix("Bearer ").unwrap());
    assert_eq!(claims["aud"], admin.settings.auth.internal_audience);
    assert_eq!(claims["sub"], "service:admin-api");
    assert_eq!(claims["on_behalf_of"], caller);
    assert!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() <= 60);
    assert!(
        traceparent.contains(trace_id),
        "traceparent {traceparent:?}"
    );

    // feedback-api goes down: the overview still answers, marking it.
    feedback.stop().await.unwrap();
    let body: Value = overview(token.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(
        body["services"]["feedback-api"]["status"], "unavailable",
        "{body}"
    );
    assert_eq!(body["services"]["file-server"]["status"], "ok");
    assert!(body["services"]["feedback-api"]["summary"].is_null());

    // Two calls per overview (one retry): the third overview reaches five
    // consecutive failures and opens the circuit; the fourth does not call.
    overview(token.clone()).await.unwrap();
    overview(token.clone()).await.unwrap();
    let body: Value = overview(token.clone()).await.unwrap().json().await.unwrap();
    let reason = body["services"]["feedback-api"]["reason"].as_str().unwrap();
    assert!(reason.starts_with("circuit open"), "{reason}");
    assert_eq!(body["services"]["file-server"]["status"], "ok");
}

#[tokio::test]
async fn a_login_token_is_trusted_by_file_server_through_admin_apis_jwks() {
    let admin = spawn_admin().await;
    let files = spawn_files(|s| {
        s.auth.public_keys = Default::default();
        s.auth.jwks_url = admin.url("/.well-known/jwks.json");
    })
    .await;
    let login: Value = admin
        .client
        .post(admin.url("/api/admin/auth/login"))
        .json(&json!({"email": "admin@sora.local", "password": "sora-admin-dev"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap();
    let layout = json!({"name": "x", "layout": {"configById": {}, "layout": "Plot!a"}});
    let created = files
        .client
        .post(files.url("/api/layouts"))
        .bearer_auth(token)
        .json(&layout)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    // file-server trusts nothing else: the test minter's own token is refused.
    let foreign = files
        .client
        .post(files.url("/api/layouts"))
        .bearer_auth(files.tokens.token(Role::Editor))
        .json(&layout)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 401);
}
