//! Identity: Argon2id password hashes, Ed25519-signed access tokens and
//! rotating refresh tokens, and the bootstrap admin.

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use jsonwebtoken::{EncodingKey, Header};
use secrecy::ExposeSecret;
use sora_common::auth::{
    ALGORITHM, AuthSettings, Claims, Provenance, Role, SERVICE_SUBJECT_PREFIX, Scope,
};
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
    lichtblick_audience: String,
    dashboard_audience: String,
    token_audience: String,
    pub access_ttl: time::Duration,
    pub refresh_ttl: time::Duration,
    /// Lifetime of the token in Lichtblick's session cookie (`sora_access`).
    pub browser_ttl: time::Duration,
    /// The path of Lichtblick's cookie (`identity.browser_cookie_path`).
    pub browser_cookie_path: String,
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
            lichtblick_audience: auth.lichtblick_audience.clone(),
            dashboard_audience: auth.dashboard_audience.clone(),
            token_audience: auth.token_audience.clone(),
            access_ttl: time::Duration::seconds(i64::try_from(identity.access_token_ttl_secs)?),
            refresh_ttl: time::Duration::seconds(i64::try_from(identity.refresh_token_ttl_secs)?),
            browser_ttl: time::Duration::seconds(i64::try_from(identity.browser_token_ttl_secs)?),
            browser_cookie_path: identity.browser_cookie_path.clone(),
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

    /// An access token for API clients (the general audience).
    pub fn access_token(&self, user: &Subject<'_>) -> anyhow::Result<String> {
        self.token_for(user, &self.audience, self.access_ttl)
    }

    /// The dashboard session's access token: only admin-api accepts it.
    pub fn dashboard_token(&self, user: &Subject<'_>) -> anyhow::Result<String> {
        self.token_for(user, &self.dashboard_audience, self.access_ttl)
    }

    /// The token of Lichtblick's session cookie: only Lichtblick's remote
    /// API accepts it, and only from that cookie.
    pub fn lichtblick_token(&self, user: &Subject<'_>) -> anyhow::Result<String> {
        self.token_for(user, &self.lichtblick_audience, self.browser_ttl)
    }

    /// The access token exchanged for personal access token `pat`: its own
    /// audience, which only the routes that check a scope accept, with the
    /// token's id and scopes; the user's role and session version as now.
    pub fn personal_token(
        &self,
        user: &Subject<'_>,
        pat: Uuid,
        scopes: Vec<String>,
    ) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc();
        let claims = Claims {
            pat: Some(pat.to_string()),
            scopes,
            ..self.claims_for(user, &self.token_audience, self.access_ttl, now)
        };
        self.sign(&claims)
    }

    /// The token a CI job's OIDC token is exchanged for (trusted
    /// publishing): the audience of personal access tokens, acting as the
    /// owner who registered the job, publishing under `publisher` only;
    /// `pat` is the registration, and `provenance` the job.
    pub fn trusted_token(
        &self,
        owner: &Subject<'_>,
        publisher: &str,
        provenance: Provenance,
        ttl: time::Duration,
    ) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc();
        let claims = Claims {
            pat: Some(provenance.registration.to_string()),
            scopes: vec![Scope::publish(publisher).to_string()],
            provenance: Some(provenance),
            ..self.claims_for(owner, &self.token_audience, ttl.min(self.access_ttl), now)
        };
        self.sign(&claims)
    }

    /// A one-minute access token of the general audience for `caller`
    /// (same user, role and session version), for a call admin-api forwards
    /// on the caller's behalf: what the dashboard's token cannot be used for
    /// by itself. Nothing hands it to a client.
    pub fn forwarding_token(&self, caller: &Claims) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc();
        let claims = Claims {
            aud: self.audience.clone(),
            iat: now.unix_timestamp(),
            exp: (now + time::Duration::seconds(60)).unix_timestamp(),
            ..caller.clone()
        };
        self.sign(&claims)
    }

    /// The lifetime of the longest-lived token this service issues: how long
    /// a revocation must be remembered.
    pub fn longest_ttl(&self) -> time::Duration {
        self.access_ttl.max(self.browser_ttl)
    }

    fn token_for(
        &self,
        user: &Subject<'_>,
        audience: &str,
        ttl: time::Duration,
    ) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc();
        self.sign(&self.claims_for(user, audience, ttl, now))
    }

    fn claims_for(
        &self,
        user: &Subject<'_>,
        audience: &str,
        ttl: time::Duration,
        now: time::OffsetDateTime,
    ) -> Claims {
        Claims {
            sub: user.id.to_string(),
            role: user.role,
            iss: self.issuer.clone(),
            aud: audience.to_owned(),
            iat: now.unix_timestamp(),
            exp: (now + ttl).unix_timestamp(),
            email: Some(user.email.to_owned()),
            on_behalf_of: None,
            ver: user.version,
            pat: None,
            provenance: None,
            scopes: Vec::new(),
        }
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
            ver: caller.ver,
            pat: None,
            provenance: None,
            scopes: Vec::new(),
        };
        self.sign(&claims)
    }

    /// A one-minute service token for a call admin-api makes for nobody
    /// signed in (the exchange of a CI job's OIDC token).
    pub fn internal_token(&self) -> anyhow::Result<String> {
        let now = time::OffsetDateTime::now_utc();
        let claims = Claims {
            sub: format!("{SERVICE_SUBJECT_PREFIX}admin-api"),
            role: Role::Viewer,
            iss: self.issuer.clone(),
            aud: self.internal_audience.clone(),
            iat: now.unix_timestamp(),
            exp: (now + time::Duration::seconds(60)).unix_timestamp(),
            email: None,
            on_behalf_of: None,
            ver: 0,
            pat: None,
            scopes: Vec::new(),
            provenance: None,
        };
        self.sign(&claims)
    }

    fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.key)?)
    }
}

/// Whom a token is issued to.
pub struct Subject<'a> {
    pub id: Uuid,
    pub role: Role,
    pub email: &'a str,
    /// The user's session version (`ver`).
    pub version: i64,
}

impl<'a> From<&'a crate::db::users::Credentials> for Subject<'a> {
    fn from(user: &'a crate::db::users::Credentials) -> Self {
        Self {
            id: user.id,
            role: user.role,
            email: &user.email,
            version: user.token_version,
        }
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
    let token = random_token();
    let digest = token_digest(&token);
    (token, digest)
}

/// What every personal access token starts with, so that secret scanners
/// (and people) recognise one.
pub const PERSONAL_TOKEN_PREFIX: &str = "sora_pat_";

/// A new personal access token and the digest stored for it.
pub fn new_personal_token() -> (String, Vec<u8>) {
    let token = format!("{PERSONAL_TOKEN_PREFIX}{}", random_token());
    let digest = token_digest(&token);
    (token, digest)
}

/// 256 random bits, base64url.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // aws-lc's system RNG; failure here means the OS cannot provide randomness.
    let filled = aws_lc_rs::rand::fill(&mut bytes).is_ok();
    debug_assert!(filled);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_digest(token: &str) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes())
        .as_ref()
        .to_vec()
}
