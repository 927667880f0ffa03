use sora_common::testing::TestApp;

pub async fn spawn_app() -> TestApp {
    TestApp::spawn(&recommendation::SPEC, recommendation::build).await
}
