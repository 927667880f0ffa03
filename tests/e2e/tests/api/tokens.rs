//! Personal access tokens against the whole system, as an attacker would
//! try them: a token does only what its scopes name, nowhere else, and
//! ending it (revoking it, or its user's sessions) refuses what was
//! exchanged for it at every service within two seconds.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{foxe, login};
use crate::security::{PASSWORD, Stack};

/// Creates a personal access token as `token`'s user; the answer.
async fn create(stack: &Stack, token: &str, body: Value) -> (u16, Value) {
    let answer = stack
        .admin
        .client
        .post(stack.admin.url("/api/admin/tokens"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

/// Exchanges a personal access token: the status and the access token.
async fn exchange(stack: &Stack, secret: &str) -> (u16, Option<String>) {
    let answer = stack
        .admin
        .client
        .post(stack.admin.url("/api/admin/auth/token"))
        .json(&json!({"token": secret}))
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    (status, body["access_token"].as_str().map(str::to_owned))
}

async fn publish(stack: &Stack, token: &str, publisher: &str, version: &str) -> u16 {
    stack
        .files
        .client
        .post(stack.files.url("/api/extensions"))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(foxe(publisher, "plot", version))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn versions(stack: &Stack, id: &str) -> Vec<String> {
    let answer = stack.files.get(&format!("/api/extensions/{id}")).await;
    if answer.status() == 404 {
        return Vec::new();
    }
    let details: Value = answer.json().await.unwrap();
    details["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_personal_access_token_does_only_what_its_scopes_name() {
    let stack = Stack::spawn().await;
    stack.create_user("pia@example.com", "editor").await;
    let session = login(&stack.admin, "pia@example.com", PASSWORD).await;

    let (status, created) = create(
        &stack,
        &session,
        json!({"name": "CI of acme/plot", "scopes": ["publish:acme"], "expires_in_days": 30}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("sora_pat_"), "{secret}");
    assert_eq!(created["scopes"], json!(["publish:acme"]));
    // Listed without the token itself, ever again.
    let listed = stack.admin.get_as("/api/admin/tokens", &session).await;
    assert_eq!(listed.status(), 200);
    let listed = listed.text().await.unwrap();
    assert!(!listed.contains(&secret[13..]), "{listed}");
    assert!(listed.contains("CI of acme/plot"), "{listed}");

    let (status, access) = exchange(&stack, &secret).await;
    assert_eq!(status, 200);
    let access = access.unwrap();

    // What the scope names: publishing under `acme`, and yanking there.
    assert_eq!(publish(&stack, &access, "acme", "1.0.0").await, 201);
    assert_eq!(publish(&stack, &access, "acme", "1.1.0").await, 201);
    let yank = stack
        .files
        .client
        .delete(stack.files.url("/api/extensions/acme.plot/versions/1.0.0"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(yank.status(), 204);

    // Another publisher, a layout, the statistics: refused, nothing made.
    assert_eq!(publish(&stack, &access, "globex", "1.0.0").await, 403);
    assert!(versions(&stack, "globex.plot").await.is_empty());
    let layouts_before: Value = stack.files.get("/api/layouts").await.json().await.unwrap();
    let layout = stack
        .files
        .client
        .post(stack.files.url("/api/layouts"))
        .bearer_auth(&access)
        .json(&json!({"name": "Sneaky", "layout": {"configById": {}, "layout": null}}))
        .send()
        .await
        .unwrap();
    assert_eq!(layout.status(), 403);
    let layouts_after: Value = stack.files.get("/api/layouts").await.json().await.unwrap();
    assert_eq!(layouts_before["total"], layouts_after["total"]);
    let stats = stack.feedback.get_as("/api/stats/summary", &access).await;
    assert_eq!(stats.status(), 403);

    // Everywhere no scope is checked, the exchanged token is no credential
    // at all: no workspace read, no user or token made, no moderation.
    assert_eq!(
        stack
            .files
            .get_as("/api/workspaces", &access)
            .await
            .status(),
        401
    );
    let users = stack.user_count().await;
    let made = stack
        .admin
        .client
        .post(stack.admin.url("/api/admin/users"))
        .bearer_auth(&access)
        .json(&json!({"email": "evil@example.com", "password": PASSWORD, "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 401);
    assert_eq!(stack.user_count().await, users);
    let (status, _) = create(
        &stack,
        &access,
        json!({"name": "more", "scopes": ["publish:*"]}),
    )
    .await;
    assert_eq!(status, 401, "a token makes no tokens");
    assert_eq!(
        stack
            .feedback
            .get_as("/api/feedback", &access)
            .await
            .status(),
        401
    );
    // The personal access token itself is no bearer token anywhere.
    assert_eq!(publish(&stack, &secret, "acme", "1.2.0").await, 401);
    assert_eq!(versions(&stack, "acme.plot").await.len(), 2);
}

#[tokio::test]
async fn a_token_asking_for_too_much_is_refused_and_nothing_is_made() {
    let stack = Stack::spawn().await;
    stack.create_user("vic@example.com", "viewer").await;
    let viewer = login(&stack.admin, "vic@example.com", PASSWORD).await;
    for (body, field) in [
        (json!({"name": "x", "scopes": ["publish:*"]}), "scopes"),
        (json!({"name": "x", "scopes": ["layouts:write"]}), "scopes"),
        (json!({"name": "x", "scopes": ["admin"]}), "scopes"),
        (json!({"name": "x", "scopes": []}), "scopes"),
        (json!({"name": "x", "scopes": ["publish:Acme"]}), "scopes"),
        (json!({"name": "", "scopes": ["stats:read"]}), "name"),
        (
            json!({"name": "x", "scopes": ["stats:read"], "expires_in_days": 0}),
            "expires_in_days",
        ),
        (
            json!({"name": "x", "scopes": ["stats:read"], "expires_in_days": 367}),
            "expires_in_days",
        ),
    ] {
        let (status, problem) = create(&stack, &viewer, body.clone()).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{body}: {problem}"
        );
    }
    let listed: Value = stack
        .admin
        .get_as("/api/admin/tokens", &viewer)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
    // What a viewer may have: reading statistics.
    let (status, created) = create(
        &stack,
        &viewer,
        json!({"name": "report", "scopes": ["stats:read"]}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (_, access) = exchange(&stack, created["secret"].as_str().unwrap()).await;
    let stats = stack
        .feedback
        .get_as("/api/stats/summary", &access.unwrap())
        .await;
    assert_eq!(stats.status(), 200);
    // Unknown and made-up tokens exchange for nothing.
    for fake in ["sora_pat_nothing", "not-a-token", ""] {
        assert_eq!(exchange(&stack, fake).await, (401, None), "{fake}");
    }
}

/// Polls, without changing anything, until file-server and feedback-api
/// refuse `access` (401); at most 2 s. Then a publish of `version` is
/// refused too.
async fn refused_within_two_seconds(stack: &Stack, access: &str, version: &str) {
    let ended = Instant::now();
    loop {
        // Yanking a version that does not exist: 404 while the token is
        // good. Statistics are outside its scopes: 403 while it is good.
        let yank = stack
            .files
            .client
            .delete(stack.files.url("/api/extensions/acme.plot/versions/9.9.9"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        let stats = stack
            .feedback
            .get_as("/api/stats/summary", access)
            .await
            .status()
            .as_u16();
        if (yank, stats) == (401, 401) {
            break;
        }
        assert!(
            [404, 401].contains(&yank) && [403, 401].contains(&stats),
            "{yank} {stats}"
        );
        assert!(
            ended.elapsed() < Duration::from_secs(2),
            "still answered {yank} and {stats} 2 s after"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(publish(stack, access, "acme", version).await, 401);
}

#[tokio::test]
async fn an_ended_token_is_refused_everywhere_within_two_seconds() {
    let stack = Stack::spawn().await;
    let owner_id = stack.create_user("ola@example.com", "editor").await;
    stack.create_user("mallory@example.com", "editor").await;
    let owner = login(&stack.admin, "ola@example.com", PASSWORD).await;
    let mallory = login(&stack.admin, "mallory@example.com", PASSWORD).await;
    let scopes = json!({"name": "laptop", "scopes": ["publish:acme"]});

    let (_, created) = create(&stack, &owner, scopes.clone()).await;
    let (id, secret) = (
        created["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    );
    let (_, access) = exchange(&stack, &secret).await;
    let access = access.unwrap();
    assert_eq!(publish(&stack, &access, "acme", "1.0.0").await, 201);

    // Someone else cannot revoke it (nor learn that it exists).
    let by_mallory = stack
        .admin
        .client
        .delete(stack.admin.url(&format!("/api/admin/tokens/{id}")))
        .bearer_auth(&mallory)
        .send()
        .await
        .unwrap();
    assert_eq!(by_mallory.status(), 404);
    assert_eq!(publish(&stack, &access, "acme", "1.1.0").await, 201);

    // Its owner revokes it: no more exchanges, and what was exchanged is
    // refused at file-server within two seconds.
    let revoked = stack
        .admin
        .client
        .delete(stack.admin.url(&format!("/api/admin/tokens/{id}")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_eq!(exchange(&stack, &secret).await, (401, None));
    refused_within_two_seconds(&stack, &access, "1.2.0").await;
    let listed: Value = stack
        .admin
        .get_as("/api/admin/tokens", &owner)
        .await
        .json()
        .await
        .unwrap();
    assert!(listed[0]["revoked_at"].is_string(), "{listed}");

    // Signing out everywhere ends the user's tokens too.
    let (_, created) = create(&stack, &owner, scopes.clone()).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let (_, access) = exchange(&stack, &secret).await;
    let access = access.unwrap();
    assert_eq!(publish(&stack, &access, "acme", "1.3.0").await, 201);
    let out = stack
        .admin
        .client
        .post(stack.admin.url("/api/admin/auth/logout-all"))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(exchange(&stack, &secret).await, (401, None));
    refused_within_two_seconds(&stack, &access, "1.4.0").await;

    // And so does disabling the user, for a token made after that sign-out.
    let owner = login(&stack.admin, "ola@example.com", PASSWORD).await;
    let (_, created) = create(&stack, &owner, scopes).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let (_, access) = exchange(&stack, &secret).await;
    let access = access.unwrap();
    let root = stack.root().await;
    let disabled = stack
        .admin
        .client
        .patch(stack.admin.url(&format!("/api/admin/users/{owner_id}")))
        .bearer_auth(&root)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), 200);
    assert_eq!(exchange(&stack, &secret).await, (401, None));
    refused_within_two_seconds(&stack, &access, "1.5.0").await;

    // Nothing an ended token sent was published.
    assert_eq!(
        versions(&stack, "acme.plot").await,
        ["1.3.0", "1.1.0", "1.0.0"]
    );
}
