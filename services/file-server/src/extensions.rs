//! `/api/extensions`: the extension catalog, publishing, yanking, moderation,
//! downloads and the Foxglove marketplace index.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Claims, Editor, MaybeAuthenticated, Role};
use sora_common::error::{FieldError, Problem};
use sora_common::events::outbox;
use sora_common::events::types::{ContentKind, ContentRemoved, ExtensionPublished, RemovalReason};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::download::{self, Caching, Served, StoredFile};
use crate::listing::{ListQuery, ListRequest, Listing, json_bytes};
use crate::package::{self, Package};
use crate::{Marketplace, object_key, sha256_hex, with_quota};

/// Query of `GET /api/extensions`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExtensionQuery {
    /// Words to look for in name, display name, description and keywords;
    /// tolerant of typos.
    pub q: Option<String>,
    /// Only extensions with this keyword.
    pub keyword: Option<String>,
    /// Only extensions of this publisher.
    pub publisher: Option<String>,
    /// Only featured (or only not featured) extensions.
    pub featured: Option<bool>,
    /// `downloads` (default without `q`), `updated`, `name`, or `relevance`
    /// (default with `q`).
    pub sort: Option<String>,
    pub page: Option<u32>,
    /// At most 100.
    pub per_page: Option<u32>,
}

/// An extension as listed: its latest version's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionSummary {
    /// `publisher.name`.
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub publisher: String,
    pub description: Option<String>,
    /// The latest version that is not yanked (a pre-release only if there is
    /// no release); null when every version is yanked.
    pub version: Option<String>,
    pub keywords: Vec<String>,
    pub license: Option<String>,
    pub homepage: Option<String>,
    /// Downloads of every version.
    pub downloads: i64,
    pub sha256: Option<String>,
    pub size: Option<i64>,
    pub featured: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Absolute URL of the latest version's `.foxe`.
    pub download_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionPage {
    pub items: Vec<ExtensionSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    pub version: String,
    pub sha256: String,
    pub size: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    pub yanked: bool,
    pub downloads: i64,
    pub download_url: String,
}

/// One extension with every version, newest first (semver order).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionDetails {
    #[serde(flatten)]
    pub summary: ExtensionSummary,
    pub hidden: bool,
    pub versions: Vec<VersionInfo>,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    name: String,
    display_name: Option<String>,
    publisher: String,
    description: Option<String>,
    latest_version: Option<String>,
    keywords: Vec<String>,
    license: Option<String>,
    homepage: Option<String>,
    downloads: i64,
    sha256: Option<String>,
    size: Option<i64>,
    featured: bool,
    hidden: bool,
    owner: String,
    updated_at: OffsetDateTime,
}

const SUMMARY_COLUMNS: &str =
    "id, name, display_name, publisher, description, latest_version, keywords,
    license, homepage, downloads, sha256, size, featured, hidden, owner, updated_at";

fn version_url(base: &str, id: &str, version: &str) -> String {
    format!("{base}/api/extensions/{id}/versions/{version}/download")
}

