//! Who may publish what: editors only, each version once, ids owned by their
//! first publisher, and no id one edit away from another publisher's.

use serde_json::Value;
use sora_common::auth::Role;

use crate::helpers::*;

#[tokio::test]
async fn publishing_needs_an_editor_and_a_version_is_published_once() {
    let app = spawn_app().await;
    let package = foxe(&manifest("acme", "plot", "1.0.0"));

    let anonymous = app
        .client
        .post(app.url("/api/extensions"))
        .header("content-type", "application/zip")
        .body(package.clone())
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401).await;
    let viewer = app.tokens.token(Role::Viewer);
    assert_problem(publish_as(&app, &viewer, package.clone()).await, 403).await;

    let owner = app.tokens.token_for("alice", Role::Editor);
    let response = publish_as(&app, &owner, package.clone()).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/api/extensions/acme.plot");
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["id"], "acme.plot");
    assert_eq!(created["version"], "1.0.0");
    assert_eq!(created["display_name"], "plot panel");
    assert_eq!(created["size"], package.len());
    let sha = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &package);
    let sha: String = sha.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(created["sha256"], sha);
    assert_eq!(
        created["download_url"],
        format!(
            "{}/api/extensions/acme.plot/versions/1.0.0/download",
            app.settings.server.public_base_url
        )
    );

    let problem = assert_problem(publish_as(&app, &owner, package.clone()).await, 409).await;
    assert_eq!(problem["type"], "urn:sora:problem:conflict");

    // Someone else cannot publish versions of alice's extension; an admin can.
    let mallory = app.tokens.token_for("mallory", Role::Editor);
    let next = foxe(&manifest("acme", "plot", "1.1.0"));
    assert_problem(publish_as(&app, &mallory, next.clone()).await, 403).await;
    let admin = app.tokens.token_for("root", Role::Admin);
    assert_eq!(publish_as(&app, &admin, next).await.status(), 201);

    // README and CHANGELOG come from the package.
    let readme = app.get("/api/extensions/acme.plot/readme").await;
    assert_eq!(readme.status(), 200);
    assert_eq!(
        readme.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    assert_eq!(readme.text().await.unwrap(), "# Readme\nhello");
    let changelog = app
        .get("/api/extensions/acme.plot/changelog?version=1.0.0")
        .await;
    assert_eq!(changelog.text().await.unwrap(), "## 1.0.0\nfirst");
    let none = foxe_with(&manifest("acme", "bare", "1.0.0"), &[]);
    assert_eq!(publish_as(&app, &owner, none).await.status(), 201);
    assert_problem(app.get("/api/extensions/acme.bare/readme").await, 404).await;
    assert_problem(app.get("/api/extensions/nobody.nothing/readme").await, 404).await;
}

#[tokio::test]
async fn a_new_id_one_edit_from_another_publishers_id_is_refused() {
    let app = spawn_app().await;
    publish(&app, "acme", "plot", "1.0.0").await;

    let squatter = app.tokens.token_for("squatter", Role::Editor);
    // The publisher name is acme's owner's: nobody else starts extensions in it.
    let package = foxe(&manifest("acme", "p1ot", "1.0.0"));
    let problem = assert_problem(publish_as(&app, &squatter, package).await, 403).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("publisher"),
        "{problem}"
    );
    for (publisher, name) in [("acmee", "plot"), ("acm", "plot"), ("acne", "plot")] {
        let package = foxe(&manifest(publisher, name, "1.0.0"));
        let problem = assert_problem(publish_as(&app, &squatter, package).await, 422).await;
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("acme.plot"),
            "{problem}"
        );
    }
    // The same publisher may have close names (acme.plot and acme.plots).
    let acme = app.tokens.token_for("user-acme", Role::Editor);
    assert_eq!(
        publish_as(&app, &acme, foxe(&manifest("acme", "plots", "1.0.0")))
            .await
            .status(),
        201
    );
    // Clearly different names pass.
    assert_eq!(
        publish_as(&app, &squatter, foxe(&manifest("other", "plot", "1.0.0")))
            .await
            .status(),
        201
    );
    // An admin may allow a close name; an editor's allow_similar is ignored.
    let url = app.url("/api/extensions?allow_similar=true");
    let send = |token: String| {
        app.client
            .post(url.clone())
            .bearer_auth(token)
            .header("content-type", "application/zip")
            .body(foxe(&manifest("acne", "plot", "1.0.0")))
            .send()
    };
    assert_eq!(send(squatter.clone()).await.unwrap().status(), 422);
    assert_eq!(
        send(app.tokens.token(Role::Admin)).await.unwrap().status(),
        201
    );
}
