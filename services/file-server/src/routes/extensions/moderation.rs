//! Yanking a version, and moderation (featured, hidden), by owners and admins.

use std::collections::HashSet;

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use sora_common::ApiError;
use sora_common::auth::{Editor, Role, Scope, ScopedEditor, Viewer};
use sora_common::events::types::{ContentKind, ContentRemoved, RemovalReason};
use sora_common::extract::Json;
use sora_common::problems;

use super::{enqueue, not_found, refresh_latest};
use crate::catalog::Changes;
use crate::catalog::views::ExtensionDetails;
use crate::db;
use crate::domain::ids::{ExtensionId, Version};
use crate::routes::publishers;
use crate::state::AppState;

/// Yank a version: it leaves "latest" but stays downloadable by its exact
/// version (its owner or an admin). Yanking twice is harmless.
#[utoipa::path(delete, path = "/api/extensions/{id}/versions/{version}", tag = "extensions",
    params(("id" = String, Path, description = "`publisher.name`"), ("version" = String, Path, description = "a semantic version")),
    security(("bearer" = [])), responses(
    (status = 204, description = "yanked"),
    problems::SignedIn, problems::NotFound,
))]
pub async fn yank_version(
    ScopedEditor(claims): ScopedEditor,
    path: web::Path<(ExtensionId, Version)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let version = version.to_string();
    let mut tx = state.db.begin().await?;
    let locked = db::extensions::lock(&mut tx, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    publishers::require_publisher(&mut tx, &claims, &locked.publisher).await?;
    claims.require_scope(&Scope::publish(&locked.publisher))?;
    let newly_yanked = db::extensions::yank(&mut tx, &id, &version)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no version `{version}` of `{id}`")))?;
    if newly_yanked {
        refresh_latest(&mut tx, &id).await?;
        enqueue(
            &mut tx,
            &state,
            &ContentRemoved {
                kind: ContentKind::Extension,
                id: id.to_string(),
                version: Some(version),
                reason: RemovalReason::Yanked,
                actor: claims.sub.clone(),
            },
        )
        .await?;
    }
    state.commit(tx, &Changes::extension(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The extensions the catalog leaves out, as the caller may manage them:
/// hidden ones and those whose every version is yanked (those of the
/// caller's publishers; an admin's, all), by id. The moderation page lists
/// them to show them again.
#[utoipa::path(get, path = "/api/extensions/unlisted", tag = "extensions",
    security(("bearer" = [])), responses(
    (status = 200, body = Vec<ExtensionDetails>),
    problems::SignedIn,
))]
pub async fn unlisted_extensions(
    Editor(claims): Editor,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let own: HashSet<String> = if claims.role == Role::Admin {
        HashSet::new()
    } else {
        let mut conn = state.db.acquire().await?;
        db::publishers::of_user(&mut conn, &claims.sub)
            .await?
            .into_iter()
            .collect()
    };
    let snapshot = state.catalog.snapshot();
    let mut unlisted: Vec<_> = snapshot
        .extensions()
        // One whose only versions are held for review is in the held list.
        .filter(|e| !e.listed() && (e.row.hidden || e.versions.iter().any(|v| !v.held)))
        .filter(|e| claims.role == Role::Admin || own.contains(&e.row.publisher))
        .collect();
    unlisted.sort_by(|a, b| a.row.id.cmp(&b.row.id));
    let base = state.catalog.base_url();
    Ok(HttpResponse::Ok().json(unlisted.iter().map(|e| e.details(base)).collect::<Vec<_>>()))
}

/// `hidden_by` of a takedown by an admin.
const MODERATOR: &str = "moderator";

/// Moderation flags of `PATCH /api/extensions/{id}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Moderation {
    /// Admins only.
    pub featured: Option<bool>,
    /// The owner or an admin: hidden extensions leave the catalog and cannot
    /// be downloaded. An extension an admin hid stays hidden until an admin
    /// shows it again (403 for its owner).
    pub hidden: Option<bool>,
}

/// Feature or hide an extension.
#[utoipa::path(patch, path = "/api/extensions/{id}", tag = "extensions", request_body = Moderation,
    params(("id" = String, Path, description = "`publisher.name`")),
    security(("bearer" = [])), responses(
    (status = 200, body = ExtensionDetails),
    problems::BadRequest, problems::SignedIn, problems::NotFound,
    problems::UnsupportedMediaType, problems::Validation,
))]
pub async fn moderate_extension(
    ScopedEditor(claims): ScopedEditor,
    path: web::Path<ExtensionId>,
    body: Json<Moderation>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    if body.featured.is_some() && claims.role != Role::Admin {
        return Err(ApiError::Forbidden(
            "only an admin features extensions".to_owned(),
        ));
    }
    let mut tx = state.db.begin().await?;
    let locked = db::extensions::lock(&mut tx, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let was_hidden = locked.hidden;
    // Someone else's hidden extension does not exist for them.
    if !publishers::publishes_under(&mut tx, &claims, &locked.publisher).await? {
        return Err(if was_hidden {
            not_found(&id)
        } else {
            ApiError::Forbidden(format!(
                "only members of the publisher `{}` hide `{id}`",
                locked.publisher
            ))
        });
    }
    claims.require_scope(&Scope::publish(&locked.publisher))?;
    // A moderator's takedown sticks until a moderator reverses it.
    let moderator = claims.role == Role::Admin;
    let taken_down = was_hidden && locked.hidden_by.as_deref() == Some(MODERATOR);
    if taken_down && !moderator && body.hidden.is_some() {
        return Err(ApiError::Forbidden(format!(
            "`{id}` was hidden by a moderator; only a moderator can change that"
        )));
    }
    let was_featured = locked.featured;
    let by = if moderator { MODERATOR } else { "owner" };
    // Hiding what is already hidden keeps who hid it, unless a moderator
    // takes it over.
    let hidden = body
        .hidden
        .filter(|hide| *hide != was_hidden || (*hide && moderator));
    db::extensions::moderate(&mut tx, &id, body.featured, hidden, by).await?;
    // Hiding is announced to every consumer (below); the other changes only
    // to the audit log.
    let changes = [
        (
            body.featured == Some(true) && !was_featured,
            "extension.featured",
        ),
        (
            body.featured == Some(false) && was_featured,
            "extension.unfeatured",
        ),
        (body.hidden == Some(false) && was_hidden, "extension.shown"),
    ];
    for (_, action) in changes.iter().filter(|(changed, _)| *changed) {
        crate::routes::audit(
            &mut tx,
            &state,
            &claims.sub,
            action,
            ("extension", id.to_string()),
            serde_json::json!({}),
        )
        .await?;
    }
    if body.hidden == Some(true) && !was_hidden {
        enqueue(
            &mut tx,
            &state,
            &ContentRemoved {
                kind: ContentKind::Extension,
                id: id.to_string(),
                version: None,
                reason: RemovalReason::Hidden,
                actor: claims.sub.clone(),
            },
        )
        .await?;
    }
    state.commit(tx, &Changes::extension(&id)).await?;
    let snapshot = state.catalog.snapshot();
    let entry = snapshot.extension(&id).ok_or_else(|| not_found(&id))?;
    Ok(HttpResponse::Ok().json(entry.details(state.catalog.base_url())))
}

/// What the pre-publish scan found in a version (its publisher's members and
/// admins): `{"findings": [...]}`, most severe first.
#[utoipa::path(get, path = "/api/extensions/{id}/versions/{version}/scan", tag = "extensions",
    params(("id" = String, Path, description = "`publisher.name`"), ("version" = String, Path, description = "a semantic version")),
    security(("bearer" = [])), responses(
    (status = 200, body = ScanReport),
    problems::SignedIn, problems::NotFound,
))]
pub async fn scan_findings(
    Viewer(claims): Viewer,
    path: web::Path<(ExtensionId, Version)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let Some(locked) = state
        .catalog
        .snapshot()
        .extension(&id)
        .map(|e| e.row.publisher.clone())
    else {
        return Err(not_found(&id));
    };
    // Someone else's findings do not exist for them.
    if !publishers::publishes_under(&mut conn, &claims, &locked).await? {
        return Err(not_found(&id));
    }
    let findings = db::extensions::scan_findings(&mut conn, &id, &version.to_string())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no version `{version}` of `{id}`")))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "findings": findings })))
}

/// The answer of the scan route.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ScanReport {
    pub findings: Vec<sora_package::scan::Finding>,
}
