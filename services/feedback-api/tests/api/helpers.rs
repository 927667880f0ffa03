use feedback_api::config::FeedbackSettings;

pub type TestApp = sora_testing::TestApp<FeedbackSettings>;

pub async fn spawn_app() -> TestApp {
    TestApp::spawn(&feedback_api::SPEC, feedback_api::build).await
}
