//! Managing team workspaces (`/api/workspaces`, forwarded by admin-api as
//! `/api/admin/workspaces`): admins create and delete them; owners (and
//! admins) manage members, anonymous reading and the default layout. Every
//! change is audited. What the workspaces hold is served under
//! `/api/lichtblick` ([`super::lichtblick`]).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Deserializer, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Admin, Claims, Role, Viewer};
use sora_common::error::FieldError;
use sora_common::extract::Json;
use sora_common::problems;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit;
use crate::db;
use crate::domain::workspace::{Access, MemberRole, Permission, check_name};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/workspaces")
            .get(list_workspaces)
            .post(create_workspace),
    )
    .service(
        web::resource("/api/workspaces/{name}")
            .get(get_workspace)
            .patch(update_workspace)
            .delete(delete_workspace),
    )
    .service(
        web::resource("/api/workspaces/{name}/members/{user}")
            .put(set_member)
            .delete(remove_member),
    );
}

/// A workspace, with the caller's role in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceSummary {
    pub name: String,
    pub anonymous_read: bool,
    pub default_layout: Option<Uuid>,
    /// The caller's role: `reader`, `writer`, `owner`, or null (an admin
    /// who is not a member).
    pub role: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: String,
    pub role: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub added_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceDetails {
    #[serde(flatten)]
    pub summary: WorkspaceSummary,
    /// `owner` or `writer`: the least role that uploads and removes the
    /// workspace's extensions (whose code runs in every member's
    /// Lichtblick). `owner` unless an owner chose otherwise.
    pub extension_uploaders: String,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub members: Vec<MemberView>,
    /// Downloads of the workspace's extensions through Lichtblick, per
    /// extension id (also one removed since); never in public statistics.
    pub extension_downloads: Vec<ExtensionDownloads>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionDownloads {
    pub extension_id: String,
    pub total: i64,
    /// In the 30 UTC days ending today.
    pub last_30_days: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    /// 1 to 63 of a-z, 0-9, `-` and `_` (what `?workspace=` carries).
    pub name: String,
    /// The user (id) who owns it.
    pub owner: String,
    #[serde(default)]
    pub anonymous_read: bool,
}

/// `Some(value)` for a field that is present, even as null.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceChange {
    pub anonymous_read: Option<bool>,
    /// A shared layout of the workspace that `default_data` answers with;
    /// null clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub default_layout: Option<Option<Uuid>>,
    /// `owner` or `writer`: who uploads the workspace's extensions.
    pub extension_uploaders: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRoleBody {
    /// `reader`, `writer` or `owner`.
    pub role: String,
}

fn not_found(name: &str) -> ApiError {
    ApiError::NotFound(format!("there is no workspace `{name}`"))
}

/// The caller's access to `name`, which must exist.
async fn access_of(
    conn: &mut sqlx::PgConnection,
    name: &str,
    caller: &Claims,
) -> Result<Access, ApiError> {
    let found = db::workspaces::access(conn, name, Some(&caller.sub))
        .await?
        .ok_or_else(|| not_found(name))?;
    Ok(Access::new(
        Some(caller),
        found.role.as_deref().and_then(MemberRole::parse),
        found.anonymous_read,
    ))
}

/// A workspace keeps an owner: its last one is not demoted or removed.
async fn refuse_last_owner(
    conn: &mut sqlx::PgConnection,
    name: &str,
    user: &str,
) -> Result<(), ApiError> {
    if db::workspaces::is_last_owner(conn, name, user).await? {
        return Err(ApiError::Conflict(format!(
            "`{user}` is the last owner of `{name}`"
        )));
    }
    Ok(())
}

fn must_manage(access: &Access, name: &str) -> Result<(), ApiError> {
    if access.may_manage() {
        Ok(())
    } else if access.role.is_some() {
        Err(ApiError::Forbidden(format!(
            "only an owner of `{name}` or an admin manages it"
        )))
    } else {
        Err(not_found(name))
    }
}

/// The caller's workspaces (an admin's: every one).
#[utoipa::path(get, path = "/api/workspaces", tag = "workspaces",
    security(("bearer" = [])), responses(
        (status = 200, body = Vec<WorkspaceSummary>),
        problems::BadRequest, problems::Unauthorized,
    ))]
