//! A workspace's layouts, as Lichtblick's `LayoutsAPI` syncs them: list,
//! save a new one, update, delete; every saved state is kept (history and
//! restore, Sora's own routes), and `default_data`, the template a new
//! layout starts from.
//!
//! Long because: it is one route per call of Lichtblick's `LayoutsAPI` and
//! Sora's history routes, each short, sharing the envelope, the access rules
//! and the layout document's checks.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use sora_common::ApiError;
use sora_common::auth::BrowserCaller;
use sora_common::error::FieldError;
use sora_common::extract::{Json, Query};
use sora_common::problems;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Envelope, access, check_write, envelope, refused, uuid_of};
use crate::db;
use crate::db::workspaces::{ListedLayout, TeamLayout};
use crate::domain::workspace::{Permission, iso_ms, now_ms};
use crate::routes::audit;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/workspaces/{workspace}/layouts").get(list_layouts))
        .service(web::resource("/workspaces/{workspace}/layouts/default_data").get(default_data))
        .service(web::resource("/workspaces/{workspace}/layout").post(create_layout))
        .service(web::resource("/workspaces/{workspace}/layout/{id}").delete(delete_layout))
        .service(web::resource("/layouts/{id}").put(update_layout))
        .service(web::resource("/layouts/{id}/versions").get(layout_versions))
        .service(web::resource("/layouts/{id}/versions/{version}/restore").post(restore_layout));
}

const MAX_NAME_CHARS: usize = 200;

/// A layout as the client reads it (`LayoutApiData`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LayoutApiData {
    /// The server's id (the client's `externalId`).
    pub id: Uuid,
    /// The client's id.
    pub layout_id: String,
    pub name: String,
    #[schema(value_type = Object)]
    pub data: Box<RawValue>,
    /// `CREATOR_WRITE`, `ORG_READ` or `ORG_WRITE`.
    pub permission: String,
    pub workspace: String,
    /// ISO 8601 to the millisecond; the same text every time it is read.
    pub created_at: String,
    pub updated_at: String,
    /// How many times it was saved (Sora's addition).
    pub version: i32,
}

impl From<&TeamLayout> for LayoutApiData {
    fn from(layout: &TeamLayout) -> Self {
        Self {
            id: layout.id,
            layout_id: layout.layout_id.clone(),
            name: layout.name.clone(),
            data: serde_json::value::to_raw_value(&layout.data).unwrap_or_default(),
            permission: layout.permission.clone(),
            workspace: layout.workspace.clone(),
            created_at: iso_ms(layout.created_at),
            updated_at: iso_ms(layout.updated_at),
            version: layout.version,
        }
    }
}

/// Listed: the stored text goes out as it is, not parsed and printed again
/// (a team's layouts are easily hundreds of KiB, fetched on every sync).
impl From<ListedLayout> for LayoutApiData {
    fn from(layout: ListedLayout) -> Self {
        Self {
            id: layout.id,
            layout_id: layout.layout_id,
            name: layout.name,
            data: RawValue::from_string(layout.data).unwrap_or_default(),
            permission: layout.permission,
            workspace: layout.workspace,
            created_at: iso_ms(layout.created_at),
            updated_at: iso_ms(layout.updated_at),
            version: layout.version,
        }
    }
}

/// What `POST …/layout` answers: `{layout}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedLayout {
    pub layout: LayoutApiData,
}

/// A new layout, as the client sends it (fields it may add are ignored).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewLayout {
    pub layout_id: String,
    pub name: String,
    /// The layout: `configById`, and usually `layout`, `globalVariables`,
    /// `userNodes`, `playbackConfig` (a layout made in Lichtblick may have
    /// no `layout` yet).
    #[schema(value_type = Object)]
    pub data: Value,
    pub permission: String,
}

/// Changes to a layout; what is absent stays.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LayoutChange {
    pub name: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
    pub permission: Option<String>,
}

fn check_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    name.to_owned()
}

