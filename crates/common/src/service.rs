//! What a service tells the platform about itself. Its settings type is the
//! type parameter of the `Platform` its `build` function takes.

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

    /// A spec for the platform's own tests.
    pub const fn for_tests() -> Self {
        Self {
            name: "platform-test",
            schema: "platform_test",
            default_port: 3999,
            migrator: &NO_MIGRATIONS,
            openapi: empty_openapi,
        }
    }
}
