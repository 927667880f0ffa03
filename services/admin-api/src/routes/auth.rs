//! Login, refresh, logout and the public keys other services verify with;
//! and the same for a browser, whose refresh token lives in a cookie no
//! script can read.
//!
//! Dashboard sessions (`/api/admin/session`): the answer carries only the
//! access token (the page keeps it in memory), of the dashboard's own
//! audience, which only admin-api accepts; the refresh token is set as an
//! `HttpOnly; Secure; SameSite=Strict` cookie whose path is the session
//! routes alone, so it is sent nowhere else. Lichtblick sessions
//! (`/api/admin/lichtblick/session`, the one admin-api route the Lichtblick
//! origin routes) set only a cookie for `/api/lichtblick`, whose token of
//! its own audience nothing else accepts (docs/security.md). Every session call must carry
//! `X-Sora-CSRF: 1` — a header a cross-site form cannot send, and a
//! cross-site script only after a CORS preflight this service refuses — and
//! is refused when the browser says (`Sec-Fetch-Site`) the request comes
//! from another site. The JSON token API above stays for other clients.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Role, Viewer, cookie};
use sora_common::extract::Json;
use sora_common::privacy::ClientIp;
use sora_common::problems;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db;
use crate::identity::{Identity, Subject, new_refresh_token, token_digest};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/admin/auth/login").post(login))
        .service(web::resource("/api/admin/auth/refresh").post(refresh))
        .service(web::resource("/api/admin/auth/logout").post(logout))
        .service(web::resource("/api/admin/auth/logout-all").post(logout_all))
        .service(
            web::resource("/api/admin/session")
                .post(browser_login)
                .delete(browser_logout),
        )
        .service(web::resource("/api/admin/session/refresh").post(browser_refresh))
        .service(web::resource("/.well-known/jwks.json").get(jwks))
        .service(web::resource("/internal/revocations").get(crate::revocations::list));
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

fn invalid_credentials() -> ApiError {
    // Never says which part was wrong.
    ApiError::Unauthenticated("invalid e-mail or password".to_owned())
}

fn invalid_refresh() -> ApiError {
    ApiError::Unauthenticated("the refresh token is invalid, expired or revoked".to_owned())
}

/// Exchanges e-mail and password for an access and a refresh token.
#[utoipa::path(post, path = "/api/admin/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenPair),
    problems::JsonBody, problems::Unauthorized, problems::RateLimited,
))]
pub async fn login(
    client: ClientIp,
    body: Json<LoginRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let user = authenticate(&client, &body, &state).await?;
    let refresh_token = start_family(&state, &user).await?;
    issue(&state.identity, &user, refresh_token)
}

/// Checks e-mail and password, throttled per account and client
/// ([`crate::throttle`]); the user.
pub(crate) async fn authenticate(
    client: &ClientIp,
    body: &LoginRequest,
    state: &AppState,
) -> Result<db::users::Credentials, ApiError> {
    let email = body.email.trim().to_lowercase();
    // The peer, or behind trusted proxies the hop they saw (never a hop the
    // client wrote itself).
    let client = state.throttle.client_key(&client.key());
    if let Some(retry_after_secs) = state.throttle.retry_after(&email, &client) {
        return Err(ApiError::RateLimited { retry_after_secs });
    }
    let mut conn = state.db.acquire().await?;
    let user = db::users::credentials_by_email(&mut conn, &email).await?;
    let matched = state
        .identity
        .verify(
            &body.password,
            user.as_ref().map(|u| u.password_hash.as_str()),
        )
        .await;
    // A disabled account fails exactly like a wrong password.
    let Some(user) = user.filter(|u| matched && !u.disabled) else {
        state.throttle.record_failure(&email, &client);
        return Err(invalid_credentials());
    };
    state.throttle.record_success(&email, &client);
    Ok(user)
}

/// Starts a new token family for `user`: its first refresh token.
async fn start_family(state: &AppState, user: &db::users::Credentials) -> Result<String, ApiError> {
    let mut conn = state.db.acquire().await?;
    store_refresh_token(&mut conn, &state.identity, user.id, Uuid::now_v7()).await
}

/// Spends a refresh token for a new pair. A spent token presented again
/// revokes its whole family.
#[utoipa::path(post, path = "/api/admin/auth/refresh", tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenPair),
    problems::JsonBody, problems::Unauthorized,
))]
pub async fn refresh(
    body: Json<RefreshRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (user, refresh_token) = rotate(&body.refresh_token, &state).await?;
    issue(&state.identity, &user, refresh_token)
}

