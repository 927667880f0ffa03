//! Offline verification of the access tokens admin-api issues, and extractors
//! that demand a minimum role (`admin` > `editor` > `viewer`).

use std::collections::HashMap;
use std::future::ready;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::AuthSettings;
use crate::error::ApiError;

/// The one algorithm accepted: Ed25519 signatures. Pinning it rules out
/// `alg: none` and HMAC-with-the-public-key confusion.
pub const ALGORITHM: Algorithm = Algorithm::EdDSA;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }
}

/// The claims of a Sora access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id; for a service token, `service:<name>`.
    pub sub: String,
    pub role: Role,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Service tokens only: the user the calling service acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
}

/// Prefix of the `sub` of a service-to-service token.
pub const SERVICE_SUBJECT_PREFIX: &str = "service:";

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
    pub fn from_settings(settings: &AuthSettings) -> anyhow::Result<Self> {
        let configured: HashMap<String, DecodingKey> = settings
            .verification_keys()
            .map_err(|message| anyhow::anyhow!("auth.public_keys: {message}"))?
            .into_iter()
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
        Ok(Self {
            keys: Arc::new(RwLock::new(configured.clone())),
            configured: Arc::new(configured),
            validation: validation_for(&settings.audience),
            internal: validation_for(&settings.internal_audience),
            jwks,
        })
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
        let verify = |token: &str| {
            if internal {
                self.verify_internal(token)
            } else {
                self.verify(token)
            }
        };
        // The common case costs one verification; only a refused token with
        // an unknown kid (and a JWKS to ask) is tried again after a refresh.
        match verify(&token) {
            Err(refused) if self.jwks.is_some() => match self.unknown_kid(&token) {
                Some(kid) => {
                    self.refresh_for_unknown(&kid).await;
                    verify(&token)
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

fn verifier(req: &HttpRequest) -> Result<web::Data<JwtVerifier>, ApiError> {
    req.app_data::<web::Data<JwtVerifier>>()
        .cloned()
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("JwtVerifier is not registered as app data"))
        })
}

async fn require(req: HttpRequest, minimum: Role) -> Result<Claims, ApiError> {
    let claims = verifier(&req)?.authenticate(&req, false).await?;
    if claims.role < minimum {
        return Err(ApiError::Forbidden(format!(
            "this action needs the {} role",
            minimum.as_str()
        )));
    }
    Ok(claims)
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Claims);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                Box::pin(require(req.clone(), $role).map(|r| r.map($name)))
            }
        }
    };
}

role_extractor!(
    /// A caller with at least the `viewer` role.
    Viewer,
    Role::Viewer
);
role_extractor!(
    /// A caller with at least the `editor` role.
    Editor,
    Role::Editor
);
role_extractor!(
    /// A caller with the `admin` role.
    Admin,
    Role::Admin
);

/// The caller's claims when the request carries a bearer token, `None` when it
/// carries none. A token that is sent but invalid is refused (401), never
/// silently treated as anonymous.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Claims>);

impl FromRequest for MaybeAuthenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if !req.headers().contains_key(header::AUTHORIZATION) {
            return Box::pin(ready(Ok(Self(None))));
        }
        Box::pin(require(req.clone(), Role::Viewer).map(|r| r.map(|claims| Self(Some(claims)))))
    }
}

/// Another Sora service calling on behalf of a user, with a service token
/// (internal audience, `service:` subject) that only admin-api mints.
#[derive(Debug, Clone)]
pub struct ServiceCaller(pub Claims);

impl FromRequest for ServiceCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let claims = verifier(&req)?.authenticate(&req, true).await?;
            Ok(Self(claims))
        })
    }
}
