use serde_json::Value;

use crate::helpers::spawn_app;

async fn problem(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json", "status {status}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:sora:problem:")
    );
    assert!(body["title"].is_string() && body["detail"].is_string());
    (status, body)
}

#[tokio::test]
async fn unknown_paths_are_404_problems() {
    let app = spawn_app().await;
    let (status, body) = problem(app.get("/no/such/path").await).await;
    assert_eq!(status, 404);
    assert_eq!(body["type"], "urn:sora:problem:not-found");
}

#[tokio::test]
async fn wrong_methods_are_405_problems() {
    let app = spawn_app().await;
    let response = app.client.delete(app.url("/health")).send().await.unwrap();
    let (status, _) = problem(response).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn bad_json_bodies_get_the_right_problem_and_status() {
    let app = spawn_app().await;
    let big = format!(
        "{{\"body\": \"{}\", \"stars\": 1}}",
        "x".repeat(1024 * 1024 + 1)
    );
    let cases: [(&str, String, u16, &str); 6] = [
        ("application/json", "{\"body\": ".into(), 400, "bad-request"),
        ("application/json", "not json".into(), 400, "bad-request"),
        (
            "application/json",
            "{\"body\": \"hi\"}".into(),
            422,
            "validation-failed",
        ),
        (
            "application/json",
            "{\"body\": \"hi\", \"stars\": \"many\"}".into(),
            422,
            "validation-failed",
        ),
        (
            "text/plain",
            "{\"body\": \"hi\", \"stars\": 1}".into(),
            415,
            "unsupported-media-type",
        ),
        ("application/json", big, 413, "payload-too-large"),
    ];
    for (content_type, body, expected, code) in cases {
        let response = app
            .client
            .post(app.url("/notes"))
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let (status, problem) = problem(response).await;
        assert_eq!(
            status,
            expected,
            "{content_type} {}",
            &body[..body.len().min(40)]
        );
        assert_eq!(problem["type"], format!("urn:sora:problem:{code}"));
        if expected == 422 {
            assert!(!problem["errors"].as_array().unwrap().is_empty());
        }
    }
    let ok = app
        .client
        .post(app.url("/notes"))
        .json(&serde_json::json!({"body": "hi", "stars": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);
}

#[tokio::test]
async fn a_panicking_handler_gives_a_500_problem_and_the_server_lives_on() {
    let app = spawn_app().await;
    let (status, body) = problem(app.get("/boom").await).await;
    assert_eq!(status, 500);
    assert!(
        !body.to_string().contains("a handler bug"),
        "panic text leaked: {body}"
    );
    assert_eq!(app.get("/health").await.status(), 200);
}
