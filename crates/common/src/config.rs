//! Layered configuration: built-in defaults, then an optional file, then `SORA_`
//! environment variables (`__` separates nested keys), validated before use.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use jsonwebtoken::DecodingKey;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::service::ServiceSpec;

/// Development values that must never reach production. Each is refused at
/// start-up when `SORA_ENV=production` (see [`Settings::validate`]).
pub mod dev {
    pub const DATABASE_PASSWORD: &str = "sora-dev";
    pub const IP_SALT: &str = "sora-dev-ip-salt-change-me";
    /// 32 zero-ish bytes, base64: obviously not a real key.
    pub const ENCRYPTION_KEY: &str = "c29yYS1kZXYtZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=";
    pub const BOOTSTRAP_ADMIN_EMAIL: &str = "admin@sora.local";
    pub const BOOTSTRAP_ADMIN_PASSWORD: &str = "sora-admin-dev";
    /// The kid of the built-in development signing key.
    pub const JWT_KID: &str = "sora-dev-1";
    /// Public half (RFC 8037 `x`, base64url) of the development Ed25519 key.
    pub const JWT_PUBLIC_X: &str = "Ax6Jzm2mVPxoj5Qsqr3ELtxzJ_kge0aSR7yPbAmlrG4";
    /// Private half of the development key (PKCS#8 PEM). Public by design:
    /// anything signed with it is trusted only outside production.
    pub const JWT_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIEUVlpCF+mAvw6baZaL23D3H51SojofffMUeMtOS3rPh
-----END PRIVATE KEY-----
";
}

/// Which deployment this is. Production refuses development secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Test,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub env: Environment,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub telemetry: TelemetrySettings,
    pub auth: AuthSettings,
    pub events: EventsSettings,
    pub identity: IdentitySettings,
    pub storage: StorageSettings,
    pub marketplace: MarketplaceSettings,
    pub peers: PeersSettings,
    /// Origins allowed by CORS (`SORA_ALLOWED_ORIGINS`, comma separated).
    pub allowed_origins: Vec<String>,
    /// Key for the HMAC that replaces client IP addresses (`SORA_IP_SALT`).
    pub ip_salt: SecretString,
    /// Base64 of the 32-byte AES-256-GCM key for data at rest (`SORA_ENCRYPTION_KEY`).
    pub encryption_key: SecretString,
    pub bootstrap_admin_email: String,
    pub bootstrap_admin_password: SecretString,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: IpAddr,
    /// 0 picks a free port (tests).
    pub port: u16,
    /// Absolute URL clients reach this service at; used in generated links.
    pub public_base_url: String,
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// Largest JSON body accepted, in bytes.
    pub json_limit_bytes: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub host: String,
    pub port: u16,
    pub name: String,
    /// The service's own role; it can use only its own schema.
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    pub format: LogFormat,
    /// A `tracing` filter directive, e.g. `info,sqlx=warn`.
    pub log_level: String,
    /// OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`. Empty: no export.
    pub otlp_endpoint: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub issuer: String,
    pub audience: String,
    /// Trusted Ed25519 verification keys: `kid=x` pairs (x is the RFC 8037
    /// base64url public key, as in a JWKS), comma separated.
    pub public_keys: String,
    /// Clock skew tolerated on `exp`/`nbf`, in seconds.
    pub leeway_secs: u64,
    /// admin-api's JWKS (`…/.well-known/jwks.json`): keys fetched at start,
    /// every `jwks_refresh_secs`, and when a token names an unknown `kid`.
    /// Empty: only `public_keys` are trusted.
    pub jwks_url: String,
    pub jwks_refresh_secs: u64,
    /// Audience of service-to-service tokens, which only admin-api mints and
    /// no login returns; a user's token is never accepted in their place.
    pub internal_audience: String,
}

