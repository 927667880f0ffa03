//! PostgreSQL access: one pool per service, confined to the service's own schema
//! by its role's privileges and by `search_path`.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use crate::checks::{Check, is_identifier};

/// The development password of every role `make run` provisions; production
/// refuses it.
pub const DEV_PASSWORD: &str = "sora-dev";

/// Where provisioning installs the PostgreSQL extensions services may use
/// (`pg_trgm`); every service role may use it, and it is on every search path.
pub const EXTENSIONS_SCHEMA: &str = "extensions";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    pub host: String,
    pub port: u16,
    pub name: String,
    /// The service's own role; it can use only its own schema. Defaults to
    /// `sora_<schema>`.
    pub user: String,
    pub password: SecretString,
    /// The schema this service owns; also its `search_path`.
    pub schema: String,
    pub max_connections: u32,
    pub acquire_timeout_ms: u64,
    /// Apply the service's migrations when it starts (Kubernetes may run them
    /// in an init container instead).
    pub migrate_on_start: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 5433,
            name: "sora".to_owned(),
            user: String::new(),
            password: DEV_PASSWORD.into(),
            schema: String::new(),
            max_connections: 10,
            acquire_timeout_ms: 3000,
            migrate_on_start: true,
        }
    }
}

impl DatabaseSettings {
    pub(crate) fn validate(&self, check: &mut Check<'_>) {
        if self.max_connections == 0 {
            check.bad("max_connections", "must be at least 1");
        }
        if !is_identifier(&self.schema) {
            check.bad("schema", "must be a lower-case SQL identifier");
        }
        if !is_identifier(&self.user) {
            check.bad("user", "must be a lower-case SQL identifier");
        }
        check.no_dev_secret("password", &self.password, DEV_PASSWORD);
    }
}

pub fn connect_options(settings: &DatabaseSettings, application_name: &str) -> PgConnectOptions {
    PgConnectOptions::new()
        .host(&settings.host)
        .port(settings.port)
        .database(&settings.name)
        .username(&settings.user)
        .password(settings.password.expose_secret())
        .application_name(application_name)
        .options([(
            "search_path",
            format!("{},{EXTENSIONS_SCHEMA}", settings.schema).as_str(),
        )])
}

/// A lazily connecting pool: the service starts (and reports not ready) while
/// the database is down, and recovers by itself when it returns.
///
/// A connection's buffers grow to the largest message it has sent or read
/// (a group commit of thousands of events after an outage, a long list)
/// and sqlx keeps them for the connection's life: every connection of the
/// pool would end up holding its largest message ever. Each connection
/// therefore gives back what is above sqlx's 8 KiB default when it returns
/// to the pool (a no-op for the common small query; a large one pays one
/// reallocation).
pub fn pool(settings: &DatabaseSettings, application_name: &str) -> PgPool {
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(Duration::from_millis(settings.acquire_timeout_ms))
        .after_release(|conn, _| {
            Box::pin(async move {
                conn.shrink_buffers();
                Ok(true)
            })
        })
        .connect_lazy_with(connect_options(settings, application_name))
}

/// Applies the service's embedded migrations. sqlx holds a PostgreSQL advisory
/// lock while it migrates, so replicas starting together apply each once.
pub async fn migrate(pool: &PgPool, migrator: &Migrator) -> anyhow::Result<()> {
    // `Migrator::locking` is on unless a migrator turns it off; ours never do.
    migrator.run(pool).await?;
    Ok(())
}

pub use crate::error::is_unavailable;

/// Answers when the database does, within `timeout`.
pub async fn ping(pool: &PgPool, timeout: Duration) -> Result<(), String> {
    match tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(pool)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "database check failed");
            Err("unreachable".to_owned())
        }
        Err(_) => Err("timed out".to_owned()),
    }
}

/// Creates (or updates) a service's login role and its schema in `database`,
/// least privilege: the role may connect and use only the schema it owns.
/// Runs as a superuser; idempotent.
pub async fn provision(
    admin: &mut PgConnection,
    database: &str,
    schema: &str,
    role: &str,
    password: &str,
) -> anyhow::Result<()> {
    // Roles are cluster-wide but advisory locks are per database: two
    // provisioners of different databases can still collide on a role
    // ("tuple concurrently updated"). Every step is idempotent, so retry.
    let mut attempt = 0;
    loop {
        match provision_once(admin, database, schema, role, password).await {
            Err(e) if attempt < 4 => {
                attempt += 1;
                tracing::warn!(error = %e, attempt, "provisioning collided; retrying");
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            result => return result,
        }
    }
}

async fn provision_once(
    admin: &mut PgConnection,
    database: &str,
    schema: &str,
    role: &str,
    password: &str,
) -> anyhow::Result<()> {
    let mut tx = admin.begin().await?;
    // Serialises provisioners of the same database.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('sora.provision'))")
        .execute(&mut *tx)
        .await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(role)
            .fetch_one(&mut *tx)
            .await?;
    let verb = if exists { "ALTER" } else { "CREATE" };
    let statements: Vec<String> = sqlx::query_scalar(
        "SELECT unnest(ARRAY[
            format('%s ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', $1::text, $2::text, $3::text),
            format('REVOKE ALL ON DATABASE %I FROM PUBLIC', $4::text),
            format('GRANT CONNECT ON DATABASE %I TO %I', $4::text, $2::text),
            'REVOKE ALL ON SCHEMA public FROM PUBLIC',
            format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', $5::text, $2::text),
            format('ALTER ROLE %I IN DATABASE %I SET search_path = %I, %I', $2::text, $4::text, $5::text, $6::text),
            format('CREATE SCHEMA IF NOT EXISTS %I', $6::text),
            format('GRANT USAGE ON SCHEMA %I TO %I', $6::text, $2::text),
            format('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA %I', $6::text)
        ])",
    )
    .bind(verb)
    .bind(role)
    .bind(password)
    .bind(database)
    .bind(schema)
    .bind(EXTENSIONS_SCHEMA)
    .fetch_all(&mut *tx)
    .await?;
    for statement in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Re-applies the database-level grants of every provisioned service role:
/// needed on a database cloned from a template, which does not copy them.
pub async fn grant_connect(
    admin: &mut PgConnection,
    database: &str,
    roles: &[String],
) -> anyhow::Result<()> {
    let mut statements = vec![format!("REVOKE ALL ON DATABASE \"{database}\" FROM PUBLIC")];
    statements.extend(
        roles
            .iter()
            .map(|role| format!("GRANT CONNECT ON DATABASE \"{database}\" TO \"{role}\"")),
    );
    for statement in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&mut *admin)
            .await?;
    }
    Ok(())
}
