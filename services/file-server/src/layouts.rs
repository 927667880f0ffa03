//! `/api/layouts`: shared Foxglove layouts, searchable by the panels and
//! topics they use.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sora_common::ApiError;
use sora_common::auth::{Editor, Role};
use sora_common::error::{FieldError, Problem};
use sora_common::events::outbox;
use sora_common::events::types::{ContentKind, ContentRemoved, LayoutPublished, RemovalReason};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::download::{self, Caching, Served, StoredFile};
use crate::layout;
use crate::listing::{ListQuery, ListRequest, Listing};
use crate::{Marketplace, object_key, sha256_hex, with_quota};

const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 2000;
const MAX_TAGS: usize = 20;
const MAX_TAG_CHARS: usize = 40;

/// Query of `GET /api/layouts`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LayoutQuery {
    /// Words to look for in name, description and tags; tolerant of typos.
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
    pub page: Option<u32>,
    /// At most 100.
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct LayoutSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// Panel types the layout places, e.g. `3D`, `Plot`.
    pub panels: Vec<String>,
    /// Topics its panels reference.
    pub topics: Vec<String>,
    pub downloads: i64,
    pub sha256: String,
    pub size: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[sqlx(skip)]
    pub download_url: String,
    #[serde(skip)]
    #[sqlx(default)]
    pub owner: String,
    #[serde(skip)]
    #[sqlx(default)]
    pub storage_key: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LayoutPage {
    pub items: Vec<LayoutSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

const COLUMNS: &str = "id, name, description, tags, panels, topics, downloads, sha256, size,
    created_at, updated_at, owner, storage_key";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/layouts")
            .get(list_layouts)
            .post(publish_layout),
    )
    .service(
        web::resource("/api/layouts/{id}")
            .get(get_layout)
            .delete(delete_layout),
    )
    .service(
        web::resource("/api/layouts/{id}/download").route(
            web::route()
                .guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
                .to(download_layout),
        ),
    );
}

fn with_url(mut layout: LayoutSummary, base: &str) -> LayoutSummary {
    layout.download_url = format!("{base}/api/layouts/{}/download", layout.id);
    layout
}

/// Search and list layouts.
#[utoipa::path(get, path = "/api/layouts", tag = "layouts", params(LayoutQuery), responses(
    (status = 200, body = LayoutPage),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
pub async fn list_layouts(
    req: HttpRequest,
    query: web::Query<LayoutQuery>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let listing = ListRequest::start(
        &market.cache,
        "layouts",
        &req,
        ListQuery {
            q: query.q.as_deref(),
            sort: query.sort.as_deref(),
            page: query.page,
            per_page: query.per_page,
        },
        "lower(name), id",
    )?;
    let list = match listing {
        Listing::Cached(response) => return Ok(response),
        Listing::Fresh(list) => list,
    };
    let (q, order, paging) = (&list.q, list.order, list.paging);
    let filters = "($1::text IS NULL
                   OR search @@ websearch_to_tsquery('simple', $1)
                   OR search @@ websearch_to_tsquery('english', $1)
                   OR word_similarity($1, search_text) >= 0.5)
              AND ($2::text IS NULL OR $2 = ANY (tags))
              AND ($3::text IS NULL OR $3 = ANY (panels))
              AND ($4::text IS NULL OR $4 = ANY (topics))";
    let sql = format!(
        "SELECT {COLUMNS}, count(*) OVER () AS total,
                CASE WHEN $1::text IS NULL THEN 0 ELSE
                    ts_rank(search, websearch_to_tsquery('simple', $1))
                    + ts_rank(search, websearch_to_tsquery('english', $1))
                    + word_similarity($1, search_text) END AS rank
         FROM layouts WHERE {filters}
         ORDER BY {order} LIMIT $5 OFFSET $6"
    );
    let tag = query.tag.as_deref().map(str::to_lowercase);
    let rows: Vec<RankedLayout> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(q)
        .bind(&tag)
        .bind(&query.panel)
        .bind(&query.topic)
        .bind(paging.limit())
        .bind(paging.offset())
        .fetch_all(&market.db)
        .await?;
    let total = match rows.first() {
        Some(row) => row.total,
        None if paging.page > 1 => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT count(*) FROM layouts WHERE {filters}"
            )))
            .bind(q)
            .bind(&tag)
            .bind(&query.panel)
            .bind(&query.topic)
            .fetch_one(&market.db)
            .await?
        }
        None => 0,
    };
    let page = LayoutPage {
        items: rows
            .into_iter()
            .map(|r| with_url(r.layout, &market.base_url))
            .collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    };
    list.finish(&market.cache, &page)
}

#[derive(sqlx::FromRow)]
struct RankedLayout {
    #[sqlx(flatten)]
    layout: LayoutSummary,
    total: i64,
}

