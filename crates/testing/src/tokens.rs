//! Access tokens for tests: a key pair made for one test, valid tokens of
//! every role, service tokens, and the forged or misused tokens every service
//! must refuse.

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use jsonwebtoken::{EncodingKey, Header};
use sora_common::auth::{ALGORITHM, AuthSettings, PublicKeys, Role};

/// Mints access tokens with a key pair made for one test.
pub struct TokenMinter {
    pub kid: String,
    key: EncodingKey,
    public_x: String,
    pub issuer: String,
    pub audience: String,
}

impl TokenMinter {
    pub fn generate(auth: &AuthSettings) -> Self {
        Self::generate_with(&auth.issuer, &auth.audience)
    }

    /// The `auth.public_keys` that trust this minter (and nothing else).
    pub fn public_keys(&self) -> PublicKeys {
        let mut keys = PublicKeys::default();
        keys.push(&self.kid, &self.public_x);
        keys
    }

    pub fn public_x(&self) -> &str {
        &self.public_x
    }

    /// A valid ten-minute token for `role`, for a new user.
    pub fn token(&self, role: Role) -> String {
        self.token_for(&uuid::Uuid::now_v7().to_string(), role)
    }

    /// A valid ten-minute token for user `sub` with `role`.
    pub fn token_for(&self, sub: &str, role: Role) -> String {
        self.token_with_audience(sub, role, &self.audience)
    }

    /// A valid ten-minute token for user `sub` with `role`, for `audience`
    /// (Lichtblick's cookie, the dashboard).
    pub fn token_with_audience(&self, sub: &str, role: Role, audience: &str) -> String {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.sign(&serde_json::json!({
            "sub": sub,
            "role": role,
            "iss": self.issuer,
            "aud": audience,
            "iat": now,
            "exp": now + 600,
        }))
    }

    /// Signs arbitrary claims with this minter's key and kid.
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key).unwrap()
    }
}

impl TokenMinter {
    /// A valid one-minute service token (internal audience), as admin-api
    /// mints for its calls to the other services.
    pub fn service_token(&self, auth: &AuthSettings) -> String {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.sign(&serde_json::json!({
            "sub": "service:admin-api", "role": "admin", "on_behalf_of": "u1",
            "iss": self.issuer, "aud": auth.internal_audience,
            "iat": now, "exp": now + 60,
        }))
    }

    /// Tokens a service must refuse with 401, by name: forged (`alg: none`,
    /// HS256 keyed with the public key, a tampered payload, an untrusted key
    /// under a trusted kid), expired, for another audience or issuer, without
    /// `exp`, with an unknown role. Each is otherwise an admin's token for
    /// `audience` (and `sub`).
    pub fn forged_tokens(&self, audience: &str, sub: &str) -> Vec<(&'static str, String)> {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = |overrides: serde_json::Value| {
            let mut base = serde_json::json!({
                "sub": sub, "role": "admin", "iss": self.issuer, "aud": audience,
                "iat": now, "exp": now + 600,
            });
            for (k, v) in overrides.as_object().unwrap() {
                base[k] = v.clone();
            }
            base
        };
        let none = format!(
            "{}.{}.",
            b64(
                serde_json::json!({"alg": "none", "typ": "JWT", "kid": self.kid})
                    .to_string()
                    .as_bytes()
            ),
            b64(claims(serde_json::json!({})).to_string().as_bytes())
        );
        let mut hs_header = Header::new(jsonwebtoken::Algorithm::HS256);
        hs_header.kid = Some(self.kid.clone());
        let hs256 = jsonwebtoken::encode(
            &hs_header,
            &claims(serde_json::json!({})),
            &EncodingKey::from_secret(self.public_x.as_bytes()),
        )
        .unwrap();
        let valid = self.sign(&claims(serde_json::json!({})));
        let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
        parts[1] = b64(claims(serde_json::json!({"sub": "intruder"}))
            .to_string()
            .as_bytes());
        let tampered = parts.join(".");
        // Another key pair presenting the trusted kid.
        let mut stranger = Self::generate_with(&self.issuer, audience);
        stranger.kid = self.kid.clone();
        let foreign = stranger.sign(&claims(serde_json::json!({})));
        vec![
            ("alg none", none),
            ("hs256 with the public key", hs256),
            ("tampered payload", tampered),
            ("untrusted key", foreign),
            ("expired", self.sign(&claims(serde_json::json!({"exp": now - 3600, "iat": now - 7200})))),
            ("wrong audience", self.sign(&claims(serde_json::json!({"aud": "someone-else"})))),
            ("wrong issuer", self.sign(&claims(serde_json::json!({"iss": "evil"})))),
            (
                "no exp",
                self.sign(&serde_json::json!({"sub": sub, "role": "admin", "iss": self.issuer, "aud": audience})),
            ),
            ("unknown role", self.sign(&claims(serde_json::json!({"role": "superuser"})))),
            ("not a jwt", "abc.def".to_owned()),
        ]
    }

    fn generate_with(issuer: &str, audience: &str) -> Self {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        Self {
            kid: format!("test-{}", uuid::Uuid::new_v4().simple()),
            key: EncodingKey::from_ed_der(pkcs8.as_ref()),
            public_x: base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(pair.public_key().as_ref()),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }
}