pub async fn list_workspaces(
    Viewer(caller): Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let all = caller.role == Role::Admin;
    let list: Vec<WorkspaceSummary> = db::workspaces::list(&mut conn, &caller.sub, all)
        .await?
        .into_iter()
        .map(|w| WorkspaceSummary {
            name: w.name,
            anonymous_read: w.anonymous_read,
            default_layout: w.default_layout,
            role: w.role,
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Creates a workspace and names its owner (admin).
#[utoipa::path(post, path = "/api/workspaces", tag = "workspaces", request_body = NewWorkspace,
    security(("bearer" = [])), responses(
        (status = 201, body = WorkspaceDetails),
        problems::BadRequest, problems::SignedIn, problems::Conflict,
        problems::UnsupportedMediaType, problems::Validation,
    ))]
pub async fn create_workspace(
    Admin(caller): Admin,
    body: Json<NewWorkspace>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    if let Err(message) = check_name(&body.name) {
        errors.push(FieldError::new("name", message));
    }
    let owner = body.owner.trim();
    if owner.is_empty() || owner.len() > 200 {
        errors.push(FieldError::new("owner", "must be a user id"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut tx = state.db.begin().await?;
    if !db::workspaces::create(&mut tx, &body.name, body.anonymous_read, owner, &caller.sub).await?
    {
        return Err(ApiError::Conflict(format!(
            "there is already a workspace `{}`",
            body.name
        )));
    }
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "workspace.created",
        ("workspace", body.name.clone()),
        serde_json::json!({"owner": owner, "anonymous_read": body.anonymous_read}),
    )
    .await?;
    let details = details(
        &mut tx,
        &body.name,
        Some("owner".to_owned()).filter(|_| owner == caller.sub),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header(("location", format!("/api/workspaces/{}", body.name)))
        .json(details))
}

async fn details(
    conn: &mut sqlx::PgConnection,
    name: &str,
    role: Option<String>,
) -> Result<WorkspaceDetails, ApiError> {
    let row = db::workspaces::get(conn, name)
        .await?
        .ok_or_else(|| not_found(name))?;
    let members = db::workspaces::members(conn, name)
        .await?
        .into_iter()
        .map(|m| MemberView {
            user_id: m.user_id,
            role: m.role,
            added_at: m.added_at,
        })
        .collect();
    let extension_downloads = db::downloads::team(conn, name, OffsetDateTime::now_utc().date())
        .await?
        .into_iter()
        .map(|d| ExtensionDownloads {
            extension_id: d.extension_id,
            total: d.total,
            last_30_days: d.last_30_days,
        })
        .collect();
    Ok(WorkspaceDetails {
        summary: WorkspaceSummary {
            name: row.name,
            anonymous_read: row.anonymous_read,
            default_layout: row.default_layout,
            role,
        },
        extension_uploaders: row.extension_uploaders,
        created_by: row.created_by,
        created_at: row.created_at,
        members,
        extension_downloads,
    })
}

/// A workspace with its members (its owners and admins).
#[utoipa::path(get, path = "/api/workspaces/{name}", tag = "workspaces",
    params(("name" = String, Path)), security(("bearer" = [])), responses(
        (status = 200, body = WorkspaceDetails),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn get_workspace(
    Viewer(caller): Viewer,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let access = access_of(&mut conn, &path, &caller).await?;
    must_manage(&access, &path)?;
    let role = access.role.map(|r| r.as_str().to_owned());
    Ok(HttpResponse::Ok().json(details(&mut conn, &path, role).await?))
}

/// Opens the workspace to anonymous reading (or closes it), or chooses its
/// default layout (owners and admins).
#[utoipa::path(patch, path = "/api/workspaces/{name}", tag = "workspaces",
    params(("name" = String, Path)), request_body = WorkspaceChange,
    security(("bearer" = [])), responses(
        (status = 200, body = WorkspaceDetails),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
        problems::UnsupportedMediaType, problems::Validation,
    ))]
pub async fn update_workspace(
    Viewer(caller): Viewer,
    path: web::Path<String>,
    body: Json<WorkspaceChange>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = access_of(&mut tx, &name, &caller).await?;
    must_manage(&access, &name)?;
    if let Some(Some(layout)) = body.default_layout {
        let shared = db::workspaces::layout(&mut tx, layout, false)
            .await?
            .filter(|l| l.workspace == name)
            .is_some_and(|l| Permission::of(&l.permission).shared());
        if !shared {
            return Err(ApiError::Validation(vec![FieldError::new(
                "default_layout",
                "must be a shared layout (ORG_READ or ORG_WRITE) of this workspace",
            )]));
        }
    }
    let uploaders = body.extension_uploaders.as_deref();
    if uploaders.is_some_and(|u| !matches!(u, "owner" | "writer")) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "extension_uploaders",
            "must be owner or writer",
        )]));
    }
    db::workspaces::update(
        &mut tx,
        &name,
        body.anonymous_read,
        body.default_layout,
        uploaders,
    )
    .await?;
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "workspace.updated",
        ("workspace", name.clone()),
        serde_json::json!({
            "anonymous_read": body.anonymous_read,
            "default_layout": body.default_layout,
            "extension_uploaders": uploaders,
        }),
    )
    .await?;
    let role = access.role.map(|r| r.as_str().to_owned());
    let details = details(&mut tx, &name, role).await?;
    tx.commit().await?;
    state.teams.changed(&name).await;
    Ok(HttpResponse::Ok().json(details))
}

