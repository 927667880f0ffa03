//! The catalog index: one row per layout or extension.

use sqlx::PgConnection;
use time::OffsetDateTime;

/// What the index keeps of a published item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedItem {
    pub kind: &'static str,
    pub item_id: String,
    pub version: Option<String>,
    pub name: String,
    pub panels: Vec<String>,
    pub topics: Vec<String>,
    pub keywords: Vec<String>,
    pub terms: Vec<String>,
    /// When the producer published it: events may be applied out of order,
    /// and an older one never replaces a newer one.
    pub at: OffsetDateTime,
}

/// Records a publication: the item as it then was, back in the catalog,
/// unless a later event already said otherwise.
pub async fn upsert(conn: &mut PgConnection, item: &IndexedItem) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO items (kind, item_id, version, name, panels, topics, keywords, terms, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (kind, item_id) DO UPDATE SET
             version = EXCLUDED.version, name = EXCLUDED.name, panels = EXCLUDED.panels,
             topics = EXCLUDED.topics, keywords = EXCLUDED.keywords, terms = EXCLUDED.terms,
             removed = false, updated_at = EXCLUDED.updated_at
         WHERE items.updated_at <= EXCLUDED.updated_at",
        item.kind,
        item.item_id,
        item.version,
        item.name,
        &item.panels,
        &item.topics,
        &item.keywords,
        &item.terms,
        item.at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks an item as gone from the catalog (kept, with what was learned),
/// unless it was published again later.
pub async fn remove(
    conn: &mut PgConnection,
    kind: &str,
    item_id: &str,
    at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE items SET removed = true, updated_at = $3
         WHERE kind = $1 AND item_id = $2 AND updated_at <= $3",
        kind,
        item_id,
        at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
