//! Team workspaces: members, shared layouts with their versions, the
//! organisation's extensions and sessions.

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug)]
pub struct WorkspaceRow {
    pub name: String,
    pub anonymous_read: bool,
    pub default_layout: Option<Uuid>,
    /// `owner` or `writer`: the least role that uploads extensions.
    pub extension_uploaders: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// A workspace and the role of `user` in it (none when not a member).
pub struct WorkspaceAccess {
    pub anonymous_read: bool,
    pub default_layout: Option<Uuid>,
    pub extension_uploaders: String,
    pub role: Option<String>,
}

pub async fn access(
    conn: &mut PgConnection,
    workspace: &str,
    user: Option<&str>,
) -> sqlx::Result<Option<WorkspaceAccess>> {
    sqlx::query_as!(
        WorkspaceAccess,
        "SELECT w.anonymous_read, w.default_layout, w.extension_uploaders, m.role AS \"role?\"
         FROM workspaces w
         LEFT JOIN workspace_members m ON m.workspace = w.name AND m.user_id = $2
         WHERE w.name = $1",
        workspace,
        user
    )
    .fetch_optional(conn)
    .await
}

pub async fn get(conn: &mut PgConnection, name: &str) -> sqlx::Result<Option<WorkspaceRow>> {
    sqlx::query_as!(
        WorkspaceRow,
        "SELECT name, anonymous_read, default_layout, extension_uploaders, created_by, created_at
         FROM workspaces WHERE name = $1",
        name
    )
    .fetch_optional(conn)
    .await
}

/// Workspaces `user` is a member of, with the role; every one (role as
/// stored, or none) when `user` is `None` (an admin's view).
pub struct Membership {
    pub name: String,
    pub anonymous_read: bool,
    pub default_layout: Option<Uuid>,
    pub role: Option<String>,
}

pub async fn list(conn: &mut PgConnection, user: &str, all: bool) -> sqlx::Result<Vec<Membership>> {
    sqlx::query_as!(
        Membership,
        "SELECT w.name, w.anonymous_read, w.default_layout, m.role AS \"role?\"
         FROM workspaces w
         LEFT JOIN workspace_members m ON m.workspace = w.name AND m.user_id = $1
         WHERE $2 OR m.role IS NOT NULL
         ORDER BY w.name",
        user,
        all
    )
    .fetch_all(conn)
    .await
}

/// Creates the workspace with `owner` as its owner; false if the name is taken.
pub async fn create(
    conn: &mut PgConnection,
    name: &str,
    anonymous_read: bool,
    owner: &str,
    created_by: &str,
) -> sqlx::Result<bool> {
    let created = sqlx::query!(
        "INSERT INTO workspaces (name, anonymous_read, created_by) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING",
        name,
        anonymous_read,
        created_by
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if created {
        set_member(conn, name, owner, "owner").await?;
    }
    Ok(created)
}

pub async fn update(
    conn: &mut PgConnection,
    name: &str,
    anonymous_read: Option<bool>,
    default_layout: Option<Option<Uuid>>,
    extension_uploaders: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE workspaces SET anonymous_read = coalesce($2, anonymous_read),
                default_layout = CASE WHEN $3 THEN $4 ELSE default_layout END,
                extension_uploaders = coalesce($5, extension_uploaders)
         WHERE name = $1",
        name,
        anonymous_read,
        default_layout.is_some(),
        default_layout.flatten(),
        extension_uploaders
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, name: &str) -> sqlx::Result<bool> {
    let deleted = sqlx::query!("DELETE FROM workspaces WHERE name = $1", name)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

pub struct Member {
    pub user_id: String,
    pub role: String,
    pub added_at: OffsetDateTime,
}

pub async fn members(conn: &mut PgConnection, workspace: &str) -> sqlx::Result<Vec<Member>> {
    sqlx::query_as!(
        Member,
        "SELECT user_id, role, added_at FROM workspace_members WHERE workspace = $1
         ORDER BY added_at, user_id",
        workspace
    )
    .fetch_all(conn)
    .await
}

pub async fn set_member(
    conn: &mut PgConnection,
    workspace: &str,
    user: &str,
    role: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO workspace_members (workspace, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (workspace, user_id) DO UPDATE SET role = excluded.role",
        workspace,
        user,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn remove_member(
    conn: &mut PgConnection,
    workspace: &str,
    user: &str,
) -> sqlx::Result<bool> {
    let removed = sqlx::query!(
        "DELETE FROM workspace_members WHERE workspace = $1 AND user_id = $2",
        workspace,
        user
    )
    .execute(conn)
    .await?;
    Ok(removed.rows_affected() == 1)
}

/// Whether `user` is the workspace's only owner, under a lock on the
/// workspace (so two owners cannot demote each other at once).
pub async fn is_last_owner(
    conn: &mut PgConnection,
    workspace: &str,
    user: &str,
) -> sqlx::Result<bool> {
    sqlx::query!(
        "SELECT 1 AS one FROM workspaces WHERE name = $1 FOR UPDATE",
        workspace
    )
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        r#"SELECT coalesce(bool_and(user_id = $2) AND bool_or(user_id = $2), false) AS "last!"
           FROM workspace_members WHERE workspace = $1 AND role = 'owner'"#,
        workspace,
        user
    )
    .fetch_one(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct TeamLayout {
    pub id: Uuid,
    pub workspace: String,
    pub layout_id: String,
    pub name: String,
    pub data: serde_json::Value,
    pub permission: String,
    pub creator: String,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A layout as listed: its data as the JSON text stored, passed on as it is.
pub struct ListedLayout {
    pub id: Uuid,
    pub workspace: String,
    pub layout_id: String,
    pub name: String,
    pub data: String,
    pub permission: String,
    pub creator: String,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The workspace's layouts (not deleted), oldest first.
pub async fn layouts(conn: &mut PgConnection, workspace: &str) -> sqlx::Result<Vec<ListedLayout>> {
    sqlx::query_as!(
        ListedLayout,
        r#"SELECT id, workspace, layout_id, name, data::text AS "data!", permission, creator,
                  version, created_at, updated_at
           FROM team_layouts WHERE workspace = $1 AND deleted_at IS NULL
           ORDER BY created_at, id"#,
        workspace
    )
    .fetch_all(conn)
    .await
}

/// A layout (not deleted), locked for this transaction when `lock`.
pub async fn layout(
    conn: &mut PgConnection,
    id: Uuid,
    lock: bool,
) -> sqlx::Result<Option<TeamLayout>> {
    if lock {
        sqlx::query_as!(
            TeamLayout,
            "SELECT id, workspace, layout_id, name, data, permission, creator, version, created_at,
                    updated_at
             FROM team_layouts WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
            id
        )
        .fetch_optional(conn)
        .await
    } else {
        sqlx::query_as!(
            TeamLayout,
            "SELECT id, workspace, layout_id, name, data, permission, creator, version, created_at,
                    updated_at
             FROM team_layouts WHERE id = $1 AND deleted_at IS NULL",
            id
        )
        .fetch_optional(conn)
        .await
    }
}

/// The layout the client knows as `layout_id` in the workspace, locked.
pub async fn layout_by_client_id(
    conn: &mut PgConnection,
    workspace: &str,
    layout_id: &str,
) -> sqlx::Result<Option<TeamLayout>> {
    sqlx::query_as!(
        TeamLayout,
        "SELECT id, workspace, layout_id, name, data, permission, creator, version, created_at,
                updated_at
         FROM team_layouts WHERE workspace = $1 AND layout_id = $2 AND deleted_at IS NULL
         FOR UPDATE",
        workspace,
        layout_id
    )
    .fetch_optional(conn)
    .await
}

/// Inserts `layout` as version 1 and records that version; false when the
/// client's id is already taken in the workspace.
pub async fn insert_layout(conn: &mut PgConnection, layout: &TeamLayout) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "INSERT INTO team_layouts (id, workspace, layout_id, name, data, permission, creator,
                                   version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)
         ON CONFLICT (workspace, layout_id) WHERE deleted_at IS NULL DO NOTHING",
        layout.id,
        layout.workspace,
        layout.layout_id,
        layout.name,
        layout.data,
        layout.permission,
        layout.creator,
        layout.created_at
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        record_version(conn, layout, &layout.creator).await?;
    }
    Ok(inserted)
}

/// Writes `layout`'s current state (its `version` already advanced) and
/// records that version.
pub async fn save_layout(
    conn: &mut PgConnection,
    layout: &TeamLayout,
    by: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE team_layouts SET name = $2, data = $3, permission = $4, version = $5,
                updated_at = $6
         WHERE id = $1",
        layout.id,
        layout.name,
        layout.data,
        layout.permission,
        layout.version,
        layout.updated_at
    )
    .execute(&mut *conn)
    .await?;
    record_version(conn, layout, by).await
}

async fn record_version(
    conn: &mut PgConnection,
    layout: &TeamLayout,
    by: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO team_layout_versions (layout, version, name, data, permission, saved_by, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        layout.id,
        layout.version,
        layout.name,
        layout.data,
        layout.permission,
        by,
        layout.updated_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the layout; its versions stay, for history.
pub async fn delete_layout(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE team_layouts SET deleted_at = now() WHERE id = $1",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct LayoutVersion {
    pub version: i32,
    pub name: String,
    pub data: serde_json::Value,
    pub permission: String,
    pub saved_by: String,
    pub saved_at: OffsetDateTime,
}

pub async fn layout_versions(
    conn: &mut PgConnection,
    id: Uuid,
) -> sqlx::Result<Vec<LayoutVersion>> {
    sqlx::query_as!(
        LayoutVersion,
        "SELECT version, name, data, permission, saved_by, saved_at
         FROM team_layout_versions WHERE layout = $1 ORDER BY version DESC",
        id
    )
    .fetch_all(conn)
    .await
}

/// The shared layout of the workspace saved most often (then the latest):
/// the one the team works in.
pub async fn most_used_layout(
    conn: &mut PgConnection,
    workspace: &str,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        "SELECT data FROM team_layouts
         WHERE workspace = $1 AND deleted_at IS NULL AND permission <> 'CREATOR_WRITE'
         ORDER BY version DESC, updated_at DESC LIMIT 1",
        workspace
    )
    .fetch_optional(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct TeamExtension {
    pub id: Uuid,
    pub workspace: String,
    pub extension_id: String,
    pub version: String,
    pub publisher: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub homepage: Option<String>,
    pub license: Option<String>,
    pub keywords: Vec<String>,
    pub readme: Option<String>,
    pub changelog: Option<String>,
    pub sha256: String,
    pub size: i64,
    pub storage_key: String,
    pub uploaded_by: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

pub async fn extensions(
    conn: &mut PgConnection,
    workspace: &str,
) -> sqlx::Result<Vec<TeamExtension>> {
    sqlx::query_as!(
        TeamExtension,
        "SELECT id, workspace, extension_id, version, publisher, name, display_name, description,
                homepage, license, keywords, readme, changelog, sha256, size, storage_key,
                uploaded_by, created_at, updated_at
         FROM team_extensions WHERE workspace = $1 ORDER BY extension_id",
        workspace
    )
    .fetch_all(conn)
    .await
}

pub async fn extension(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<TeamExtension>> {
    sqlx::query_as!(
        TeamExtension,
        "SELECT id, workspace, extension_id, version, publisher, name, display_name, description,
                homepage, license, keywords, readme, changelog, sha256, size, storage_key,
                uploaded_by, created_at, updated_at
         FROM team_extensions WHERE id = $1",
        id
    )
    .fetch_optional(conn)
    .await
}

/// Stores `extension`, replacing the workspace's extension of the same id
/// (which keeps its `id` and `created_at`); the row as stored.
pub async fn upsert_extension(
    conn: &mut PgConnection,
    e: &TeamExtension,
) -> sqlx::Result<TeamExtension> {
    sqlx::query_as!(
        TeamExtension,
        "INSERT INTO team_extensions (id, workspace, extension_id, version, publisher, name,
                display_name, description, homepage, license, keywords, readme, changelog,
                sha256, size, storage_key, uploaded_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
         ON CONFLICT (workspace, extension_id) DO UPDATE SET
                version = excluded.version, publisher = excluded.publisher, name = excluded.name,
                display_name = excluded.display_name, description = excluded.description,
                homepage = excluded.homepage, license = excluded.license,
                keywords = excluded.keywords, readme = excluded.readme,
                changelog = excluded.changelog, sha256 = excluded.sha256, size = excluded.size,
                storage_key = excluded.storage_key, uploaded_by = excluded.uploaded_by,
                updated_at = excluded.updated_at
         RETURNING id, workspace, extension_id, version, publisher, name, display_name,
                description, homepage, license, keywords, readme, changelog, sha256, size,
                storage_key, uploaded_by, created_at, updated_at",
        e.id,
        e.workspace,
        e.extension_id,
        e.version,
        e.publisher,
        e.name,
        e.display_name,
        e.description,
        e.homepage,
        e.license,
        &e.keywords,
        e.readme,
        e.changelog,
        e.sha256,
        e.size,
        e.storage_key,
        e.uploaded_by,
        e.created_at
    )
    .fetch_one(conn)
    .await
}

/// Locks the workspace for this transaction (uploads to it wait for each
/// other, so its quota holds); then what its extensions other than
/// `except` take: (count, bytes).
pub async fn extension_usage(
    conn: &mut PgConnection,
    workspace: &str,
    except: &str,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query!(
        "SELECT name FROM workspaces WHERE name = $1 FOR UPDATE",
        workspace
    )
    .fetch_optional(&mut *conn)
    .await?;
    let usage = sqlx::query!(
        r#"SELECT count(*) AS "count!", coalesce(sum(size), 0)::bigint AS "bytes!"
           FROM team_extensions WHERE workspace = $1 AND extension_id <> $2"#,
        workspace,
        except
    )
    .fetch_one(conn)
    .await?;
    Ok((usage.count, usage.bytes))
}

/// Where the workspace's extension `extension_id` is stored now, if it has one.
pub async fn extension_object(
    conn: &mut PgConnection,
    workspace: &str,
    extension_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT storage_key FROM team_extensions WHERE workspace = $1 AND extension_id = $2",
        workspace,
        extension_id
    )
    .fetch_optional(conn)
    .await
}

/// Where every extension of the workspace is stored.
pub async fn extension_objects(
    conn: &mut PgConnection,
    workspace: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT storage_key FROM team_extensions WHERE workspace = $1",
        workspace
    )
    .fetch_all(conn)
    .await
}

pub async fn delete_extension(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM team_extensions WHERE id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

pub struct TeamSession {
    pub id: Uuid,
    pub workspace: String,
    pub mcaps: serde_json::Value,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

pub async fn insert_session(conn: &mut PgConnection, session: &TeamSession) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO team_sessions (id, workspace, mcaps, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        session.id,
        session.workspace,
        session.mcaps,
        session.created_by,
        session.created_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn session(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<TeamSession>> {
    sqlx::query_as!(
        TeamSession,
        "SELECT id, workspace, mcaps, created_by, created_at FROM team_sessions WHERE id = $1",
        id
    )
    .fetch_optional(conn)
    .await
}
