//! Team workspaces and Lichtblick's remote API (`/api/lichtblick`): the
//! envelope, access by role and layout permission, the session cookie and
//! `Api-Version`, every version of a layout, extensions by multipart,
//! sessions and `default_data`. Lichtblick's own client classes drive the
//! same routes in the e2e crate.

use reqwest::Method;
use serde_json::{Value, json};
use sora_common::auth::Role;

use crate::helpers::*;

const W: &str = "robots";
const OWNER: &str = "user-owner";
const WRITER: &str = "user-writer";
const READER: &str = "user-reader";

struct Team {
    app: TestApp,
}

impl Team {
    /// A workspace with an owner, a writer and a reader.
    async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    async fn spawn_with(
        adjust: impl FnOnce(&mut sora_common::Settings<file_server::config::FileServerSettings>),
    ) -> Self {
        let app = spawn_app_with(|s| {
            // Nothing listens there: the recommender is "down".
            s.service.lichtblick.recommendation_url = "http://127.0.0.1:9".to_owned();
            adjust(s);
        })
        .await;
        let team = Self { app };
        let admin = team.app.tokens.token(Role::Admin);
        let created = team
            .call(
                Method::POST,
                "/api/workspaces",
                &admin,
                Some(json!({"name": W, "owner": OWNER})),
            )
            .await;
        assert_eq!(created.status(), 201);
        for (user, role) in [(WRITER, "writer"), (READER, "reader")] {
            let added = team
                .call(
                    Method::PUT,
                    &format!("/api/workspaces/{W}/members/{user}"),
                    &team.token(OWNER),
                    Some(json!({ "role": role })),
                )
                .await;
            assert_eq!(added.status(), 200);
        }
        team
    }

    fn token(&self, user: &str) -> String {
        self.app.tokens.token_for(user, Role::Viewer)
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .request(method, self.app.url(path))
            .bearer_auth(token)
            .header("api-version", "1.0");
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// A Lichtblick call as `user`; the envelope's `data` after checking it.
    async fn lichtblick(
        &self,
        method: Method,
        path: &str,
        user: &str,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        let response = self
            .call(
                method,
                &format!("/api/lichtblick/{path}"),
                &self.token(user),
                body,
            )
            .await;
        assert_eq!(response.status(), status, "{path}");
        let envelope: Value = response.json().await.unwrap();
        assert!(envelope["timestamp"].as_str().unwrap().ends_with('Z'));
        assert!(
            envelope["path"]
                .as_str()
                .unwrap()
                .starts_with("/api/lichtblick/")
        );
        envelope["data"].clone()
    }
}

fn layout_body(layout_id: &str, permission: &str) -> Value {
    // Made in Lichtblick: no top-level `layout` yet.
    json!({"layoutId": layout_id, "name": "Camera review", "permission": permission,
           "data": {"configById": {"Image!1": {"imageTopic": "/cam"}}, "globalVariables": {},
                    "userNodes": {}, "playbackConfig": {"speed": 1}}})
}

#[tokio::test]
async fn layouts_sync_by_role_and_permission_with_every_version_kept() {
    let team = Team::spawn().await;
    // Saved by a writer, shared for writing, without a top-level `layout`.
    let created = team
        .lichtblick(
            Method::POST,
            &format!("workspaces/{W}/layout"),
            WRITER,
            Some(layout_body("c-1", "ORG_WRITE")),
            201,
        )
        .await;
    let layout = &created["layout"];
    let id = layout["id"].as_str().unwrap().to_owned();
    assert_eq!(layout["layoutId"], "c-1");
    assert_eq!(layout["workspace"], W);
    assert_eq!(layout["version"], 1);
    assert_eq!(layout["createdAt"], layout["updatedAt"]);
    assert_eq!(layout["updatedAt"].as_str().unwrap().len(), 24);

    // Listed for a reader, with the bare `?` the client appends; the same
    // `updatedAt` text on every read.
    let listed = team
        .lichtblick(
            Method::GET,
            &format!("workspaces/{W}/layouts?"),
            READER,
            None,
            200,
        )
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["updatedAt"], layout["updatedAt"]);
    let again = team
        .lichtblick(
            Method::GET,
            &format!("workspaces/{W}/layouts?"),
            READER,
            None,
            200,
        )
        .await;
    assert_eq!(again[0]["updatedAt"], listed[0]["updatedAt"]);

