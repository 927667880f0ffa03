//! Extractors that authenticate the caller and demand a minimum role.

use std::future::ready;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;

use super::{Claims, Credential, JwtVerifier, Role};
use crate::error::ApiError;

fn verifier(req: &HttpRequest) -> Result<web::Data<JwtVerifier>, ApiError> {
    req.app_data::<web::Data<JwtVerifier>>()
        .cloned()
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("JwtVerifier is not registered as app data"))
        })
}

async fn require(
    req: HttpRequest,
    minimum: Role,
    credential: Credential,
) -> Result<Claims, ApiError> {
    let claims = verifier(&req)?.authenticate(&req, credential).await?;
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
        role_extractor!($(#[$doc])* $name, $role, Credential::User);
    };
    ($(#[$doc:meta])* $name:ident, $role:expr, $credential:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Claims);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                Box::pin(require(req.clone(), $role, $credential).map(|r| r.map($name)))
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
role_extractor!(
    /// A caller with at least the `viewer` role, by a user's access token
    /// or by a token exchanged for a personal access token: the route
    /// checks its scope ([`Claims::require_scope`]).
    ScopedViewer,
    Role::Viewer,
    Credential::UserOrPersonal
);
role_extractor!(
    /// A caller with at least the `editor` role, by a user's access token
    /// or by a token exchanged for a personal access token: the route
    /// checks its scope ([`Claims::require_scope`]).
    ScopedEditor,
    Role::Editor,
    Credential::UserOrPersonal
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
        Box::pin(
            require(req.clone(), Role::Viewer, Credential::User)
                .map(|r| r.map(|claims| Self(Some(claims)))),
        )
    }
}

/// The cookie a browser session carries for the APIs a browser app calls
/// without a token of its own (Lichtblick's remote API): a token of its own
/// audience (`auth.lichtblick_audience`) that admin-api sets at Lichtblick's
/// sign-in (`POST /api/lichtblick/session`), `HttpOnly; Secure;
/// SameSite=Strict`, sent only under that API's path (admin-api's
/// `identity.browser_cookie_path`) and accepted
/// nowhere else, not even there as a bearer token.
pub const BROWSER_COOKIE: &str = "sora_access";

/// The value of the request's cookie `name`, if set and not empty.
pub fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// How a caller of a browser app's API proved who they are.
#[derive(Debug, Clone)]
pub enum BrowserCaller {
    Anonymous,
    /// A bearer token in `Authorization`.
    Bearer(Claims),
    /// The [`BROWSER_COOKIE`] a browser sends by itself.
    Cookie(Claims),
}

impl BrowserCaller {
    /// The caller's claims, for acting in `workspace`: a token exchanged for
    /// a personal access token acts only in the workspaces its scopes name
    /// (`workspace:<name>`, `workspace:*`), 403 elsewhere.
    pub fn claims_in(&self, workspace: &str) -> Result<Option<&Claims>, ApiError> {
        match self {
            Self::Anonymous => Ok(None),
            Self::Bearer(claims) | Self::Cookie(claims) => {
                claims.require_scope(&super::Scope::workspace(workspace))?;
                Ok(Some(claims))
            }
        }
    }
}

/// The caller by bearer token (a user's, or one exchanged for a personal
/// access token: see [`BrowserCaller::claims_in`]), else by session cookie,
/// else anonymous. A token or cookie that is sent but invalid is refused
/// (401).
impl FromRequest for BrowserCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if req.headers().contains_key(header::AUTHORIZATION) {
                let claims = verifier(&req)?
                    .authenticate(&req, Credential::UserOrPersonal)
                    .await?;
                return Ok(Self::Bearer(claims));
            }
            match cookie(&req, BROWSER_COOKIE) {
                Some(token) => {
                    let claims = verifier(&req)?
                        .authenticate_token(&token, Credential::LichtblickCookie)
                        .await?;
                    Ok(Self::Cookie(claims))
                }
                None => Ok(Self::Anonymous),
            }
        })
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
            let claims = verifier(&req)?
                .authenticate(&req, Credential::Service)
                .await?;
            Ok(Self(claims))
        })
    }
}
