//! admin-api's own settings: how it issues tokens and hashes passwords, the
//! bootstrap admin, the salt of hashed client addresses, and the services
//! its overview gathers from.

use secrecy::SecretString;
use serde::Deserialize;
use sora_common::auth::dev;
use sora_common::config::{Check, ServiceSettings};

/// Development values production refuses.
pub mod dev_secrets {
    pub const BOOTSTRAP_ADMIN_EMAIL: &str = "admin@sora.local";
    pub const BOOTSTRAP_ADMIN_PASSWORD: &str = "sora-admin-dev";
    pub use sora_common::privacy::DEV_IP_SALT as IP_SALT;
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    #[serde(default)]
    pub identity: IdentitySettings,
    #[serde(default)]
    pub peers: PeersSettings,
    #[serde(default)]
    pub trusted_publishing: TrustedPublishingSettings,
    /// Created with the `admin` role when there is no user at all.
    #[serde(default = "bootstrap_email")]
    pub bootstrap_admin_email: String,
    #[serde(default = "bootstrap_password")]
    pub bootstrap_admin_password: SecretString,
    /// Key of the HMAC that replaces client addresses (`SORA_IP_SALT`).
    #[serde(default = "ip_salt")]
    pub ip_salt: SecretString,
}

fn bootstrap_email() -> String {
    dev_secrets::BOOTSTRAP_ADMIN_EMAIL.to_owned()
}

fn bootstrap_password() -> SecretString {
    dev_secrets::BOOTSTRAP_ADMIN_PASSWORD.into()
}

fn ip_salt() -> SecretString {
    dev_secrets::IP_SALT.into()
}

impl Default for AdminSettings {
    fn default() -> Self {
        Self {
            identity: IdentitySettings::default(),
            peers: PeersSettings::default(),
            trusted_publishing: TrustedPublishingSettings::default(),
            bootstrap_admin_email: bootstrap_email(),
            bootstrap_admin_password: bootstrap_password(),
            ip_salt: ip_salt(),
        }
    }
}

/// How admin-api issues tokens and hashes passwords.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdentitySettings {
    /// The Ed25519 private key access tokens are signed with (PKCS#8 PEM). Its
    /// public half must be among `auth.public_keys`, under `signing_kid`.
    pub signing_key: SecretString,
    pub signing_kid: String,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_secs: u64,
    /// Lifetime of the token in Lichtblick's `sora_access` cookie (its own
    /// audience, `auth.lichtblick_audience`); sign in again after it.
    pub browser_token_ttl_secs: u64,
    /// The only path the browser sends that cookie to: Lichtblick's remote
    /// API, as file-server serves it.
    pub browser_cookie_path: String,
    /// Argon2id cost: memory in KiB, iterations, lanes.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
}

impl Default for IdentitySettings {
    fn default() -> Self {
        Self {
            signing_key: dev::PRIVATE_PEM.into(),
            signing_kid: dev::KID.to_owned(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            browser_token_ttl_secs: 8 * 3600,
            browser_cookie_path: "/api/lichtblick".to_owned(),
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            argon2_parallelism: 1,
        }
    }
}

/// Trusted publishing: the OIDC issuers whose CI jobs may exchange their
/// tokens for a publishing token (`POST /api/admin/auth/oidc`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrustedPublishingSettings {
    /// The `aud` a CI job's OIDC token must carry (GitHub Actions: the
    /// `audience` the job asks its token for).
    pub audience: String,
    /// Issuers trusted, each with the URL of its JWKS. GitHub Actions'
    /// only, by default; none turns trusted publishing off.
    pub issuers: Vec<OidcIssuer>,
    /// Lifetime of an exchanged token, at most 900 (15 minutes).
    pub token_ttl_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcIssuer {
    /// The `iss` of its tokens, e.g. `https://token.actions.githubusercontent.com`.
    pub issuer: String,
    /// Where its signing keys are, e.g. `…/.well-known/jwks`.
    pub jwks_url: String,
}

/// GitHub Actions' OIDC issuer.
pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

impl Default for TrustedPublishingSettings {
    fn default() -> Self {
        Self {
            audience: "sora".to_owned(),
            issuers: vec![OidcIssuer {
                issuer: GITHUB_ISSUER.to_owned(),
                jwks_url: format!("{GITHUB_ISSUER}/.well-known/jwks"),
            }],
            token_ttl_secs: 900,
        }
    }
}

/// The other services, as admin-api's overview calls them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PeersSettings {
    pub file_server_url: String,
    pub feedback_api_url: String,
    pub recommendation_url: String,
    /// Timeout of one call, in milliseconds.
    pub timeout_ms: u64,
    /// Retries of a failed call, with exponential back-off from `retry_base_ms`.
    pub retries: u32,
    pub retry_base_ms: u64,
    /// Consecutive failed calls that open a peer's circuit…
    pub breaker_failures: u32,
    /// …for this many seconds, during which it is not called at all.
    pub breaker_open_secs: u64,
}

