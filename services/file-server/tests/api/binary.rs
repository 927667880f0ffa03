//! The file-server binary itself: configuration errors, production secrets,
//! SIGTERM, the access log and keep-alive.

use std::process::Command;
use std::time::Duration;

use sora_testing::database::TestDatabase;
use sora_testing::process::ServiceProcess;

const BINARY: &str = env!("CARGO_BIN_EXE_file-server");

fn run_with(vars: &[(&str, &str)]) -> (Option<i32>, String) {
    let output = Command::new(BINARY)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_bad_setting_stops_start_up_naming_the_key() {
    let (code, stderr) = run_with(&[("SORA_SERVER__PORT", "eighty")]);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains("server.port") && stderr.contains("SORA_SERVER__PORT"),
        "{stderr}"
    );

    let (code, stderr) = run_with(&[("SORA_DATABASE__PROT", "5432")]);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(stderr.contains("prot"), "{stderr}");

    // Settings that only make sense together are checked together.
    let (code, stderr) = run_with(&[("SORA_DOWNLOADS__REDIRECT", "true")]);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains("downloads.redirect") && stderr.contains("S3"),
        "{stderr}"
    );
}

#[test]
fn production_mode_refuses_the_dev_secrets_it_uses() {
    let (code, stderr) = run_with(&[("SORA_ENV", "production")]);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains("database.password")
            && stderr.contains("auth.public_keys")
            && stderr.contains("marketplace.index_signing_key"),
        "{stderr}"
    );
    // file-server does not use the feedback secrets, so it does not ask for them.
    assert!(
        !stderr.contains("ip_salt") && !stderr.contains("encryption_key"),
        "{stderr}"
    );
}

/// The binary serving on a database and a storage folder of its own, with
/// `vars` added.
struct Running {
    process: ServiceProcess,
    port: u16,
    _database: TestDatabase,
}

impl Running {
    async fn start(vars: &[(&str, &str)]) -> Self {
        sora_common::telemetry::init_for_tests();
        let database = TestDatabase::create(&file_server::SPEC).await;
        let storage = sora_testing::settings::temp_storage_path();
        let mut all = vec![("SORA_STORAGE__PATH", storage.as_str())];
        all.extend_from_slice(vars);
        let process = ServiceProcess::start(BINARY, &database, &all).await;
        Self {
            port: process.port,
            process,
            _database: database,
        }
    }

    fn url(&self, path: &str) -> String {
        self.process.url(path)
    }

    /// SIGTERM; it must exit cleanly. What it wrote to stdout.
    async fn stop(self) -> String {
        let exited = self.process.stop().await;
        assert!(
            exited.status.success(),
            "{}{}",
            exited.stdout,
            exited.stderr
        );
        exited.stdout
    }
}

#[tokio::test]
async fn sigterm_stops_the_service_cleanly() {
    let running = Running::start(&[]).await;
    let stdout = running.stop().await;
    // JSON log lines, one of them the clean stop.
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with('{') && l.contains("\"stopped\"")),
        "{stdout}"
    );
}

/// The access log lines in `stdout`, as (route, status).
fn access_log(stdout: &str) -> Vec<(String, u64)> {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["fields"]["message"] == "request completed")
        .map(|line| {
            let span = &line["spans"][0];
            (
                span["route"].as_str().unwrap_or_default().to_owned(),
                span["status"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_access_log_records_errors_by_default_or_everything_when_asked() {
    for (setting, expected) in [
        (None, vec![("/api/extensions/{id}".to_owned(), 404)]),
        (
            Some("all"),
            vec![
                ("/api/extensions".to_owned(), 200),
                ("/api/extensions/{id}".to_owned(), 404),
            ],
        ),
        (Some("off"), vec![]),
    ] {
        let vars: Vec<(&str, &str)> = setting
            .map(|s| ("SORA_TELEMETRY__ACCESS_LOG", s))
            .into_iter()
            .collect();
        let running = Running::start(&vars).await;
        let client = reqwest::Client::new();
        let ok = client.get(running.url("/api/extensions")).send().await;
        assert_eq!(ok.unwrap().status(), 200);
        let missing = client
            .get(running.url("/api/extensions/acme.none"))
            .send()
            .await;
        assert_eq!(missing.unwrap().status(), 404);
        let stdout = running.stop().await;
        assert_eq!(access_log(&stdout), expected, "{setting:?}: {stdout}");
    }
}

#[tokio::test]
async fn idle_connections_are_kept_for_the_configured_time() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let running = Running::start(&[("SORA_SERVER__KEEP_ALIVE_SECS", "2")]).await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", running.port))
        .await
        .unwrap();
    let request = b"GET /health HTTP/1.1\r\nhost: localhost\r\n\r\n";
    let mut buffer = vec![0u8; 4096];
    for idle in [Duration::ZERO, Duration::from_millis(1200)] {
        tokio::time::sleep(idle).await;
        stream.write_all(request).await.unwrap();
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(
            buffer[..read].starts_with(b"HTTP/1.1 200"),
            "after {idle:?} idle: {}",
            String::from_utf8_lossy(&buffer[..read])
        );
    }
    // Past the keep-alive, the server closes the connection.
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer))
        .await
        .expect("the idle connection was kept past its keep-alive");
    assert_eq!(closed.unwrap_or(0), 0);
    running.stop().await;
}

/// What `make run` and the Kubernetes Job do on a new database: `provision`
/// as a superuser, then `migrate` as the service's own role.
#[tokio::test]
async fn provision_then_migrate_prepares_a_fresh_database() {
    use sqlx::{ConnectOptions, Connection};
    let admin = sora_testing::database::admin_options();
    let name = format!("fresh_{}", uuid::Uuid::new_v4().simple());
    let mut conn = admin.connect().await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .unwrap();
    let url = format!(
        "postgres://postgres@{}:{}/{name}",
        admin.get_host(),
        admin.get_port()
    );
    let run = |command: &[&str]| {
        let output = Command::new(BINARY)
            .env_clear()
            .env("SORA_DATABASE__HOST", admin.get_host())
            .env("SORA_DATABASE__PORT", admin.get_port().to_string())
            .env("SORA_DATABASE__NAME", &name)
            .args(command)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{command:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(&["provision", &url]);
    run(&["provision", &url]); // idempotent
    run(&["migrate"]);
    let mut fresh = admin.clone().database(&name).connect().await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables
         WHERE table_schema IN ('file_server', 'bus') ORDER BY 1",
    )
    .fetch_all(&mut fresh)
    .await
    .unwrap();
    for table in [
        "bus.dead_letters",
        "bus.messages",
        "bus.queues",
        "file_server.inbox",
        "file_server.outbox",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing from {tables:?}"
        );
    }
    fresh.close().await.unwrap();
    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await;
}
