//! The overview's access rules; gathering from the other services is tested
//! end to end in the workspace's e2e tests.

use reqwest::Method;
use sora_common::auth::Role;
use sora_testing::contract::assert_forged_tokens_refused;

#[tokio::test]
async fn the_overview_is_for_admins_and_refuses_forged_tokens() {
    let admin = crate::helpers::spawn_app().await;
    assert_eq!(admin.get("/api/admin/overview").await.status(), 401);
    let editor = admin.tokens.token(Role::Editor);
    assert_eq!(
        admin.get_as("/api/admin/overview", &editor).await.status(),
        403
    );
    let viewer = admin.tokens.token(Role::Viewer);
    assert_eq!(
        admin.get_as("/api/admin/users", &viewer).await.status(),
        403
    );
    for path in [
        "/api/admin/overview",
        "/api/admin/users",
        "/api/admin/audit",
    ] {
        assert_forged_tokens_refused(&admin, Method::GET, path, false).await;
    }
    assert_forged_tokens_refused(&admin, Method::POST, "/api/admin/users", false).await;
    assert_forged_tokens_refused(&admin, Method::GET, "/internal/summary", true).await;
}