/// Deletes a workspace with everything in it (admin).
#[utoipa::path(delete, path = "/api/workspaces/{name}", tag = "workspaces",
    params(("name" = String, Path)), security(("bearer" = [])), responses(
        (status = 204, description = "deleted"),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn delete_workspace(
    Admin(caller): Admin,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut tx = state.db.begin().await?;
    let objects = db::workspaces::extension_objects(&mut tx, &path).await?;
    if !db::workspaces::delete(&mut tx, &path).await? {
        return Err(not_found(&path));
    }
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "workspace.deleted",
        ("workspace", path.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    state.teams.changed(&path).await;
    for key in objects {
        crate::routes::lichtblick::extensions::delete_object(&state, &key).await;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a member or changes their role (owners and admins). The last owner
/// stays an owner.
#[utoipa::path(put, path = "/api/workspaces/{name}/members/{user}", tag = "workspaces",
    operation_id = "set_workspace_member",
    params(("name" = String, Path), ("user" = String, Path, description = "the user's id")),
    request_body = MemberRoleBody, security(("bearer" = [])), responses(
        (status = 200, body = WorkspaceDetails),
        problems::BadRequest, problems::SignedIn, problems::NotFound, problems::Conflict,
        problems::UnsupportedMediaType, problems::Validation,
    ))]
pub async fn set_member(
    Viewer(caller): Viewer,
    path: web::Path<(String, String)>,
    body: Json<MemberRoleBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (name, user) = path.into_inner();
    let role = MemberRole::parse(&body.role).ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new(
            "role",
            "must be reader, writer or owner",
        )])
    })?;
    if !crate::domain::is_member_id(&user) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "user",
            "must be a user id",
        )]));
    }
    let mut tx = state.db.begin().await?;
    let access = access_of(&mut tx, &name, &caller).await?;
    must_manage(&access, &name)?;
    if role != MemberRole::Owner {
        refuse_last_owner(&mut tx, &name, &user).await?;
    }
    db::workspaces::set_member(&mut tx, &name, &user, role.as_str()).await?;
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "workspace.member_set",
        ("workspace", name.clone()),
        serde_json::json!({"user": user, "role": role.as_str()}),
    )
    .await?;
    let own = access.role.map(|r| r.as_str().to_owned());
    let details = details(&mut tx, &name, own).await?;
    tx.commit().await?;
    state.teams.changed(&name).await;
    Ok(HttpResponse::Ok().json(details))
}

/// Removes a member (owners and admins). The last owner stays.
#[utoipa::path(delete, path = "/api/workspaces/{name}/members/{user}", tag = "workspaces",
    operation_id = "remove_workspace_member",
    params(("name" = String, Path), ("user" = String, Path, description = "the user's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "removed"),
        problems::BadRequest, problems::SignedIn, problems::NotFound, problems::Conflict,
    ))]
pub async fn remove_member(
    Viewer(caller): Viewer,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (name, user) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let access = access_of(&mut tx, &name, &caller).await?;
    must_manage(&access, &name)?;
    refuse_last_owner(&mut tx, &name, &user).await?;
    if !db::workspaces::remove_member(&mut tx, &name, &user).await? {
        return Err(ApiError::NotFound(format!(
            "`{user}` is not a member of `{name}`"
        )));
    }
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "workspace.member_removed",
        ("workspace", name.clone()),
        serde_json::json!({"user": user}),
    )
    .await?;
    tx.commit().await?;
    state.teams.changed(&name).await;
    Ok(HttpResponse::NoContent().finish())
}
