//! What a service tells the platform about itself.

use sqlx::migrate::Migrator;
use utoipa::openapi::OpenApi;

/// Static description of one Sora service.
#[derive(Debug)]
pub struct ServiceSpec {
    /// Service name, as in logs, metrics and the binary name.
    pub name: &'static str,
    /// The PostgreSQL schema it owns.
    pub schema: &'static str,
    pub default_port: u16,
    pub migrator: &'static Migrator,
    /// The service's own paths; the platform adds its routes to them.
    pub openapi: fn() -> OpenApi,
    /// Which development secrets production must replace for this service.
    pub uses_ip_salt: bool,
    pub uses_encryption_key: bool,
    pub uses_bootstrap_admin: bool,
}

static NO_MIGRATIONS: Migrator = Migrator::DEFAULT;

fn empty_openapi() -> OpenApi {
    OpenApi::default()
}

impl ServiceSpec {
    /// The login role the service connects as: `sora_<schema>`.
    pub fn database_role(&self) -> String {
        format!("sora_{}", self.schema)
    }

    /// A spec that uses every secret, for the platform's own tests.
    pub const fn for_tests() -> Self {
        Self {
            name: "platform-test",
            schema: "platform_test",
            default_port: 3999,
            migrator: &NO_MIGRATIONS,
            openapi: empty_openapi,
            uses_ip_salt: true,
            uses_encryption_key: true,
            uses_bootstrap_admin: true,
        }
    }
}

/// Every service's schema, so a database can be provisioned for all of them.
pub const ALL_SCHEMAS: [&str; 4] = ["file_server", "feedback", "recommendation", "admin"];