impl SummaryRow {
    fn into_summary(self, base: &str) -> ExtensionSummary {
        ExtensionSummary {
            download_url: self
                .latest_version
                .as_deref()
                .map(|v| version_url(base, &self.id, v)),
            id: self.id,
            name: self.name,
            display_name: self.display_name,
            publisher: self.publisher,
            description: self.description,
            version: self.latest_version,
            keywords: self.keywords,
            license: self.license,
            homepage: self.homepage,
            downloads: self.downloads,
            sha256: self.sha256,
            size: self.size,
            featured: self.featured,
            updated_at: self.updated_at,
        }
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    let get_or_head = || {
        web::route()
            .guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
    };
    cfg.service(web::resource("/api/extensions/marketplace.json").get(marketplace_index))
        .service(
            web::resource("/api/extensions")
                .get(list_extensions)
                .post(publish_extension),
        )
        .service(
            web::resource("/api/extensions/{id}")
                .get(get_extension)
                .patch(moderate_extension),
        )
        .service(
            web::resource("/api/extensions/{id}/download").route(get_or_head().to(download_latest)),
        )
        .service(web::resource("/api/extensions/{id}/readme").get(readme))
        .service(web::resource("/api/extensions/{id}/changelog").get(changelog))
        .service(
            web::resource("/api/extensions/{id}/versions/{version}/download")
                .route(get_or_head().to(download_version)),
        )
        .service(web::resource("/api/extensions/{id}/versions/{version}").delete(yank_version));
}

/// Search and list the catalog (hidden extensions and extensions whose every
/// version is yanked are left out).
#[utoipa::path(get, path = "/api/extensions", tag = "extensions", params(ExtensionQuery), responses(
    (status = 200, body = ExtensionPage),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
pub async fn list_extensions(
    req: HttpRequest,
    query: web::Query<ExtensionQuery>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let listing = ListRequest::start(
        &market.cache,
        "extensions",
        &req,
        ListQuery {
            q: query.q.as_deref(),
            sort: query.sort.as_deref(),
            page: query.page,
            per_page: query.per_page,
        },
        "lower(coalesce(display_name, name)), id",
    )?;
    let list = match listing {
        Listing::Cached(response) => return Ok(response),
        Listing::Fresh(list) => list,
    };
    let (q, order, paging) = (&list.q, list.order, list.paging);
    let sql = format!(
        "WITH matches AS (
            SELECT {SUMMARY_COLUMNS},
                   CASE WHEN $1::text IS NULL THEN 0 ELSE
                       ts_rank(search, websearch_to_tsquery('simple', $1))
                       + ts_rank(search, websearch_to_tsquery('english', $1))
                       + word_similarity($1, search_text) END AS rank
            FROM extensions
            WHERE NOT hidden AND latest_version IS NOT NULL
              AND ($1::text IS NULL
                   OR search @@ websearch_to_tsquery('simple', $1)
                   OR search @@ websearch_to_tsquery('english', $1)
                   OR word_similarity($1, search_text) >= {SIMILARITY})
              AND ($2::text IS NULL OR $2 = ANY (keywords))
              AND ($3::text IS NULL OR publisher = $3)
              AND ($4::boolean IS NULL OR featured = $4)
         )
         SELECT *, count(*) OVER () AS total FROM matches ORDER BY {order} LIMIT $5 OFFSET $6"
    );
    let rows: Vec<SummaryRowWithRank> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(q)
        .bind(query.keyword.as_deref().map(str::to_lowercase))
        .bind(query.publisher.as_deref().map(str::to_lowercase))
        .bind(query.featured)
        .bind(paging.limit())
        .bind(paging.offset())
        .fetch_all(&market.db)
        .await?;
    let total = match rows.first() {
        Some(row) => row.total,
        None if paging.page > 1 => count_extensions(&market.db, q, &query).await?,
        None => 0,
    };
    let page = ExtensionPage {
        items: rows
            .into_iter()
            .map(|r| r.row.into_summary(&market.base_url))
            .collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    };
    list.finish(&market.cache, &page)
}

/// Trigram word similarity from which a query matches despite typos.
const SIMILARITY: &str = "0.5";

#[derive(sqlx::FromRow)]
struct SummaryRowWithRank {
    #[sqlx(flatten)]
    row: SummaryRow,
    total: i64,
}

async fn count_extensions(
    db: &PgPool,
    q: &Option<String>,
    query: &ExtensionQuery,
) -> Result<i64, ApiError> {
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM extensions
         WHERE NOT hidden AND latest_version IS NOT NULL
           AND ($1::text IS NULL
                OR search @@ websearch_to_tsquery('simple', $1)
                OR search @@ websearch_to_tsquery('english', $1)
                OR word_similarity($1, search_text) >= {SIMILARITY})
           AND ($2::text IS NULL OR $2 = ANY (keywords))
           AND ($3::text IS NULL OR publisher = $3)
           AND ($4::boolean IS NULL OR featured = $4)"
    )))
    .bind(q)
    .bind(query.keyword.as_deref().map(str::to_lowercase))
    .bind(query.publisher.as_deref().map(str::to_lowercase))
    .bind(query.featured)
    .fetch_one(db)
    .await?)
}

async fn load_summary(
    db: impl sqlx::PgExecutor<'_>,
    id: &str,
) -> Result<Option<SummaryRow>, ApiError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM extensions WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: String,
    sha256: String,
    size: i64,
    published_at: OffsetDateTime,
    yanked: bool,
    downloads: i64,
}

