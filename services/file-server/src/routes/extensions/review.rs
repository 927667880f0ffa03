//! Versions held for review (`marketplace.scan_policy = hold`): their
//! publisher's members and admins list them with what the scan found; the
//! publisher may appeal; an admin releases one with a reason, and it is
//! then listed and announced as if just published. Every step is audited.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use sora_common::ApiError;
use sora_common::auth::{Admin, Editor, Role};
use sora_common::error::FieldError;
use sora_common::events::types::ExtensionPublished;
use sora_common::extract::Json;
use sora_common::problems;

use super::{enqueue, not_found, refresh_latest};
use crate::catalog::Changes;
use crate::db;
use crate::db::extensions::HeldVersion;
use crate::domain::ids::{ExtensionId, Version};
use crate::routes::publishers;
use crate::state::AppState;

/// The body of a release or an appeal.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Why (1 to 2,000 characters): kept in the audit log.
    pub reason: String,
}

fn reason(body: &Review) -> Result<&str, ApiError> {
    let text = body.reason.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(ApiError::Validation(vec![FieldError::new(
            "reason",
            "must be 1 to 2,000 characters",
        )]));
    }
    Ok(text)
}

/// Versions held for review: of the caller's publishers (an admin: all),
/// oldest first, with the scan's findings and any appeal.
#[utoipa::path(get, path = "/api/extensions/held", tag = "extensions",
    security(("bearer" = [])), responses(
    (status = 200, body = Vec<HeldVersion>),
    problems::SignedIn,
))]
pub async fn held_versions(
    Editor(claims): Editor,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let held = if claims.role == Role::Admin {
        db::extensions::held(&mut conn, None).await?
    } else {
        let own = db::publishers::of_user(&mut conn, &claims.sub).await?;
        db::extensions::held(&mut conn, Some(&own)).await?
    };
    Ok(HttpResponse::Ok().json(held))
}

/// Releases a held version (admins): it is listed and announced from now on.
#[utoipa::path(post, path = "/api/extensions/{id}/versions/{version}/release", tag = "extensions",
    params(("id" = String, Path), ("version" = String, Path)), request_body = Review,
    security(("bearer" = [])), responses(
    (status = 204, description = "released"),
    problems::BadRequest, problems::SignedIn, problems::NotFound,
    problems::UnsupportedMediaType, problems::Validation,
))]
pub async fn release_version(
    Admin(claims): Admin,
    path: web::Path<(ExtensionId, Version)>,
    body: Json<Review>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let version = version.to_string();
    let why = reason(&body)?;
    let mut tx = state.db.begin().await?;
    db::extensions::lock(&mut tx, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    if !db::extensions::release(&mut tx, &id, &version, &claims.sub, why).await? {
        return Err(ApiError::NotFound(format!(
            "`{id}` has no version `{version}` held for review"
        )));
    }
    refresh_latest(&mut tx, &id).await?;
    let announced = db::extensions::announced(&mut tx, &id, &version)
        .await?
        .ok_or_else(|| not_found(&id))?;
    crate::routes::audit(
        &mut tx,
        &state,
        &claims.sub,
        "extension.released",
        ("extension", id.to_string()),
        serde_json::json!({ "version": version, "reason": why }),
    )
    .await?;
    enqueue(
        &mut tx,
        &state,
        &ExtensionPublished {
            id: id.to_string(),
            version: version.clone(),
            publisher: announced.publisher,
            name: announced.name,
            display_name: announced.display_name,
            description: announced.description,
            keywords: announced.keywords,
            sha256: announced.sha256,
            size: u64::try_from(announced.size).unwrap_or(0),
            actor: claims.sub.clone(),
        },
    )
    .await?;
    state.commit(tx, &Changes::extension(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Appeals a held version (its publisher's members): the message is kept
/// with it for the admins who review it, and audited.
#[utoipa::path(post, path = "/api/extensions/{id}/versions/{version}/appeal", tag = "extensions",
    params(("id" = String, Path), ("version" = String, Path)), request_body = Review,
    security(("bearer" = [])), responses(
    (status = 204, description = "appealed"),
    problems::BadRequest, problems::SignedIn, problems::NotFound,
    problems::UnsupportedMediaType, problems::Validation,
))]
pub async fn appeal_version(
    Editor(claims): Editor,
    path: web::Path<(ExtensionId, Version)>,
    body: Json<Review>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let version = version.to_string();
    let why = reason(&body)?;
    let mut tx = state.db.begin().await?;
    let locked = db::extensions::lock(&mut tx, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    if !publishers::publishes_under(&mut tx, &claims, &locked.publisher).await? {
        return Err(not_found(&id));
    }
    if !db::extensions::appeal(&mut tx, &id, &version, why).await? {
        return Err(ApiError::NotFound(format!(
            "`{id}` has no version `{version}` held for review"
        )));
    }
    crate::routes::audit(
        &mut tx,
        &state,
        &claims.sub,
        "extension.appealed",
        ("extension", id.to_string()),
        serde_json::json!({ "version": version, "message": why }),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
