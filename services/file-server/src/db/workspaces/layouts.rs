//! A workspace's shared layouts, with every saved version.

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

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
