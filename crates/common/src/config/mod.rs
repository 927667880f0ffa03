//! Layered configuration: built-in defaults, then an optional file, then `SORA_`
//! environment variables (`__` separates nested keys), validated before use.
//!
//! This module only loads and checks. Each platform component owns its
//! section — its type, its defaults (`Default`) and its validation — beside the
//! code that uses it (`server`, `db`, `telemetry`, `auth`, `events`); each
//! service owns its settings type ([`ServiceSettings`]), which holds every
//! other top-level key. An unknown key anywhere is refused by name.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use crate::checks::{Check, Environment, is_absolute_http_url, is_identifier};

use crate::auth::AuthSettings;
use crate::db::DatabaseSettings;
use crate::events::EventsSettings;
use crate::http::ServerSettings;
use crate::service::ServiceSpec;
use crate::telemetry::TelemetrySettings;

/// A service's own settings: every top-level key the platform does not own.
pub trait ServiceSettings: DeserializeOwned + Clone + fmt::Debug + Send + Sync + 'static {
    /// Keys (dotted paths) whose environment value is a comma-separated list.
    const LIST_KEYS: &'static [&'static str] = &[];

    /// Checks what types alone cannot, including (in production) that no
    /// development secret of the service is left.
    fn validate(&self, check: &mut Check<'_>);
}

/// The settings of a service with no keys of its own.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

