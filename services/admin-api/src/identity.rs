//! Identity: Argon2id password hashes, Ed25519-signed access tokens and
//! rotating refresh tokens, and the bootstrap admin.

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use jsonwebtoken::{EncodingKey, Header};
use secrecy::ExposeSecret;
use sora_common::auth::{ALGORITHM, AuthSettings, Claims, Role, SERVICE_SUBJECT_PREFIX};
use uuid::Uuid;

use crate::config::IdentitySettings;

/// Everything needed to authenticate users and issue their tokens.
#[derive(Clone)]
pub struct Identity {
    hasher: Arc<Argon2<'static>>,
    key: EncodingKey,
    kid: String,
    issuer: String,
    audience: String,
    internal_audience: String,
    pub access_ttl: time::Duration,
    pub refresh_ttl: time::Duration,
    /// Lifetime of the token in the browser cookie (`sora_access`).
    pub browser_ttl: time::Duration,
    /// Verified against when the e-mail is unknown, so both failures cost the same.
    dummy_hash: Arc<String>,
    /// Hashes at once: one per core. More only thrash memory and caches
    /// (each takes `argon2_memory_kib`), making every login slower.
    hashing: Arc<tokio::sync::Semaphore>,
}

impl Identity {
    pub fn from_settings(identity: &IdentitySettings, auth: &AuthSettings) -> anyhow::Result<Self> {
        let params = Params::new(
            identity.argon2_memory_kib,
            identity.argon2_iterations,
            identity.argon2_parallelism,
            Some(32),
        )
        .map_err(|e| anyhow::anyhow!("identity.argon2_*: {e}"))?;
        let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let der = pem_to_der(identity.signing_key.expose_secret())?;
        let pair = Ed25519KeyPair::from_pkcs8(&der)
            .map_err(|_| anyhow::anyhow!("identity.signing_key is not an Ed25519 PKCS#8 key"))?;
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
        let trusted = auth.public_keys.contains(&identity.signing_kid, &x);
        anyhow::ensure!(
            trusted,
            "auth.public_keys must contain {}={x}, the public half of identity.signing_key",
            identity.signing_kid
        );
        let dummy_hash = hasher
            .hash_password(Uuid::new_v4().as_bytes())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?
            .to_string();
        Ok(Self {
            hasher: Arc::new(hasher),
            key: EncodingKey::from_ed_der(&der),
            kid: identity.signing_kid.clone(),
            issuer: auth.issuer.clone(),
            audience: auth.audience.clone(),
            internal_audience: auth.internal_audience.clone(),
            access_ttl: time::Duration::seconds(i64::try_from(identity.access_token_ttl_secs)?),
            refresh_ttl: time::Duration::seconds(i64::try_from(identity.refresh_token_ttl_secs)?),
            browser_ttl: time::Duration::seconds(i64::try_from(identity.browser_token_ttl_secs)?),
            dummy_hash: Arc::new(dummy_hash),
            hashing: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism()
                    .map(usize::from)
                    .unwrap_or(2),
            )),
        })
    }

    /// Hashes on a blocking thread: Argon2 is deliberately slow.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let hasher = self.hasher.clone();
        let password = password.to_owned();
        let _permit = self.hashing.acquire().await?;
        tokio::task::spawn_blocking(move || {
            hasher
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
        })
        .await?
    }

    /// Checks `password` against `hash`, or against a dummy hash when there is
    /// no user, so an unknown e-mail costs as much as a wrong password.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let hasher = self.hasher.clone();
        let password = password.to_owned();
        let known = hash.is_some();
        let hash = hash
            .map(str::to_owned)
            .unwrap_or_else(|| (*self.dummy_hash).clone());
        let Ok(_permit) = self.hashing.acquire().await else {
            return false;
        };
        let matched = tokio::task::spawn_blocking(move || {
            hasher
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
        .unwrap_or(false);
        matched && known
    }

    pub fn access_token(&self, user_id: Uuid, role: Role, email: &str) -> anyhow::Result<String> {
        self.token_for(user_id, role, email, self.access_ttl)
    }

    /// The token of the browser cookie: the same claims, living `browser_ttl`.
    pub fn browser_token(&self, user_id: Uuid, role: Role, email: &str) -> anyhow::Result<String> {
        self.token_for(user_id, role, email, self.browser_ttl)
    }

    fn token_for(
        &self,
        user_id: Uuid,
        role: Role,
        email: &str,
        ttl: time::Duration,
    ) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc();
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now.unix_timestamp(),
            exp: (now + ttl).unix_timestamp(),
            email: Some(email.to_owned()),
            on_behalf_of: None,
        };
        self.sign(&claims)
    }

    /// A one-minute service token for admin-api's calls to the other services,
    /// acting for `caller`. Only the internal audience accepts it, and nothing
    /// hands one to a client.
    pub fn service_token(&self, caller: &Claims) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc();
        let claims = Claims {
            sub: format!("{SERVICE_SUBJECT_PREFIX}admin-api"),
            role: caller.role,
            iss: self.issuer.clone(),
            aud: self.internal_audience.clone(),
            iat: now.unix_timestamp(),
            exp: (now + time::Duration::seconds(60)).unix_timestamp(),
            email: None,
            on_behalf_of: Some(caller.sub.clone()),
        };
        self.sign(&claims)
    }

    fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.key)?)
    }
}

fn pem_to_der(pem: &str) -> anyhow::Result<Vec<u8>> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----") && !l.is_empty())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| anyhow::anyhow!("identity.signing_key is not PEM"))
}

/// A new opaque refresh token and the digest stored for it.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    // aws-lc's system RNG; failure here means the OS cannot provide randomness.
    let filled = aws_lc_rs::rand::fill(&mut bytes).is_ok();
    debug_assert!(filled);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let digest = token_digest(&token);
    (token, digest)
}

pub fn token_digest(token: &str) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes())
        .as_ref()
        .to_vec()
}