/// Spends `presented` for a new refresh token of its family; the user and
/// the new token. A spent token presented again was stolen (or its
/// legitimate holder's copy was): every session of the user ends.
async fn rotate(
    presented: &str,
    state: &AppState,
) -> Result<(db::users::Credentials, String), ApiError> {
    let mut tx = state.db.begin().await?;
    let Some(token) = db::tokens::lock(&mut tx, &token_digest(presented)).await? else {
        return Err(invalid_refresh());
    };
    if token.spent || token.user_disabled {
        db::tokens::revoke_family(&mut tx, token.family_id).await?;
        let ended = if token.spent {
            tracing::warn!(family = %token.family_id, "a spent refresh token was presented: ending every session of its user");
            end_sessions(&mut tx, token.user_id).await?
        } else {
            None
        };
        tx.commit().await?;
        if let Some(version) = ended {
            state.verifier.revoke(&token.user_id.to_string(), version);
        }
        return Err(invalid_refresh());
    }
    if token.expired {
        return Err(invalid_refresh());
    }
    db::tokens::mark_used(&mut tx, token.id).await?;
    let user = db::users::credentials_by_id(&mut tx, token.user_id)
        .await?
        .ok_or_else(invalid_refresh)?;
    let refresh_token =
        store_refresh_token(&mut tx, &state.identity, user.id, token.family_id).await?;
    tx.commit().await?;
    Ok((user, refresh_token))
}

/// Revokes the refresh token's family. Access tokens expire on their own.
#[utoipa::path(post, path = "/api/admin/auth/logout", tag = "auth", request_body = RefreshRequest, responses(
    (status = 204, description = "logged out (also for an unknown token)"),
    problems::JsonBody,
))]
pub async fn logout(
    body: Json<RefreshRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    revoke(&body.refresh_token, &state).await?;
    // The same answer for unknown tokens: logout reveals nothing.
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session of the caller at every service (within a second or
/// two): their refresh tokens, access tokens and session cookies.
#[utoipa::path(post, path = "/api/admin/auth/logout-all", tag = "auth", security(("bearer" = [])), responses(
    (status = 204, description = "every session of the caller ended"),
    problems::Unauthorized,
))]
pub async fn logout_all(
    Viewer(caller): Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&caller.sub)
        .map_err(|_| ApiError::Forbidden("only a user signs out".to_owned()))?;
    let mut tx = state.db.begin().await?;
    let ended = end_sessions(&mut tx, id).await?;
    crate::routes::audit(
        &mut tx,
        &caller.sub,
        "user.signed_out_everywhere",
        ("user", caller.sub.clone()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    if let Some(version) = ended {
        state.verifier.revoke(&caller.sub, version);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session of `user`: their refresh tokens and personal access
/// tokens revoked, their
/// session version raised (what every service refuses older tokens by).
/// The caller tells its own verifier once the transaction has committed.
pub(crate) async fn end_sessions(
    conn: &mut sqlx::PgConnection,
    user: Uuid,
) -> Result<Option<i64>, ApiError> {
    db::tokens::revoke_user(conn, user).await?;
    // Personal access tokens are sessions too: what was exchanged for them
    // carries the user's session version, and they exchange no more.
    db::personal_tokens::revoke_user(conn, user).await?;
    Ok(db::revocations::end_sessions(conn, user).await?)
}

/// Revokes the family of `presented`, if it is a token at all.
async fn revoke(presented: &str, state: &AppState) -> Result<(), ApiError> {
    let mut tx = state.db.begin().await?;
    if let Some(family) = db::tokens::family_of(&mut tx, &token_digest(presented)).await? {
        db::tokens::revoke_family(&mut tx, family).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Stores a new refresh token of `family` for `user`, returning the token.
async fn store_refresh_token(
    conn: &mut sqlx::PgConnection,
    identity: &Identity,
    user_id: Uuid,
    family_id: Uuid,
) -> Result<String, ApiError> {
    let (token, digest) = new_refresh_token();
    db::tokens::insert(conn, user_id, family_id, &digest, identity.refresh_ttl).await?;
    Ok(token)
}

fn issue(
    identity: &Identity,
    user: &db::users::Credentials,
    refresh_token: String,
) -> Result<HttpResponse, ApiError> {
    let access_token = identity
        .access_token(&Subject::from(user))
        .map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(TokenPair {
            access_token,
            refresh_token,
            token_type: "Bearer".to_owned(),
            expires_in: identity.access_ttl.whole_seconds(),
        }))
}

/// The public keys access tokens are verified with (RFC 7517), for the other services.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "auth", responses((status = 200, body = Object)))]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    let keys: Vec<serde_json::Value> = state
        .public_keys
        .iter()
        .map(|key| {
            serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                "kid": key.kid, "x": key.x,
            })
        })
        .collect();
    HttpResponse::Ok()
        .insert_header(("cache-control", "public, max-age=300"))
        .json(serde_json::json!({ "keys": keys }))
}

/// The refresh cookie of browser sessions, and the only path it is sent to.
pub const SESSION_COOKIE: &str = "sora_admin_refresh";
pub const SESSION_PATH: &str = "/api/admin/session";
/// The header every session call carries.
pub const CSRF_HEADER: &str = "x-sora-csrf";

/// A browser session: the access token only; the refresh token is in the
/// cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrowserSession {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires: refresh before.
    pub expires_in: i64,
    #[schema(value_type = String)]
    pub role: Role,
    pub email: String,
}