/// How admin-api issues tokens and hashes passwords.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentitySettings {
    /// The Ed25519 private key access tokens are signed with (PKCS#8 PEM). Its
    /// public half must be among `auth.public_keys`, under `signing_kid`.
    pub signing_key: SecretString,
    pub signing_kid: String,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_secs: u64,
    /// Argon2id cost: memory in KiB, iterations, lanes.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventBackend {
    /// Queues in PostgreSQL (schema `bus`): the embedded default.
    Postgres,
    /// Amazon SQS or an SQS-compatible server.
    Sqs,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsSettings {
    pub backend: EventBackend,
    pub postgres: BusDatabaseSettings,
    pub sqs: SqsSettings,
    /// Receives before a message goes to the dead-letter queue.
    pub max_receives: u32,
    /// Seconds a received message stays invisible to other consumers.
    pub visibility_timeout_secs: u64,
    /// Long-poll wait of a receive, in seconds (SQS allows at most 20).
    pub wait_secs: u64,
    /// Messages a consumer handles at once.
    pub consumer_concurrency: usize,
    /// First retry delay after a failure, in milliseconds; doubles each time.
    pub retry_base_ms: u64,
    /// Outbox rows the relay publishes per batch.
    pub relay_batch_size: i64,
    /// How often the relay looks for due rows, in milliseconds (it is also
    /// woken by NOTIFY when a transaction commits an event).
    pub relay_interval_ms: u64,
    /// How often queue depth and outbox backlog are sampled for /metrics.
    pub metrics_interval_ms: u64,
    /// Queue name → the event types delivered to it. Change in a config file.
    pub subscriptions: HashMap<String, Vec<String>>,
}

/// Where the PostgreSQL bus lives. Empty host/name and port 0 mean "the same as
/// `database`"; the bus has its own role so no service touches another's schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusDatabaseSettings {
    pub host: String,
    pub port: u16,
    pub name: String,
    pub user: String,
    pub password: SecretString,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqsSettings {
    /// Empty: AWS's own endpoint for the region.
    pub endpoint_url: String,
    pub region: String,
    /// Empty: the AWS default credential chain (environment, profile, IRSA…).
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Prepended to every queue name, e.g. `sora-prod-`.
    pub queue_prefix: String,
}

impl EventsSettings {
    /// The bus database's connection settings, filled in from `database`.
    pub fn bus_database(&self, database: &DatabaseSettings) -> DatabaseSettings {
        let bus = &self.postgres;
        DatabaseSettings {
            host: if bus.host.is_empty() {
                database.host.clone()
            } else {
                bus.host.clone()
            },
            port: if bus.port == 0 {
                database.port
            } else {
                bus.port
            },
            name: if bus.name.is_empty() {
                database.name.clone()
            } else {
                bus.name.clone()
            },
            user: bus.user.clone(),
            password: bus.password.clone(),
            schema: BUS_SCHEMA.to_owned(),
            max_connections: bus.max_connections,
            acquire_timeout_ms: database.acquire_timeout_ms,
            migrate_on_start: database.migrate_on_start,
        }
    }

    /// The queues an event type is delivered to.
    pub fn queues_for(&self, event_type: &str) -> Vec<&str> {
        let mut queues: Vec<&str> = self
            .subscriptions
            .iter()
            .filter(|(_, types)| types.iter().any(|t| t == event_type))
            .map(|(queue, _)| queue.as_str())
            .collect();
        queues.sort_unstable();
        queues
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// A folder on the local filesystem: the embedded default.
    Filesystem,
    /// Amazon S3 or an S3-compatible server (MinIO, LocalStack, moto).
    S3,
}

/// Where published files live (file-server).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    pub backend: StorageBackend,
    /// The folder of the filesystem backend.
    pub path: String,
    pub s3: S3Settings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    pub bucket: String,
    /// Prepended to every object key, e.g. `prod/`.
    pub prefix: String,
    /// Empty: AWS's own endpoint for the region.
    pub endpoint_url: String,
    pub region: String,
    /// Path-style URLs (`endpoint/bucket/key`), as MinIO and LocalStack need.
    pub force_path_style: bool,
    /// Empty: the AWS default credential chain (environment, profile, IRSA…).
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Create the bucket at start-up when it is missing (development).
    pub create_bucket: bool,
}

