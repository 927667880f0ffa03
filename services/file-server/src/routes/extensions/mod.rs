//! `/api/extensions`: the catalog (from memory), README and CHANGELOG;
//! publishing and moderation are in the submodules.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use sora_common::ApiError;
use sora_common::auth::MaybeAuthenticated;
use sora_common::events::outbox;
use sora_common::extract::Query;
use sora_common::page::Page;
use sora_common::problems;
use sqlx::PgConnection;

use super::{json_bytes, page_json};
use crate::catalog::ExtensionEntry;
use crate::catalog::views::{ExtensionDetails, ExtensionSummary};
use crate::db;
use crate::domain::ids::{ExtensionId, Version, latest};
use crate::domain::listing::ListParams;
use crate::routes::publishers;
use crate::state::AppState;

pub mod moderation;
pub mod publish;
pub mod review;

/// Each path once, with every method it has, wherever its handler lives.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Before `{id}`, which would take "unlisted" or "held" as an id.
    cfg.service(web::resource("/api/extensions/unlisted").get(moderation::unlisted_extensions))
        .service(web::resource("/api/extensions/held").get(review::held_versions))
        .service(
            web::resource("/api/extensions")
                .get(list_extensions)
                .post(publish::publish_extension),
        )
        .service(
            web::resource("/api/extensions/{id}")
                .get(get_extension)
                .patch(moderation::moderate_extension),
        )
        .service(web::resource("/api/extensions/{id}/readme").get(readme))
        .service(web::resource("/api/extensions/{id}/changelog").get(changelog))
        .service(
            web::resource("/api/extensions/{id}/versions/{version}")
                .delete(moderation::yank_version),
        )
        .service(
            web::resource("/api/extensions/{id}/versions/{version}/scan")
                .get(moderation::scan_findings),
        )
        .service(
            web::resource("/api/extensions/{id}/versions/{version}/release")
                .post(review::release_version),
        )
        .service(
            web::resource("/api/extensions/{id}/versions/{version}/appeal")
                .post(review::appeal_version),
        );
}

/// Query of `GET /api/extensions`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExtensionQuery {
    /// Words to look for in name, display name, publisher, keywords and
    /// description; tolerant of typos.
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
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Values above 100 are served as 100.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
}

pub fn not_found(id: &ExtensionId) -> ApiError {
    ApiError::NotFound(format!("there is no extension `{id}`"))
}

/// Search and list the catalog (hidden extensions and extensions whose every
/// version is yanked are left out).
#[utoipa::path(get, path = "/api/extensions", tag = "extensions", params(ExtensionQuery), responses(
    (status = 200, body = Page<ExtensionSummary>),
    problems::BadRequest, problems::Validation,
))]
pub async fn list_extensions(
    query: Query<ExtensionQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = ListParams::new(
        query.q.as_deref(),
        query.sort.as_deref(),
        query.page,
        query.per_page,
    )?;
    let keyword = query.keyword.as_deref().map(str::to_lowercase);
    let publisher = query.publisher.as_deref().map(str::to_lowercase);
    let snapshot = state.catalog.snapshot();
    let (items, total) = snapshot.listed_extensions().select(&params, |e| {
        keyword.as_ref().is_none_or(|k| e.row.keywords.contains(k))
            && publisher.as_ref().is_none_or(|p| &e.row.publisher == p)
            && query.featured.is_none_or(|f| e.row.featured == f)
    });
    Ok(json_bytes(page_json(
        items.iter().map(|e| &e.summary_json),
        total,
        params.paging,
    )))
}

/// The extension as anonymous callers see it: a hidden extension does not
/// exist for them.
fn visible<'a>(
    entry: Option<&'a Arc<ExtensionEntry>>,
    id: &ExtensionId,
) -> Result<&'a Arc<ExtensionEntry>, ApiError> {
    entry.filter(|e| !e.row.hidden).ok_or_else(|| not_found(id))
}

