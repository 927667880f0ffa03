//! Login, refresh, logout and the public keys other services verify with.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::Role;
use sora_common::config::Settings;
use sqlx::PgPool;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::identity::{Identity, store_refresh_token, token_digest};
use crate::throttle::{self, LoginThrottle};

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

fn role_of(text: &str) -> Result<Role, ApiError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| ApiError::internal(anyhow::anyhow!("unknown role {text} in the users table")))
}

/// Exchanges e-mail and password for an access and a refresh token.
#[utoipa::path(post, path = "/api/admin/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenPair),
    (status = 401, body = sora_common::error::Problem, content_type = "application/problem+json"),
))]
pub async fn login(
    req: actix_web::HttpRequest,
    body: web::Json<LoginRequest>,
    db: web::Data<PgPool>,
    identity: web::Data<Identity>,
    throttle: web::Data<LoginThrottle>,
) -> Result<HttpResponse, ApiError> {
    let email = body.email.trim().to_lowercase();
    // The peer address, not X-Forwarded-For, which any client can write.
    let peer = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let account_key = format!("account:{email}");
    let client_key = throttle.client_key(&peer);
    let locked = [&account_key, &client_key]
        .iter()
        .filter_map(|key| throttle.retry_after(key))
        .max();
    if let Some(retry_after_secs) = locked {
        return Err(ApiError::RateLimited { retry_after_secs });
    }
    let user: Option<(Uuid, String, String, bool)> =
        sqlx::query_as("SELECT id, password_hash, role, disabled FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(db.get_ref())
            .await?;
    let matched = identity
        .verify(
            &body.password,
            user.as_ref().map(|(_, hash, _, _)| hash.as_str()),
        )
        .await;
    // A disabled account fails exactly like a wrong password.
    let Some((id, _, role, _)) = user.filter(|(_, _, _, disabled)| matched && !disabled) else {
        throttle.record_failure(&account_key, throttle::PER_ACCOUNT);
        throttle.record_failure(&client_key, throttle::PER_CLIENT);
        return Err(invalid_credentials());
    };
    throttle.record_success(&account_key);
    let mut tx = db.begin().await?;
    let refresh_token = store_refresh_token(&mut tx, &identity, id, Uuid::now_v7())
        .await
        .map_err(ApiError::Internal)?;
    tx.commit().await?;
    issue(&identity, id, role_of(&role)?, &email, refresh_token)
}

/// Spends a refresh token for a new pair. A spent token presented again
/// revokes its whole family.
#[utoipa::path(post, path = "/api/admin/auth/refresh", tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenPair),
    (status = 401, body = sora_common::error::Problem, content_type = "application/problem+json"),
))]
pub async fn refresh(
    body: web::Json<RefreshRequest>,
    db: web::Data<PgPool>,
    identity: web::Data<Identity>,
) -> Result<HttpResponse, ApiError> {
    let mut tx = db.begin().await?;
    let row: Option<(Uuid, Uuid, Uuid, bool, bool, bool)> = sqlx::query_as(
        "SELECT t.family_id, t.user_id, t.id, t.used_at IS NOT NULL OR t.revoked_at IS NOT NULL,
                t.expires_at <= now(), u.disabled
         FROM refresh_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1
         FOR UPDATE OF t",
    )
    .bind(token_digest(&body.refresh_token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((family, user_id, token_id, spent, expired, disabled)) = row else {
        return Err(invalid_refresh());
    };
    if spent || disabled {
        if spent {
            tracing::warn!(family = %family, "a spent refresh token was presented: revoking its family");
        }
        revoke_family(&mut tx, family).await?;
        tx.commit().await?;
        return Err(invalid_refresh());
    }
    if expired {
        return Err(invalid_refresh());
    }
    sqlx::query("UPDATE refresh_tokens SET used_at = now() WHERE id = $1")
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
    let (role, email): (String, String) =
        sqlx::query_as("SELECT role, email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    let refresh_token = store_refresh_token(&mut tx, &identity, user_id, family)
        .await
        .map_err(ApiError::Internal)?;
    tx.commit().await?;
    issue(&identity, user_id, role_of(&role)?, &email, refresh_token)
}

/// Revokes the refresh token's family. Access tokens expire on their own.
#[utoipa::path(post, path = "/api/admin/auth/logout", tag = "auth", request_body = RefreshRequest, responses(
    (status = 204),
))]
pub async fn logout(
    body: web::Json<RefreshRequest>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let mut tx = db.begin().await?;
    let family: Option<Uuid> =
        sqlx::query_scalar("SELECT family_id FROM refresh_tokens WHERE token_hash = $1")
            .bind(token_digest(&body.refresh_token))
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(family) = family {
        revoke_family(&mut tx, family).await?;
    }
    tx.commit().await?;
    // The same answer for unknown tokens: logout reveals nothing.
    Ok(HttpResponse::NoContent().finish())
}

async fn revoke_family(conn: &mut sqlx::PgConnection, family: Uuid) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
    )
    .bind(family)
    .execute(conn)
    .await?;
    Ok(())
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
pub async fn jwks(settings: web::Data<Settings>) -> Result<HttpResponse, ApiError> {
    let keys: Vec<serde_json::Value> = settings
        .auth
        .public_keys
        .split(',')
        .filter_map(|entry| entry.trim().split_once('='))
        .map(|(kid, x)| {
            serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                "kid": kid.trim(), "x": x.trim(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "public, max-age=300"))
        .json(serde_json::json!({ "keys": keys })))
}
