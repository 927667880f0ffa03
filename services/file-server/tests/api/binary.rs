//! The file-server binary itself: configuration errors, production secrets, SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sora_testing::database::TestDatabase;

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
}

#[test]
fn production_mode_refuses_the_dev_secrets_it_uses() {
    let (code, stderr) = run_with(&[("SORA_ENV", "production")]);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains("database.password") && stderr.contains("auth.public_keys"),
        "{stderr}"
    );
    // file-server does not use the feedback secrets, so it does not ask for them.
    assert!(
        !stderr.contains("ip_salt") && !stderr.contains("encryption_key"),
        "{stderr}"
    );
}

#[tokio::test]
async fn sigterm_stops_the_service_cleanly() {
    sora_common::telemetry::init_for_tests();
    let database = TestDatabase::create(&file_server::SPEC).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let admin = sora_testing::database::admin_options();
    let mut child = Command::new(BINARY)
        .env_clear()
        .env("SORA_SERVER__PORT", port.to_string())
        .env("SORA_DATABASE__HOST", admin.get_host())
        .env("SORA_DATABASE__PORT", admin.get_port().to_string())
        .env("SORA_DATABASE__NAME", &database.name)
        .env("SORA_TELEMETRY__FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let client = reqwest::Client::new();
    let health = format!("http://127.0.0.1:{port}/health");
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.get(&health).send().await.is_err() {
        assert!(Instant::now() < deadline, "file-server did not come up");
        assert!(
            child.try_wait().unwrap().is_none(),
            "file-server exited early"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "file-server ignored SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // JSON log lines, one of them the clean stop.
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with('{') && l.contains("\"stopped\"")),
        "{stdout}"
    );
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