/// Limits and policy of the marketplace (file-server).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketplaceSettings {
    /// Largest accepted `.foxe` body.
    pub max_upload_bytes: u64,
    /// Largest total size of a package's files once unpacked.
    pub max_uncompressed_bytes: u64,
    /// Largest ratio of an entry's unpacked size to its packed size.
    pub max_compression_ratio: u64,
    /// Most entries (files and folders) in one package.
    pub max_entries: usize,
    /// Largest layout document (the `layout` field of a publish request).
    pub max_layout_bytes: usize,
    /// Publishes (extensions and layouts) one editor may attempt per hour;
    /// admins are not limited; 0 turns the limit off.
    pub publishes_per_hour: u32,
    /// How long a rendered public list (catalog page, marketplace.json) is
    /// reused, in milliseconds; 0 turns the cache off.
    pub list_cache_ttl_ms: u64,
}

/// The other services, as admin-api calls them for its overview.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeersSettings {
    pub file_server_url: String,
    pub feedback_api_url: String,
    pub recommendation_url: String,
    /// Time allowed for one call, in milliseconds.
    pub timeout_ms: u64,
    /// Further attempts after a failed call, with exponential back-off.
    pub retries: u32,
    pub retry_base_ms: u64,
    /// Consecutive failed calls that open a peer's circuit…
    pub breaker_failures: u32,
    /// …for this many seconds, during which it is not called at all.
    pub breaker_open_secs: u64,
}

/// The PostgreSQL bus's schema; its role is `sora_bus`.
pub const BUS_SCHEMA: &str = "bus";

/// The default routing: which queue receives which event types. Later services
/// add their queues here as they gain consumers.
fn default_subscriptions() -> config::Map<String, config::Value> {
    let audit: Vec<config::Value> = [
        "sora.extension.published.v1",
        "sora.layout.published.v1",
        "sora.content.removed.v1",
        "sora.admin.action.v1",
    ]
    .into_iter()
    .map(config::Value::from)
    .collect();
    config::Map::from([("admin_audit".to_owned(), config::Value::from(audit))])
}

/// A configuration problem, naming the key and the environment variable that sets it.
#[derive(Debug)]
pub struct ConfigError {
    pub problems: Vec<(String, String)>,
}