fn check_data(data: &Value, errors: &mut Vec<FieldError>) {
    match data.as_object() {
        None => errors.push(FieldError::new("data", "must be a layout object")),
        Some(object) => {
            if object.get("configById").is_some_and(|c| !c.is_object()) {
                errors.push(FieldError::new("data.configById", "must be an object"));
            }
        }
    }
}

fn check_permission(permission: &str, errors: &mut Vec<FieldError>) -> Option<Permission> {
    let parsed = Permission::parse(permission);
    if parsed.is_none() {
        errors.push(FieldError::new(
            "permission",
            "must be CREATOR_WRITE, ORG_READ or ORG_WRITE",
        ));
    }
    parsed
}

fn layout_not_found(id: Uuid) -> ApiError {
    ApiError::NotFound(format!("there is no layout `{id}`"))
}

/// The workspace's layouts the caller may see: its shared ones, and the
/// caller's own.
#[utoipa::path(get, path = "/api/lichtblick/workspaces/{workspace}/layouts", tag = "lichtblick",
    operation_id = "lichtblick_list_layouts",
    params(("workspace" = String, Path)), security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = Envelope<Vec<LayoutApiData>>),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn list_layouts(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    // From memory (`crate::teams`): each layout's JSON rendered once, the
    // caller's view filtered and written out per request.
    let render =
        |layout| Bytes::from(serde_json::to_vec(&LayoutApiData::from(layout)).unwrap_or_default());
    let view = state
        .teams
        .view(&state.db, &path, render)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no workspace `{}`", *path)))?;
    let access = view.access(caller.claims_in(&path)?);
    if !access.may_read() {
        return Err(refused(&access, "read this workspace"));
    }
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .content_type("application/json")
        .body(view.envelope(&access, &iso_ms(now_ms()), req.path())))
}

/// Saves a new layout: a personal one (`CREATOR_WRITE`) as any member, a
/// shared one as a writer. Sent again with the same `layoutId` (a retried
/// sync), it saves a new version of that layout if the caller may change it.
#[utoipa::path(post, path = "/api/lichtblick/workspaces/{workspace}/layout", tag = "lichtblick",
    params(("workspace" = String, Path)), request_body = NewLayout,
    security(("bearer" = []), ("cookie" = [])), responses(
        (status = 201, body = Envelope<CreatedLayout>),
        (status = 200, body = Envelope<CreatedLayout>, description = "saved again as a new version"),
        problems::JsonBody, problems::SignedIn, problems::NotFound, problems::Conflict,
    ))]
