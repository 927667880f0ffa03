//! feedback-api's own settings.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sora_common::config::{Check, ServiceSettings};
use sora_common::privacy::DEV_IP_SALT;

/// 32 bytes, base64: obviously not a real key. Production refuses it.
pub const DEV_ENCRYPTION_KEY: &str = "c29yYS1kZXYtZW5jcnlwdGlvbi1rZXktMzJieXRlcyE=";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSettings {
    /// Key of the HMAC that replaces client addresses (`SORA_IP_SALT`).
    #[serde(default = "ip_salt")]
    pub ip_salt: SecretString,
    /// Base64 of the 32-byte AES-256-GCM key comments are encrypted with
    /// (`SORA_ENCRYPTION_KEY`).
    #[serde(default = "encryption_key")]
    pub encryption_key: SecretString,
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
    fn validate(&self, check: &mut Check<'_>) {
        if decode_key(&self.encryption_key).is_none() {
            check.bad("encryption_key", "must be the base64 of exactly 32 bytes");
        }
        check.no_dev_secret("ip_salt", &self.ip_salt, DEV_IP_SALT);
        check.no_dev_secret("encryption_key", &self.encryption_key, DEV_ENCRYPTION_KEY);
    }
}
