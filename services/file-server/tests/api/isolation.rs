//! Least privilege: file-server's role can use its own schema and nothing else.

use file_server::config::FileServerSettings;
use sora_testing::database::TestDatabase;
use sora_testing::settings::base_settings;
use sqlx::{ConnectOptions, Connection, PgConnection};

async fn connect_as(database: &TestDatabase, role: &str) -> PgConnection {
    let mut settings = base_settings::<FileServerSettings>(&file_server::SPEC);
    database.configure(&mut settings.database);
    settings.database.user = role.to_owned();
    settings.database.schema = role.trim_start_matches("sora_").to_owned();
    sora_common::db::connect_options(&settings.database, "isolation-test")
        .connect()
        .await
        .unwrap()
}

fn is_permission_denied(result: Result<sqlx::postgres::PgQueryResult, sqlx::Error>) -> bool {
    matches!(result, Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42501"))
}

#[tokio::test]
async fn file_servers_role_cannot_touch_the_feedback_schema() {
    sora_common::telemetry::init_for_tests();
    let database = TestDatabase::create(&file_server::SPEC).await;
    // A neighbour, as another service's provisioning leaves it.
    let mut admin = database.admin_connection().await;
    sora_common::db::provision(
        &mut admin,
        &database.name,
        "feedback",
        "sora_feedback",
        sora_common::db::DEV_PASSWORD,
    )
    .await
    .unwrap();
    admin.close().await.unwrap();

    let mut feedback = connect_as(&database, "sora_feedback").await;
    sqlx::raw_sql("CREATE TABLE feedback.probe (secret text); INSERT INTO feedback.probe VALUES ('hashed-install-id')")
        .execute(&mut feedback)
        .await
        .unwrap();
    feedback.close().await.unwrap();

    let mut file_server = connect_as(&database, "sora_file_server").await;
    for statement in [
        "SELECT * FROM feedback.probe",
        "INSERT INTO feedback.probe VALUES ('x')",
        "DELETE FROM feedback.probe",
        "CREATE TABLE feedback.intruder (x int)",
        "CREATE TABLE public.stray (x int)",
        "CREATE SCHEMA elsewhere",
    ] {
        let result = sqlx::raw_sql(statement).execute(&mut file_server).await;
        assert!(is_permission_denied(result), "{statement} was not refused");
    }
    // Its own schema works, and is where unqualified names land.
    sqlx::raw_sql("CREATE TABLE own (x int); INSERT INTO own VALUES (1)")
        .execute(&mut file_server)
        .await
        .unwrap();
    let schema: String = sqlx::query_scalar(
        "SELECT table_schema::text FROM information_schema.tables WHERE table_name = 'own'",
    )
    .fetch_one(&mut file_server)
    .await
    .unwrap();
    assert_eq!(schema, "file_server");
}
