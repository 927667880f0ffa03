//! `/api/layouts`: shared Foxglove layouts, searchable by the panels and
//! topics they use.

use actix_web::{HttpResponse, web};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;
use sora_common::ApiError;
use sora_common::auth::{Scope, ScopedEditor};
use sora_common::error::FieldError;
use sora_common::events::outbox;
use sora_common::events::types::{ContentKind, ContentRemoved, LayoutPublished, RemovalReason};
use sora_common::extract::{Json, Query};
use sora_common::page::Page;
use sora_common::problems;
use uuid::Uuid;

use super::{json_bytes, page_json};
use crate::catalog::Changes;
use crate::catalog::views::LayoutSummary;
use crate::db;
use crate::db::layouts::NewLayoutRow;
use crate::domain::layout;
use crate::domain::listing::ListParams;
use crate::state::{AppState, created};

const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 2000;
const MAX_TAGS: usize = 20;
const MAX_TAG_CHARS: usize = 40;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/layouts")
            .get(list_layouts)
            .post(publish_layout),
    )
    .service(
        web::resource("/api/layouts/{id}")
            .get(get_layout)
            .delete(delete_layout),
    );
}

/// Query of `GET /api/layouts`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LayoutQuery {
    /// Words to look for in name, description, tags, panels and topics;
    /// tolerant of typos.
    pub q: Option<String>,
    /// Only layouts with this tag.
    pub tag: Option<String>,
    /// Only layouts with a panel of this type, e.g. `3D` or `Plot`.
    pub panel: Option<String>,
    /// Only layouts that reference this topic, e.g. `/tf`.
    pub topic: Option<String>,
    /// `downloads` (default without `q`), `updated`, `name`, or `relevance`
    /// (default with `q`).
    pub sort: Option<String>,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Values above 100 are served as 100.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
}

pub fn not_found(id: Uuid) -> ApiError {
    ApiError::NotFound(format!("there is no layout `{id}`"))
}

/// Search and list layouts.
#[utoipa::path(get, path = "/api/layouts", tag = "layouts", params(LayoutQuery), responses(
    (status = 200, body = Page<LayoutSummary>),
    problems::BadRequest, problems::Validation,
))]
pub async fn list_layouts(
    query: Query<LayoutQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = ListParams::new(
        query.q.as_deref(),
        query.sort.as_deref(),
        query.page,
        query.per_page,
    )?;
    let tag = query.tag.as_deref().map(str::to_lowercase);
    let snapshot = state.catalog.snapshot();
    let (items, total) = snapshot.listed_layouts().select(&params, |l| {
        tag.as_ref().is_none_or(|t| l.row.tags.contains(t))
            && query
                .panel
                .as_ref()
                .is_none_or(|p| l.row.panels.contains(p))
            && query
                .topic
                .as_ref()
                .is_none_or(|t| l.row.topics.contains(t))
    });
    Ok(json_bytes(page_json(
        items.iter().map(|l| &l.summary_json),
        total,
        params.paging,
    )))
}

/// One layout's metadata.
#[utoipa::path(get, path = "/api/layouts/{id}", tag = "layouts",
    params(("id" = Uuid, Path, description = "the layout's id")), responses(
    (status = 200, body = LayoutSummary),
    problems::NotFound,
))]
pub async fn get_layout(
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let snapshot = state.catalog.snapshot();
    let layout = snapshot.layout(id).ok_or_else(|| not_found(id))?;
    Ok(json_bytes(layout.summary_json.clone()))
}

/// Body of `POST /api/layouts`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLayout {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// A Foxglove layout: `{configById, layout, globalVariables?, userNodes?, playbackConfig?}`.
    #[schema(value_type = Object)]
    pub layout: Value,
}

