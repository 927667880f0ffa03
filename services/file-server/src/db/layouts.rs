//! Shared layouts.

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug)]
pub struct LayoutRow {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub panels: Vec<String>,
    pub topics: Vec<String>,
    pub owner: String,
    pub sha256: String,
    pub size: i64,
    pub storage_key: String,
    pub downloads: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The layouts named by `ids`, or all of them.
pub async fn load(conn: &mut PgConnection, ids: Option<&[Uuid]>) -> sqlx::Result<Vec<LayoutRow>> {
    sqlx::query_as!(
        LayoutRow,
        "SELECT id, name, description, tags, panels, topics, owner, sha256, size, storage_key,
                downloads, created_at, updated_at
         FROM layouts WHERE $1::uuid[] IS NULL OR id = ANY($1)",
        ids as Option<&[Uuid]>
    )
    .fetch_all(conn)
    .await
}

/// A new layout, as validated and stored.
pub struct NewLayoutRow<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub description: &'a str,
    pub tags: &'a [String],
    pub panels: &'a [String],
    pub topics: &'a [String],
    pub owner: &'a str,
    pub sha256: &'a str,
    pub size: i64,
    pub storage_key: &'a str,
}

pub async fn insert(conn: &mut PgConnection, layout: &NewLayoutRow<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO layouts (id, name, description, tags, panels, topics, owner, sha256, size, storage_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        layout.id,
        layout.name,
        layout.description,
        layout.tags,
        layout.panels,
        layout.topics,
        layout.owner,
        layout.sha256,
        layout.size,
        layout.storage_key
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The owner of `id`, locked for this transaction.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT owner FROM layouts WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(conn)
        .await
}

/// Deletes `id`; false when it was already gone.
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let deleted = sqlx::query!("DELETE FROM layouts WHERE id = $1", id)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() == 1)
}
