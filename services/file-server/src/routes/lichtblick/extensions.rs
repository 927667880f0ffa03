//! A workspace's extensions ("org" scope in Lichtblick), as its
//! `ExtensionsAPI` and `RemoteExtensionLoader` call them: list, read one,
//! download its `.foxe`, upload (multipart, replacing the same id), remove.
//! A package is validated exactly as `POST /api/extensions` validates it,
//! and the server's reading of package.json is what is stored: the metadata
//! fields the client sends beside the file are ignored, except that an
//! `extensionId` other than the package's is refused (the client would
//! install it under that other id).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, TryStreamExt};
use serde::Serialize;
use sora_common::ApiError;
use sora_common::auth::BrowserCaller;
use sora_common::error::FieldError;
use sora_common::problems;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Envelope, access, check_write, envelope, extension_access, refused};
use crate::db;
use crate::db::workspaces::TeamExtension;
use crate::domain::package;
use crate::domain::workspace::{iso_ms, now_ms};
use crate::routes::audit;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/workspaces/{workspace}/extensions").get(list_extensions))
        .service(web::resource("/workspaces/{workspace}/extension").post(upload_extension))
        .service(web::resource("/workspaces/{workspace}/extension/{id}").delete(remove_extension))
        .service(web::resource("/extensions/{id}").get(get_extension))
        .service(web::resource("/extensions/{id}/download").get(download_extension));
}

/// Text fields beside the file, all together.
const MAX_FIELDS_BYTES: usize = 2 * 1024 * 1024;

/// An extension as the client reads it (`IExtensionApiResponse`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionApiData {
    /// The server's id (the client's `externalId`): download and remove by it.
    pub id: Uuid,
    /// `publisher.name`, as the clients compute it from package.json.
    pub extension_id: String,
    /// The package's SHA-256.
    pub file_id: String,
    /// Always `org`.
    pub scope: String,
    pub name: String,
    pub publisher: String,
    pub display_name: Option<String>,
    /// `displayName`, else `name`: what the client shows.
    pub qualified_name: String,
    pub description: Option<String>,
    pub homepage: Option<String>,
    pub license: Option<String>,
    pub keywords: Vec<String>,
    pub version: String,
    pub readme: Option<String>,
    pub changelog: Option<String>,
    pub workspace: String,
    pub size: i64,
    pub created_at: String,
    pub updated_at: String,
    /// What clients cope with but show poorly (e.g. no `displayName`).
    pub warnings: Vec<FieldError>,
}

impl From<&TeamExtension> for ExtensionApiData {
    fn from(e: &TeamExtension) -> Self {
        Self {
            id: e.id,
            extension_id: e.extension_id.clone(),
            file_id: e.sha256.clone(),
            scope: "org".to_owned(),
            name: e.name.clone(),
            publisher: e.publisher.clone(),
            display_name: e.display_name.clone(),
            qualified_name: e.display_name.clone().unwrap_or_else(|| e.name.clone()),
            description: e.description.clone(),
            homepage: e.homepage.clone(),
            license: e.license.clone(),
            keywords: e.keywords.clone(),
            version: e.version.clone(),
            readme: e.readme.clone(),
            changelog: e.changelog.clone(),
            workspace: e.workspace.clone(),
            size: e.size,
            created_at: iso_ms(e.created_at),
            updated_at: iso_ms(e.updated_at),
            warnings: package::warnings(e.display_name.as_deref()),
        }
    }
}

/// What an upload answers: `{extension}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadedExtension {
    pub extension: ExtensionApiData,
}

/// The multipart form the client sends.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ExtensionUpload {
    /// The `.foxe`.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// The id the client computed; refused when it is not the package's.
    #[schema(rename = "extensionId")]
    pub extension_id: Option<String>,
}

fn extension_not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError::NotFound(format!("there is no extension `{id}`"))
}

/// The workspace's extensions, by id.
#[utoipa::path(get, path = "/api/lichtblick/workspaces/{workspace}/extensions", tag = "lichtblick",
    operation_id = "lichtblick_list_extensions",
    params(("workspace" = String, Path)), security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = Envelope<Vec<ExtensionApiData>>),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn list_extensions(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let access = access(&mut conn, &path, &caller).await?;
    if !access.may_read() {
        return Err(refused(&access, "read this workspace"));
    }
    let extensions: Vec<ExtensionApiData> = db::workspaces::extensions(&mut conn, &path)
        .await?
        .iter()
        .map(ExtensionApiData::from)
        .collect();
    Ok(envelope(&req, StatusCode::OK, extensions))
}

/// The extension and the caller's access to its workspace.
async fn readable(
    state: &AppState,
    id: Uuid,
    caller: &BrowserCaller,
) -> Result<TeamExtension, ApiError> {
    let mut conn = state.db.acquire().await?;
    let extension = db::workspaces::extension(&mut conn, id)
        .await?
        .ok_or_else(|| extension_not_found(id))?;
    let access = access(&mut conn, &extension.workspace, caller).await?;
    if !access.may_read() {
        return Err(refused(&access, "read this workspace"));
    }
    Ok(extension)
}

