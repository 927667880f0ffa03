use base64::Engine;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;
use sora_common::auth::Role;

use crate::helpers::spawn_app;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn status_with(app: &sora_common::testing::TestApp, path: &str, token: Option<&str>) -> u16 {
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
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = |overrides: serde_json::Value| {
        let mut base = json!({
            "sub": "u1", "role": "admin", "iss": app.tokens.issuer, "aud": app.tokens.audience,
            "iat": now, "exp": now + 600,
        });
        for (k, v) in overrides.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    };
    let valid = app.tokens.sign(&claims(json!({})));
    assert_eq!(status_with(&app, "/admin", Some(&valid)).await, 200);

    // alg: none, with the right kid.
    let none = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "JWT", "kid": app.tokens.kid})
            .to_string()
            .as_bytes()),
        b64(claims(json!({})).to_string().as_bytes())
    );
    // HS256 signed with the public key as the HMAC secret.
    let mut hs_header = Header::new(jsonwebtoken::Algorithm::HS256);
    hs_header.kid = Some(app.tokens.kid.clone());
    let hs256 = jsonwebtoken::encode(
        &hs_header,
        &claims(json!({})),
        &EncodingKey::from_secret(app.tokens.public_x().as_bytes()),
    )
    .unwrap();
    // A valid signature over other claims, with the payload swapped for a viewer's.
    let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
    parts[1] = b64(claims(json!({"sub": "intruder"})).to_string().as_bytes());
    let tampered = parts.join(".");
    // Signed by a key the service does not trust, under the trusted kid.
    let mut stranger = sora_common::testing::TokenMinter::generate(&app.settings);
    stranger.kid = app.tokens.kid.clone();
    let foreign = stranger.sign(&claims(json!({})));

    let refused = [
        ("alg none", none),
        ("hs256 with public key", hs256),
        ("tampered payload", tampered),
        ("untrusted key", foreign),
        ("expired", app.tokens.sign(&claims(json!({"exp": now - 3600, "iat": now - 7200})))),
        ("wrong audience", app.tokens.sign(&claims(json!({"aud": "someone-else"})))),
        ("wrong issuer", app.tokens.sign(&claims(json!({"iss": "evil"})))),
        ("no exp", app.tokens.sign(&json!({"sub": "u1", "role": "admin", "iss": app.tokens.issuer, "aud": app.tokens.audience}))),
        ("unknown role", app.tokens.sign(&claims(json!({"role": "superuser"})))),
        ("not a jwt", "abc.def".to_owned()),
    ];
    for (name, token) in refused {
        assert_eq!(
            status_with(&app, "/viewer", Some(&token)).await,
            401,
            "{name}"
        );
    }
}