/// Share a layout (editor role). Its panels and topics are extracted.
#[utoipa::path(post, path = "/api/layouts", tag = "layouts", request_body = NewLayout,
    security(("bearer" = [])), responses(
    (status = 201, body = LayoutSummary),
    problems::JsonBody, problems::SignedIn, problems::RateLimited,
))]
pub async fn publish_layout(
    ScopedEditor(claims): ScopedEditor,
    body: Json<NewLayout>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    claims.require_scope(&Scope::LayoutsWrite)?;
    let remaining = state.take_publish(&claims)?;
    let new = body.into_inner();
    let mut errors = Vec::new();
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    let description = new.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.push(FieldError::new(
            "description",
            format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    let tags = check_tags(&new.tags, &mut errors);
    let info = match layout::analyze(&new.layout) {
        Ok(info) => Some(info),
        Err(layout_errors) => {
            errors.extend(layout_errors);
            None
        }
    };
    let document = serde_json::to_vec(&new.layout).map_err(ApiError::internal)?;
    if document.len() > state.max_layout_bytes {
        return Err(ApiError::PayloadTooLarge(format!(
            "the layout is larger than {} bytes",
            state.max_layout_bytes
        )));
    }
    let info = match info {
        Some(info) if errors.is_empty() => info,
        _ => return Err(ApiError::Validation(errors)),
    };
    let object = state.store(Bytes::from(document)).await?;

    let id = Uuid::now_v7();
    let mut tx = state.db.begin().await?;
    db::layouts::insert(
        &mut tx,
        &NewLayoutRow {
            id,
            name: &name,
            description: &description,
            tags: &tags,
            panels: &info.panels,
            topics: &info.topics,
            owner: &claims.sub,
            sha256: &object.sha256,
            size: object.size,
            storage_key: &object.key,
        },
    )
    .await?;
    outbox::enqueue(
        &mut tx,
        state.service,
        &LayoutPublished {
            id: id.to_string(),
            name: name.clone(),
            description: Some(description).filter(|d| !d.is_empty()),
            tags,
            panels: info.panels,
            topics: info.topics,
            actor: claims.sub.clone(),
        },
    )
    .await
    .map_err(ApiError::internal)?;
    state.commit(tx, &Changes::layout(id)).await?;
    let snapshot = state.catalog.snapshot();
    let layout = snapshot.layout(id).ok_or_else(|| not_found(id))?;
    Ok(created(
        format!("/api/layouts/{id}"),
        layout.summary(state.catalog.base_url()),
        remaining,
    ))
}

/// Tags, lower-case and without repeats; a bad one is reported once.
fn check_tags(given: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in given {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty()
            || tag.chars().count() > MAX_TAG_CHARS
            || !tag
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
        {
            errors.push(FieldError::new(
                "tags",
                format!(
                    "each tag must be 1 to {MAX_TAG_CHARS} letters, digits, spaces, `-`, `_` or `.`"
                ),
            ));
            break;
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        errors.push(FieldError::new("tags", format!("at most {MAX_TAGS} tags")));
    }
    tags
}

/// Delete a layout (its owner or an admin).
#[utoipa::path(delete, path = "/api/layouts/{id}", tag = "layouts",
    params(("id" = Uuid, Path, description = "the layout's id")),
    security(("bearer" = [])), responses(
    (status = 204, description = "deleted"),
    problems::SignedIn, problems::NotFound,
))]
pub async fn delete_layout(
    ScopedEditor(claims): ScopedEditor,
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    claims.require_scope(&Scope::LayoutsWrite)?;
    let id = path.into_inner();
    let mut tx = state.db.begin().await?;
    let owner = db::layouts::lock(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !claims.may_manage(&owner) {
        return Err(ApiError::Forbidden(
            "the layout belongs to another user".to_owned(),
        ));
    }
    if db::layouts::delete(&mut tx, id).await? {
        outbox::enqueue(
            &mut tx,
            state.service,
            &ContentRemoved {
                kind: ContentKind::Layout,
                id: id.to_string(),
                version: None,
                reason: RemovalReason::Deleted,
                actor: claims.sub.clone(),
            },
        )
        .await
        .map_err(ApiError::internal)?;
    }
    state.commit(tx, &Changes::layout(id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