impl ConfigError {
    fn one(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            problems: vec![(key.into(), message.into())],
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

/// Variables with the `SORA_` prefix that are not settings.
const NON_SETTING_VARS: &[&str] = &["SORA_CONFIG_FILE"];
const NON_SETTING_PREFIXES: &[&str] = &["SORA_TEST_", "SORA_BENCH_"];

impl Settings {
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
        let mut builder =
            defaults(spec).map_err(|e| ConfigError::one("defaults", e.to_string()))?;
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
        builder = builder.add_source(
            config::Environment::with_prefix("SORA")
                .prefix_separator("_")
                .separator("__")
                .list_separator(",")
                .with_list_parse_key("allowed_origins")
                .try_parsing(true)
                .source(Some(settings_vars)),
        );
        let settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(from_config_error)?;
        settings.validate(spec)?;
        Ok(settings)
    }

    /// Checks what types alone cannot: ranges, formats, and in production the
    /// absence of every development secret the service uses.
    pub fn validate(&self, spec: &ServiceSpec) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        let mut bad =
            |key: &str, message: &str| problems.push((key.to_owned(), message.to_owned()));

        if self.database.max_connections == 0 {
            bad("database.max_connections", "must be at least 1");
        }
        if !is_identifier(&self.database.schema) {
            bad("database.schema", "must be a lower-case SQL identifier");
        }
        if !is_identifier(&self.database.user) {
            bad("database.user", "must be a lower-case SQL identifier");
        }
        if self.server.json_limit_bytes == 0 {
            bad("server.json_limit_bytes", "must be positive");
        }
        if !is_absolute_http_url(&self.server.public_base_url) {
            bad("server.public_base_url", "must be an absolute http(s) URL");
        }
        if !self.telemetry.otlp_endpoint.is_empty()
            && !is_absolute_http_url(&self.telemetry.otlp_endpoint)
        {
            bad(
                "telemetry.otlp_endpoint",
                "must be empty or an absolute http(s) URL",
            );
        }
        if tracing_subscriber::EnvFilter::try_new(&self.telemetry.log_level).is_err() {
            bad("telemetry.log_level", "is not a valid tracing filter");
        }
        for origin in &self.allowed_origins {
            if !is_absolute_http_url(origin)
                || origin.trim_end_matches('/').matches('/').count() != 2
            {
                bad(
                    "allowed_origins",
                    "each origin must look like https://host[:port]",
                );
            }
        }
        if !self.auth.jwks_url.is_empty() && !is_absolute_http_url(&self.auth.jwks_url) {
            bad("auth.jwks_url", "must be empty or an absolute http(s) URL");
        }
        if self.auth.internal_audience == self.auth.audience {
            bad(
                "auth.internal_audience",
                "must differ from auth.audience, or user tokens would pass as service tokens",
            );
        }
        match self.auth.verification_keys() {
            Ok(keys) if keys.is_empty() && self.auth.jwks_url.is_empty() => bad(
                "auth.public_keys",
                "at least one key is required (or set auth.jwks_url)",
            ),
            Ok(_) => {}
            Err(message) => bad("auth.public_keys", &message),
        }
        let events = &self.events;
        if events.max_receives == 0 {
            bad("events.max_receives", "must be at least 1");
        }
        if events.consumer_concurrency == 0 {
            bad("events.consumer_concurrency", "must be at least 1");
        }
        if !(1..=10_000).contains(&events.relay_batch_size) {
            bad("events.relay_batch_size", "must be between 1 and 10000");
        }
        if events.wait_secs > 20 {
            bad("events.wait_secs", "must be at most 20 (the SQS limit)");
        }
        for queue in events.subscriptions.keys() {
            if !is_identifier(queue) {
                bad(
                    "events.subscriptions",
                    "queue names must be lower-case identifiers",
                );
            }
        }
        if events.backend == EventBackend::Sqs
            && !events.sqs.endpoint_url.is_empty()
            && !is_absolute_http_url(&events.sqs.endpoint_url)
        {
            bad(
                "events.sqs.endpoint_url",
                "must be empty or an absolute http(s) URL",
            );
        }
        if self.identity.access_token_ttl_secs == 0 || self.identity.refresh_token_ttl_secs == 0 {
            bad(
                "identity.access_token_ttl_secs",
                "token lifetimes must be positive",
            );
        }
        if self.identity.argon2_memory_kib < 8 * self.identity.argon2_parallelism.max(1)
            || self.identity.argon2_iterations == 0
            || self.identity.argon2_parallelism == 0
        {
            bad(
                "identity.argon2_memory_kib",
                "Argon2 needs memory ≥ 8 KiB per lane and at least one iteration",
            );
        }
        if self.storage.backend == StorageBackend::Filesystem && self.storage.path.is_empty() {
            bad("storage.path", "must name a folder");
        }
        if self.storage.backend == StorageBackend::S3 {
            if self.storage.s3.bucket.is_empty() {
                bad("storage.s3.bucket", "must name a bucket");
            }
            if !self.storage.s3.endpoint_url.is_empty()
                && !is_absolute_http_url(&self.storage.s3.endpoint_url)
            {
                bad(
                    "storage.s3.endpoint_url",
                    "must be empty or an absolute http(s) URL",
                );
            }
        }
        for (key, url) in [
            ("peers.file_server_url", &self.peers.file_server_url),
            ("peers.feedback_api_url", &self.peers.feedback_api_url),
            ("peers.recommendation_url", &self.peers.recommendation_url),
        ] {
            if !is_absolute_http_url(url) {
                bad(key, "must be an absolute http(s) URL");
            }
        }
        if self.peers.timeout_ms == 0 || self.peers.breaker_failures == 0 {
            bad(
                "peers.timeout_ms",
                "the call timeout and the breaker threshold must be positive",
            );
        }
        let market = &self.marketplace;
        if market.max_upload_bytes == 0 || market.max_uncompressed_bytes == 0 {
            bad(
                "marketplace.max_upload_bytes",
                "package size limits must be positive",
            );
        }
        if market.max_compression_ratio < 2 {
            bad("marketplace.max_compression_ratio", "must be at least 2");
        }
        if market.max_entries == 0 || market.max_layout_bytes == 0 {
            bad("marketplace.max_entries", "must be positive");
        }
        if spec.uses_encryption_key && decode_encryption_key(&self.encryption_key).is_none() {
            bad("encryption_key", "must be the base64 of exactly 32 bytes");
        }

        if self.env == Environment::Production {
            let refuse = "a development secret is not allowed when SORA_ENV=production";
            if self.database.password.expose_secret() == dev::DATABASE_PASSWORD {
                bad("database.password", refuse);
            }
            if self.events.backend == EventBackend::Postgres
                && self.events.postgres.password.expose_secret() == dev::DATABASE_PASSWORD
            {
                bad("events.postgres.password", refuse);
            }
            if self.auth.public_keys.contains(dev::JWT_PUBLIC_X) {
                bad("auth.public_keys", refuse);
            }
            if spec.uses_ip_salt && self.ip_salt.expose_secret() == dev::IP_SALT {
                bad("ip_salt", refuse);
            }
            if spec.uses_encryption_key
                && self.encryption_key.expose_secret() == dev::ENCRYPTION_KEY
            {
                bad("encryption_key", refuse);
            }
            if spec.uses_bootstrap_admin
                && self.bootstrap_admin_password.expose_secret() == dev::BOOTSTRAP_ADMIN_PASSWORD
            {
                bad("bootstrap_admin_password", refuse);
            }
            if spec.uses_bootstrap_admin
                && self.identity.signing_key.expose_secret() == dev::JWT_PRIVATE_PEM
            {
                bad("identity.signing_key", refuse);
            }
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }
}

impl AuthSettings {
    /// The configured verification keys, by kid.
    pub fn verification_keys(&self) -> Result<Vec<(String, DecodingKey)>, String> {
        self.public_keys
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let (kid, x) = entry
                    .split_once('=')
                    .ok_or_else(|| format!("`{entry}` is not of the form kid=x"))?;
                let key = DecodingKey::from_ed_components(x.trim())
                    .map_err(|_| format!("key `{kid}` is not a base64url Ed25519 public key"))?;
                Ok((kid.trim().to_owned(), key))
            })
            .collect()
    }
}

