//! Offline verification of the access tokens admin-api issues, and extractors
//! that demand a minimum role (`admin` > `editor` > `viewer`).

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
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
    /// The user's id.
    pub sub: String,
    pub role: Role,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Checks signatures against the configured keys (by `kid`) and the standard claims.
#[derive(Clone)]
pub struct JwtVerifier {
    keys: Arc<HashMap<String, DecodingKey>>,
    validation: Validation,
}

impl JwtVerifier {
    pub fn from_settings(settings: &AuthSettings) -> anyhow::Result<Self> {
        let keys = settings
            .verification_keys()
            .map_err(|message| anyhow::anyhow!("auth.public_keys: {message}"))?
            .into_iter()
            .collect();
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = settings.leeway_secs;
        validation.validate_nbf = true;
        Ok(Self {
            keys: Arc::new(keys),
            validation,
        })
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let invalid =
            || ApiError::Unauthenticated("the access token is invalid or expired".to_owned());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
        if header.alg != ALGORITHM {
            return Err(invalid());
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.keys.get(kid))
            .ok_or_else(invalid)?;
        jsonwebtoken::decode::<Claims>(token, key, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| {
                tracing::debug!(error = %error, "token rejected");
                invalid()
            })
    }

    /// Verifies the request's bearer token.
    pub fn authenticate(&self, req: &HttpRequest) -> Result<Claims, ApiError> {
        let value = req
            .headers()
            .get(header::AUTHORIZATION)
            .ok_or_else(|| ApiError::Unauthenticated("an access token is required".to_owned()))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthenticated("expected `Authorization: Bearer <token>`".to_owned())
            })?;
        self.verify(token)
    }
}

fn require(req: &HttpRequest, minimum: Role) -> Result<Claims, ApiError> {
    let verifier = req.app_data::<web::Data<JwtVerifier>>().ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!("JwtVerifier is not registered as app data"))
    })?;
    let claims = verifier.authenticate(req)?;
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
            type Future = Ready<Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                ready(require(req, $role).map($name))
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
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if !req.headers().contains_key(header::AUTHORIZATION) {
            return ready(Ok(Self(None)));
        }
        ready(require(req, Role::Viewer).map(|claims| Self(Some(claims))))
    }
}
