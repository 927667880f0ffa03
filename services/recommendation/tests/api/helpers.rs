use sora_common::config::NoSettings;

pub type TestApp = sora_testing::TestApp<NoSettings>;

pub async fn spawn_app() -> TestApp {
    TestApp::spawn(&recommendation::SPEC, recommendation::build).await
}