/// Versions of an extension, newest first by semver.
async fn load_versions(
    db: impl sqlx::PgExecutor<'_>,
    id: &str,
) -> Result<Vec<VersionRow>, ApiError> {
    let mut versions: Vec<VersionRow> = sqlx::query_as(
        "SELECT version, sha256, size, published_at, yanked, downloads
         FROM extension_versions WHERE extension_id = $1",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    versions.sort_by_cached_key(|v| std::cmp::Reverse(semver::Version::parse(&v.version).ok()));
    Ok(versions)
}

/// The extension as `caller` may see it: a hidden extension exists only for
/// its owner and admins.
async fn details(
    market: &Marketplace,
    id: &str,
    caller: Option<&Claims>,
) -> Result<ExtensionDetails, ApiError> {
    let row = load_summary(&market.db, id)
        .await?
        .filter(|row| !row.hidden || caller.is_some_and(|c| may_manage(c, &row.owner)))
        .ok_or_else(|| not_found(id))?;
    let versions = load_versions(&market.db, id).await?;
    Ok(details_of(row, versions, &market.base_url))
}

fn details_of(row: SummaryRow, versions: Vec<VersionRow>, base: &str) -> ExtensionDetails {
    let versions = versions
        .into_iter()
        .map(|v| VersionInfo {
            download_url: version_url(base, &row.id, &v.version),
            version: v.version,
            sha256: v.sha256,
            size: v.size,
            published_at: v.published_at,
            yanked: v.yanked,
            downloads: v.downloads,
        })
        .collect();
    let hidden = row.hidden;
    ExtensionDetails {
        summary: row.into_summary(base),
        hidden,
        versions,
    }
}

/// Owners and admins manage an extension.
fn may_manage(caller: &Claims, owner: &str) -> bool {
    caller.role == Role::Admin || (caller.role >= Role::Editor && caller.sub == owner)
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("there is no extension `{id}`"))
}

/// One extension with all its versions. Anonymous callers see public
/// extensions; with a token, the owner (or an admin) also sees it while hidden.
#[utoipa::path(get, path = "/api/extensions/{id}", tag = "extensions", security((), ("bearer" = [])), responses(
    (status = 200, body = ExtensionDetails),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn get_extension(
    MaybeAuthenticated(caller): MaybeAuthenticated,
    path: web::Path<String>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(details(&market, &path, caller.as_ref()).await?))
}

/// Query of `POST /api/extensions`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PublishQuery {
    /// Admins only: publish a new id even though it is one edit away from
    /// another publisher's extension.
    pub allow_similar: Option<bool>,
}

