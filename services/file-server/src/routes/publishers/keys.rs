//! A namespace's Ed25519 keys for signed packages
//! (`/api/publishers/{publisher}/keys`): listed for anyone (they verify
//! what it published), added and revoked by its owners and admins.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::Viewer;
use sora_common::error::FieldError;
use sora_common::extract::Json;
use sora_common::problems;
use sora_package::signing;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::{found, must_manage, not_found};
use crate::db;
use crate::routes::audit;
use crate::state::AppState;

/// A namespace's public key.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublisherKey {
    /// The first 16 hex digits of the SHA-256 of the raw key.
    pub id: String,
    /// The raw 32-byte Ed25519 public key, base64.
    pub public_key: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When it was revoked: what it signed no longer verifies, and it signs
    /// nothing new.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPublisherKey {
    /// A raw 32-byte Ed25519 public key, base64 (what `sora keys generate`
    /// prints).
    pub public_key: String,
}

fn key_view(row: db::publishers::KeyRow) -> PublisherKey {
    PublisherKey {
        id: row.id,
        public_key: row.public_key,
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    }
}

/// A namespace's public keys, revoked ones too (anyone: they verify what
/// it published).
#[utoipa::path(get, path = "/api/publishers/{publisher}/keys", tag = "publishers",
    params(("publisher" = String, Path)), responses(
        (status = 200, body = Vec<PublisherKey>),
        problems::NotFound,
    ))]
pub async fn list_keys(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    db::publishers::get(&mut conn, &path, "")
        .await?
        .ok_or_else(|| not_found(&path))?;
    let keys = db::publishers::keys(&mut conn, &path).await?;
    Ok(HttpResponse::Ok().json(keys.into_iter().map(key_view).collect::<Vec<_>>()))
}

/// Registers a public key for signing the namespace's packages (owners and
/// admins, signed in: not with a token exchanged for a personal access
/// token, which a leaked CI secret could otherwise use to plant its own key).
#[utoipa::path(post, path = "/api/publishers/{publisher}/keys", tag = "publishers",
    params(("publisher" = String, Path)), request_body = NewPublisherKey,
    security(("bearer" = [])), responses(
        (status = 201, body = PublisherKey),
        problems::BadRequest, problems::SignedIn, problems::NotFound, problems::Conflict,
        problems::UnsupportedMediaType, problems::Validation,
    ))]
pub async fn add_key(
    Viewer(caller): Viewer,
    path: web::Path<String>,
    body: Json<NewPublisherKey>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let publisher = path.into_inner();
    let raw = signing::public_key(&body.public_key)
        .map_err(|message| ApiError::Validation(vec![FieldError::new("public_key", message)]))?;
    let key_id = signing::key_id(&raw);
    let mut tx = state.db.begin().await?;
    let row = found(&mut tx, &publisher, &caller).await?;
    must_manage(&caller, &row)?;
    let encoded = signing::encode(&raw);
    if !db::publishers::add_key(&mut tx, &publisher, &key_id, &encoded, &caller.sub).await? {
        return Err(ApiError::Conflict(format!(
            "the key {key_id} is registered already"
        )));
    }
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "publisher.key_added",
        ("publisher", publisher.clone()),
        serde_json::json!({ "key_id": key_id }),
    )
    .await?;
    let key = db::publishers::key(&mut tx, &key_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a key just added is gone")))?;
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/publishers/{publisher}/keys/{key_id}"),
        ))
        .json(key_view(key)))
}

/// Revokes a key (owners and admins): it signs nothing new, and what it
/// signed no longer verifies. Rotating is adding a new key, then revoking
/// the old one.
#[utoipa::path(delete, path = "/api/publishers/{publisher}/keys/{key}", tag = "publishers",
    params(("publisher" = String, Path), ("key" = String, Path)),
    security(("bearer" = [])), responses(
        (status = 204, description = "revoked"),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn revoke_key(
    Viewer(caller): Viewer,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (publisher, key_id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let row = found(&mut tx, &publisher, &caller).await?;
    must_manage(&caller, &row)?;
    if !db::publishers::revoke_key(&mut tx, &publisher, &key_id).await? {
        return Err(ApiError::NotFound(format!(
            "`{publisher}` has no key {key_id}"
        )));
    }
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "publisher.key_revoked",
        ("publisher", publisher.clone()),
        serde_json::json!({ "key_id": key_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
