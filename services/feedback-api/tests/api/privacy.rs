//! Nothing identifying is kept: the binary, logging at debug level behind a
//! trusted proxy, is sent addresses, e-mails, phone numbers, credentials and
//! install ids; neither a dump of the whole database (every schema, the
//! outbox and the bus included) nor its logs hold any of them. Comments are
//! readable by administrators only, redacted, and keys rotate.

use std::process::Command;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};
use sora_common::auth::{AuthSettings, Role};
use sora_common::events::bus::EventBus;
use sora_testing::TokenMinter;
use sora_testing::database::{TestDatabase, admin_options};
use sora_testing::process::ServiceProcess;

use crate::helpers::{error_fields, event};

pub const BINARY: &str = env!("CARGO_BIN_EXE_feedback-api");

/// The feedback-api binary on `database`, trusting `minter`'s tokens.
pub async fn start_binary(
    database: &TestDatabase,
    minter: &TokenMinter,
    vars: &[(&str, &str)],
) -> ServiceProcess {
    let keys = minter.public_keys().to_string();
    let mut all = vec![("SORA_AUTH__PUBLIC_KEYS", keys.as_str())];
    all.extend_from_slice(vars);
    ServiceProcess::start(BINARY, database, &all).await
}

/// A pool on `database` as the service's role, for checks and jobs.
pub fn service_pool(database: &TestDatabase) -> sqlx::PgPool {
    let mut settings = sora_testing::settings::base_settings::<
        feedback_api::config::FeedbackSettings,
    >(&feedback_api::SPEC);
    database.configure(&mut settings.database);
    sora_common::db::pool(&settings.database, "test")
}

