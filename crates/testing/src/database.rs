//! A database of its own for each test, cloned from a template migrated once
//! per process (and reused across runs while the migrations are unchanged),
//! dropped when the test ends.

use std::str::FromStr;
use std::sync::Mutex;

use sora_common::db::{self, DEV_PASSWORD};
use sora_common::events::BUS_SCHEMA;
use sora_common::events::outbox;
use sora_common::events::pg_bus::PgBus;
use sora_common::service::ServiceSpec;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::block_on_thread;

/// Changes whenever provisioning changes, so stale templates are not reused.
const TEMPLATE_REVISION: &str = "4";

/// The superuser connection `make test` provides.
pub fn admin_options() -> PgConnectOptions {
    let url = std::env::var("SORA_TEST_DATABASE_URL").expect(
        "SORA_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a throw-away PostgreSQL",
    );
    PgConnectOptions::from_str(&url).expect("SORA_TEST_DATABASE_URL is not a PostgreSQL URL")
}

/// A database of its own for one test, provisioned for every service and
/// migrated for the service under test; dropped when this value is.
pub struct TestDatabase {
    pub name: String,
    admin: PgConnectOptions,
}

impl TestDatabase {
    pub async fn create(spec: &'static ServiceSpec) -> Self {
        let template = template_for(spec);
        let admin = admin_options();
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin.connect().await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        )))
        .execute(&mut conn)
        .await
        .unwrap();
        db::grant_connect(&mut conn, &name, &roles_for(spec))
            .await
            .unwrap();
        Self { name, admin }
    }

    /// A superuser connection to this database, for assertions.
    pub async fn admin_connection(&self) -> PgConnection {
        self.admin
            .clone()
            .database(&self.name)
            .connect()
            .await
            .unwrap()
    }

    /// Points `settings` at this database (the service keeps its own role).
    pub fn configure(&self, settings: &mut db::DatabaseSettings) {
        settings.host = self.admin.get_host().to_owned();
        settings.port = self.admin.get_port();
        settings.name = self.name.clone();
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        block_on_thread(async move {
            if let Ok(mut conn) = admin.connect().await {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await;
            }
        });
    }
}

/// The schemas of a test database: the service's and the event bus's.
fn schemas_for(spec: &ServiceSpec) -> [&'static str; 2] {
    [spec.schema, BUS_SCHEMA]
}

fn roles_for(spec: &ServiceSpec) -> Vec<String> {
    schemas_for(spec)
        .iter()
        .map(|s| format!("sora_{s}"))
        .collect()
}

/// The migrated template for `spec`, created once per process (and reused
/// across runs while the migrations are unchanged).
fn template_for(spec: &'static ServiceSpec) -> String {
    static TEMPLATES: Mutex<Vec<(&'static str, String)>> = Mutex::new(Vec::new());
    let mut templates = TEMPLATES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, name)) = templates.iter().find(|(n, _)| *n == spec.name) {
        return name.clone();
    }
    let name = block_on_thread(create_template(spec));
    templates.push((spec.name, name.clone()));
    name
}

async fn create_template(spec: &'static ServiceSpec) -> String {
    let mut fingerprint = format!(
        "{TEMPLATE_REVISION}:{}:{}:{}:",
        spec.schema,
        PgBus::migrations_fingerprint(),
        outbox::migrations_fingerprint()
    );
    for migration in spec.migrator.iter() {
        fingerprint.push_str(&format!("{}:{:?};", migration.version, migration.checksum));
    }
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, fingerprint.as_bytes());
    let hash: String = digest.as_ref()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("tpl_{}_{hash}", spec.schema);

    let admin = admin_options();
    let mut conn = admin.connect().await.unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if exists {
        return name;
    }
    // Built under a temporary name and renamed when complete, so a half-built
    // template is never used.
    let building = format!("{name}_b{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE \"{building}\""
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    {
        let mut target = admin.clone().database(&building).connect().await.unwrap();
        for schema in schemas_for(spec) {
            db::provision(
                &mut target,
                &building,
                schema,
                &format!("sora_{schema}"),
                DEV_PASSWORD,
            )
            .await
            .unwrap();
        }
        target.close().await.unwrap();
    }
    let database = db::DatabaseSettings {
        host: admin.get_host().to_owned(),
        port: admin.get_port(),
        name: building.clone(),
        user: spec.database_role(),
        schema: spec.schema.to_owned(),
        ..db::DatabaseSettings::default()
    };
    let pool = db::pool(&database, "template");
    sora_common::platform::migrate(&pool, spec).await.unwrap();
    pool.close().await;
    let bus = db::pool(
        &db::DatabaseSettings {
            user: "sora_bus".to_owned(),
            schema: BUS_SCHEMA.to_owned(),
            ..database
        },
        "template-bus",
    );
    PgBus::migrate_pool(&bus).await.unwrap();
    bus.close().await;
    let renamed = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
    )))
    .execute(&mut conn)
    .await;
    if renamed.is_err() {
        // Another process finished the same template first.
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE \"{building}\" WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
    }
    name
}