pub async fn create_layout(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: Json<NewLayout>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_write(&req, &caller)?;
    let body = body.into_inner();
    let mut errors = Vec::new();
    let name = check_name(&body.name, &mut errors);
    let layout_id = body.layout_id.trim().to_owned();
    if layout_id.is_empty() || layout_id.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            "layoutId",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    check_data(&body.data, &mut errors);
    let permission = check_permission(&body.permission, &mut errors);
    let (Some(permission), true) = (permission, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let mut tx = state.db.begin().await?;
    let access = access(&mut tx, &path, &caller).await?;
    if !access.may_create(permission) {
        return Err(refused(&access, "save this kind of layout here"));
    }
    let user = access.user.clone().unwrap_or_default();
    let now = now_ms();
    if let Some(mut existing) =
        db::workspaces::layout_by_client_id(&mut tx, &path, &layout_id).await?
    {
        if !access.may_change(&existing.creator, Permission::of(&existing.permission)) {
            return Err(ApiError::Conflict(format!(
                "layout `{layout_id}` already exists in this workspace"
            )));
        }
        existing.name = name;
        existing.data = body.data;
        existing.version += 1;
        existing.updated_at = now;
        db::workspaces::save_layout(&mut tx, &existing, &user).await?;
        tx.commit().await?;
        state.teams.changed(&path).await;
        let layout = LayoutApiData::from(&existing);
        return Ok(envelope(&req, StatusCode::OK, CreatedLayout { layout }));
    }
    let layout = TeamLayout {
        id: Uuid::now_v7(),
        workspace: path.into_inner(),
        layout_id,
        name,
        data: body.data,
        permission: permission.as_str().to_owned(),
        creator: user,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    if !db::workspaces::insert_layout(&mut tx, &layout).await? {
        return Err(ApiError::Conflict(
            "a layout with this layoutId was saved meanwhile; sync again".to_owned(),
        ));
    }
    tx.commit().await?;
    state.teams.changed(&layout.workspace).await;
    let layout = LayoutApiData::from(&layout);
    Ok(envelope(
        &req,
        StatusCode::CREATED,
        CreatedLayout { layout },
    ))
}

/// The layout, locked, with the caller's access to its workspace; 404 when
/// the caller may not see it (someone else's personal layout does not exist
/// for them).
async fn locked_layout(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
    caller: &BrowserCaller,
    lock: bool,
) -> Result<(TeamLayout, crate::domain::workspace::Access), ApiError> {
    let layout = db::workspaces::layout(conn, id, lock)
        .await?
        .ok_or_else(|| layout_not_found(id))?;
    let access = access(conn, &layout.workspace, caller).await?;
    if !access.may_see(&layout.creator, Permission::of(&layout.permission)) {
        return Err(if access.user.is_none() && !access.may_read() {
            refused(&access, "read this workspace")
        } else {
            layout_not_found(id)
        });
    }
    Ok((layout, access))
}

/// Changes a layout's name, data or permission: a new version when anything
/// changed. Only its creator or an owner changes who may write it.
#[utoipa::path(put, path = "/api/lichtblick/layouts/{id}", tag = "lichtblick",
    params(("id" = Uuid, Path, description = "the layout's server id (the client's externalId)")),
    request_body = LayoutChange, security(("bearer" = []), ("cookie" = [])), responses(
        (status = 200, body = Envelope<LayoutApiData>),
        problems::JsonBody, problems::SignedIn, problems::NotFound,
    ))]