    // A reader may not change a shared layout; a writer may.
    let refused = team
        .call(
            Method::PUT,
            &format!("/api/lichtblick/layouts/{id}"),
            &team.token(READER),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_problem(refused, 403).await;
    let renamed = team
        .lichtblick(
            Method::PUT,
            &format!("layouts/{id}"),
            WRITER,
            Some(json!({"name": "Cameras"})),
            200,
        )
        .await;
    assert_eq!(
        (renamed["name"].as_str(), renamed["version"].as_i64()),
        (Some("Cameras"), Some(2))
    );
    assert_ne!(renamed["updatedAt"], layout["updatedAt"]);
    // Nothing changed: no new version.
    let same = team
        .lichtblick(
            Method::PUT,
            &format!("layouts/{id}"),
            WRITER,
            Some(json!({"name": "Cameras"})),
            200,
        )
        .await;
    assert_eq!(same["version"], 2);
    // Only its creator or an owner decides who may write it.
    let bad = team
        .call(
            Method::PUT,
            &format!("/api/lichtblick/layouts/{id}"),
            &team.token(READER),
            Some(json!({"permission": "NOPE"})),
        )
        .await;
    assert_problem(bad, 422).await;

    // Every version kept; an earlier one restored as a new version.
    let versions = team
        .lichtblick(
            Method::GET,
            &format!("layouts/{id}/versions"),
            READER,
            None,
            200,
        )
        .await;
    let numbers: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(versions[1]["savedBy"], WRITER);
    let restored = team
        .lichtblick(
            Method::POST,
            &format!("layouts/{id}/versions/1/restore"),
            OWNER,
            None,
            200,
        )
        .await;
    assert_eq!(
        (restored["name"].as_str(), restored["version"].as_i64()),
        (Some("Camera review"), Some(3))
    );

    // A reader's personal layout: theirs alone.
    let personal = team
        .lichtblick(
            Method::POST,
            &format!("workspaces/{W}/layout"),
            READER,
            Some(layout_body("mine", "CREATOR_WRITE")),
            201,
        )
        .await;
    let personal_id = personal["layout"]["id"].as_str().unwrap().to_owned();
    let seen_by_writer = team
        .lichtblick(
            Method::GET,
            &format!("workspaces/{W}/layouts"),
            WRITER,
            None,
            200,
        )
        .await;
    assert_eq!(seen_by_writer.as_array().unwrap().len(), 1);
    assert_problem(
        team.call(
            Method::PUT,
            &format!("/api/lichtblick/layouts/{personal_id}"),
            &team.token(OWNER),
            Some(json!({"name": "y"})),
        )
        .await,
        404,
    )
    .await;
    // A reader cannot share one.
    assert_problem(
        team.call(
            Method::POST,
            &format!("/api/lichtblick/workspaces/{W}/layout"),
            &team.token(READER),
            Some(layout_body("s", "ORG_READ")),
        )
        .await,
        403,
    )
    .await;
    // The same layoutId sent again (a retried sync): a new version, not a copy.
    let resent = team
        .lichtblick(
            Method::POST,
            &format!("workspaces/{W}/layout"),
            WRITER,
            Some(layout_body("c-1", "ORG_WRITE")),
            200,
        )
        .await;
    assert_eq!(
        (
            resent["layout"]["id"].as_str(),
            resent["layout"]["version"].as_i64()
        ),
        (Some(id.as_str()), Some(4))
    );

    // Bad input changes nothing.
    let invalid = team
        .call(
            Method::POST,
            &format!("/api/lichtblick/workspaces/{W}/layout"),
            &team.token(WRITER),
            Some(json!({"layoutId": "", "name": " ", "permission": "ORG_WRITE", "data": []})),
        )
        .await;
    let problem = assert_problem(invalid, 422).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "layoutId", "data"]);

    // Deleted: the answer is the layout (the client checks it), then gone.
    let deleted = team
        .lichtblick(
            Method::DELETE,
            &format!("workspaces/{W}/layout/{id}"),
            WRITER,
            None,
            200,
        )
        .await;
    assert_eq!(deleted["id"], id);
    let listed = team
        .lichtblick(
            Method::GET,
            &format!("workspaces/{W}/layouts"),
            WRITER,
            None,
            200,
        )
        .await;
    assert!(listed.as_array().unwrap().is_empty());
    assert_problem(
        team.call(
            Method::DELETE,
            &format!("/api/lichtblick/workspaces/{W}/layout/{id}"),
            &team.token(WRITER),
            None,
        )
        .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn strangers_anonymous_callers_and_cookies_get_what_the_workspace_allows() {
    let team = Team::spawn().await;
    let app = &team.app;
    team.lichtblick(
        Method::POST,
        &format!("workspaces/{W}/layout"),
        WRITER,
        Some(layout_body("c-1", "ORG_READ")),
        201,
    )
    .await;
    let path = format!("/api/lichtblick/workspaces/{W}/layouts");
    assert_problem(app.get(&path).await, 401).await;
    assert_problem(app.get_as(&path, &team.token("user-stranger")).await, 403).await;
    assert_problem(
        app.get("/api/lichtblick/workspaces/nowhere/layouts").await,
        404,
    )
    .await;

    // The owner opens it to anonymous reading: reading works, writing not.
    let opened = team
        .call(
            Method::PATCH,
            &format!("/api/workspaces/{W}"),
            &team.token(OWNER),
            Some(json!({"anonymous_read": true})),
        )
        .await;
    assert_eq!(opened.status(), 200);
    let read: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(read["data"].as_array().unwrap().len(), 1);
    let anonymous_write = app
        .client
        .post(app.url(&format!("/api/lichtblick/workspaces/{W}/layout")))
        .header("api-version", "1.0")
        .json(&layout_body("anon", "ORG_WRITE"))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous_write, 401).await;

    // A bearer token is no session cookie: the cookie's own audience only.
    let wrong_audience = app
        .client
        .get(app.url(&path))
        .header("cookie", format!("sora_access={}", team.token(WRITER)))
        .send()
        .await
        .unwrap();
    assert_problem(wrong_audience, 401).await;
    // The session cookie authenticates, as a browser sends it by itself;
    // its writes need Api-Version (a cross-site form cannot add it).
    let cookie_token = app.tokens.token_with_audience(
        WRITER,
        Role::Viewer,
        &app.settings.auth.lichtblick_audience,
    );
    let cookie = format!("sora_access={cookie_token}");
    let by_cookie = |api_version: bool| {
        let mut request = app
            .client
            .post(app.url(&format!("/api/lichtblick/workspaces/{W}/layout")))
            .header("cookie", &cookie)
            .json(&layout_body("by-cookie", "ORG_WRITE"));
        if api_version {
            request = request.header("api-version", "1.0");
        }
        request.send()
    };
    let forged = by_cookie(false).await.unwrap();
    let problem = assert_problem(forged, 403).await;
    assert!(problem["detail"].as_str().unwrap().contains("Api-Version"));
    assert_eq!(by_cookie(true).await.unwrap().status(), 201);
    // A cookie that is not a valid token is refused, not taken as anonymous.
    let bad_cookie = app
        .client
        .get(app.url(&path))
        .header("cookie", "sora_access=not-a-token")
        .send()
        .await
        .unwrap();
    assert_problem(bad_cookie, 401).await;

    // Managing it: owners and admins only; the last owner stays.
    assert_problem(
        team.call(
            Method::PATCH,
            &format!("/api/workspaces/{W}"),
            &team.token(WRITER),
            Some(json!({"anonymous_read": false})),
        )
        .await,
        403,
    )
    .await;
    assert_problem(
        team.call(
            Method::PUT,
            &format!("/api/workspaces/{W}/members/{OWNER}"),
            &team.token(OWNER),
            Some(json!({"role": "reader"})),
        )
        .await,
        409,
    )
    .await;
    // A service's subject is no member (as for publisher namespaces).
    assert_problem(
        team.call(
            Method::PUT,
            &format!("/api/workspaces/{W}/members/service:admin-api"),
            &team.token(OWNER),
            Some(json!({"role": "writer"})),
        )
        .await,
        422,
    )
    .await;
    assert_problem(
        team.call(
            Method::POST,
            "/api/workspaces",
            &team.token(OWNER),
            Some(json!({"name": "mine", "owner": OWNER})),
        )
        .await,
        403,
    )
    .await;
    let mine: Value = team
        .call(Method::GET, "/api/workspaces", &team.token(READER), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine,
        json!([{"name": W, "anonymous_read": true, "default_layout": null, "role": "reader"}])
    );
    let details: Value = team
        .call(
            Method::GET,
            &format!("/api/workspaces/{W}"),
            &team.token(OWNER),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["members"].as_array().unwrap().len(), 3);
}

