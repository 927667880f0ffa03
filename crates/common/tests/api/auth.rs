use sora_common::auth::Role;

use crate::helpers::{TestApp, spawn_app};

async fn status_with(app: &TestApp, path: &str, token: Option<&str>) -> u16 {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn roles_are_ordered_admin_editor_viewer() {
    let app = spawn_app().await;
    let viewer = app.tokens.token(Role::Viewer);
    let editor = app.tokens.token(Role::Editor);
    let admin = app.tokens.token(Role::Admin);
    let cases = [
        ("/viewer", &viewer, 200),
        ("/editor", &viewer, 403),
        ("/admin", &viewer, 403),
        ("/viewer", &editor, 200),
        ("/editor", &editor, 200),
        ("/admin", &editor, 403),
        ("/viewer", &admin, 200),
        ("/editor", &admin, 200),
        ("/admin", &admin, 200),
    ];
    for (path, token, expected) in cases {
        assert_eq!(
            status_with(&app, path, Some(token)).await,
            expected,
            "{path}"
        );
    }
}

#[tokio::test]
async fn missing_token_is_401_with_www_authenticate() {
    let app = spawn_app().await;
    let response = app.get("/viewer").await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn forged_and_invalid_tokens_are_refused() {
    let app = spawn_app().await;
    let valid = app.tokens.token(Role::Admin);
    assert_eq!(status_with(&app, "/admin", Some(&valid)).await, 200);
    for (name, token) in app.tokens.forged_tokens(&app.tokens.audience, "u1") {
        assert_eq!(
            status_with(&app, "/viewer", Some(&token)).await,
            401,
            "{name}"
        );
    }
    // A service token is for service routes only.
    let service = app.tokens.service_token(&app.settings.auth);
    assert_eq!(status_with(&app, "/viewer", Some(&service)).await, 401);
}