/// Publish a version: the raw `.foxe` is the body (editor role). It is
/// validated completely before anything is stored.
#[utoipa::path(post, path = "/api/extensions", tag = "extensions", params(PublishQuery),
    request_body(content = Vec<u8>, content_type = "application/zip", description = "the .foxe archive"),
    security(("bearer" = [])), responses(
    (status = 201, body = ExtensionDetails),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json"),
))]
pub async fn publish_extension(
    Editor(claims): Editor,
    req: HttpRequest,
    query: web::Query<PublishQuery>,
    payload: web::Payload,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let remaining = market.take_publish(&claims)?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !matches!(
        content_type.as_deref(),
        Some("application/zip" | "application/octet-stream")
    ) {
        return Err(ApiError::UnsupportedMediaType(
            "send the .foxe as application/zip or application/octet-stream".to_owned(),
        ));
    }
    let body = read_limited(&req, payload, market.max_upload).await?;
    let limits = market.limits;
    let (validated, sha256, body) = tokio::task::spawn_blocking(move || {
        (package::validate(&body, limits), sha256_hex(&body), body)
    })
    .await
    .map_err(ApiError::internal)?;
    let package = validated.map_err(|refused| ApiError::Validation(refused.0))?;
    let size = body.len() as i64;
    let storage_key = object_key(&sha256);
    // Stored first: a row never points at a missing object. A failed publish
    // may leave an unreferenced object, which is harmless.
    market
        .store
        .put(&storage_key, body)
        .await
        .map_err(ApiError::internal)?;

    let allow_similar = query.allow_similar == Some(true) && claims.role == Role::Admin;
    let mut tx = market.db.begin().await?;
    let existing = lock_extension(&mut tx, &package.id).await?;
    match existing {
        Some((owner, _)) if !may_manage(&claims, &owner) => {
            return Err(ApiError::Forbidden(format!(
                "`{}` belongs to another user",
                package.id
            )));
        }
        Some(_) => {}
        None => {
            if claims.role != Role::Admin {
                check_publisher(&mut tx, &package.publisher, &claims.sub).await?;
            }
            if !allow_similar {
                check_typosquat(&mut tx, &package).await?;
            }
            insert_extension(&mut tx, &package, &claims.sub).await?;
        }
    }
    let inserted = sqlx::query(
        "INSERT INTO extension_versions (extension_id, version, display_name, description, keywords,
            license, homepage, sha256, size, storage_key, readme, changelog, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (extension_id, version) DO NOTHING",
    )
    .bind(&package.id)
    .bind(package.version.to_string())
    .bind(&package.display_name)
    .bind(&package.description)
    .bind(&package.keywords)
    .bind(&package.license)
    .bind(&package.homepage)
    .bind(&sha256)
    .bind(size)
    .bind(&storage_key)
    .bind(&package.readme)
    .bind(&package.changelog)
    .bind(&claims.sub)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::Conflict(format!(
            "{} {} is already published; publish a new version",
            package.id, package.version
        )));
    }
    refresh_latest(&mut tx, &package.id).await?;
    outbox::enqueue(
        &mut tx,
        market.service,
        &ExtensionPublished {
            id: package.id.clone(),
            version: package.version.to_string(),
            publisher: package.publisher.clone(),
            name: package.name.clone(),
            display_name: package.display_name.clone(),
            description: package.description.clone(),
            keywords: package.keywords.clone(),
            sha256: sha256.clone(),
            size: size as u64,
            actor: claims.sub.clone(),
        },
    )
    .await
    .map_err(ApiError::internal)?;
    tx.commit().await?;
    market.changed();
    tracing::info!(id = %package.id, version = %package.version, "extension published");
    let details = details(&market, &package.id, Some(&claims)).await?;
    Ok(with_quota(
        HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/extensions/{}", package.id)))
            .json(details),
        remaining,
    ))
}

/// Reads the request body, refusing it with 413 as soon as it is known to be
/// larger than `limit` (from `Content-Length`, or while it arrives).
async fn read_limited(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: u64,
) -> Result<Bytes, ApiError> {
    let too_large =
        || ApiError::PayloadTooLarge(format!("the package is larger than {limit} bytes"));
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0) as usize);
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    if body.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "package",
            "the body is empty; send the .foxe archive",
        )]));
    }
    Ok(body.freeze())
}

/// The owner and publisher of `id`, locked for this transaction.
async fn lock_extension(
    conn: &mut PgConnection,
    id: &str,
) -> Result<Option<(String, String)>, ApiError> {
    Ok(
        sqlx::query_as("SELECT owner, publisher FROM extensions WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// A publisher name belongs to the user who first published under it: nobody
/// else starts new extensions in that namespace (an admin can).
async fn check_publisher(
    conn: &mut PgConnection,
    publisher: &str,
    user: &str,
) -> Result<(), ApiError> {
    let taken: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM extensions WHERE publisher = $1 AND owner <> $2)",
    )
    .bind(publisher)
    .bind(user)
    .fetch_one(conn)
    .await?;
    if taken {
        return Err(ApiError::Forbidden(format!(
            "the publisher name `{publisher}` belongs to another user"
        )));
    }
    Ok(())
}

/// Refuses a new id one edit away from another publisher's extension: the
/// classic typosquat (`acme.plot` vs `acme.p1ot`, `acrne.plot`).
async fn check_typosquat(conn: &mut PgConnection, package: &Package) -> Result<(), ApiError> {
    let length = package.id.chars().count() as i32;
    let candidates: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, publisher FROM extensions
         WHERE char_length(id) BETWEEN $1 - 1 AND $1 + 1 AND publisher <> $2",
    )
    .bind(length)
    .bind(&package.publisher)
    .fetch_all(conn)
    .await?;
    if let Some((similar, _)) = candidates
        .iter()
        .find(|(id, _)| package::within_edit_distance(id, &package.id, 1))
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            "package.json.name",
            format!(
                "`{}` is one character away from `{similar}` by another publisher; \
                 choose a clearly different name (an admin can allow it)",
                package.id
            ),
        )]));
    }
    Ok(())
}