/// A `multipart/form-data` body as a browser's FormData sends it.
fn form(file: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----soraTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.foxe\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    team: &Team,
    user: &str,
    file: &[u8],
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (content_type, body) = form(file, fields);
    team.app
        .client
        .post(
            team.app
                .url(&format!("/api/lichtblick/workspaces/{W}/extension")),
        )
        .bearer_auth(team.token(user))
        .header("api-version", "1.0")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The objects of the workspace's extensions in the storage folder.
fn stored_objects(team: &Team) -> usize {
    let dir = std::path::Path::new(&team.app.settings.service.storage.path)
        .join("workspaces")
        .join(W);
    std::fs::read_dir(dir).map_or(0, |entries| entries.count())
}

/// Lets the workspace's writers upload extensions (owners only by default).
async fn let_writers_upload(team: &Team) {
    let changed = team
        .call(
            Method::PATCH,
            &format!("/api/workspaces/{W}"),
            &team.token(OWNER),
            Some(json!({"extension_uploaders": "writer"})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["extension_uploaders"], "writer");
}

#[tokio::test]
async fn workspace_extension_downloads_are_counted_for_the_workspace_alone() {
    let team = Team::spawn().await;
    let package = foxe(&manifest("acme", "plot", "1.0.0"));
    let uploaded = upload(&team, OWNER, &package, &[("extensionId", "acme.plot")]).await;
    assert_eq!(uploaded.status(), 201);
    let uploaded: Value = uploaded.json().await.unwrap();
    let id = uploaded["data"]["extension"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/lichtblick/extensions/{id}/download?");
    for _ in 0..3 {
        let download = team.app.get_as(&path, &team.token(READER)).await;
        assert_eq!(download.status(), 200);
        download.bytes().await.unwrap();
    }
    // Refused downloads count nothing.
    assert_ne!(team.app.get(&path).await.status(), 200);

    let counted = || async {
        let details = team
            .call(
                Method::GET,
                &format!("/api/workspaces/{W}"),
                &team.token(OWNER),
                None,
            )
            .await;
        assert_eq!(details.status(), 200);
        let details: Value = details.json().await.unwrap();
        details["extension_downloads"].clone()
    };
    eventually(
        std::time::Duration::from_secs(10),
        json!([{"extension_id": "acme.plot", "total": 3, "last_30_days": 3}]),
        counted,
    )
    .await;
    // Members who do not manage the workspace do not see it.
    let details = team
        .call(
            Method::GET,
            &format!("/api/workspaces/{W}"),
            &team.token(WRITER),
            None,
        )
        .await;
    assert!(details.status().is_client_error(), "{}", details.status());
    // Nothing reaches the public figures.
    let mut db = team.app.database.admin_connection().await;
    let public: i64 = sqlx::query_scalar("SELECT count(*) FROM file_server.downloads_daily")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(public, 0);
}

#[tokio::test]
async fn extensions_upload_list_download_replace_and_remove() {
    let team = Team::spawn().await;
    let package = foxe(&manifest("acme", "plot", "1.0.0"));
    let fields = [
        ("extensionId", "acme.plot"),
        ("scope", "org"),
        ("replace", "true"),
        ("displayName", "ignored"),
    ];
    // Owners upload by default: a writer is refused, and nothing is stored.
    assert_problem(upload(&team, WRITER, &package, &fields).await, 403).await;
    assert_eq!(stored_objects(&team), 0);
    // A writer may not open that door; an owner may.
    let refused = team
        .call(
            Method::PATCH,
            &format!("/api/workspaces/{W}"),
            &team.token(WRITER),
            Some(json!({"extension_uploaders": "writer"})),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let_writers_upload(&team).await;
    let response = upload(&team, WRITER, &package, &fields).await;
    assert_eq!(response.status(), 201);
    assert_eq!(stored_objects(&team), 1);
    let uploaded: Value = response.json().await.unwrap();
    let extension = &uploaded["data"]["extension"];
    let id = extension["id"].as_str().unwrap().to_owned();
    assert_eq!(extension["extensionId"], "acme.plot");
    assert_eq!(extension["qualifiedName"], "plot panel");
    assert_eq!(extension["displayName"], "plot panel");
    assert_eq!(extension["scope"], "org");
    assert_eq!(extension["readme"], "# Readme\nhello");

    let listed = team
        .lichtblick(
            Method::GET,
            &format!("workspaces/{W}/extensions?"),
            READER,
            None,
            200,
        )
        .await;
    assert_eq!(listed[0]["id"], id);
    let one = team
        .lichtblick(Method::GET, &format!("extensions/{id}?"), READER, None, 200)
        .await;
    assert_eq!(one["version"], "1.0.0");
    let download = team
        .app
        .get_as(
            &format!("/api/lichtblick/extensions/{id}/download?"),
            &team.token(READER),
        )
        .await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), package.as_slice());

    // A new version replaces it, under the same server id.
    let newer = foxe(&manifest("acme", "plot", "1.1.0"));
    let replaced = upload(&team, WRITER, &newer, &fields).await;
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(
        (
            replaced["data"]["extension"]["id"].as_str(),
            replaced["data"]["extension"]["version"].as_str()
        ),
        (Some(id.as_str()), Some("1.1.0"))
    );
    // The replaced file is gone from storage.
    assert_eq!(stored_objects(&team), 1);

    // Refused, and nothing changes: a reader; a client id other than the
    // package's; a package the clients would install under another id; no file.
    assert_problem(upload(&team, READER, &newer, &fields).await, 403).await;
    let problem = assert_problem(
        upload(&team, WRITER, &newer, &[("extensionId", "Acme.plot")]).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "extensionId");
    let upper = foxe(&manifest("Acme", "plot", "2.0.0"));
    let problem = assert_problem(upload(&team, WRITER, &upper, &[]).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "package.json.publisher");
    let (content_type, body) = form(b"", &[]);
    let no_file = String::from_utf8_lossy(&body).replace("name=\"file\"", "name=\"other\"");
    let response = team
        .app
        .client
        .post(
            team.app
                .url(&format!("/api/lichtblick/workspaces/{W}/extension")),
        )
        .bearer_auth(team.token(WRITER))
        .header("content-type", content_type)
        .body(no_file)
        .send()
        .await
        .unwrap();
    assert_problem(response, 422).await;
    let one = team
        .lichtblick(Method::GET, &format!("extensions/{id}"), READER, None, 200)
        .await;
    assert_eq!(one["version"], "1.1.0");

    // Removed: the answer is what was removed; again, 404 (the client's false).
    let removed = team
        .lichtblick(
            Method::DELETE,
            &format!("workspaces/{W}/extension/{id}"),
            WRITER,
            None,
            200,
        )
        .await;
    assert_eq!(removed["extensionId"], "acme.plot");
    assert_problem(
        team.call(
            Method::DELETE,
            &format!("/api/lichtblick/workspaces/{W}/extension/{id}"),
            &team.token(WRITER),
            None,
        )
        .await,
        404,
    )
    .await;
    assert_problem(
        team.app
            .get_as(
                &format!("/api/lichtblick/extensions/{id}/download"),
                &team.token(READER),
            )
            .await,
        404,
    )
    .await;
    assert_eq!(stored_objects(&team), 0);
}

#[tokio::test]
async fn a_workspace_holds_extensions_up_to_its_quota() {
    let team = Team::spawn_with(|s| {
        s.service.lichtblick.max_workspace_extensions = 2;
        s.service.lichtblick.max_workspace_extension_bytes = 1024 * 1024;
    })
    .await;
    for name in ["one", "two"] {
        let package = foxe(&manifest("acme", name, "1.0.0"));
        assert_eq!(upload(&team, OWNER, &package, &[]).await.status(), 201);
    }
    // A third is refused, and nothing is stored for it…
    let third = foxe(&manifest("acme", "three", "1.0.0"));
    let problem = assert_problem(upload(&team, OWNER, &third, &[]).await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("quota"));
    assert_eq!(stored_objects(&team), 2);
    // …while a new version of one it holds replaces it.
    let newer = foxe(&manifest("acme", "two", "1.1.0"));
    assert_eq!(upload(&team, OWNER, &newer, &[]).await.status(), 200);
    assert_eq!(stored_objects(&team), 2);
}

#[tokio::test]
async fn sessions_and_the_default_layout_of_a_workspace() {
    let team = Team::spawn().await;
    // Nothing yet: 404, which the client takes as "start from your own base".
    let none = team
        .app
        .get_as(
            &format!("/api/lichtblick/workspaces/{W}/layouts/default_data?"),
            &team.token(READER),
        )
        .await;
    assert_problem(none, 404).await;

    // A session of two recordings.
    let mcaps = json!([
        {"url": "https://data.example.com/run-1.mcap", "metadata": {"topics": ["/camera/image_raw", "/imu"]}},
        {"url": "https://data.example.com/run-2.mcap"}
    ]);
    let created = team
        .lichtblick(
            Method::POST,
            &format!("workspaces/{W}/sessions"),
            WRITER,
            Some(json!({ "mcaps": mcaps })),
            201,
        )
        .await;
    let session = created["id"].as_str().unwrap().to_owned();
    let read = team
        .lichtblick(
            Method::GET,
            &format!("session/{session}?"),
            READER,
            None,
            200,
        )
        .await;
    assert_eq!(
        read["mcaps"][0]["url"],
        "https://data.example.com/run-1.mcap"
    );
    assert_eq!(read["mcaps"][1]["metadata"], json!({}));
    assert_problem(
        team.call(
            Method::POST,
            &format!("/api/lichtblick/workspaces/{W}/sessions"),
            &team.token(READER),
            Some(json!({"mcaps": mcaps})),
        )
        .await,
        403,
    )
    .await;
    let bad = team
        .call(
            Method::POST,
            &format!("/api/lichtblick/workspaces/{W}/sessions"),
            &team.token(WRITER),
            Some(json!({"mcaps": [{"url": "file:///etc/passwd"}]})),
        )
        .await;
    assert_eq!(
        assert_problem(bad, 422).await["errors"][0]["field"],
        "mcaps[0].url"
    );

    // Two shared layouts; the one saved most is the most used.
    let first = team
        .lichtblick(
            Method::POST,
            &format!("workspaces/{W}/layout"),
            WRITER,
            Some(layout_body("a", "ORG_WRITE")),
            201,
        )
        .await;
    let mut second_body = layout_body("b", "ORG_WRITE");
    second_body["data"]["globalVariables"] = json!({"robot": "b"});
    let second = team
        .lichtblick(
            Method::POST,
            &format!("workspaces/{W}/layout"),
            WRITER,
            Some(second_body),
            201,
        )
        .await;
    let second_id = second["layout"]["id"].as_str().unwrap().to_owned();
    team.lichtblick(
        Method::PUT,
        &format!("layouts/{second_id}"),
        WRITER,
        Some(json!({"name": "B2"})),
        200,
    )
    .await;
    let default_of = |query: String| {
        let team = &team;
        async move {
            let response = team
                .app
                .get_as(
                    &format!("/api/lichtblick/workspaces/{W}/layouts/default_data{query}"),
                    &team.token(READER),
                )
                .await;
            assert_eq!(response.status(), 200);
            let source = response.headers()["x-sora-default-source"]
                .to_str()
                .unwrap()
                .to_owned();
            let body: Value = response.json().await.unwrap();
            (source, body["data"].clone())
        }
    };
    let (source, data) = default_of("?".to_owned()).await;
    assert_eq!(
        (source.as_str(), &data["globalVariables"]),
        ("most-used", &json!({"robot": "b"}))
    );
    // Naming the recording, with the recommender down: the next source answers.
    let (source, _) = default_of(format!("?session={session}")).await;
    assert_eq!(source, "most-used");

    // The owner chooses one: it wins.
    let first_id = first["layout"]["id"].as_str().unwrap();
    let chosen = team
        .call(
            Method::PATCH,
            &format!("/api/workspaces/{W}"),
            &team.token(OWNER),
            Some(json!({"default_layout": first_id})),
        )
        .await;
    assert_eq!(chosen.status(), 200);
    let (source, data) = default_of("?topics=/camera/image_raw".to_owned()).await;
    assert_eq!(
        (source.as_str(), &data["globalVariables"]),
        ("workspace", &json!({}))
    );
    // Its creator makes it their own: no one else starts from it any more.
    team.lichtblick(
        Method::PUT,
        &format!("layouts/{first_id}"),
        WRITER,
        Some(json!({"permission": "CREATOR_WRITE"})),
        200,
    )
    .await;
    let (source, data) = default_of("?".to_owned()).await;
    assert_eq!(
        (source.as_str(), &data["globalVariables"]),
        ("most-used", &json!({"robot": "b"}))
    );
    team.lichtblick(
        Method::PUT,
        &format!("layouts/{first_id}"),
        WRITER,
        Some(json!({"permission": "ORG_WRITE"})),
        200,
    )
    .await;
    // Not a shared layout of this workspace: refused.
    let refused = team
        .call(
            Method::PATCH,
            &format!("/api/workspaces/{W}"),
            &team.token(OWNER),
            Some(json!({"default_layout": session})),
        )
        .await;
    assert_problem(refused, 422).await;
    // Cleared with null.
    let cleared: Value = team
        .call(
            Method::PATCH,
            &format!("/api/workspaces/{W}"),
            &team.token(OWNER),
            Some(json!({"default_layout": null})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["default_layout"], Value::Null);
}

/// Lichtblick served from another origin (its dev server) preflights its
/// calls: an allowed origin may send `Api-Version`.
#[tokio::test]
async fn preflights_from_allowed_origins_accept_api_version() {
    let app =
        spawn_app_with(|s| s.allowed_origins = vec!["http://localhost:8080".to_owned()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(
                Method::OPTIONS,
                app.url(&format!("/api/lichtblick/workspaces/{W}/layout")),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "api-version,content-type")
            .send()
    };
    let allowed = preflight("http://localhost:8080").await.unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://localhost:8080"
    );
    let headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(headers.contains("api-version"), "{headers}");
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn layouts_lists_are_kept_in_memory_and_follow_every_change_on_every_replica() {
    let team = Team::spawn().await;
    // A second replica on the same database, trusting the same tokens.
    let (database, storage) = (
        team.app.settings.database.clone(),
        team.app.settings.service.storage.clone(),
    );
    let keys = team.app.tokens.public_keys();
    let other = spawn_app_with(move |s| {
        s.database = database;
        s.service.storage = storage;
        s.auth.public_keys = keys;
    })
    .await;
    let list = |app: &TestApp, user: &str| {
        let (url, token) = (
            app.url(&format!("/api/lichtblick/workspaces/{W}/layouts?")),
            team.token(user),
        );
        let client = app.client.clone();
        async move {
            let response = client.get(url).bearer_auth(token).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            let names: Vec<String> = body["data"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|l| l["name"].as_str().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            (status, names)
        }
    };
    assert_eq!(list(&other, READER).await, (200, vec![]));
    // Kept once the replica follows the announcements (from its start).
    let kept = || async {
        list(&other, READER).await;
        let metrics = other.get("/metrics").await.text().await.unwrap();
        metrics
            .lines()
            .find(|l| l.starts_with("cache_bytes{cache=\"team_layouts\""))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_default()
            > 0.0
    };
    eventually(std::time::Duration::from_secs(5), true, kept).await;

    // A shared layout saved on the first replica: its writer's replica
    // shows it at once, the other within a second.
    team.lichtblick(
        Method::POST,
        &format!("workspaces/{W}/layout"),
        OWNER,
        Some(layout_body("shared", "ORG_READ")),
        201,
    )
    .await;
    assert_eq!(
        list(&team.app, READER).await,
        (200, vec!["Camera review".to_owned()])
    );
    eventually(
        std::time::Duration::from_secs(1),
        (200, vec!["Camera review".to_owned()]),
        || list(&other, READER),
    )
    .await;
    // A personal layout is its creator's alone, from memory too.
    let mut mine = layout_body("mine", "CREATOR_WRITE");
    mine["name"] = json!("Mine");
    team.lichtblick(
        Method::POST,
        &format!("workspaces/{W}/layout"),
        WRITER,
        Some(mine),
        201,
    )
    .await;
    eventually(std::time::Duration::from_secs(1), 2, || async {
        list(&other, WRITER).await.1.len()
    })
    .await;
    assert_eq!(list(&other, READER).await.1, ["Camera review"]);

    // A change made by any path (here SQL) reaches every replica.
    let mut db = team.app.database.admin_connection().await;
    sqlx::query("UPDATE file_server.team_layouts SET name = 'Renamed' WHERE layout_id = 'shared'")
        .execute(&mut db)
        .await
        .unwrap();
    eventually(
        std::time::Duration::from_secs(1),
        (200, vec!["Renamed".to_owned()]),
        || list(&other, READER),
    )
    .await;
    // A member removed loses the list on every replica.
    let removed = team
        .call(
            Method::DELETE,
            &format!("/api/workspaces/{W}/members/{READER}"),
            &team.token(OWNER),
            None,
        )
        .await;
    assert_eq!(removed.status(), 204);
    assert_eq!(list(&team.app, READER).await.0, 403);
    eventually(std::time::Duration::from_secs(1), 403, || async {
        list(&other, READER).await.0
    })
    .await;
}
