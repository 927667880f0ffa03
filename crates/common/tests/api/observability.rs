use crate::helpers::{SPEC, TestApp, build, spawn_app};

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = spawn_app().await;
    let echoed = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "client-req-42")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "client-req-42");

    let made = app.get("/no/such/path").await;
    let id = made.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

    // A value that could forge log lines is replaced, not echoed.
    let forged = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "abc\" level=error msg=forged")
        .send()
        .await
        .unwrap();
    assert_ne!(
        forged.headers()["x-request-id"],
        "abc\" level=error msg=forged"
    );
}

#[tokio::test]
async fn metrics_label_requests_by_route_template() {
    let app = spawn_app().await;
    for path in ["/items/1", "/items/2", "/items/3", "/nope/1", "/nope/2"] {
        app.get(path).await;
    }
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let line = |route: &str, status: &str| {
        format!(
            "http_requests_total{{method=\"GET\",route=\"{route}\",status=\"{status}\",service=\"{}\"}}",
            SPEC.name
        )
    };
    assert!(
        metrics.contains(&format!("{} 3", line("/items/{id}", "200"))),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!("{} 2", line("unmatched", "404"))),
        "{metrics}"
    );
    assert!(!metrics.contains("/items/1"), "raw path leaked into labels");
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    assert!(metrics.contains("db_pool_connections"));
}

#[tokio::test]
async fn an_incoming_traceparent_continues_the_callers_trace() {
    let app = spawn_app().await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let response = app
        .client
        .get(app.url("/trace"))
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap(), trace_id);
    // Without one, a new trace starts.
    let fresh = app.get("/trace").await.text().await.unwrap();
    assert_eq!(fresh.len(), 32);
    assert_ne!(fresh, trace_id);
    assert_ne!(fresh, "0".repeat(32));
}

#[tokio::test]
async fn outgoing_calls_carry_the_current_traceparent() {
    sora_common::telemetry::init_for_tests();
    let (header, trace_id) = sora_common::telemetry::in_trace(None, async {
        let request =
            sora_common::telemetry::traced(reqwest::Client::new().get("http://127.0.0.1:9/"))
                .build()
                .unwrap();
        (
            request.headers()["traceparent"]
                .to_str()
                .unwrap()
                .to_owned(),
            sora_common::telemetry::current_trace_id(),
        )
    })
    .await;
    assert!(header.starts_with(&format!("00-{trace_id}-")), "{header}");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::spawn_with(
        &SPEC,
        |s| s.allowed_origins = vec!["https://studio.example".to_owned()],
        build,
    )
    .await;
    let allowed = app
        .client
        .get(app.url("/health"))
        .header("origin", "https://studio.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://studio.example"
    );
    let other = app
        .client
        .get(app.url("/health"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
