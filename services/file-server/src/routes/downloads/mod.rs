//! Downloads: the bytes of one version's `.foxe` or of a layout, with `ETag`
//! (the sha256), `If-None-Match` → 304, one `Range` → 206 (or 416), `HEAD`,
//! caching headers and a safe file name. The look-up is in the catalog; the
//! bytes of small, recently downloaded files come from memory (shared, never
//! copied per request), others are streamed from storage. With S3 a
//! deployment may redirect to presigned or CDN URLs instead.

use actix_web::body::SizedStream;
use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, EntityTag, IfNoneMatch,
};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use bytes::Bytes;
use futures_util::StreamExt;
use sora_common::ApiError;
use sora_common::events::types::ContentKind;
use sora_common::problems;
use uuid::Uuid;

use self::conditional::{matches_any, requested_range, safe_file_name};
use self::sources::{Redirect, cached_bytes, in_chunks, redirect_to};
use super::extensions::not_found;
use crate::catalog::StoredFile;
use crate::domain::ids::{ExtensionId, Version};
use crate::state::AppState;

mod conditional;
mod sources;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let get_or_head = || {
        web::route()
            .guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
    };
    cfg.service(
        web::resource("/api/extensions/{id}/download").route(get_or_head().to(download_latest)),
    )
    .service(
        web::resource("/api/extensions/{id}/versions/{version}/download")
            .route(get_or_head().to(download_version)),
    )
    .service(web::resource("/api/layouts/{id}/download").route(get_or_head().to(download_layout)));
}

/// Cache policy of a response.
#[derive(Debug, Clone, Copy)]
pub enum Caching {
    /// The URL names one immutable version.
    Immutable,
    /// The URL follows "latest": cache briefly.
    Short,
}

impl Caching {
    fn header(self) -> &'static str {
        match self {
            Self::Immutable => "public, max-age=31536000, immutable",
            Self::Short => "public, max-age=60",
        }
    }
}

/// What is downloaded, to count it.
struct Counted<'a> {
    kind: ContentKind,
    id: &'a str,
    version: Option<&'a str>,
}

/// The latest version's `.foxe` (short cache: "latest" moves).
#[utoipa::path(get, path = "/api/extensions/{id}/download", tag = "extensions",
    params(("id" = String, Path, description = "`publisher.name`")), responses(
    (status = 200, content_type = "application/zip", body = Vec<u8>),
    (status = 206, description = "the requested byte range"),
    (status = 302, description = "the file is served from another address (S3 redirects)"),
    (status = 304, description = "the client's copy is current"),
    problems::NotFound,
    (status = 416, description = "the range is outside the file"),
))]
pub async fn download_latest(
    req: HttpRequest,
    path: web::Path<ExtensionId>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let snapshot = state.catalog.snapshot();
    let entry = snapshot
        .extension(&id)
        .filter(|e| !e.row.hidden)
        .ok_or_else(|| not_found(&id))?;
    let latest = entry
        .latest()
        .ok_or_else(|| ApiError::NotFound(format!("every version of `{id}` is yanked")))?;
    let version = latest.version.to_string();
    serve(
        &req,
        &state,
        &latest.file,
        Presentation {
            content_type: "application/zip",
            file_name: format!("{id}-{version}.foxe"),
            caching: Caching::Short,
        },
        Counted {
            kind: ContentKind::Extension,
            id: id.as_str(),
            version: Some(&version),
        },
    )
    .await
}

/// One version's `.foxe`, yanked or not (immutable: cached for a year).
#[utoipa::path(get, path = "/api/extensions/{id}/versions/{version}/download", tag = "extensions",
    params(("id" = String, Path, description = "`publisher.name`"), ("version" = String, Path, description = "a semantic version")),
    responses(
    (status = 200, content_type = "application/zip", body = Vec<u8>),
    (status = 206, description = "the requested byte range"),
    (status = 302, description = "the file is served from another address (S3 redirects)"),
    (status = 304, description = "the client's copy is current"),
    problems::NotFound,
    (status = 416, description = "the range is outside the file"),
))]
pub async fn download_version(
    req: HttpRequest,
    path: web::Path<(ExtensionId, Version)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let version = version.to_string();
    let snapshot = state.catalog.snapshot();
    let file = snapshot
        .extension(&id)
        .filter(|e| !e.row.hidden)
        .and_then(|e| e.version(&version))
        .map(|v| &v.file)
        .ok_or_else(|| ApiError::NotFound(format!("there is no version `{version}` of `{id}`")))?;
    serve(
        &req,
        &state,
        file,
        Presentation {
            content_type: "application/zip",
            file_name: format!("{id}-{version}.foxe"),
            caching: Caching::Immutable,
        },
        Counted {
            kind: ContentKind::Extension,
            id: id.as_str(),
            version: Some(&version),
        },
    )
    .await
}