/// Refuses what a cross-site page could have sent.
pub(crate) fn check_same_site(req: &HttpRequest) -> Result<(), ApiError> {
    let csrf = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    if csrf != Some("1") {
        return Err(ApiError::Forbidden(format!(
            "session calls must carry the header {CSRF_HEADER}: 1"
        )));
    }
    let site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    if site.is_some_and(|site| !matches!(site, "same-origin" | "none")) {
        return Err(ApiError::Forbidden(
            "session calls are refused from another site".to_owned(),
        ));
    }
    Ok(())
}

/// The refresh token the request's cookie carries.
fn session_cookie(req: &HttpRequest) -> Option<String> {
    cookie(req, SESSION_COOKIE)
}

fn set_cookie(token: &str, max_age: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path={SESSION_PATH}; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    )
}

fn browser_session(
    identity: &Identity,
    user: &db::users::Credentials,
    refresh_token: &str,
) -> Result<HttpResponse, ApiError> {
    let access_token = identity
        .dashboard_token(&Subject::from(user))
        .map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .append_header((
            header::SET_COOKIE,
            set_cookie(refresh_token, identity.refresh_ttl.whole_seconds()),
        ))
        .json(BrowserSession {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in: identity.access_ttl.whole_seconds(),
            role: user.role,
            email: user.email.clone(),
        }))
}

/// Signs a browser in: the access token in the answer, the refresh token
/// in an `HttpOnly` cookie for the session routes only.
#[utoipa::path(post, path = "/api/admin/session", tag = "auth", request_body = LoginRequest,
    params(("x-sora-csrf" = String, Header, description = "must be `1`")),
    responses(
        (status = 200, body = BrowserSession, headers(("set-cookie" = String))),
        problems::JsonBody, problems::SignedIn, problems::RateLimited,
    ))]
pub async fn browser_login(
    req: HttpRequest,
    client: ClientIp,
    body: Json<LoginRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_same_site(&req)?;
    let user = authenticate(&client, &body, &state).await?;
    let refresh_token = start_family(&state, &user).await?;
    browser_session(&state.identity, &user, &refresh_token)
}

/// A new access token for the session in the cookie (which is rotated):
/// how the page stays signed in across reloads.
#[utoipa::path(post, path = "/api/admin/session/refresh", tag = "auth",
    params(("x-sora-csrf" = String, Header, description = "must be `1`")),
    responses(
        (status = 200, body = BrowserSession, headers(("set-cookie" = String))),
        problems::SignedIn,
    ))]
pub async fn browser_refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_same_site(&req)?;
    let presented = session_cookie(&req).ok_or_else(invalid_refresh)?;
    let (user, refresh_token) = rotate(&presented, &state).await?;
    browser_session(&state.identity, &user, &refresh_token)
}

/// Signs the browser out: the session's token family revoked, the cookie
/// cleared.
#[utoipa::path(delete, path = "/api/admin/session", tag = "auth",
    params(("x-sora-csrf" = String, Header, description = "must be `1`")),
    responses(
        (status = 204, description = "signed out (also without a session)", headers(("set-cookie" = String))),
        problems::Forbidden,
    ))]
pub async fn browser_logout(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_same_site(&req)?;
    if let Some(presented) = session_cookie(&req) {
        revoke(&presented, &state).await?;
    }
    Ok(HttpResponse::NoContent()
        .append_header((header::SET_COOKIE, set_cookie("", 0)))
        .finish())
}