async fn insert_extension(
    conn: &mut PgConnection,
    package: &Package,
    owner: &str,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO extensions (id, publisher, name, owner, search, search_text)
         VALUES ($1, $2, $3, $4, ''::tsvector, '')",
    )
    .bind(&package.id)
    .bind(&package.publisher)
    .bind(&package.name)
    .bind(owner)
    .execute(conn)
    .await
    .map_err(|e| match e {
        // Another request created it first: the id is taken by them.
        sqlx::Error::Database(db) if db.is_unique_violation() => ApiError::Conflict(format!(
            "`{}` was just created by another request; try again",
            package.id
        )),
        other => other.into(),
    })?;
    Ok(())
}

/// Points the extension at its latest non-yanked version (a pre-release only
/// when there is no release) and copies that version's metadata for listing
/// and search.
async fn refresh_latest(conn: &mut PgConnection, id: &str) -> Result<(), ApiError> {
    let versions: Vec<(String, bool)> =
        sqlx::query_as("SELECT version, yanked FROM extension_versions WHERE extension_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let latest = versions
        .iter()
        .filter(|(_, yanked)| !yanked)
        .filter_map(|(v, _)| semver::Version::parse(v).ok().map(|parsed| (parsed, v)))
        .max_by(|(a, _), (b, _)| (a.pre.is_empty(), a).cmp(&(b.pre.is_empty(), b)))
        .map(|(_, v)| v.clone());
    sqlx::query(
        "UPDATE extensions e SET
            latest_version = v.version, display_name = v.display_name, description = v.description,
            keywords = coalesce(v.keywords, '{}'), license = v.license, homepage = v.homepage,
            sha256 = v.sha256, size = v.size, updated_at = now(),
            search = catalog_search_vector(replace(replace(e.name, '-', ' '), '_', ' '),
                                           v.display_name, v.description, v.keywords || e.publisher),
            search_text = lower(concat_ws(' ', e.name, v.display_name, e.publisher,
                                          array_to_string(v.keywords, ' ')))
         FROM (SELECT $1::text AS id) target
         LEFT JOIN extension_versions v ON v.extension_id = target.id AND v.version = $2
         WHERE e.id = target.id",
    )
    .bind(id)
    .bind(latest)
    .execute(conn)
    .await?;
    Ok(())
}

/// The latest version's `.foxe` (short cache: "latest" moves).
#[utoipa::path(get, path = "/api/extensions/{id}/download", tag = "extensions", responses(
    (status = 200, content_type = "application/zip", body = Vec<u8>),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn download_latest(
    req: HttpRequest,
    path: web::Path<String>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let row = load_summary(&market.db, &id)
        .await?
        .filter(|r| !r.hidden)
        .ok_or_else(|| not_found(&id))?;
    let version = row
        .latest_version
        .ok_or_else(|| ApiError::NotFound(format!("every version of `{id}` is yanked")))?;
    serve_version(&req, &market, &id, &version, Caching::Short).await
}

/// One version's `.foxe`, yanked or not (immutable: cached for a year).
#[utoipa::path(get, path = "/api/extensions/{id}/versions/{version}/download", tag = "extensions", responses(
    (status = 200, content_type = "application/zip", body = Vec<u8>),
    (status = 206, description = "the requested byte range"),
    (status = 304, description = "the client's copy is current"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 416, description = "the range is outside the file"),
))]
pub async fn download_version(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    serve_version(&req, &market, &id, &version, Caching::Immutable).await
}

/// The stored file behind one version's download URL.
#[derive(Debug, sqlx::FromRow)]
pub struct VersionFile {
    sha256: String,
    size: i64,
    storage_key: String,
}

/// The file of `id` `version`, from the cache or the database (hidden
/// extensions have none).
async fn version_file(
    market: &Marketplace,
    id: &str,
    version: &str,
) -> Result<Arc<VersionFile>, ApiError> {
    let key = format!("{id}\n{version}");
    if let Some(file) = market.versions.get(&key) {
        return Ok(file);
    }
    let generation = market.versions.generation();
    let file: Option<VersionFile> = sqlx::query_as(
        "SELECT v.sha256, v.size, v.storage_key FROM extension_versions v
         JOIN extensions e ON e.id = v.extension_id
         WHERE v.extension_id = $1 AND v.version = $2 AND NOT e.hidden",
    )
    .bind(id)
    .bind(version)
    .fetch_optional(&market.db)
    .await?;
    let file =
        Arc::new(file.ok_or_else(|| {
            ApiError::NotFound(format!("there is no version `{version}` of `{id}`"))
        })?);
    market.versions.put(key, generation, file.clone());
    Ok(file)
}