/// The 32-byte AES key, if the setting holds one.
pub fn decode_encryption_key(key: &SecretString) -> Option<[u8; 32]> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.expose_secret().trim())
        .ok()?;
    bytes.try_into().ok()
}

fn defaults(
    spec: &ServiceSpec,
) -> Result<config::ConfigBuilder<config::builder::DefaultState>, config::ConfigError> {
    let port = i64::from(spec.default_port);
    config::Config::builder()
        .set_default("env", "development")?
        .set_default("server.host", "127.0.0.1")?
        .set_default("server.port", port)?
        .set_default("server.public_base_url", format!("http://127.0.0.1:{port}"))?
        .set_default("server.shutdown_timeout_secs", 30)?
        .set_default("server.workers", 0)?
        .set_default("server.json_limit_bytes", 1024 * 1024)?
        .set_default("database.host", "127.0.0.1")?
        .set_default("database.port", 5433)?
        .set_default("database.name", "sora")?
        .set_default("database.user", spec.database_role())?
        .set_default("database.password", dev::DATABASE_PASSWORD)?
        .set_default("database.schema", spec.schema)?
        .set_default("database.max_connections", 10)?
        .set_default("database.acquire_timeout_ms", 3000)?
        .set_default("database.migrate_on_start", true)?
        .set_default("telemetry.format", "pretty")?
        .set_default(
            "telemetry.log_level",
            "info,sqlx=warn,opentelemetry=warn,actix_server=warn",
        )?
        .set_default("telemetry.otlp_endpoint", "")?
        .set_default("auth.issuer", "sora-admin")?
        .set_default("auth.audience", "sora")?
        .set_default(
            "auth.public_keys",
            format!("{}={}", dev::JWT_KID, dev::JWT_PUBLIC_X),
        )?
        .set_default("auth.leeway_secs", 30)?
        .set_default("auth.jwks_url", "")?
        .set_default("auth.jwks_refresh_secs", 300)?
        .set_default("auth.internal_audience", "sora-internal")?
        .set_default("storage.backend", "filesystem")?
        .set_default("storage.path", "data/objects")?
        .set_default("storage.s3.bucket", "sora")?
        .set_default("storage.s3.prefix", "")?
        .set_default("storage.s3.endpoint_url", "")?
        .set_default("storage.s3.region", "us-east-1")?
        .set_default("storage.s3.force_path_style", false)?
        .set_default("storage.s3.access_key_id", "")?
        .set_default("storage.s3.secret_access_key", "")?
        .set_default("storage.s3.create_bucket", false)?
        .set_default("marketplace.max_upload_bytes", 50 * 1024 * 1024)?
        .set_default("marketplace.max_uncompressed_bytes", 256 * 1024 * 1024)?
        .set_default("marketplace.max_compression_ratio", 100)?
        .set_default("marketplace.max_entries", 10_000)?
        .set_default("marketplace.max_layout_bytes", 512 * 1024)?
        .set_default("marketplace.list_cache_ttl_ms", 2000)?
        .set_default("marketplace.publishes_per_hour", 60)?
        .set_default("peers.file_server_url", "http://127.0.0.1:3000")?
        .set_default("peers.feedback_api_url", "http://127.0.0.1:3001")?
        .set_default("peers.recommendation_url", "http://127.0.0.1:3003")?
        .set_default("peers.timeout_ms", 2000)?
        .set_default("peers.retries", 2)?
        .set_default("peers.retry_base_ms", 100)?
        .set_default("peers.breaker_failures", 5)?
        .set_default("peers.breaker_open_secs", 30)?
        .set_default("events.backend", "postgres")?
        .set_default("events.postgres.host", "")?
        .set_default("events.postgres.port", 0)?
        .set_default("events.postgres.name", "")?
        .set_default("events.postgres.user", "sora_bus")?
        .set_default("events.postgres.password", dev::DATABASE_PASSWORD)?
        .set_default("events.postgres.max_connections", 5)?
        .set_default("events.sqs.endpoint_url", "")?
        .set_default("events.sqs.region", "us-east-1")?
        .set_default("events.sqs.access_key_id", "")?
        .set_default("events.sqs.secret_access_key", "")?
        .set_default("events.sqs.queue_prefix", "sora-")?
        .set_default("events.max_receives", 5)?
        .set_default("events.visibility_timeout_secs", 30)?
        .set_default("events.wait_secs", 10)?
        .set_default("events.consumer_concurrency", 8)?
        .set_default("events.retry_base_ms", 500)?
        .set_default("events.relay_batch_size", 100)?
        .set_default("events.relay_interval_ms", 500)?
        .set_default("events.metrics_interval_ms", 5000)?
        .set_default("events.subscriptions", default_subscriptions())?
        .set_default("identity.signing_key", dev::JWT_PRIVATE_PEM)?
        .set_default("identity.signing_kid", dev::JWT_KID)?
        .set_default("identity.access_token_ttl_secs", 900)?
        .set_default("identity.refresh_token_ttl_secs", 30 * 24 * 3600)?
        .set_default("identity.argon2_memory_kib", 19 * 1024)?
        .set_default("identity.argon2_iterations", 2)?
        .set_default("identity.argon2_parallelism", 1)?
        .set_default("allowed_origins", Vec::<String>::new())?
        .set_default("ip_salt", dev::IP_SALT)?
        .set_default("encryption_key", dev::ENCRYPTION_KEY)?
        .set_default("bootstrap_admin_email", dev::BOOTSTRAP_ADMIN_EMAIL)?
        .set_default("bootstrap_admin_password", dev::BOOTSTRAP_ADMIN_PASSWORD)
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
        } => ConfigError::one(key.clone(), error.to_string()),
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

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_absolute_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