/// One extension, by its server id.
#[utoipa::path(get, path = "/api/lichtblick/extensions/{id}", tag = "lichtblick",
    operation_id = "lichtblick_get_extension",
    params(("id" = Uuid, Path, description = "the extension's server id (the client's externalId)")),
    security((), ("bearer" = []), ("cookie" = [])), responses(
        (status = 200, body = Envelope<ExtensionApiData>),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn get_extension(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let extension = readable(&state, path.into_inner(), &caller).await?;
    Ok(envelope(
        &req,
        StatusCode::OK,
        ExtensionApiData::from(&extension),
    ))
}

/// The `.foxe` itself (raw bytes, not an envelope); counted for the
/// workspace's owners and administrators (`GET /api/workspaces/{name}`).
#[utoipa::path(get, path = "/api/lichtblick/extensions/{id}/download", tag = "lichtblick",
    params(("id" = Uuid, Path, description = "the extension's server id")),
    security((), ("bearer" = []), ("cookie" = [])), responses(
        (status = 200, content_type = "application/zip", body = Vec<u8>),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn download_extension(
    caller: BrowserCaller,
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let extension = readable(&state, path.into_inner(), &caller).await?;
    let size = u64::try_from(extension.size).map_err(ApiError::internal)?;
    let stream = state
        .store
        .get(&extension.storage_key, 0..size)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("the package is missing from storage"))
        })?;
    state
        .counter
        .record_team(&extension.workspace, &extension.extension_id);
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header(("cache-control", "private, no-cache"))
        .insert_header(("etag", format!("\"{}\"", extension.sha256)))
        .insert_header((
            "content-disposition",
            format!(
                "attachment; filename=\"{}-{}.foxe\"",
                extension.extension_id, extension.version
            ),
        ))
        .no_chunking(size)
        .streaming(stream))
}

/// The file and the text fields of the form, each bounded.
async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    max_file: u64,
) -> Result<(Bytes, std::collections::HashMap<String, String>), ApiError> {
    if sora_common::extract::media_type(req).as_deref() != Some("multipart/form-data") {
        return Err(ApiError::UnsupportedMediaType(
            "send the extension as multipart/form-data, the package in `file`".to_owned(),
        ));
    }
    if sora_common::extract::content_length(req)
        .is_some_and(|length| length > max_file + MAX_FIELDS_BYTES as u64)
    {
        return Err(ApiError::PayloadTooLarge(format!(
            "the package is larger than {max_file} bytes"
        )));
    }
    let bad = |e: actix_multipart::MultipartError| {
        ApiError::BadRequest(format!("the form could not be read: {e}"))
    };
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut file = None;
    let mut fields = std::collections::HashMap::new();
    let mut text_bytes = 0;
    while let Some(mut field) = form.try_next().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file";
        let mut data = BytesMut::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(bad)?;
            data.extend_from_slice(&chunk);
            if is_file && data.len() as u64 > max_file {
                return Err(ApiError::PayloadTooLarge(format!(
                    "the package is larger than {max_file} bytes"
                )));
            }
            if !is_file && text_bytes + data.len() > MAX_FIELDS_BYTES {
                return Err(ApiError::PayloadTooLarge(format!(
                    "the form's other fields are larger than {MAX_FIELDS_BYTES} bytes"
                )));
            }
        }
        if is_file {
            if file.replace(data.freeze()).is_some() {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "file",
                    "must be sent once",
                )]));
            }
        } else {
            text_bytes += data.len();
            fields.insert(name, String::from_utf8_lossy(&data).into_owned());
        }
    }
    let file = file.ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new("file", "is required: the .foxe")])
    })?;
    Ok((file, fields))
}

/// Uploads an extension to the workspace (writers), replacing the
/// workspace's extension of the same id: 201 when new, 200 when replaced.
#[utoipa::path(post, path = "/api/lichtblick/workspaces/{workspace}/extension", tag = "lichtblick",
    params(("workspace" = String, Path)),
    request_body(content = ExtensionUpload, content_type = "multipart/form-data"),
    security(("bearer" = []), ("cookie" = [])), responses(
        (status = 201, body = Envelope<UploadedExtension>),
        (status = 200, body = Envelope<UploadedExtension>, description = "replaced the extension of the same id"),
        problems::JsonBody, problems::SignedIn, problems::NotFound,
    ))]
