//! feedback-api's own settings: the secrets that keep feedback anonymous,
//! and the limits of ingestion, retention and rate limiting.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sora_common::config::{Check, ServiceSettings};
use sora_common::privacy::DEV_IP_SALT;

/// 32 bytes, base64: obviously not a real key. Production refuses it.
pub const DEV_ENCRYPTION_KEY: &str = "c29yYS1kZXYtZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSettings {
    /// Key of the HMACs that replace client addresses and install ids
    /// (`SORA_IP_SALT`).
    #[serde(default = "ip_salt")]
    pub ip_salt: SecretString,
    /// Base64 of the 32-byte AES-256-GCM key new comments are encrypted with
    /// (`SORA_ENCRYPTION_KEY`).
    #[serde(default = "encryption_key")]
    pub encryption_key: SecretString,
    /// Earlier keys, only to read the comments they encrypted
    /// (`SORA_OLD_ENCRYPTION_KEYS`, comma separated).
    #[serde(default)]
    pub old_encryption_keys: Vec<SecretString>,
    #[serde(default)]
    pub ingest: IngestSettings,
    #[serde(default)]
    pub retention: RetentionSettings,
    #[serde(default)]
    pub rate_limit: RateLimitSettings,
}

fn ip_salt() -> SecretString {
    DEV_IP_SALT.into()
}

fn encryption_key() -> SecretString {
    DEV_ENCRYPTION_KEY.into()
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        Self {
            ip_salt: ip_salt(),
            encryption_key: encryption_key(),
            old_encryption_keys: Vec::new(),
            ingest: IngestSettings::default(),
            retention: RetentionSettings::default(),
            rate_limit: RateLimitSettings::default(),
        }
    }
}

/// What one request may carry, and how accepted events are written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestSettings {
    /// Largest body, after decompression.
    pub max_body_bytes: usize,
    /// Most events in one request.
    pub max_events: usize,
    /// How far in the future an event's `occurred_at` may be (client clocks
    /// run fast).
    pub max_clock_skew_secs: u64,
    /// Most events one transaction writes; more wait for the next.
    pub max_events_per_commit: usize,
    /// Transactions writing at once (each takes every request that queued
    /// while the others committed). One by default: concurrent writers
    /// wait on each other's roll-up rows, and one commit already carries
    /// everything that queued (see docs/decisions.md).
    pub writers: usize,
}

impl Default for IngestSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_events: 100,
            max_clock_skew_secs: 300,
            max_events_per_commit: 5000,
            writers: 1,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionSettings {
    /// Events older than this many days are dropped (roll-ups stay).
    pub days: u32,
    /// How often partitions are created ahead and dropped behind.
    pub interval_secs: u64,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            days: 90,
            interval_secs: 3600,
        }
    }
}

/// Per hashed client, per replica: a token bucket.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitSettings {
    /// Requests per second, refilled evenly; 0 turns the limit off.
    pub per_second: u32,
    /// Requests at once.
    pub burst: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            per_second: 100,
            burst: 200,
        }
    }
}

/// The 32-byte key a setting holds, if it holds one.
pub fn decode_key(key: &SecretString) -> Option<[u8; 32]> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.expose_secret().trim())
        .ok()?;
    bytes.try_into().ok()
}

impl ServiceSettings for FeedbackSettings {
    const LIST_KEYS: &'static [&'static str] = &["old_encryption_keys"];

    fn validate(&self, check: &mut Check<'_>) {
        if decode_key(&self.encryption_key).is_none() {
            check.bad("encryption_key", "must be the base64 of exactly 32 bytes");
        }
        if self
            .old_encryption_keys
            .iter()
            .any(|k| decode_key(k).is_none())
        {
            check.bad(
                "old_encryption_keys",
                "each must be the base64 of exactly 32 bytes",
            );
        }
        check.no_dev_secret("ip_salt", &self.ip_salt, DEV_IP_SALT);
        check.no_dev_secret("encryption_key", &self.encryption_key, DEV_ENCRYPTION_KEY);
        let ingest = &mut check.section("ingest");
        if !(1..=16 * 1024 * 1024).contains(&self.ingest.max_body_bytes) {
            ingest.bad("max_body_bytes", "must be 1 byte to 16 MiB");
        }
        if !(1..=1000).contains(&self.ingest.max_events) {
            ingest.bad("max_events", "must be 1 to 1000");
        }
        if self.ingest.max_events_per_commit < self.ingest.max_events {
            ingest.bad("max_events_per_commit", "must be at least max_events");
        }
        if !(1..=16).contains(&self.ingest.writers) {
            ingest.bad("writers", "must be 1 to 16");
        }
        let retention = &mut check.section("retention");
        if !(1..=3650).contains(&self.retention.days) {
            retention.bad("days", "must be 1 to 3650");
        }
        if self.retention.interval_secs == 0 {
            retention.bad("interval_secs", "must be positive");
        }
        if self.rate_limit.per_second > 0 && self.rate_limit.burst == 0 {
            check
                .section("rate_limit")
                .bad("burst", "must be positive when per_second is");
        }
    }
}
