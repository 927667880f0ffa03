//! The auth section: who issues tokens, for which audiences, and the public
//! keys (parsed once, at start-up) that verify them.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::checks::Check;

/// The built-in development key pair. Public by design: anything signed with
/// it is trusted only outside production, which refuses it.
pub mod dev {
    /// The kid of the development signing key.
    pub const KID: &str = "sora-dev-1";
    /// Public half (RFC 8037 `x`, base64url).
    pub const PUBLIC_X: &str = "Ax6Jzm2mVPxoj5Qsqr3ELtxzJ_kge0aSR7yPbAmlrG4";
    /// Private half (PKCS#8 PEM).
    pub const PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIEUVlpCF+mAvw6baZaL23D3H51SojofffMUeMtOS3rPh
-----END PRIVATE KEY-----
";
}

/// One trusted Ed25519 verification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub kid: String,
    /// RFC 8037 `x`: the 32-byte public key, base64url without padding.
    pub x: String,
}

/// Trusted keys, configured as `kid=x` pairs separated by commas (the form of
/// `SORA_AUTH__PUBLIC_KEYS`), each checked when the settings are read.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct PublicKeys(Vec<PublicKey>);

impl PublicKeys {
    pub fn iter(&self) -> impl Iterator<Item = &PublicKey> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, kid: &str, x: &str) {
        self.0.push(PublicKey {
            kid: kid.to_owned(),
            x: x.to_owned(),
        });
    }

    pub fn contains(&self, kid: &str, x: &str) -> bool {
        self.0.iter().any(|k| k.kid == kid && k.x == x)
    }
}

impl TryFrom<String> for PublicKeys {
    type Error = String;

    fn try_from(setting: String) -> Result<Self, String> {
        setting
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let (kid, x) = entry
                    .split_once('=')
                    .ok_or_else(|| format!("`{entry}` is not of the form kid=x"))?;
                let (kid, x) = (kid.trim(), x.trim());
                let decoded = URL_SAFE_NO_PAD.decode(x).ok();
                if kid.is_empty() || decoded.is_none_or(|bytes| bytes.len() != 32) {
                    return Err(format!("key `{kid}` is not a base64url Ed25519 public key"));
                }
                Ok(PublicKey {
                    kid: kid.to_owned(),
                    x: x.to_owned(),
                })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl fmt::Display for PublicKeys {
    /// The setting's own form, `kid=x,kid=x`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs: Vec<String> = self
            .0
            .iter()
            .map(|k| format!("{}={}", k.kid, k.x))
            .collect();
        f.write_str(&pairs.join(","))
    }
}

impl fmt::Debug for PublicKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKeys({self})")
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    pub issuer: String,
    pub audience: String,
    /// Trusted Ed25519 verification keys.
    pub public_keys: PublicKeys,
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
    /// Audience of the token in Lichtblick's session cookie: accepted only
    /// by Lichtblick's remote API (`/api/lichtblick`), from that cookie.
    pub lichtblick_audience: String,
    /// Audience of the dashboard's session token: accepted only by
    /// admin-api, which serves the dashboard and forwards its calls.
    pub dashboard_audience: String,
    /// Audience of the tokens admin-api exchanges for a personal access
    /// token: accepted only by the routes that check a scope (publishing,
    /// layouts, statistics), refused by every other.
    pub token_audience: String,
    /// admin-api's list of revoked sessions (`…/internal/revocations`),
    /// fetched every `revocations_refresh_ms`: a token issued before its
    /// user's sessions were ended is refused. Empty: none fetched (admin-api
    /// reads its own database instead).
    pub revocations_url: String,
    pub revocations_refresh_ms: u64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        let mut public_keys = PublicKeys::default();
        public_keys.push(dev::KID, dev::PUBLIC_X);
        Self {
            issuer: "sora-admin".to_owned(),
            audience: "sora".to_owned(),
            public_keys,
            leeway_secs: 30,
            jwks_url: String::new(),
            jwks_refresh_secs: 300,
            internal_audience: "sora-internal".to_owned(),
            lichtblick_audience: "sora-lichtblick".to_owned(),
            dashboard_audience: "sora-dashboard".to_owned(),
            token_audience: "sora-token".to_owned(),
            revocations_url: String::new(),
            revocations_refresh_ms: 1000,
        }
    }
}

impl AuthSettings {
    pub(crate) fn validate(&self, check: &mut Check<'_>) {
        check.http_url("jwks_url", &self.jwks_url, true);
        check.http_url("revocations_url", &self.revocations_url, true);
        if !(100..=60_000).contains(&self.revocations_refresh_ms) {
            check.bad("revocations_refresh_ms", "must be between 100 and 60000");
        }
        let audiences = [
            ("internal_audience", &self.internal_audience),
            ("lichtblick_audience", &self.lichtblick_audience),
            ("dashboard_audience", &self.dashboard_audience),
            ("token_audience", &self.token_audience),
        ];
        for (i, (key, audience)) in audiences.iter().enumerate() {
            let taken = *audience == &self.audience
                || audiences[..i].iter().any(|(_, other)| other == audience);
            if taken {
                check.bad(
                    key,
                    "must differ from every other audience, or one credential would pass as another",
                );
            }
        }
        if self.public_keys.is_empty() && self.jwks_url.is_empty() {
            check.bad(
                "public_keys",
                "at least one key is required (or set auth.jwks_url)",
            );
        }
        if check.production() && self.public_keys.iter().any(|k| k.x == dev::PUBLIC_X) {
            check.bad(
                "public_keys",
                "a development secret is not allowed when SORA_ENV=production",
            );
        }
    }
}