pub async fn upload_extension(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_write(&req, &caller)?;
    let workspace = path.into_inner();
    {
        // Before reading a body that may be 50 MiB: may the caller upload here?
        let mut conn = state.db.acquire().await?;
        let (access, may_upload) = extension_access(&mut conn, &workspace, &caller).await?;
        if !may_upload {
            return Err(refused(&access, "upload extensions here"));
        }
    }
    let (file, fields) = read_form(&req, payload, state.max_upload_bytes).await?;
    let limits = state.limits;
    let (validated, file) =
        tokio::task::spawn_blocking(move || (package::validate(&file, limits), file))
            .await
            .map_err(ApiError::internal)?;
    let package = validated.map_err(|refused| ApiError::Validation(refused.0))?;
    if let Some(claimed) = fields.get("extensionId").filter(|c| !c.is_empty())
        && claimed != package.id.as_str()
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            "extensionId",
            format!(
                "is `{claimed}`, but the package's id is `{}`: it would be installed under \
                 another id than the one listed",
                package.id
            ),
        )]));
    }
    let mut tx = state.db.begin().await?;
    let (access, may_upload) = extension_access(&mut tx, &workspace, &caller).await?;
    if !may_upload {
        return Err(refused(&access, "upload extensions here"));
    }
    // The quota, with the workspace locked: uploads to it wait for each other.
    let (count, bytes) =
        db::workspaces::extension_usage(&mut tx, &workspace, package.id.as_str()).await?;
    let quota = &state.workspace_quota;
    let size = i64::try_from(file.len()).map_err(ApiError::internal)?;
    if count >= quota.max_extensions || bytes.saturating_add(size) > quota.max_bytes {
        return Err(ApiError::Conflict(format!(
            "this workspace holds {count} extensions of {bytes} bytes; with this one it would \
             pass its quota of {} extensions or {} bytes: remove one first",
            quota.max_extensions, quota.max_bytes
        )));
    }
    let replaced =
        db::workspaces::extension_object(&mut tx, &workspace, package.id.as_str()).await?;
    // An object of its own (not shared by content with anything else), so
    // that replacing or removing it can delete it.
    let object = state
        .store_at(&workspace_object_key(&workspace), file)
        .await?;
    let user = access.user.clone().unwrap_or_default();
    let now = now_ms();
    let new_id = Uuid::now_v7();
    let stored = db::workspaces::upsert_extension(
        &mut tx,
        &TeamExtension {
            id: new_id,
            workspace: workspace.clone(),
            extension_id: package.id.to_string(),
            version: package.version.to_string(),
            publisher: package.publisher.clone(),
            name: package.name.clone(),
            display_name: package.display_name.clone(),
            description: package.description.clone(),
            homepage: package.homepage.clone(),
            license: package.license.clone(),
            keywords: package.keywords.clone(),
            readme: package.readme.clone(),
            changelog: package.changelog.clone(),
            sha256: object.sha256.clone(),
            size: object.size,
            storage_key: object.key.clone(),
            uploaded_by: user.clone(),
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    audit(
        &mut tx,
        &state,
        &user,
        "workspace.extension_uploaded",
        (
            "extension",
            format!("{}@{}", stored.extension_id, stored.version),
        ),
        serde_json::json!({"workspace": workspace, "sha256": stored.sha256}),
    )
    .await?;
    tx.commit().await?;
    if let Some(old) = replaced.filter(|old| *old != stored.storage_key) {
        delete_object(&state, &old).await;
    }
    let status = if stored.id == new_id {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(envelope(
        &req,
        status,
        UploadedExtension {
            extension: ExtensionApiData::from(&stored),
        },
    ))
}

/// Removes an extension from the workspace (writers); the answer is the
/// extension as it was. 404 when there is none (the client's "not installed").
#[utoipa::path(delete, path = "/api/lichtblick/workspaces/{workspace}/extension/{id}", tag = "lichtblick",
    params(("workspace" = String, Path), ("id" = Uuid, Path, description = "the extension's server id")),
    security(("bearer" = []), ("cookie" = [])), responses(
        (status = 200, body = Envelope<ExtensionApiData>),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn remove_extension(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_write(&req, &caller)?;
    let (workspace, uuid) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let (access, may_upload) = extension_access(&mut tx, &workspace, &caller).await?;
    let extension = db::workspaces::extension(&mut tx, uuid)
        .await?
        .filter(|e| e.workspace == workspace)
        .ok_or_else(|| extension_not_found(uuid))?;
    if !may_upload {
        return Err(refused(&access, "remove extensions here"));
    }
    db::workspaces::delete_extension(&mut tx, uuid).await?;
    audit(
        &mut tx,
        &state,
        access.user.as_deref().unwrap_or_default(),
        "workspace.extension_removed",
        (
            "extension",
            format!("{}@{}", extension.extension_id, extension.version),
        ),
        serde_json::json!({"workspace": workspace}),
    )
    .await?;
    tx.commit().await?;
    delete_object(&state, &extension.storage_key).await;
    Ok(envelope(
        &req,
        StatusCode::OK,
        ExtensionApiData::from(&extension),
    ))
}

/// A new key for one upload of a workspace's extension.
fn workspace_object_key(workspace: &str) -> String {
    format!("workspaces/{workspace}/{}.foxe", Uuid::now_v7())
}

/// Deletes a workspace extension's object no row refers to any more. Only
/// objects of their own (`workspaces/…`) are deleted: content-addressed
/// ones (uploads from before) may be shared. A failure leaves an orphan,
/// logged.
pub async fn delete_object(state: &AppState, key: &str) {
    if !key.starts_with("workspaces/") {
        return;
    }
    if let Err(error) = state.store.delete(key).await {
        tracing::warn!(%error, key, "a replaced extension's object could not be deleted");
    }
}