pub async fn update_layout(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<Uuid>,
    body: Json<LayoutChange>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_write(&req, &caller)?;
    let id = path.into_inner();
    let body = body.into_inner();
    let mut errors = Vec::new();
    let name = body.name.as_deref().map(|n| check_name(n, &mut errors));
    if let Some(data) = &body.data {
        check_data(data, &mut errors);
    }
    let permission = body
        .permission
        .as_deref()
        .map(|p| check_permission(p, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut tx = state.db.begin().await?;
    let (mut layout, access) = locked_layout(&mut tx, id, &caller, true).await?;
    if !access.may_change(&layout.creator, Permission::of(&layout.permission)) {
        return Err(refused(&access, "change this layout"));
    }
    let mut changed = false;
    if let Some(Some(permission)) = permission
        && permission.as_str() != layout.permission
    {
        // Who may write it: its creator's or an owner's call.
        if !access.may_change(&layout.creator, Permission::OrgRead) {
            return Err(refused(&access, "change who may write this layout"));
        }
        layout.permission = permission.as_str().to_owned();
        changed = true;
    }
    if let Some(name) = name
        && name != layout.name
    {
        layout.name = name;
        changed = true;
    }
    if let Some(data) = body.data
        && data != layout.data
    {
        layout.data = data;
        changed = true;
    }
    if changed {
        layout.version += 1;
        layout.updated_at = now_ms();
        db::workspaces::save_layout(&mut tx, &layout, access.user.as_deref().unwrap_or_default())
            .await?;
    }
    tx.commit().await?;
    state.teams.changed(&layout.workspace).await;
    Ok(envelope(&req, StatusCode::OK, LayoutApiData::from(&layout)))
}

/// Deletes a layout (its versions are kept); the answer is the layout as it
/// was, which the client checks for.
#[utoipa::path(delete, path = "/api/lichtblick/workspaces/{workspace}/layout/{id}", tag = "lichtblick",
    operation_id = "lichtblick_delete_layout",
    params(("workspace" = String, Path), ("id" = Uuid, Path, description = "the layout's server id")),
    security(("bearer" = []), ("cookie" = [])), responses(
        (status = 200, body = Envelope<LayoutApiData>),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn delete_layout(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<(String, Uuid)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_write(&req, &caller)?;
    let (workspace, id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let (layout, access) = locked_layout(&mut tx, id, &caller, true).await?;
    if layout.workspace != workspace {
        return Err(layout_not_found(id));
    }
    if !access.may_change(&layout.creator, Permission::of(&layout.permission)) {
        return Err(refused(&access, "delete this layout"));
    }
    db::workspaces::delete_layout(&mut tx, id).await?;
    audit(
        &mut tx,
        &state,
        access.user.as_deref().unwrap_or_default(),
        "workspace.layout_deleted",
        ("layout", id.to_string()),
        serde_json::json!({"workspace": workspace, "name": layout.name}),
    )
    .await?;
    tx.commit().await?;
    state.teams.changed(&workspace).await;
    Ok(envelope(&req, StatusCode::OK, LayoutApiData::from(&layout)))
}

/// One saved state of a layout.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LayoutVersionData {
    pub version: i32,
    pub name: String,
    #[schema(value_type = Object)]
    pub data: Value,
    pub permission: String,
    pub saved_by: String,
    pub saved_at: String,
}

/// Every saved state of a layout, newest first (Sora's addition).
#[utoipa::path(get, path = "/api/lichtblick/layouts/{id}/versions", tag = "lichtblick",
    params(("id" = Uuid, Path, description = "the layout's server id")),
    security((), ("bearer" = []), ("cookie" = [])), responses(
        (status = 200, body = Envelope<Vec<LayoutVersionData>>),
        problems::BadRequest, problems::Unauthorized, problems::NotFound,
    ))]
pub async fn layout_versions(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    locked_layout(&mut conn, id, &caller, false).await?;
    let versions: Vec<LayoutVersionData> = db::workspaces::layout_versions(&mut conn, id)
        .await?
        .into_iter()
        .map(|v| LayoutVersionData {
            version: v.version,
            name: v.name,
            data: v.data,
            permission: v.permission,
            saved_by: v.saved_by,
            saved_at: iso_ms(v.saved_at),
        })
        .collect();
    Ok(envelope(&req, StatusCode::OK, versions))
}

/// Makes an earlier version's name and data the layout's current state (a
/// new version; its permission stays). Sora's addition.
#[utoipa::path(post, path = "/api/lichtblick/layouts/{id}/versions/{version}/restore", tag = "lichtblick",
    params(("id" = Uuid, Path, description = "the layout's server id"), ("version" = i32, Path)),
    security(("bearer" = []), ("cookie" = [])), responses(
        (status = 200, body = Envelope<LayoutApiData>),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn restore_layout(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<(Uuid, i32)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_write(&req, &caller)?;
    let (id, version) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let (mut layout, access) = locked_layout(&mut tx, id, &caller, true).await?;
    if !access.may_change(&layout.creator, Permission::of(&layout.permission)) {
        return Err(refused(&access, "change this layout"));
    }
    let earlier = db::workspaces::layout_versions(&mut tx, id)
        .await?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or_else(|| ApiError::NotFound(format!("layout `{id}` has no version `{version}`")))?;
    layout.name = earlier.name;
    layout.data = earlier.data;
    layout.version += 1;
    layout.updated_at = now_ms();
    let user = access.user.clone().unwrap_or_default();
    db::workspaces::save_layout(&mut tx, &layout, &user).await?;
    audit(
        &mut tx,
        &state,
        &user,
        "workspace.layout_restored",
        ("layout", id.to_string()),
        serde_json::json!({"workspace": layout.workspace, "version": earlier.version}),
    )
    .await?;
    tx.commit().await?;
    state.teams.changed(&layout.workspace).await;
    Ok(envelope(&req, StatusCode::OK, LayoutApiData::from(&layout)))
}

/// Query of `default_data`: the recording the new layout is for (Sora's
/// extension of the call; Lichtblick sends neither yet).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DefaultQuery {
    /// The recording's topics, comma-separated.
    pub topics: Option<String>,
    /// A session of this workspace: the topics its recordings' metadata list.
    pub session: Option<String>,
}

/// Where a default came from, in the `x-sora-default-source` header.
const SOURCE_HEADER: &str = "x-sora-default-source";

/// The template a new layout starts from, merged by the client into its
/// base: the workspace's chosen default; else, when the request names the
/// recording (`?topics=` or `?session=`), the recommendation service's best
/// layout for it; else the workspace's most-used shared layout (the one
/// saved most often). 404 when there is none (the client then starts from
/// its own base). The recommender is asked with a timeout; when it is down
/// the next source answers.
#[utoipa::path(get, path = "/api/lichtblick/workspaces/{workspace}/layouts/default_data", tag = "lichtblick",
    params(("workspace" = String, Path), DefaultQuery),
    security((), ("bearer" = []), ("cookie" = [])), responses(
        (status = 200, body = Envelope<Value>, headers(("x-sora-default-source" = String, description = "`workspace`, `recommendation` or `most-used`"))),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn default_data(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<String>,
    query: Query<DefaultQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let workspace = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let (access, chosen) = super::workspace_access(&mut conn, &workspace, &caller).await?;
    if !access.may_read() {
        return Err(refused(&access, "read this workspace"));
    }
    let answer = |source: &str, data: Value| {
        let mut response = envelope(&req, StatusCode::OK, data);
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(source) {
            response.headers_mut().insert(
                actix_web::http::header::HeaderName::from_static(SOURCE_HEADER),
                value,
            );
        }
        response
    };
    // The chosen default, while it is still shared: made its creator's own
    // (`CREATOR_WRITE`) since, it is no one else's to start from.
    if let Some(id) = chosen
        && let Some(layout) = db::workspaces::layout(&mut conn, id, false).await?
        && layout.workspace == workspace
        && layout.permission != Permission::CreatorWrite.as_str()
    {
        return Ok(answer("workspace", layout.data));
    }
    let mut topics: Vec<String> = query
        .topics
        .as_deref()
        .map(|t| {
            t.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(session) = query.session.as_deref() {
        let id = uuid_of(session, "session")?;
        let found = db::workspaces::session(&mut conn, id)
            .await?
            .filter(|s| s.workspace == workspace)
            .ok_or_else(|| ApiError::NotFound(format!("there is no session `{id}` here")))?;
        topics.extend(super::sessions::topics_of(&found.mcaps));
    }
    topics.sort();
    topics.dedup();
    topics.truncate(sora_common::features::MAX_TOPICS);
    if !topics.is_empty()
        && let Some(recommender) = &state.recommender
    {
        match recommender.best_layout(&topics).await {
            Ok(Some(id)) => match marketplace_layout(&state, id).await {
                Ok(Some(data)) => return Ok(answer("recommendation", data)),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "the recommended layout could not be read"),
            },
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(%error, "the recommender did not answer; falling back")
            }
        }
    }
    if let Some(data) = db::workspaces::most_used_layout(&mut conn, &workspace).await? {
        return Ok(answer("most-used", data));
    }
    Err(ApiError::NotFound(
        "this workspace has no default layout".to_owned(),
    ))
}

/// A marketplace layout's document, read from storage.
async fn marketplace_layout(state: &AppState, id: Uuid) -> anyhow::Result<Option<Value>> {
    use futures_util::TryStreamExt;
    let snapshot = state.catalog.snapshot();
    let Some(layout) = snapshot.layout(id) else {
        return Ok(None);
    };
    let size = layout.file.size;
    let Some(stream) = state.store.get(&layout.file.storage_key, 0..size).await? else {
        return Ok(None);
    };
    let bytes: Vec<u8> = stream
        .try_fold(Vec::new(), |mut all, chunk| async move {
            all.extend_from_slice(&chunk);
            Ok(all)
        })
        .await?;
    Ok(Some(serde_json::from_slice(&bytes)?))
}
