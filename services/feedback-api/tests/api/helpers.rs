use sora_common::testing::TestApp;

pub async fn spawn_app() -> TestApp {
    TestApp::spawn(&feedback_api::SPEC, feedback_api::build).await
}
