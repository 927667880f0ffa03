//! Team workspaces and their members; their layouts, extensions and
//! sessions in the modules below, re-exported here.

mod extensions;
mod layouts;
mod sessions;

pub use extensions::*;
pub use layouts::*;
pub use sessions::*;

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
