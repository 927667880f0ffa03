//! A workspace's extensions (the organisation's, in Lichtblick's terms).

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

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
