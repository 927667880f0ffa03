//! Checks token signatures against the trusted keys and the standard claims.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::http::header;
use jsonwebtoken::{DecodingKey, Validation};
use serde::{Deserialize, Serialize};

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
    lichtblick: Validation,
    /// Tokens exchanged for a personal access token.
    token: Validation,
    /// The audiences of user tokens this service accepts as bearer tokens.
    audiences: Vec<String>,
    dashboard_audience: String,
    jwks: Option<Arc<Jwks>>,
    /// User id → the lowest session version still valid.
    revoked: Arc<RwLock<HashMap<String, i64>>>,
    revocations: Option<Arc<RevocationSource>>,
}

/// Where the list of revoked sessions is fetched from.
struct RevocationSource {
    url: String,
    client: reqwest::Client,
    refresh: Duration,
}

/// admin-api's `GET /internal/revocations`: every user whose sessions were
/// ended within the lifetime of the longest-lived token, with the lowest
/// session version (`ver` claim) still valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Revocations {
    pub revocations: Vec<Revocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Revocation {
    /// The user's id (a token's `sub`).
    pub sub: String,
    /// Tokens with a lower `ver` are refused.
    pub min_version: i64,
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
        let revocations = (!settings.revocations_url.is_empty()).then(|| {
            Arc::new(RevocationSource {
                url: settings.revocations_url.clone(),
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(2))
                    .build()
                    .unwrap_or_default(),
                refresh: Duration::from_millis(settings.revocations_refresh_ms.max(100)),
            })
        });
        Self {
            keys: Arc::new(RwLock::new(configured.clone())),
            configured: Arc::new(configured),
            validation: validation_for(&settings.audience),
            internal: validation_for(&settings.internal_audience),
            lichtblick: validation_for(&settings.lichtblick_audience),
            token: validation_for(&settings.token_audience),
            audiences: vec![settings.audience.clone()],
            dashboard_audience: settings.dashboard_audience.clone(),
            jwks,
            revoked: Arc::default(),
            revocations,
        }
    }

    /// Accepts the dashboard's session tokens as bearer tokens too: for
    /// admin-api alone, which serves the dashboard.
    pub fn accept_dashboard_tokens(&mut self) {
        self.audiences.push(self.dashboard_audience.clone());
        self.validation.set_audience(&self.audiences);
    }

    /// Whether `claims` came from a dashboard session token.
    pub fn is_dashboard_token(&self, claims: &Claims) -> bool {
        claims.aud == self.dashboard_audience
    }

    /// How often the revocation list is refetched, when one is configured.
    pub fn revocations_refresh(&self) -> Option<Duration> {
        self.revocations.as_ref().map(|source| source.refresh)
    }

    /// Fetches the revocation list now (if configured) and applies it.
    pub async fn refresh_revocations(&self) -> anyhow::Result<usize> {
        let Some(source) = &self.revocations else {
            return Ok(0);
        };
        let list: Revocations = source
            .client
            .get(&source.url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let count = list.revocations.len();
        self.apply_revocations(list.revocations);
        Ok(count)
    }

    /// Replaces the revocation list with `list` (the full current one). A
    /// version already known to be higher stays: the list may have been read
    /// just before a revocation this verifier was told of directly.
    pub fn apply_revocations(&self, list: Vec<Revocation>) {
        let mut revoked = self.revoked.write().unwrap_or_else(|e| e.into_inner());
        let mut next: HashMap<String, i64> =
            list.into_iter().map(|r| (r.sub, r.min_version)).collect();
        for (sub, version) in next.iter_mut() {
            if let Some(known) = revoked.get(sub) {
                *version = (*version).max(*known);
            }
        }
        *revoked = next;
    }

    /// Refuses, from now on, `sub`'s tokens older than `min_version`.
    pub fn revoke(&self, sub: &str, min_version: i64) {
        let mut revoked = self.revoked.write().unwrap_or_else(|e| e.into_inner());
        let entry = revoked.entry(sub.to_owned()).or_insert(min_version);
        *entry = (*entry).max(min_version);
    }

    /// A token of a user whose sessions ended since it was issued, or one
    /// exchanged for a personal access token that was revoked (listed by
    /// its id, with a version no token reaches).
    fn is_revoked(&self, claims: &Claims) -> bool {
        let revoked = self.revoked.read().unwrap_or_else(|e| e.into_inner());
        let user = claims.on_behalf_of.as_deref().unwrap_or(&claims.sub);
        revoked.get(user).is_some_and(|min| claims.ver < *min)
            || claims
                .pat
                .as_deref()
                .is_some_and(|pat| revoked.get(pat).is_some_and(|min| claims.ver < *min))
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

    /// Verifies the token of Lichtblick's session cookie (its own audience).
    pub fn verify_lichtblick(&self, token: &str) -> Result<Claims, ApiError> {
        self.verify_with(token, &self.lichtblick)
    }

    /// Verifies a token exchanged for a personal access token (its own
    /// audience, a `pat` claim).
    fn verify_personal(&self, token: &str) -> Result<Claims, ApiError> {
        let claims = self.verify_with(token, &self.token)?;
        if claims.pat.is_none() {
            return Err(ApiError::Unauthenticated(
                "the access token is invalid or expired".to_owned(),
            ));
        }
        Ok(claims)
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
        let claims = jsonwebtoken::decode::<Claims>(token, key, validation)
            .map(|data| data.claims)
            .map_err(|error| {
                tracing::debug!(error = %error, "token rejected");
                invalid()
            })?;
        if self.is_revoked(&claims) {
            tracing::debug!(sub = %claims.sub, "token of ended sessions rejected");
            return Err(invalid());
        }
        Ok(claims)
    }

    /// Verifies the request's bearer token as a `credential`, refreshing the
    /// JWKS once if it names a key not seen yet.
    pub async fn authenticate(
        &self,
        req: &HttpRequest,
        credential: Credential,
    ) -> Result<Claims, ApiError> {
        let token = bearer(req)?;
        self.authenticate_token(&token, credential).await
    }

    /// Verifies `token` as a `credential`, refreshing the JWKS once if it
    /// names a key not seen yet.
    pub async fn authenticate_token(
        &self,
        token: &str,
        credential: Credential,
    ) -> Result<Claims, ApiError> {
        let verify = |token: &str| match credential {
            Credential::User => self.verify(token),
            Credential::Service => self.verify_internal(token),
            Credential::LichtblickCookie => self.verify_lichtblick(token),
            // A user's token, else one exchanged for a personal access
            // token: the audience tells them apart.
            Credential::UserOrPersonal => {
                self.verify(token).or_else(|_| self.verify_personal(token))
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

/// Which kind of token a route accepts: each has an audience of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A user's access token (and, at admin-api, a dashboard session's).
    User,
    /// A service-to-service token admin-api mints.
    Service,
    /// The token of Lichtblick's session cookie.
    LichtblickCookie,
    /// Either a user's access token or one exchanged for a personal access
    /// token: for the routes that check a scope.
    UserOrPersonal,
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
