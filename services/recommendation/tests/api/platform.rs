use crate::helpers::spawn_app;

#[tokio::test]
async fn serves_the_platform_routes_and_its_checked_in_contract() {
    let app = spawn_app().await;
    sora_testing::contract::assert_platform_contract(&app, &recommendation::SPEC).await;
}

#[tokio::test]
async fn the_internal_summary_needs_a_service_token() {
    let app = spawn_app().await;
    let summary =
        sora_testing::contract::assert_internal_summary(&app, &recommendation::SPEC).await;
    assert_eq!(summary["events"]["outbox_backlog"], 0);
}
