//! The dashboard's page and files, as a browser fetches them: compiled in,
//! under a strict Content-Security-Policy, with no inline script or style,
//! nothing from another origin, and no token kept where a script could
//! read it later (storage, cookies, URLs).

use crate::helpers::spawn_app;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

#[tokio::test]
async fn the_dashboard_is_served_under_a_strict_policy() {
    let app = spawn_app().await;
    let bare = app.get("/admin").await;
    assert_eq!(bare.status(), 308);
    assert_eq!(bare.headers()["location"], "/admin/");

    let page = app.get("/admin/").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers()["content-security-policy"], CSP);
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    // Every script is a file of this origin; no handler or style inline.
    for (n, tag) in html.match_indices("<script").map(|(n, _)| (n, &html[n..])) {
        let tag = &tag[..tag.find('>').unwrap()];
        assert!(
            tag.contains("src=\"/admin/"),
            "inline or foreign script at {n}: {tag}"
        );
    }
    for forbidden in [
        " onclick=",
        " onload=",
        " onsubmit=",
        " style=",
        "http://",
        "https://",
        "<style",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }

    for (file, content_type) in [
        ("/admin/app.js", "text/javascript; charset=utf-8"),
        ("/admin/app.css", "text/css; charset=utf-8"),
    ] {
        let response = app.get(file).await;
        assert_eq!(response.status(), 200, "{file}");
        assert_eq!(response.headers()["content-type"], content_type);
        assert_eq!(response.headers()["content-security-policy"], CSP);
        // The SVG namespace is a name, not an address anything is loaded from.
        let body = response
            .text()
            .await
            .unwrap()
            .replace("\"http://www.w3.org/2000/svg\"", "");
        assert!(html.contains(file), "{file} not referenced");
        for forbidden in [
            "localStorage",
            "sessionStorage",
            "document.cookie",
            "indexedDB",
            "http://",
            "https://",
            "eval(",
        ] {
            assert!(!body.contains(forbidden), "{forbidden} in {file}");
        }
    }
    // The script signs in through the cookie-backed session routes, with
    // the CSRF header, and sends the access token only as a header.
    let script = app.get("/admin/app.js").await.text().await.unwrap();
    for needed in ["/api/admin/session", "x-sora-csrf", "authorization"] {
        assert!(script.contains(needed), "{needed} missing from the script");
    }

    let missing = app.get("/admin/other.js").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );
}