async fn serve_version(
    req: &HttpRequest,
    market: &Marketplace,
    id: &str,
    version: &str,
    caching: Caching,
) -> Result<HttpResponse, ApiError> {
    let file = version_file(market, id, version).await?;
    let VersionFile {
        sha256,
        size,
        storage_key,
    } = &*file;
    let (response, served) = download::serve(
        req,
        &market.store,
        StoredFile {
            storage_key,
            sha256,
            size: *size as u64,
            content_type: "application/zip",
            file_name: format!("{id}-{version}.foxe"),
            caching,
        },
    )
    .await?;
    if served == Served::Download {
        market
            .counter
            .record(ContentKind::Extension, id, Some(version));
    }
    Ok(response)
}

/// Query of the readme and changelog routes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DocQuery {
    /// A version; the latest when absent.
    pub version: Option<String>,
}

/// The README.md of the latest (or the given) version.
#[utoipa::path(get, path = "/api/extensions/{id}/readme", tag = "extensions", params(DocQuery), responses(
    (status = 200, content_type = "text/markdown", body = String),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn readme(
    path: web::Path<String>,
    query: web::Query<DocQuery>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    document(&market, &path, query.version.as_deref(), "readme").await
}

/// The CHANGELOG.md of the latest (or the given) version.
#[utoipa::path(get, path = "/api/extensions/{id}/changelog", tag = "extensions", params(DocQuery), responses(
    (status = 200, content_type = "text/markdown", body = String),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn changelog(
    path: web::Path<String>,
    query: web::Query<DocQuery>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    document(&market, &path, query.version.as_deref(), "changelog").await
}

async fn document(
    market: &Marketplace,
    id: &str,
    version: Option<&str>,
    column: &'static str,
) -> Result<HttpResponse, ApiError> {
    let text: Option<Option<String>> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT v.{column} FROM extension_versions v JOIN extensions e ON e.id = v.extension_id
         WHERE e.id = $1 AND NOT e.hidden AND v.version = coalesce($2, e.latest_version)"
    )))
    .bind(id)
    .bind(version)
    .fetch_optional(&market.db)
    .await?;
    match text {
        None => Err(not_found(id)),
        Some(None) => Err(ApiError::NotFound(format!(
            "`{id}` has no {} file",
            if column == "readme" {
                "README.md"
            } else {
                "CHANGELOG.md"
            }
        ))),
        Some(Some(text)) => Ok(HttpResponse::Ok()
            .content_type("text/markdown; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
            .body(text)),
    }
}