impl ServiceSettings for NoSettings {
    fn validate(&self, _: &mut Check<'_>) {}
}

/// Everything a service runs with: the platform's sections and its own.
#[derive(Debug, Clone)]
pub struct Settings<S> {
    pub env: Environment,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub telemetry: TelemetrySettings,
    pub auth: AuthSettings,
    pub events: EventsSettings,
    /// Origins allowed by CORS (`SORA_ALLOWED_ORIGINS`, comma separated).
    pub allowed_origins: Vec<String>,
    /// The service's own section.
    pub service: S,
}

/// The top-level keys the platform owns; every other key is the service's.
const PLATFORM_KEYS: [&str; 7] = [
    "env",
    "server",
    "database",
    "telemetry",
    "auth",
    "events",
    "allowed_origins",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformSections {
    #[serde(default)]
    env: Environment,
    #[serde(default)]
    server: ServerSettings,
    #[serde(default)]
    database: DatabaseSettings,
    #[serde(default)]
    telemetry: TelemetrySettings,
    #[serde(default)]
    auth: AuthSettings,
    #[serde(default)]
    events: EventsSettings,
    #[serde(default)]
    allowed_origins: Vec<String>,
}

/// Variables with the `SORA_` prefix that are not settings.
const NON_SETTING_VARS: &[&str] = &["SORA_CONFIG_FILE", "SORA_PROVISION_DATABASE_URL"];
const NON_SETTING_PREFIXES: &[&str] = &["SORA_TEST_", "SORA_BENCH_"];

impl<S: ServiceSettings> Settings<S> {
    /// Loads defaults, then `SORA_CONFIG_FILE` if set, then the process environment.
    pub fn load(spec: &ServiceSpec) -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::load_from(spec, &vars)
    }

    /// Like [`Settings::load`], from an explicit set of variables (tests).
    pub fn load_from(
        spec: &ServiceSpec,
        vars: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let mut builder = spec_defaults(spec).map_err(|e| ConfigError::one("defaults", e))?;
        if let Some(path) = vars.get("SORA_CONFIG_FILE").filter(|p| !p.is_empty()) {
            builder = builder.add_source(config::File::with_name(path).required(true));
        }
        let settings_vars: config::Map<String, String> = vars
            .iter()
            .filter(|(k, _)| k.starts_with("SORA_"))
            .filter(|(k, _)| !NON_SETTING_VARS.contains(&k.as_str()))
            .filter(|(k, _)| !NON_SETTING_PREFIXES.iter().any(|p| k.starts_with(p)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut environment = config::Environment::with_prefix("SORA")
            .prefix_separator("_")
            .separator("__")
            .list_separator(",")
            .with_list_parse_key("allowed_origins")
            .with_list_parse_key("server.trusted_proxies")
            .try_parsing(true)
            .source(Some(settings_vars));
        for key in S::LIST_KEYS {
            environment = environment.with_list_parse_key(key);
        }
        let mut table: config::Map<String, config::Value> = builder
            .add_source(environment)
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(from_config_error)?;
        // The platform's keys go to its sections, the rest to the service,
        // each refusing what it does not know.
        let platform: config::Map<String, config::Value> = PLATFORM_KEYS
            .iter()
            .filter_map(|key| table.remove_entry(*key))
            .collect();
        let platform: PlatformSections = config::Value::new(None, platform)
            .try_deserialize()
            .map_err(from_config_error)?;
        let service: S = config::Value::new(None, table)
            .try_deserialize()
            .map_err(from_config_error)?;
        let settings = Self {
            env: platform.env,
            server: platform.server,
            database: platform.database,
            telemetry: platform.telemetry,
            auth: platform.auth,
            events: platform.events,
            allowed_origins: platform.allowed_origins,
            service,
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Checks every section: ranges, formats, and in production the absence
    /// of every development secret the service uses.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        {
            let mut check = Check::new(self.env, &mut problems);
            self.server.validate(&mut check.section("server"));
            self.database.validate(&mut check.section("database"));
            self.telemetry.validate(&mut check.section("telemetry"));
            crate::http::validate_origins(&self.allowed_origins, &mut check);
            self.auth.validate(&mut check.section("auth"));
            self.events.validate(&mut check.section("events"));
            self.service.validate(&mut check);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }
}

/// The defaults that depend on which service this is.
fn spec_defaults(
    spec: &ServiceSpec,
) -> Result<config::ConfigBuilder<config::builder::DefaultState>, config::ConfigError> {
    let port = i64::from(spec.default_port);
    config::Config::builder()
        .set_default("server.port", port)?
        .set_default("server.public_base_url", format!("http://127.0.0.1:{port}"))?
        .set_default("database.user", spec.database_role())?
        .set_default("database.schema", spec.schema)
}

/// A configuration problem, naming the key and the environment variable that sets it.
#[derive(Debug)]
pub struct ConfigError {
    pub problems: Vec<(String, String)>,
}

impl ConfigError {
    fn one(key: impl Into<String>, message: impl fmt::Display) -> Self {
        Self {
            problems: vec![(key.into(), message.to_string())],
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for (key, message) in &self.problems {
            writeln!(f, "  {key} ({}): {message}", env_var_name(key))?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// `server.port` → `SORA_SERVER__PORT`.
pub fn env_var_name(key: &str) -> String {
    format!("SORA_{}", key.replace('.', "__").to_uppercase())
}

fn from_config_error(error: config::ConfigError) -> ConfigError {
    match &error {
        config::ConfigError::Type {
            key: Some(key),
            unexpected,
            expected,
            ..
        } => ConfigError::one(
            key.clone(),
            format!("expected {expected}, found {unexpected}"),
        ),
        config::ConfigError::NotFound(key) => ConfigError::one(key.clone(), "is missing"),
        config::ConfigError::At {
            key: Some(key),
            error,
            ..
        } => {
            // serde names an unknown key inside the section: "unknown field `prot`".
            let text = error.to_string();
            match text
                .split('`')
                .nth(1)
                .filter(|_| text.contains("unknown field"))
            {
                Some(field) => ConfigError::one(format!("{key}.{field}"), text),
                None => ConfigError::one(key.clone(), text),
            }
        }
        other => {
            // serde's messages name the field: "unknown field `prot`, expected ...".
            let text = other.to_string();
            let key = text
                .split('`')
                .nth(1)
                .filter(|_| text.contains("field"))
                .unwrap_or("configuration")
                .to_owned();
            ConfigError::one(key, text)
        }
    }
}

#[cfg(test)]
mod tests;