impl FromStr for Environment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "development" => Ok(Self::Development),
            "test" => Ok(Self::Test),
            "production" => Ok(Self::Production),
            other => Err(format!("unknown environment `{other}`")),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::service::ServiceSpec;

    static SPEC: ServiceSpec = ServiceSpec::for_tests();

    fn load(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::load_from(&SPEC, &vars)
    }

    #[test]
    fn defaults_are_valid() {
        let s = load(&[]).unwrap();
        assert_eq!(s.server.port, SPEC.default_port);
        assert_eq!(s.database.schema, SPEC.schema);
        assert_eq!(s.env, Environment::Development);
    }

    #[test]
    fn environment_overrides_nested_keys_and_lists() {
        let s = load(&[
            ("SORA_SERVER__PORT", "4000"),
            (
                "SORA_ALLOWED_ORIGINS",
                "https://a.example,http://localhost:5173",
            ),
            ("SORA_TEST_DATABASE_URL", "ignored"),
        ])
        .unwrap();
        assert_eq!(s.server.port, 4000);
        assert_eq!(
            s.allowed_origins,
            ["https://a.example", "http://localhost:5173"]
        );
    }

    #[test]
    fn bad_values_name_the_key_and_variable() {
        let cases = [
            (("SORA_SERVER__PORT", "eighty"), "server.port"),
            (("SORA_SERVER__PORT", "70000"), "server.port"),
            (
                ("SORA_DATABASE__MAX_CONNECTIONS", "0"),
                "database.max_connections",
            ),
            (("SORA_ENV", "staging"), "env"),
            (("SORA_SERVR__PORT", "1"), "servr"),
            (
                ("SORA_TELEMETRY__OTLP_ENDPOINT", "collector:4318"),
                "telemetry.otlp_endpoint",
            ),
            (
                ("SORA_AUTH__PUBLIC_KEYS", "k1=not base64!"),
                "auth.public_keys",
            ),
            (
                ("SORA_ALLOWED_ORIGINS", "https://a.example/path"),
                "allowed_origins",
            ),
        ];
        for ((var, value), key) in cases {
            let err = load(&[(var, value)]).expect_err(var).to_string();
            assert!(err.contains(key), "{var}={value}: {err}");
            assert!(err.contains(&env_var_name(key)), "{var}={value}: {err}");
        }
    }

    #[test]
    fn production_refuses_every_dev_secret_it_uses() {
        let err = load(&[("SORA_ENV", "production")]).unwrap_err();
        let keys: Vec<_> = err.problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "database.password",
                "events.postgres.password",
                "auth.public_keys",
                "ip_salt",
                "encryption_key",
                "bootstrap_admin_password",
                "identity.signing_key"
            ]
        );
    }

    #[test]
    fn production_starts_with_real_secrets() {
        let s = load(&[
            ("SORA_ENV", "production"),
            ("SORA_DATABASE__PASSWORD", "s3cret"),
            ("SORA_EVENTS__POSTGRES__PASSWORD", "s3cret-bus"),
            (
                "SORA_AUTH__PUBLIC_KEYS",
                "prod-1=IcvJNyfjrXme9TyHeEfOljuj9Wr6FnGIecj9VjfmJfM",
            ),
            ("SORA_IP_SALT", "a-real-salt"),
            (
                "SORA_ENCRYPTION_KEY",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            ),
            (
                "SORA_BOOTSTRAP_ADMIN_PASSWORD",
                "correct horse battery staple",
            ),
            (
                "SORA_IDENTITY__SIGNING_KEY",
                "a real key from the secret store",
            ),
        ])
        .unwrap();
        assert_eq!(s.env, Environment::Production);
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let s = load(&[("SORA_IP_SALT", "very-secret-salt")]).unwrap();
        assert!(!format!("{s:?}").contains("very-secret-salt"));
    }
}