async fn load(market: &Marketplace, id: &str) -> Result<LayoutSummary, ApiError> {
    let not_found = || ApiError::NotFound(format!("there is no layout `{id}`"));
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    let row: Option<LayoutSummary> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM layouts WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&market.db)
    .await?;
    row.map(|l| with_url(l, &market.base_url))
        .ok_or_else(not_found)
}

/// One layout's metadata.
#[utoipa::path(get, path = "/api/layouts/{id}", tag = "layouts", responses(
    (status = 200, body = LayoutSummary),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn get_layout(
    path: web::Path<String>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(load(&market, &path).await?))
}

/// The layout document itself, ready to import into Foxglove or Lichtblick.
#[utoipa::path(get, path = "/api/layouts/{id}/download", tag = "layouts", responses(
    (status = 200, content_type = "application/json", body = Object),
    (status = 304, description = "the client's copy is current"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn download_layout(
    req: HttpRequest,
    path: web::Path<String>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let layout = load(&market, &path).await?;
    let (response, served) = download::serve(
        &req,
        &market.store,
        StoredFile {
            storage_key: &layout.storage_key,
            sha256: &layout.sha256,
            size: layout.size as u64,
            content_type: "application/json",
            file_name: format!("{}.json", layout.name),
            caching: Caching::Immutable,
        },
    )
    .await?;
    if served == Served::Download {
        market
            .counter
            .record(ContentKind::Layout, &layout.id.to_string(), None);
    }
    Ok(response)
}

/// Body of `POST /api/layouts`.
#[derive(Debug, Deserialize, ToSchema)]
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
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json"),
))]
pub async fn publish_layout(
    Editor(claims): Editor,
    body: web::Json<NewLayout>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let remaining = market.take_publish(&claims)?;
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
    let mut tags: Vec<String> = Vec::new();
    for tag in &new.tags {
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
    let info = match layout::analyze(&new.layout) {
        Ok(info) => Some(info),
        Err(layout_errors) => {
            errors.extend(layout_errors);
            None
        }
    };
    let document = serde_json::to_vec(&new.layout).map_err(ApiError::internal)?;
    if document.len() > market.max_layout_bytes {
        return Err(ApiError::PayloadTooLarge(format!(
            "the layout is larger than {} bytes",
            market.max_layout_bytes
        )));
    }
    let info = match info {
        Some(info) if errors.is_empty() => info,
        _ => return Err(ApiError::Validation(errors)),
    };
    let sha256 = sha256_hex(&document);
    let storage_key = object_key(&sha256);
    let size = document.len() as i64;
    market
        .store
        .put(&storage_key, Bytes::from(document))
        .await
        .map_err(ApiError::internal)?;

    let id = Uuid::now_v7();
    let mut tx = market.db.begin().await?;
    sqlx::query(
        "INSERT INTO layouts (id, name, description, tags, panels, topics, owner, sha256, size,
                              storage_key, search, search_text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                 catalog_search_vector($2, NULL, $3, $4 || $5),
                 lower(concat_ws(' ', $2, array_to_string($4, ' '), array_to_string($5, ' '))))",
    )
    .bind(id)
    .bind(&name)
    .bind(&description)
    .bind(&tags)
    .bind(&info.panels)
    .bind(&info.topics)
    .bind(&claims.sub)
    .bind(&sha256)
    .bind(size)
    .bind(&storage_key)
    .execute(&mut *tx)
    .await?;
    outbox::enqueue(
        &mut tx,
        market.service,
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
    tx.commit().await?;
    market.changed();
    let layout = load(&market, &id.to_string()).await?;
    Ok(with_quota(
        HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/layouts/{id}")))
            .json(layout),
        remaining,
    ))
}

/// Delete a layout (its owner or an admin).
#[utoipa::path(delete, path = "/api/layouts/{id}", tag = "layouts", security(("bearer" = [])), responses(
    (status = 204, description = "deleted"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn delete_layout(
    Editor(claims): Editor,
    path: web::Path<String>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let layout = load(&market, &path).await?;
    if layout.owner != claims.sub && claims.role != Role::Admin {
        return Err(ApiError::Forbidden(
            "the layout belongs to another user".to_owned(),
        ));
    }
    let mut tx = market.db.begin().await?;
    let deleted = sqlx::query("DELETE FROM layouts WHERE id = $1")
        .bind(layout.id)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 1 {
        outbox::enqueue(
            &mut tx,
            market.service,
            &ContentRemoved {
                kind: ContentKind::Layout,
                id: layout.id.to_string(),
                version: None,
                reason: RemovalReason::Deleted,
                actor: claims.sub.clone(),
            },
        )
        .await
        .map_err(ApiError::internal)?;
    }
    tx.commit().await?;
    market.changed();
    Ok(HttpResponse::NoContent().finish())
}
