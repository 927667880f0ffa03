//! Login, refresh, logout and the public keys other services verify with.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::Role;
use sora_common::error::Problem;
use sora_common::extract::Json;
use sora_common::privacy::ClientIp;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db;
use crate::identity::{Identity, new_refresh_token, token_digest};
use crate::state::AppState;
use crate::throttle::Who;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/admin/auth/login").post(login))
        .service(web::resource("/api/admin/auth/refresh").post(refresh))
        .service(web::resource("/api/admin/auth/logout").post(logout))
        .service(web::resource("/.well-known/jwks.json").get(jwks));
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
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json"),
))]
pub async fn login(
    client: ClientIp,
    body: Json<LoginRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let email = body.email.trim().to_lowercase();
    // The peer, or behind trusted proxies the hop they saw (never a hop the
    // client wrote itself).
    let account_key = format!("account:{email}");
    let client_key = state.throttle.client_key(&client.key());
    let locked = [&account_key, &client_key]
        .iter()
        .filter_map(|key| state.throttle.retry_after(key))
        .max();
    if let Some(retry_after_secs) = locked {
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
        state.throttle.record_failure(&account_key, Who::Account);
        state.throttle.record_failure(&client_key, Who::Client);
        return Err(invalid_credentials());
    };
    let refresh_token =
        store_refresh_token(&mut conn, &state.identity, user.id, Uuid::now_v7()).await?;
    issue(
        &state.identity,
        user.id,
        user.role,
        &user.email,
        refresh_token,
    )
}

/// Spends a refresh token for a new pair. A spent token presented again
/// revokes its whole family.
#[utoipa::path(post, path = "/api/admin/auth/refresh", tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenPair),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
pub async fn refresh(
    body: Json<RefreshRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut tx = state.db.begin().await?;
    let Some(token) = db::tokens::lock(&mut tx, &token_digest(&body.refresh_token)).await? else {
        return Err(invalid_refresh());
    };
    if token.spent || token.user_disabled {
        if token.spent {
            tracing::warn!(family = %token.family_id, "a spent refresh token was presented: revoking its family");
        }
        db::tokens::revoke_family(&mut tx, token.family_id).await?;
        tx.commit().await?;
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
    issue(
        &state.identity,
        user.id,
        user.role,
        &user.email,
        refresh_token,
    )
}

/// Revokes the refresh token's family. Access tokens expire on their own.
#[utoipa::path(post, path = "/api/admin/auth/logout", tag = "auth", request_body = RefreshRequest, responses(
    (status = 204, description = "logged out (also for an unknown token)"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
pub async fn logout(
    body: Json<RefreshRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut tx = state.db.begin().await?;
    if let Some(family) = db::tokens::family_of(&mut tx, &token_digest(&body.refresh_token)).await?
    {
        db::tokens::revoke_family(&mut tx, family).await?;
    }
    tx.commit().await?;
    // The same answer for unknown tokens: logout reveals nothing.
    Ok(HttpResponse::NoContent().finish())
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
    user_id: Uuid,
    role: Role,
    email: &str,
    refresh_token: String,
) -> Result<HttpResponse, ApiError> {
    let access_token = identity
        .access_token(user_id, role, email)
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
