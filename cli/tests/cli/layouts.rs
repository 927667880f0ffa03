//! `sora layouts push/pull/list`: a workspace's team layouts through
//! Lichtblick's routes, with a token scoped to that workspace; and what a
//! token without that scope cannot do there, changing nothing.

use std::path::Path;

use base64::Engine;
use serde_json::{Value, json};

use super::{Stack, Terminal, path, temp};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/layouts")
        .join(name)
}

/// The user id in a session token.
fn user_of(session: &str) -> String {
    let payload = session.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    claims["sub"].as_str().unwrap().to_owned()
}

impl Stack {
    async fn workspace(&self, name: &str, owner: &str) {
        let root = self.root().await;
        let made = self
            .files
            .client
            .post(self.files.url("/api/workspaces"))
            .bearer_auth(root)
            .json(&json!({"name": name, "owner": owner}))
            .send()
            .await
            .unwrap();
        assert_eq!(made.status(), 201);
    }

    /// The layouts of `workspace` as `session` sees them in Lichtblick.
    async fn team_layouts(&self, workspace: &str, session: &str) -> Vec<Value> {
        let answer: Value = self
            .files
            .get_as(
                &format!("/api/lichtblick/workspaces/{workspace}/layouts"),
                session,
            )
            .await
            .json()
            .await
            .unwrap();
        answer["data"].as_array().unwrap().clone()
    }

    async fn exchanged(&self, secret: &str) -> String {
        let answer: Value = self
            .admin
            .client
            .post(self.admin.url("/api/admin/auth/token"))
            .json(&json!({"token": secret}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["access_token"].as_str().unwrap().to_owned()
    }
}

#[tokio::test]
async fn layouts_are_pushed_and_pulled_in_the_workspaces_a_token_names_only() {
    let stack = Stack::spawn().await;
    let (secret, session) = stack.editor("ada@example.com", &["workspace:robots"]).await;
    let ada = user_of(&session);
    stack.workspace("robots", &ada).await;
    stack.workspace("lab", &ada).await;
    let terminal = Terminal::new();
    assert_eq!(terminal.login(&stack, &secret).await, 0);

    // Pushed: a new shared layout, named after the file.
    let layout = fixture("lichtblick__SampleNuscenesLayout.json");
    let (code, pushed, stderr) = terminal
        .sora(
            &["layouts", "push", path(&layout), "-w", "robots", "--json"],
            "",
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(pushed["created"], true);
    assert_eq!(pushed["layout"]["name"], "lichtblick__SampleNuscenesLayout");
    assert_eq!(pushed["layout"]["permission"], "ORG_WRITE");
    let seen = stack.team_layouts("robots", &session).await;
    assert_eq!(seen.len(), 1);
    let original: Value = serde_json::from_slice(&std::fs::read(&layout).unwrap()).unwrap();
    assert_eq!(seen[0]["data"], original);

    // Pushed again, changed: a new version of the same layout.
    let mut changed = original.clone();
    changed["globalVariables"] = json!({"robot": "go2"});
    let copy = temp("layout").join("lichtblick__SampleNuscenesLayout.json");
    std::fs::write(&copy, changed.to_string()).unwrap();
    let (code, again, stderr) = terminal
        .sora(
            &["layouts", "push", path(&copy), "-w", "robots", "--json"],
            "",
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(again["created"], false);
    assert_eq!(again["layout"]["version"], 2);
    assert_eq!(again["layout"]["id"], pushed["layout"]["id"]);

    let (code, listed, _) = terminal
        .sora(&["layouts", "list", "-w", "robots", "--json"], "")
        .await;
    assert_eq!(code, 0);
    assert_eq!(listed["layouts"].as_array().unwrap().len(), 1);

    // Pulled, by name, to a file: what was pushed last.
    let out = temp("pulled").join("nuscenes.json");
    let (code, pulled, stderr) = terminal
        .sora(
            &[
                "layouts",
                "pull",
                "lichtblick__SampleNuscenesLayout",
                "-w",
                "robots",
                "-o",
                path(&out),
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(pulled["layout"]["version"], 2);
    let written: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written, changed);

    // Not a layout: refused before anything is sent.
    let not_layout = temp("bad").join("notes.json");
    std::fs::write(&not_layout, "[1, 2]").unwrap();
    let (code, _, stderr) = terminal
        .sora(&["layouts", "push", path(&not_layout), "-w", "robots"], "")
        .await;
    assert_eq!(code, 3, "{stderr}");

    // A workspace the token does not name, though its user owns it.
    let (code, _, stderr) = terminal
        .sora(&["layouts", "push", path(&layout), "-w", "lab"], "")
        .await;
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("workspace:lab"), "{stderr}");
    let scoped = stack.exchanged(&secret).await;
    let lab = stack
        .files
        .get_as("/api/lichtblick/workspaces/lab/layouts", &scoped)
        .await;
    assert_eq!(lab.status(), 403);
    let write = stack
        .files
        .client
        .post(stack.files.url("/api/lichtblick/workspaces/lab/layout"))
        .bearer_auth(&scoped)
        .json(&json!({"layoutId": "x", "name": "sneaky", "data": {}, "permission": "ORG_WRITE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 403);
    assert!(stack.team_layouts("lab", &session).await.is_empty());

    // A token for publishing only: nothing in any workspace.
    let publishing = stack
        .exchanged(&stack.token_of(&session, &["publish:acme"]).await)
        .await;
    let id = seen[0]["id"].as_str().unwrap();
    let attempts = [
        (
            reqwest::Method::GET,
            "/api/lichtblick/workspaces/robots/layouts".to_owned(),
            Value::Null,
        ),
        (
            reqwest::Method::PUT,
            format!("/api/lichtblick/layouts/{id}"),
            json!({"name": "taken over", "data": {}}),
        ),
        (
            reqwest::Method::DELETE,
            format!("/api/lichtblick/workspaces/robots/layout/{id}"),
            Value::Null,
        ),
        (
            reqwest::Method::POST,
            format!("/api/lichtblick/layouts/{id}/versions/1/restore"),
            Value::Null,
        ),
    ];
    for (method, route, body) in attempts {
        let mut request = stack
            .files
            .client
            .request(method.clone(), stack.files.url(&route))
            .bearer_auth(&publishing);
        if !body.is_null() {
            request = request.json(&body);
        }
        let status = request.send().await.unwrap().status();
        assert_eq!(status, 403, "{method} {route}");
    }
    let after = stack.team_layouts("robots", &session).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["version"], 2);
    assert_eq!(after[0]["data"], changed);
    // Outside Lichtblick's routes the workspace scope is no credential.
    assert_eq!(
        stack
            .files
            .get_as("/api/workspaces", &scoped)
            .await
            .status(),
        401
    );
}
