use admin_api::config::AdminSettings;
use sora_common::Settings;
use sora_common::auth::dev;

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

pub use sora_testing::events::{audit_count, inbox_count, numbered_action as action};
