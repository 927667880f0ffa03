use crate::helpers::spawn_app;

#[tokio::test]
async fn serves_the_platform_routes_and_its_checked_in_contract() {
    let app = spawn_app().await;
    sora_testing::contract::assert_platform_contract(&app, &file_server::SPEC).await;
}