/// The layout document itself, ready to import into Foxglove or Lichtblick.
#[utoipa::path(get, path = "/api/layouts/{id}/download", tag = "layouts",
    params(("id" = Uuid, Path, description = "the layout's id")), responses(
    (status = 200, content_type = "application/json", body = Object),
    (status = 206, description = "the requested byte range"),
    (status = 302, description = "the file is served from another address (S3 redirects)"),
    (status = 304, description = "the client's copy is current"),
    problems::NotFound,
    (status = 416, description = "the range is outside the file"),
))]
pub async fn download_layout(
    req: HttpRequest,
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let snapshot = state.catalog.snapshot();
    let layout = snapshot
        .layout(id)
        .ok_or_else(|| super::layouts::not_found(id))?;
    let key = id.to_string();
    serve(
        &req,
        &state,
        &layout.file,
        Presentation {
            content_type: "application/json",
            file_name: format!("{}.json", layout.row.name),
            caching: Caching::Immutable,
        },
        Counted {
            kind: ContentKind::Layout,
            id: &key,
            version: None,
        },
    )
    .await
}

/// How a file is presented to the client.
struct Presentation {
    content_type: &'static str,
    file_name: String,
    caching: Caching,
}

/// Answers a download of `file`; a GET of the whole file (without a range,
/// or with one from its first byte to its last, as `bytes=0-`) counts as a
/// download. HEAD, 304, resumed ranges and partial ones (`bytes=0-0`, a
/// probe) do not.
async fn serve(
    req: &HttpRequest,
    state: &AppState,
    file: &StoredFile,
    presentation: Presentation,
    counted: Counted<'_>,
) -> Result<HttpResponse, ApiError> {
    let etag = EntityTag::new_strong(file.sha256.clone());
    let builder = |status: StatusCode| {
        let mut response = HttpResponse::build(status);
        response
            .insert_header(header::ETag(etag.clone()))
            .insert_header((header::CACHE_CONTROL, presentation.caching.header()))
            .insert_header((header::ACCEPT_RANGES, "bytes"));
        response
    };
    if let Some(tags) = req.get_header::<IfNoneMatch>()
        && matches_any(&tags, &etag)
    {
        return Ok(builder(StatusCode::NOT_MODIFIED).finish());
    }
    let is_get = req.method() == Method::GET;
    let range = match requested_range(req, &etag) {
        Some(spec) => match spec.to_satisfiable_range(file.size) {
            Some((first, last)) => Some((first, last + 1)),
            None => {
                return Ok(builder(StatusCode::RANGE_NOT_SATISFIABLE)
                    .insert_header((header::CONTENT_RANGE, format!("bytes */{}", file.size)))
                    .finish());
            }
        },
        None => None,
    };
    let (start, end) = range.unwrap_or((0, file.size));
    let count = || {
        if is_get && start == 0 && end == file.size {
            state
                .counter
                .record(counted.kind, counted.id, counted.version);
        }
    };
    if state.downloads.redirect
        && let Some(redirect) = redirect_to(state, file).await?
    {
        count();
        // A presigned URL expires: the redirect to it must not be kept.
        let caching = match redirect {
            Redirect::Presigned(_) => "no-store",
            Redirect::Public(_) => presentation.caching.header(),
        };
        let (Redirect::Presigned(url) | Redirect::Public(url)) = redirect;
        return Ok(HttpResponse::Found()
            .insert_header((header::LOCATION, url))
            .insert_header((header::CACHE_CONTROL, caching))
            .finish());
    }
    let status = if range.is_some() {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut response = builder(status);
    response
        .content_type(presentation.content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(safe_file_name(
                &presentation.file_name,
            ))],
        });
    if range.is_some() {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{}", end - 1, file.size),
        ));
    }
    let length = end - start;
    if !is_get {
        let empty = futures_util::stream::empty::<Result<Bytes, std::io::Error>>();
        return Ok(response.body(SizedStream::new(length, empty)));
    }
    let response = match cached_bytes(state, file).await? {
        Some(bytes) => {
            let part = bytes.slice(start as usize..end as usize);
            let chunks = in_chunks(part, state.send_budget.clone());
            response.body(SizedStream::new(length, chunks))
        }
        None => {
            let stream = state
                .store
                .get(&file.storage_key, start..end)
                .await
                .map_err(ApiError::internal)?
                .ok_or_else(|| missing(file))?;
            response.body(SizedStream::new(length, stream.boxed()))
        }
    };
    count();
    Ok(response)
}

fn missing(file: &StoredFile) -> ApiError {
    ApiError::internal(anyhow::anyhow!(
        "object {} is missing from storage",
        file.storage_key
    ))
}
