//! Checks token signatures against the trusted keys and the standard claims.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::http::header;
use jsonwebtoken::{DecodingKey, Validation};
use serde::Deserialize;

use super::{ALGORITHM, AuthSettings, Claims, SERVICE_SUBJECT_PREFIX};
use crate::error::ApiError;

/// A token never asks for a JWKS refresh more often than this (or than the
/// periodic refresh, if that is shorter).
const MIN_JWKS_REFRESH: Duration = Duration::from_secs(10);

/// Checks signatures against the trusted keys (by `kid`) and the standard
/// claims. Keys come from configuration and, when `auth.jwks_url` is set, from
/// admin-api's JWKS, refreshed periodically and on an unknown `kid`.
#[derive(Clone)]
pub struct JwtVerifier {
    keys: Arc<RwLock<HashMap<String, DecodingKey>>>,
    configured: Arc<HashMap<String, DecodingKey>>,
    validation: Validation,
    internal: Validation,
    jwks: Option<Arc<Jwks>>,
}

struct Jwks {
    url: String,
    client: reqwest::Client,
    refresh: Duration,
    /// When the last fetch was attempted; serialises fetches, too.
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
}

/// A JWKS document: only the Ed25519 (`OKP`) keys are used.
#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    #[serde(default)]
    crv: String,
    #[serde(default)]
    kid: String,
    #[serde(default)]
    x: String,
}

impl JwtVerifier {
    pub fn from_settings(settings: &AuthSettings) -> Self {
        // The keys were checked when the settings were read; one that still
        // does not decode is left out rather than trusted.
        let configured: HashMap<String, DecodingKey> = settings
            .public_keys
            .iter()
            .filter_map(|key| {
                let decoded = DecodingKey::from_ed_components(&key.x).ok()?;
                Some((key.kid.clone(), decoded))
            })
            .collect();
        let validation_for = |audience: &str| {
            let mut validation = Validation::new(ALGORITHM);
            validation.set_issuer(&[&settings.issuer]);
            validation.set_audience(&[audience]);
            validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
            validation.leeway = settings.leeway_secs;
            validation.validate_nbf = true;
            validation
        };
        let jwks = (!settings.jwks_url.is_empty()).then(|| {
            Arc::new(Jwks {
                url: settings.jwks_url.clone(),
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(3))
                    .build()
                    .unwrap_or_default(),
                refresh: Duration::from_secs(settings.jwks_refresh_secs.max(1)),
                last_fetch: tokio::sync::Mutex::new(None),
            })
        });
        Self {
            keys: Arc::new(RwLock::new(configured.clone())),
            configured: Arc::new(configured),
            validation: validation_for(&settings.audience),
            internal: validation_for(&settings.internal_audience),
            jwks,
        }
    }

    /// How often the JWKS is refetched, when one is configured.
    pub fn jwks_refresh(&self) -> Option<Duration> {
        self.jwks.as_ref().map(|jwks| jwks.refresh)
    }

    /// Fetches the JWKS now (if configured). Fetched keys replace the
    /// previously fetched ones; configured keys always stay.
    pub async fn refresh_jwks(&self) -> anyhow::Result<usize> {
        let Some(jwks) = &self.jwks else {
            return Ok(0);
        };
        let mut last = jwks.last_fetch.lock().await;
        *last = Some(Instant::now());
        let set: JwkSet = jwks
            .client
            .get(&jwks.url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let mut keys = (*self.configured).clone();
        let mut fetched = 0;
        for jwk in set.keys {
            if jwk.kty != "OKP" || jwk.crv != "Ed25519" || jwk.kid.is_empty() {
                continue;
            }
            if let Ok(key) = DecodingKey::from_ed_components(&jwk.x) {
                keys.insert(jwk.kid, key);
                fetched += 1;
            }
        }
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = keys;
        Ok(fetched)
    }

    /// Refreshes the JWKS because a token named `kid`, unless another request
    /// just did (at most once per [`MIN_JWKS_REFRESH`]).
    async fn refresh_for_unknown(&self, kid: &str) {
        let Some(jwks) = &self.jwks else { return };
        {
            let last = jwks.last_fetch.lock().await;
            let pause = MIN_JWKS_REFRESH.min(jwks.refresh);
            if last.is_some_and(|at| at.elapsed() < pause) {
                return;
            }
        }
        match self.refresh_jwks().await {
            Ok(n) => tracing::info!(kid, keys = n, "JWKS refreshed for an unknown key id"),
            Err(error) => tracing::warn!(error = %error, "JWKS refresh failed"),
        }
    }

    /// The token's `kid`, if it names a key this verifier does not have.
    fn unknown_kid(&self, token: &str) -> Option<String> {
        let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
        let known = self
            .keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&kid);
        (!known).then_some(kid)
    }

    /// Verifies a user's access token against the keys known now.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        self.verify_with(token, &self.validation)
    }

    /// Verifies a service-to-service token (the internal audience, a
    /// `service:` subject).
    pub fn verify_internal(&self, token: &str) -> Result<Claims, ApiError> {
        let claims = self.verify_with(token, &self.internal)?;
        if !claims.sub.starts_with(SERVICE_SUBJECT_PREFIX) {
            return Err(ApiError::Unauthenticated(
                "the access token is invalid or expired".to_owned(),
            ));
        }
        Ok(claims)
    }

    fn verify_with(&self, token: &str, validation: &Validation) -> Result<Claims, ApiError> {
        let invalid =
            || ApiError::Unauthenticated("the access token is invalid or expired".to_owned());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
        if header.alg != ALGORITHM {
            return Err(invalid());
        }
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| keys.get(kid))
            .ok_or_else(invalid)?;
        jsonwebtoken::decode::<Claims>(token, key, validation)
            .map(|data| data.claims)
            .map_err(|error| {
                tracing::debug!(error = %error, "token rejected");
                invalid()
            })
    }

    /// Verifies the request's bearer token (user or service, by `internal`),
    /// refreshing the JWKS once if it names a key not seen yet.
    pub async fn authenticate(
        &self,
        req: &HttpRequest,
        internal: bool,
    ) -> Result<Claims, ApiError> {
        let token = bearer(req)?;
        self.authenticate_token(&token, internal).await
    }

    /// Verifies `token` (user or service, by `internal`), refreshing the JWKS
    /// once if it names a key not seen yet.
    pub async fn authenticate_token(
        &self,
        token: &str,
        internal: bool,
    ) -> Result<Claims, ApiError> {
        let verify = |token: &str| {
            if internal {
                self.verify_internal(token)
            } else {
                self.verify(token)
            }
        };
        // The common case costs one verification; only a refused token with
        // an unknown kid (and a JWKS to ask) is tried again after a refresh.
        match verify(token) {
            Err(refused) if self.jwks.is_some() => match self.unknown_kid(token) {
                Some(kid) => {
                    self.refresh_for_unknown(&kid).await;
                    verify(token)
                }
                None => Err(refused),
            },
            result => result,
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthenticated("an access token is required".to_owned()))?;
    value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::Unauthenticated("expected `Authorization: Bearer <token>`".to_owned())
        })
}
