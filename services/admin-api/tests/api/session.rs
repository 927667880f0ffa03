//! Browser sessions: the access token in the answer, the refresh token only
//! in an `HttpOnly; Secure; SameSite=Strict` cookie for the session routes;
//! a reload signs in again through the cookie (rotated, a replayed one
//! revokes the session); calls without the CSRF header or from another site
//! are refused; signing out clears the cookie and ends the session.

use admin_api::config::dev_secrets;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const EMAIL: &str = "admin@sora.local";

/// A session call with the CSRF header, the cookie if any, and `extra`.
async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    cookie: Option<&str>,
    extra: &[(&str, &str)],
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("sora_admin_refresh={cookie}"));
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

const CSRF: (&str, &str) = ("x-sora-csrf", "1");

/// Signs the bootstrap admin in as a browser would.
async fn sign_in(app: &TestApp) -> reqwest::Response {
    let body = Some(login_body());
    call(
        app,
        reqwest::Method::POST,
        "/api/admin/session",
        None,
        &[CSRF],
        body,
    )
    .await
}

/// `POST /api/admin/session/refresh` with `cookie` and `headers`.
async fn refresh(
    app: &TestApp,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    call(
        app,
        reqwest::Method::POST,
        "/api/admin/session/refresh",
        cookie,
        headers,
        None,
    )
    .await
}

fn login_body() -> Value {
    json!({"email": EMAIL, "password": dev_secrets::BOOTSTRAP_ADMIN_PASSWORD})
}

/// The value of the cookie `name` the answer sets, after checking its
/// attributes.
fn set_cookie(response: &reqwest::Response, name: &str, attributes: &[&str]) -> String {
    let prefix = format!("{name}=");
    let set = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {name} cookie set"));
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict"]
        .iter()
        .chain(attributes)
    {
        assert!(set.contains(attribute), "{attribute} missing from {set}");
    }
    let value = set
        .split(';')
        .next()
        .unwrap()
        .strip_prefix(&prefix)
        .unwrap();
    value.to_owned()
}

/// The refresh token the answer's cookie sets, after checking its attributes.
fn cookie_of(response: &reqwest::Response) -> String {
    let value = set_cookie(
        response,
        "sora_admin_refresh",
        &["Path=/api/admin/session", "Max-Age=2592000"],
    );
    assert!(value.len() >= 40, "{value}");
    value
}

/// The token of Lichtblick's cookie (8 hours, its path only).
fn browser_cookie_of(response: &reqwest::Response) -> String {
    set_cookie(
        response,
        "sora_access",
        &["Path=/api/lichtblick", "Max-Age=28800"],
    )
}

#[tokio::test]
async fn lichtblick_signs_in_to_a_cookie_that_nothing_but_its_api_accepts() {
    let app = spawn_app().await;
    let signed_in = call(
        &app,
        reqwest::Method::POST,
        "/api/admin/lichtblick/session",
        None,
        &[CSRF],
        Some(login_body()),
    )
    .await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(signed_in.headers()["cache-control"], "no-store");
    let token = browser_cookie_of(&signed_in);
    assert!(
        signed_in
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("sora_admin_refresh")),
        "no dashboard session from Lichtblick's sign-in"
    );
    let body: Value = signed_in.json().await.unwrap();
    assert!(body.get("access_token").is_none(), "{body}");
    assert_eq!(body["email"], EMAIL);
    // The cookie's token is no bearer token for admin-api.
    let refused = app.get_as("/api/admin/users", &token).await;
    assert_eq!(refused.status(), 401);
    // Without the CSRF header: refused, no cookie.
    let forged = call(
        &app,
        reqwest::Method::POST,
        "/api/admin/lichtblick/session",
        None,
        &[],
        Some(login_body()),
    )
    .await;
    assert_eq!(forged.status(), 403);
    assert!(forged.headers().get("set-cookie").is_none());
    let out = call(
        &app,
        reqwest::Method::DELETE,
        "/api/admin/lichtblick/session",
        None,
        &[CSRF],
        None,
    )
    .await;
    assert_eq!(out.status(), 204);
    assert_eq!(set_cookie(&out, "sora_access", &["Max-Age=0"]), "");
}

