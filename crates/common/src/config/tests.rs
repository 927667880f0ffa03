//! The loader's behaviour, on a service section shaped like a real one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::service::ServiceSpec;
use secrecy::SecretString;

static SPEC: ServiceSpec = ServiceSpec::for_tests();

/// A service section like a real one: a top-level secret, a nested section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Own {
    #[serde(default = "default_salt")]
    salt: SecretString,
    #[serde(default)]
    limits: Limits,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Limits {
    per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_hour: 60 }
    }
}

fn default_salt() -> SecretString {
    "dev-salt".into()
}

impl ServiceSettings for Own {
    fn validate(&self, check: &mut Check<'_>) {
        check.no_dev_secret("salt", &self.salt, "dev-salt");
        if self.limits.per_hour == 0 {
            check.section("limits").bad("per_hour", "must be positive");
        }
    }
}

fn load(vars: &[(&str, &str)]) -> Result<Settings<Own>, ConfigError> {
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
    assert_eq!(s.database.user, SPEC.database_role());
    assert_eq!(s.env, Environment::Development);
    assert_eq!(s.service.limits.per_hour, 60);
}

#[test]
fn environment_overrides_nested_keys_and_lists() {
    let s = load(&[
        ("SORA_SERVER__PORT", "4000"),
        ("SORA_LIMITS__PER_HOUR", "7"),
        (
            "SORA_ALLOWED_ORIGINS",
            "https://a.example,http://localhost:5173",
        ),
        ("SORA_TEST_DATABASE_URL", "ignored"),
        ("SORA_CONFIG_FILE", ""),
    ])
    .unwrap();
    assert_eq!(s.server.port, 4000);
    assert_eq!(s.service.limits.per_hour, 7);
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
        (("SORA_SERVER__PROT", "1"), "server.prot"),
        (
            ("SORA_DATABASE__MAX_CONNECTIONS", "0"),
            "database.max_connections",
        ),
        (("SORA_ENV", "staging"), "env"),
        (("SORA_SERVR__PORT", "1"), "servr"),
        (("SORA_DATA_DIR", "/tmp/x"), "data_dir"),
        (("SORA_LIMITS__PER_HOUR", "0"), "limits.per_hour"),
        (("SORA_LIMITS__PER_DAY", "1"), "limits.per_day"),
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
        (
            ("SORA_EVENTS__RELAY_BATCH_SIZE", "0"),
            "events.relay_batch_size",
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
            "auth.public_keys",
            "events.postgres.password",
            "salt"
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
        ("SORA_SALT", "a-real-salt"),
    ])
    .unwrap();
    assert_eq!(s.env, Environment::Production);
}

#[test]
fn secrets_do_not_show_in_debug_output() {
    let s = load(&[("SORA_SALT", "very-secret-salt")]).unwrap();
    assert!(!format!("{s:?}").contains("very-secret-salt"));
}
