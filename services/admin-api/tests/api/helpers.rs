use sora_common::testing::TestApp;

pub async fn spawn_app() -> TestApp {
    TestApp::spawn(&admin_api::SPEC, admin_api::build).await
}