#[tokio::test]
async fn people_sign_in_to_lichtblick_with_a_form_of_its_origin_only() {
    let app = spawn_app().await;
    let path = "/api/admin/lichtblick/session";
    let page = app.get(path).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    let post = |site: Option<&'static str>, password: &'static str| {
        // As a browser encodes a form.
        let encode = |text: &str| text.replace('@', "%40").replace(' ', "+");
        let mut request = app
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "email={}&password={}",
                encode(EMAIL),
                encode(password)
            ));
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    let password = dev_secrets::BOOTSTRAP_ADMIN_PASSWORD;
    // Posted from another site (or by a client that does not say): refused,
    // no cookie, so no one is signed in to someone else's account.
    for site in [Some("cross-site"), Some("same-site"), None] {
        let refused = post(site, password).await.unwrap();
        assert_eq!(refused.status(), 403, "{site:?}");
        assert!(refused.headers().get("set-cookie").is_none());
    }
    let wrong = post(Some("same-origin"), "not the password").await.unwrap();
    assert_eq!(wrong.status(), 200);
    assert!(wrong.headers().get("set-cookie").is_none());
    let said = wrong.text().await.unwrap();
    assert!(said.contains("Wrong e-mail or password"), "{said}");
    let signed_in = post(Some("same-origin"), password).await.unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(signed_in.headers()["location"], "/");
    let token = browser_cookie_of(&signed_in);
    assert_eq!(app.get_as("/api/admin/users", &token).await.status(), 401);
}

#[tokio::test]
async fn a_browser_session_keeps_its_refresh_token_in_a_cookie() {
    let app = spawn_app().await;
    let signed_in = sign_in(&app).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(signed_in.headers()["cache-control"], "no-store");
    let first = cookie_of(&signed_in);
    // The dashboard's origin gets no cookie for Lichtblick's API.
    assert!(signed_in.headers().get_all("set-cookie").iter().count() == 1);
    let body: Value = signed_in.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert_eq!(
        (body["role"].as_str(), body["email"].as_str()),
        (Some("admin"), Some(EMAIL))
    );
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(app.get_as("/api/admin/users", access).await.status(), 200);

    // A reload: the cookie alone gives a new access token and a new cookie.
    let reloaded = refresh(&app, Some(&first), &[CSRF]).await;
    assert_eq!(reloaded.status(), 200);
    let second = cookie_of(&reloaded);
    assert_ne!(second, first);
    let body: Value = reloaded.json().await.unwrap();
    assert_eq!(
        app.get_as("/api/admin/users", body["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );

    // The old cookie replayed (stolen): refused, and the session revoked.
    let replayed = refresh(&app, Some(&first), &[CSRF]).await;
    assert_eq!(replayed.status(), 401);
    let revoked = refresh(&app, Some(&second), &[CSRF]).await;
    assert_eq!(revoked.status(), 401);

    // Sign in again, then out: the cookie is cleared and the session ends.
    let signed_in = sign_in(&app).await;
    let cookie = cookie_of(&signed_in);
    let out = call(
        &app,
        reqwest::Method::DELETE,
        "/api/admin/session",
        Some(&cookie),
        &[CSRF],
        None,
    )
    .await;
    assert_eq!(out.status(), 204);
    assert_eq!(set_cookie(&out, "sora_admin_refresh", &["Max-Age=0"]), "");
    let after = refresh(&app, Some(&cookie), &[CSRF]).await;
    assert_eq!(after.status(), 401);
    assert_eq!(after.headers()["content-type"], "application/problem+json");
    // No cookie at all: 401 too.
    let none = refresh(&app, None, &[CSRF]).await;
    assert_eq!(none.status(), 401);
}

#[tokio::test]
async fn session_calls_a_cross_site_page_could_make_are_refused() {
    let app = spawn_app().await;
    let post = reqwest::Method::POST;
    let signed_in = sign_in(&app).await;
    let cookie = cookie_of(&signed_in);
    let cross_site = ("sec-fetch-site", "cross-site");
    for (path, method, headers) in [
        ("/api/admin/session/refresh", post.clone(), vec![]),
        (
            "/api/admin/session/refresh",
            post.clone(),
            vec![("x-sora-csrf", "yes")],
        ),
        (
            "/api/admin/session/refresh",
            post.clone(),
            vec![CSRF, cross_site],
        ),
        ("/api/admin/session", reqwest::Method::DELETE, vec![]),
        (
            "/api/admin/session",
            reqwest::Method::DELETE,
            vec![CSRF, ("sec-fetch-site", "same-site")],
        ),
    ] {
        let refused = call(&app, method, path, Some(&cookie), &headers, None).await;
        assert_eq!(refused.status(), 403, "{path} {headers:?}");
        assert!(refused.headers().get("set-cookie").is_none());
    }
    // Login CSRF (signing the victim into another account) too.
    let refused = call(
        &app,
        post.clone(),
        "/api/admin/session",
        None,
        &[],
        Some(login_body()),
    )
    .await;
    assert_eq!(refused.status(), 403);
    // The session survived all of that.
    let still = refresh(
        &app,
        Some(&cookie),
        &[CSRF, ("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(still.status(), 200);
    // A wrong password sets no cookie.
    let wrong = call(
        &app,
        post,
        "/api/admin/session",
        None,
        &[CSRF],
        Some(json!({"email": EMAIL, "password": "nope"})),
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
}