impl Default for PeersSettings {
    fn default() -> Self {
        Self {
            file_server_url: "http://127.0.0.1:3000".to_owned(),
            feedback_api_url: "http://127.0.0.1:3001".to_owned(),
            recommendation_url: "http://127.0.0.1:3003".to_owned(),
            timeout_ms: 2000,
            retries: 2,
            retry_base_ms: 100,
            breaker_failures: 5,
            breaker_open_secs: 30,
        }
    }
}

impl ServiceSettings for AdminSettings {
    fn validate(&self, check: &mut Check<'_>) {
        let identity = &self.identity;
        {
            let mut check = check.section("identity");
            if identity.access_token_ttl_secs == 0
                || identity.refresh_token_ttl_secs == 0
                || identity.browser_token_ttl_secs == 0
            {
                check.bad("access_token_ttl_secs", "token lifetimes must be positive");
            }
            let path = &identity.browser_cookie_path;
            let plain = path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
            if !path.starts_with('/') || !plain {
                check.bad(
                    "browser_cookie_path",
                    "must be an absolute path of letters, digits and /-_.",
                );
            }
            if identity.argon2_memory_kib < 8 * identity.argon2_parallelism.max(1)
                || identity.argon2_iterations == 0
                || identity.argon2_parallelism == 0
            {
                check.bad(
                    "argon2_memory_kib",
                    "Argon2 needs memory ≥ 8 KiB per lane and at least one iteration",
                );
            }
            check.no_dev_secret("signing_key", &identity.signing_key, dev::PRIVATE_PEM);
        }
        {
            let mut check = check.section("peers");
            check.http_url("file_server_url", &self.peers.file_server_url, false);
            check.http_url("feedback_api_url", &self.peers.feedback_api_url, false);
            check.http_url("recommendation_url", &self.peers.recommendation_url, false);
            if self.peers.timeout_ms == 0 || self.peers.breaker_failures == 0 {
                check.bad(
                    "timeout_ms",
                    "the call timeout and the breaker threshold must be positive",
                );
            }
        }
        {
            let mut check = check.section("trusted_publishing");
            let trusted = &self.trusted_publishing;
            if trusted.audience.trim().is_empty() {
                check.bad("audience", "must not be empty");
            }
            if !(1..=900).contains(&trusted.token_ttl_secs) {
                check.bad("token_ttl_secs", "must be 1 to 900 seconds");
            }
            for issuer in &trusted.issuers {
                check.http_url("issuers.jwks_url", &issuer.jwks_url, false);
                if issuer.issuer.is_empty() || issuer.issuer.ends_with('/') {
                    check.bad(
                        "issuers.issuer",
                        "must be the issuer URL, no trailing slash",
                    );
                }
            }
        }
        check.no_dev_secret("ip_salt", &self.ip_salt, dev_secrets::IP_SALT);
        check.no_dev_secret(
            "bootstrap_admin_password",
            &self.bootstrap_admin_password,
            dev_secrets::BOOTSTRAP_ADMIN_PASSWORD,
        );
    }
}