/// Yank a version: it leaves "latest" but stays downloadable by its exact
/// version (its owner or an admin). Yanking twice is harmless.
#[utoipa::path(delete, path = "/api/extensions/{id}/versions/{version}", tag = "extensions",
    security(("bearer" = [])), responses(
    (status = 204, description = "yanked"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn yank_version(
    Editor(claims): Editor,
    path: web::Path<(String, String)>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let mut tx = market.db.begin().await?;
    let (owner, _) = lock_extension(&mut tx, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    if owner != claims.sub && claims.role != Role::Admin {
        return Err(ApiError::Forbidden(format!(
            "`{id}` belongs to another user"
        )));
    }
    let yanked: Option<bool> = sqlx::query_scalar(
        "UPDATE extension_versions v SET yanked = true
         FROM extension_versions old
         WHERE v.extension_id = $1 AND v.version = $2
           AND old.extension_id = v.extension_id AND old.version = v.version
         RETURNING NOT old.yanked",
    )
    .bind(&id)
    .bind(&version)
    .fetch_optional(&mut *tx)
    .await?;
    let newly_yanked = yanked
        .ok_or_else(|| ApiError::NotFound(format!("there is no version `{version}` of `{id}`")))?;
    if newly_yanked {
        refresh_latest(&mut tx, &id).await?;
        outbox::enqueue(
            &mut tx,
            market.service,
            &ContentRemoved {
                kind: ContentKind::Extension,
                id: id.clone(),
                version: Some(version.clone()),
                reason: RemovalReason::Yanked,
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

/// Moderation flags of `PATCH /api/extensions/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Moderation {
    /// Admins only.
    pub featured: Option<bool>,
    /// The owner or an admin: hidden extensions leave the catalog and cannot
    /// be downloaded.
    pub hidden: Option<bool>,
}

/// Feature or hide an extension.
#[utoipa::path(patch, path = "/api/extensions/{id}", tag = "extensions", request_body = Moderation,
    security(("bearer" = [])), responses(
    (status = 200, body = ExtensionDetails),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
pub async fn moderate_extension(
    Editor(claims): Editor,
    path: web::Path<String>,
    body: web::Json<Moderation>,
    market: web::Data<Marketplace>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let is_admin = claims.role == Role::Admin;
    if body.featured.is_some() && !is_admin {
        return Err(ApiError::Forbidden(
            "only an admin features extensions".to_owned(),
        ));
    }
    let mut tx = market.db.begin().await?;
    let current = load_summary(&mut *tx, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    // Someone else's hidden extension does not exist for them.
    if !may_manage(&claims, &current.owner) {
        return Err(if current.hidden {
            not_found(&id)
        } else {
            ApiError::Forbidden(format!("`{id}` belongs to another user"))
        });
    }
    sqlx::query(
        "UPDATE extensions SET featured = coalesce($2, featured), hidden = coalesce($3, hidden),
                updated_at = now()
         WHERE id = $1",
    )
    .bind(&id)
    .bind(body.featured)
    .bind(body.hidden)
    .execute(&mut *tx)
    .await?;
    if body.hidden == Some(true) && !current.hidden {
        outbox::enqueue(
            &mut tx,
            market.service,
            &ContentRemoved {
                kind: ContentKind::Extension,
                id: id.clone(),
                version: None,
                reason: RemovalReason::Hidden,
                actor: claims.sub.clone(),
            },
        )
        .await
        .map_err(ApiError::internal)?;
    }
    let row = load_summary(&mut *tx, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let versions = load_versions(&mut *tx, &id).await?;
    tx.commit().await?;
    market.changed();
    Ok(HttpResponse::Ok().json(details_of(row, versions, &market.base_url)))
}

/// One entry of the Foxglove extension-marketplace index.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketplaceEntry {
    pub id: String,
    pub name: String,
    pub description: String,
    pub publisher: String,
    pub homepage: String,
    pub readme: String,
    pub changelog: String,
    pub license: String,
    pub version: String,
    pub sha256sum: String,
    pub foxe: String,
    pub keywords: Vec<String>,
}

/// The whole catalog in the Foxglove extension-marketplace format, for
/// Foxglove Studio and Lichtblick.
#[utoipa::path(get, path = "/api/extensions/marketplace.json", tag = "extensions", responses(
    (status = 200, body = Vec<MarketplaceEntry>),
))]
pub async fn marketplace_index(market: web::Data<Marketplace>) -> Result<HttpResponse, ApiError> {
    const KEY: &str = "marketplace.json";
    if let Some(body) = market.cache.get(KEY) {
        return Ok(json_bytes(body));
    }
    let generation = market.cache.generation();
    let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM extensions
         WHERE NOT hidden AND latest_version IS NOT NULL ORDER BY id"
    )))
    .fetch_all(&market.db)
    .await?;
    let base = &market.base_url;
    let entries: Vec<MarketplaceEntry> = rows
        .into_iter()
        .filter_map(|row| {
            let version = row.latest_version?;
            Some(MarketplaceEntry {
                readme: format!("{base}/api/extensions/{}/readme?version={version}", row.id),
                changelog: format!(
                    "{base}/api/extensions/{}/changelog?version={version}",
                    row.id
                ),
                foxe: version_url(base, &row.id, &version),
                name: row.display_name.unwrap_or_else(|| row.name.clone()),
                description: row.description.unwrap_or_default(),
                publisher: row.publisher,
                homepage: row.homepage.unwrap_or_default(),
                license: row.license.unwrap_or_default(),
                sha256sum: row.sha256.unwrap_or_default(),
                keywords: row.keywords,
                version,
                id: row.id,
            })
        })
        .collect();
    let body = Bytes::from(serde_json::to_vec(&entries).map_err(ApiError::internal)?);
    market.cache.put(KEY.to_owned(), generation, body.clone());
    Ok(json_bytes(body))
}