/// One extension with all its versions. Anonymous callers see public
/// extensions; with a token, members of its publisher (and admins) also see
/// it while hidden.
#[utoipa::path(get, path = "/api/extensions/{id}", tag = "extensions",
    params(("id" = String, Path, description = "`publisher.name`")),
    security((), ("bearer" = [])), responses(
    (status = 200, body = ExtensionDetails),
    problems::Unauthorized, problems::NotFound,
))]
pub async fn get_extension(
    MaybeAuthenticated(caller): MaybeAuthenticated,
    path: web::Path<ExtensionId>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let snapshot = state.catalog.snapshot();
    let entry = snapshot.extension(&path).ok_or_else(|| not_found(&path))?;
    if entry.row.hidden {
        // A hidden extension exists for its publisher's members and admins.
        let Some(caller) = caller else {
            return Err(not_found(&path));
        };
        let mut conn = state.db.acquire().await?;
        if !publishers::publishes_under(&mut conn, &caller, &entry.row.publisher).await? {
            return Err(not_found(&path));
        }
        return Ok(HttpResponse::Ok().json(entry.details(state.catalog.base_url())));
    }
    Ok(json_bytes(entry.details_json.clone()))
}

/// Query of the readme and changelog routes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DocQuery {
    /// A version; the latest when absent.
    pub version: Option<String>,
}

/// The README.md of the latest (or the given) version.
#[utoipa::path(get, path = "/api/extensions/{id}/readme", tag = "extensions",
    params(("id" = String, Path, description = "`publisher.name`"), DocQuery), responses(
    (status = 200, content_type = "text/markdown", body = String),
    problems::BadRequest, problems::NotFound,
))]
pub async fn readme(
    path: web::Path<ExtensionId>,
    query: Query<DocQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    document(&state, &path, query.version.as_deref(), false).await
}

/// The CHANGELOG.md of the latest (or the given) version.
#[utoipa::path(get, path = "/api/extensions/{id}/changelog", tag = "extensions",
    params(("id" = String, Path, description = "`publisher.name`"), DocQuery), responses(
    (status = 200, content_type = "text/markdown", body = String),
    problems::BadRequest, problems::NotFound,
))]
pub async fn changelog(
    path: web::Path<ExtensionId>,
    query: Query<DocQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    document(&state, &path, query.version.as_deref(), true).await
}

/// A version's README or CHANGELOG: whether it has one is in the catalog;
/// the text comes from a cache, loaded once per key from PostgreSQL.
async fn document(
    state: &AppState,
    id: &ExtensionId,
    version: Option<&str>,
    changelog: bool,
) -> Result<HttpResponse, ApiError> {
    let snapshot = state.catalog.snapshot();
    let entry = visible(snapshot.extension(id), id)?;
    let found = match version {
        Some(version) => entry.version(version),
        None => entry.latest(),
    };
    let version = found.ok_or_else(|| not_found(id))?;
    let (present, file) = if changelog {
        (version.has_changelog, "CHANGELOG.md")
    } else {
        (version.has_readme, "README.md")
    };
    if !present {
        return Err(ApiError::NotFound(format!("`{id}` has no {file} file")));
    }
    let key = (id.to_string(), version.version.to_string(), changelog);
    let db = state.db.clone();
    let text = state
        .documents
        .try_get_with(key.clone(), async move {
            let mut conn = db.acquire().await?;
            let id = ExtensionId::try_from(key.0).map_err(|_| sqlx::Error::RowNotFound)?;
            db::extensions::document(&mut conn, &id, &key.1, key.2)
                .await?
                .map(Arc::from)
                .ok_or(sqlx::Error::RowNotFound)
        })
        .await
        .map_err(|error| match &*error {
            sqlx::Error::RowNotFound => ApiError::NotFound(format!("`{id}` has no {file} file")),
            _ => ApiError::internal(anyhow::anyhow!("loading {file} failed: {error}")),
        })?;
    Ok(HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(text.to_string()))
}

/// Points the extension at its latest version (see [`latest`]).
pub(super) async fn refresh_latest(
    conn: &mut PgConnection,
    id: &ExtensionId,
) -> Result<(), ApiError> {
    let states = db::extensions::version_states(conn, id).await?;
    let parsed: Vec<(Version, bool)> = states
        .into_iter()
        .filter_map(|(v, yanked)| Some((Version::try_from(v).ok()?, yanked)))
        .collect();
    let newest = latest(parsed.iter().map(|(v, yanked)| (v, *yanked))).map(Version::to_string);
    db::extensions::set_latest(conn, id, newest.as_deref()).await?;
    Ok(())
}

pub(super) async fn enqueue<P: sora_common::events::EventPayload>(
    conn: &mut PgConnection,
    state: &AppState,
    payload: &P,
) -> Result<(), ApiError> {
    outbox::enqueue(conn, state.service, payload)
        .await
        .map_err(ApiError::internal)?;
    Ok(())
}
