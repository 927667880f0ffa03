//! What every service must pass: the platform's routes and its contract in
//! `proto/`, and the refusal of forged or misused tokens.

use sora_common::auth::Role;
use sora_common::service::ServiceSpec;

use crate::app::TestApp;

/// Sends `method path` with each forged token and with a service token (or,
/// for an internal route, a user's admin token) in place of the right kind,
/// and asserts every one is refused with a 401 problem.
pub async fn assert_forged_tokens_refused<S>(
    app: &TestApp<S>,
    method: reqwest::Method,
    path: &str,
    internal: bool,
) {
    let settings = &app.settings;
    let (audience, sub) = if internal {
        (
            settings.auth.internal_audience.as_str(),
            "service:admin-api",
        )
    } else {
        (settings.auth.audience.as_str(), "u1")
    };
    let mut tokens = app.tokens.forged_tokens(audience, sub);
    if internal {
        tokens.push(("a user's admin token", app.tokens.token(Role::Admin)));
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        tokens.push((
            "internal audience without a service subject",
            app.tokens.sign(&serde_json::json!({
                "sub": "u1", "role": "admin", "iss": app.tokens.issuer,
                "aud": audience, "iat": now, "exp": now + 60,
            })),
        ));
    } else {
        tokens.push(("a service token", app.tokens.service_token(&settings.auth)));
    }
    for (name, token) in tokens {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            401,
            "{method} {path}: {name} was not refused"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
}

/// `/internal/summary` refuses every forged or misused token and answers a
/// service token with the service's name and event figures.
pub async fn assert_internal_summary<S>(app: &TestApp<S>, spec: &ServiceSpec) -> serde_json::Value {
    assert_forged_tokens_refused(app, reqwest::Method::GET, "/internal/summary", true).await;
    let token = app.tokens.service_token(&app.settings.auth);
    let response = app.get_as("/internal/summary", &token).await;
    assert_eq!(response.status(), 200);
    let summary: serde_json::Value = response.json().await.unwrap();
    assert_eq!(summary["service"], spec.name);
    assert!(summary["events"]["outbox_backlog"].is_i64(), "{summary}");
    summary
}

/// Checks what every service must serve: liveness, readiness, metrics with its
/// name, 404 problems for unknown paths, and an OpenAPI document equal to the
/// checked-in contract in `proto/` (regenerate it with `make contracts`).
pub async fn assert_platform_contract<S>(app: &TestApp<S>, spec: &'static ServiceSpec) {
    let health: serde_json::Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["service"], spec.name);

    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 200);

    let missing = app.get("/api/definitely-not-here").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(&format!("service=\"{}\"", spec.name))
            && metrics.contains("http_requests_total"),
        "{metrics}"
    );

    let served: serde_json::Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let generated = serde_json::to_value(sora_common::ops::openapi_document(spec)).unwrap();
    assert_eq!(served, generated);
    // Generated clients name a function after each operation.
    let mut operations = std::collections::BTreeSet::new();
    for (path, methods) in generated["paths"].as_object().into_iter().flatten() {
        for (method, operation) in methods.as_object().into_iter().flatten() {
            // A path parameter is one the path names (else it is the query's).
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or_default();
                assert!(
                    parameter["in"] != "path" || path.contains(&format!("{{{name}}}")),
                    "{method} {path}: `{name}` is documented in the path; mark its \
                     IntoParams `parameter_in = Query`"
                );
            }
            if let Some(id) = operation["operationId"].as_str() {
                assert!(
                    operations.insert(id.to_owned()),
                    "{method} {path}: the operationId `{id}` is taken; set `operation_id` on it"
                );
            }
        }
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../proto")
        .join(format!("{}.openapi.json", spec.name));
    let checked_in: serde_json::Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(serde_json::Value::Null);
    assert!(
        checked_in == generated,
        "{} differs from the code: run `make contracts` and commit the result",
        path.display()
    );
}
