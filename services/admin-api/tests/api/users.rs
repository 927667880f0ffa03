//! User management through HTTP: admins create, change and delete users,
//! every change is audited, and bad input is refused where it enters.

use std::time::Duration;

use admin_api::config::dev_secrets;
use serde_json::{Value, json};

use crate::helpers::{TestApp, eventually, spawn_app};
use crate::identity::{login, pair, refresh};

pub async fn admin_session(app: &TestApp) -> (String, String) {
    let (access, _) = pair(
        login(
            app,
            "admin@sora.local",
            dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
        )
        .await,
    )
    .await;
    let claims = sora_common::auth::JwtVerifier::from_settings(&app.settings.auth)
        .verify(&access)
        .unwrap();
    (access, claims.sub)
}

#[tokio::test]
async fn admins_manage_users_and_every_change_is_audited() {
    let app = spawn_app().await;
    let (admin, admin_id) = admin_session(&app).await;
    let users = app.url("/api/admin/users");

    let invalid = app
        .client
        .post(&users)
        .bearer_auth(&admin)
        .json(&json!({"email": "not an email", "password": "short", "role": "overlord"}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    let problem: Value = invalid.json().await.unwrap();
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["email", "password", "role"],
        "each bad field is listed"
    );

    let new_editor = json!({"email": "Editor@Example.com", "password": "a long enough password", "role": "editor"});
    let created = app
        .client
        .post(&users)
        .bearer_auth(&admin)
        .json(&new_editor)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let editor: Value = created.json().await.unwrap();
    assert_eq!(editor["email"], "editor@example.com");
    assert_eq!(editor["role"], "editor");
    assert!(editor.get("password_hash").is_none());
    let duplicate = app
        .client
        .post(&users)
        .bearer_auth(&admin)
        .json(&new_editor)
        .send()
        .await
        .unwrap();
    assert_eq!(duplicate.status(), 409);

    let list: Value = app
        .get_as("/api/admin/users", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);

    // The editor can log in, but not manage users.
    let (editor_access, editor_refresh) =
        pair(login(&app, "editor@example.com", "a long enough password").await).await;
    let refused = app.get_as("/api/admin/users", &editor_access).await;
    assert_eq!(refused.status(), 403);

    // Disabling stops the refresh token at once and further logins.
    let editor_url = app.url(&format!(
        "/api/admin/users/{}",
        editor["id"].as_str().unwrap()
    ));
    let disabled = app
        .client
        .patch(&editor_url)
        .bearer_auth(&admin)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), 200);
    assert_eq!(refresh(&app, &editor_refresh).await.status(), 401);
    assert_eq!(
        login(&app, "editor@example.com", "a long enough password")
            .await
            .status(),
        401
    );

    // No self-lockout.
    let own = app.url(&format!("/api/admin/users/{admin_id}"));
    let demote = app
        .client
        .patch(&own)
        .bearer_auth(&admin)
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(demote.status(), 422);
    assert_eq!(
        app.client
            .delete(&own)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .status(),
        422
    );

    assert_eq!(
        app.client
            .delete(&editor_url)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        app.client
            .delete(&editor_url)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let bad_id = app
        .client
        .delete(app.url("/api/admin/users/not-a-uuid"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_id.status(), 404);

    // Created, updated, deleted: each in the audit log, by this admin.
    let audit = app.url(&format!("/api/admin/audit?actor={admin_id}"));
    let count = || {
        let request = app.client.get(&audit).bearer_auth(&admin);
        async move {
            request.send().await.unwrap().json::<Value>().await.unwrap()["total"]
                .as_i64()
                .unwrap()
        }
    };
    eventually(Duration::from_secs(20), 3, count).await;
}

/// U+0000 is refused where input enters, naming the field, never a 500.
#[tokio::test]
async fn nul_characters_are_refused_at_the_edge() {
    let app = spawn_app().await;
    let (admin, _) = admin_session(&app).await;
    let audit = app.get_as("/api/admin/audit?actor=%00", &admin).await;
    assert_eq!(audit.status(), 400);
    let problem: Value = audit.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "actor");
    let created = app
        .client
        .post(app.url("/api/admin/users"))
        .bearer_auth(&admin)
        .json(&json!({"email": "a\u{0}@example.com", "password": "a long enough password", "role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 422);
    let problem: Value = created.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "email");
    let login = app
        .client
        .post(app.url("/api/admin/auth/login"))
        .json(&json!({"email": "admin@sora.local\u{0}", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 422);
}