fn pg_dump(database: &TestDatabase) -> String {
    let bindir = std::env::var("SORA_TEST_PG_BINDIR").expect("SORA_TEST_PG_BINDIR: run make test");
    let admin = admin_options();
    let output = Command::new(format!("{bindir}/pg_dump"))
        .args(["--host", admin.get_host()])
        .args(["--port", &admin.get_port().to_string()])
        .args(["--username", admin.get_username()])
        .args(["--no-password", "--data-only", &database.name])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn nothing_identifying_reaches_the_database_the_bus_or_the_logs() {
    sora_common::telemetry::init_for_tests();
    let database = TestDatabase::create(&feedback_api::SPEC).await;
    let minter = TokenMinter::generate(&AuthSettings::default());
    // A queue subscribed to what feedback-api publishes, so the events also
    // travel the bus before the dump.
    let mut settings = sora_testing::settings::base_settings::<
        feedback_api::config::FeedbackSettings,
    >(&feedback_api::SPEC);
    database.configure(&mut settings.database);
    let bus = sora_testing::events::pg_bus(&settings);
    bus.subscribe("learner", &["sora.feedback.submitted.v1"])
        .await
        .unwrap();

    let service = start_binary(
        &database,
        &minter,
        &[
            ("SORA_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
            ("SORA_TELEMETRY__LOG_LEVEL", "debug"),
            ("SORA_TELEMETRY__ACCESS_LOG", "all"),
            ("SORA_EVENTS__RELAY_INTERVAL_MS", "50"),
        ],
    )
    .await;
    let install = uuid::Uuid::new_v4();
    let secrets = [
        "198.51.100.23",
        "2001:db8:85a3::8a2e:370:7334",
        "jane.doe@example.com",
        "90-1234-5678",
        "+1 (415) 555-0132",
        "192.0.2.146",
        "hunter2",
        "０９０－８７６５－４３２１",
    ];
    let comment = "It crashed again. Mail jane.doe@example.com or call +81 90-1234-5678 \
                   / +1 (415) 555-0132 / ０９０－８７６５－４３２１; robot at 192.0.2.146, \
                   repo https://bob:hunter2@git.example.com/x.git. Plot panel v2.3.1 zebra-marker";
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for forwarded in ["10.9.8.7, 198.51.100.23", "2001:db8:85a3::8a2e:370:7334"] {
        let mut rating = event("rating");
        rating["install_id"] = json!(install);
        rating["comment"] = json!(comment);
        ids.push(rating["event_id"].as_str().unwrap().to_owned());
        let mut shown = event("recommendation_shown");
        shown["install_id"] = json!(install);
        let response = client
            .post(service.url("/api/feedback"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"events": [rating, shown]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
    }
    // A refused request echoes nothing of what it was sent either.
    let mut refused = event("rating");
    refused["install_id"] = json!(install);
    refused["comment"] = json!(comment);
    refused["rating"] = json!(9);
    let response = client
        .post(service.url("/api/feedback"))
        .header("x-forwarded-for", "198.51.100.23")
        .json(&refused)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(error_fields(&problem), ["rating"]);

    // An administrator reads the comment: redacted, and only then decrypted.
    let admin = minter.token(Role::Admin);
    let read: Value = client
        .get(service.url(&format!("/api/feedback/{}", ids[0])))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let shown = read["comment"].as_str().unwrap();
    assert!(
        shown.contains("zebra-marker") && shown.contains("v2.3.1"),
        "{shown}"
    );
    for secret in secrets {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    sora_testing::eventually(Duration::from_secs(10), true, || async {
        bus.depth("learner").await.unwrap().ready >= 2
    })
    .await;

    let dump = pg_dump(&database);
    let exited = service.stop().await;
    let logs = format!("{}{}", exited.stdout, exited.stderr);
    // The dump and the logs are what they should be, so finding nothing in
    // them means something.
    assert!(
        dump.contains("COPY feedback.events_"),
        "no events in the dump"
    );
    assert!(
        dump.contains("sora.feedback.submitted.v1"),
        "no bus messages in the dump"
    );
    assert!(
        logs.contains("request completed") && logs.contains("DEBUG"),
        "{logs}"
    );

    let install_forms = [install.to_string(), install.simple().to_string()];
    let install_base64 = base64::engine::general_purpose::STANDARD.encode(install.as_bytes());
    let mut forbidden: Vec<&str> = secrets.to_vec();
    forbidden.extend(install_forms.iter().map(String::as_str));
    forbidden.push(&install_base64);
    // The comment is encrypted: not even its harmless words are readable.
    forbidden.push("zebra-marker");
    for needle in forbidden {
        assert!(!dump.contains(needle), "{needle} is in the database dump");
        assert!(!logs.contains(needle), "{needle} is in the logs");
    }
}

fn key() -> String {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).unwrap();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn comments_stay_readable_across_a_key_rotation_while_the_old_key_is_kept() {
    sora_common::telemetry::init_for_tests();
    let database = TestDatabase::create(&feedback_api::SPEC).await;
    let minter = TokenMinter::generate(&AuthSettings::default());
    let admin = minter.token(Role::Admin);
    let client = reqwest::Client::new();
    let (first, second) = (key(), key());

    let post = |service: &ServiceProcess, text: &str| {
        let mut rating = event("rating");
        rating["comment"] = json!(text);
        let id = rating["event_id"].as_str().unwrap().to_owned();
        let request = client.post(service.url("/api/feedback")).json(&rating);
        async move {
            assert_eq!(request.send().await.unwrap().status(), 202);
            id
        }
    };
    let read = |service: &ServiceProcess, id: &str| {
        let request = client
            .get(service.url(&format!("/api/feedback/{id}")))
            .bearer_auth(&admin);
        async move {
            let body: Value = request.send().await.unwrap().json().await.unwrap();
            assert_eq!(body["has_comment"], true, "{body}");
            body["comment"].as_str().map(str::to_owned)
        }
    };

    let service = start_binary(&database, &minter, &[("SORA_ENCRYPTION_KEY", &first)]).await;
    let old = post(&service, "sealed with the first key").await;
    service.stop().await;

    let both = [
        ("SORA_ENCRYPTION_KEY", second.as_str()),
        ("SORA_OLD_ENCRYPTION_KEYS", first.as_str()),
    ];
    let service = start_binary(&database, &minter, &both).await;
    let new = post(&service, "sealed with the second key").await;
    assert_eq!(
        read(&service, &old).await.as_deref(),
        Some("sealed with the first key")
    );
    assert_eq!(
        read(&service, &new).await.as_deref(),
        Some("sealed with the second key")
    );
    service.stop().await;

    // Once the old key is dropped, what it sealed can no longer be read.
    let service = start_binary(&database, &minter, &[("SORA_ENCRYPTION_KEY", &second)]).await;
    assert_eq!(read(&service, &old).await, None);
    assert_eq!(
        read(&service, &new).await.as_deref(),
        Some("sealed with the second key")
    );
    service.stop().await;

    // Each comment names the key that sealed it.
    let pool = service_pool(&database);
    let key_ids: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT comment_key FROM events ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(key_ids.len(), 2, "{key_ids:?}");
}
