use sora_common::testing::TestApp;

pub async fn spawn_app() -> TestApp {
    TestApp::spawn(&file_server::SPEC, file_server::build).await
}
