use admin_api::config::AdminSettings;
use sora_common::Settings;
use sora_common::auth::dev;
use sora_common::events::types::AdminAction;
use sqlx::PgPool;

pub use sora_testing::eventually;

pub type TestApp = sora_testing::TestApp<AdminSettings>;

pub async fn spawn_app() -> TestApp {
    TestApp::spawn_with(&admin_api::SPEC, test_settings, admin_api::build).await
}

/// admin-api signs with the development key in tests, and hashes cheaply
/// (tests hash many passwords).
pub fn test_settings(settings: &mut Settings<AdminSettings>) {
    settings.auth.public_keys.push(dev::KID, dev::PUBLIC_X);
    settings.service.identity.argon2_memory_kib = 256;
    settings.service.identity.argon2_iterations = 1;
}

/// An audit-worthy event, numbered.
pub fn action(n: usize) -> AdminAction {
    AdminAction {
        actor: "tester".to_owned(),
        action: "test.performed".to_owned(),
        target_type: "test".to_owned(),
        target_id: n.to_string(),
        details: serde_json::json!({"n": n}),
    }
}

/// Audit entries of events from file-server (admin-api audits its own actions too).
pub async fn audit_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE source = '/sora/file-server'")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Inbox rows of those events: each applied event has exactly one.
pub async fn inbox_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM inbox i JOIN audit_log a ON a.id = i.event_id WHERE a.source = '/sora/file-server'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}
