//! The catalog index: one row per layout or extension.

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::domain::terms::terms;

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

impl IndexedItem {
    /// A layout as the index keeps it: its panels and topics, its tags as
    /// keywords, the terms of its name and description.
    pub fn layout(
        id: String,
        name: String,
        description: Option<&str>,
        tags: &[String],
        panels: Vec<String>,
        topics: Vec<String>,
        at: OffsetDateTime,
    ) -> Self {
        let text = format!("{name} {}", description.unwrap_or(""));
        Self {
            kind: "layout",
            item_id: id,
            version: None,
            name,
            panels,
            topics,
            keywords: tags.iter().map(|t| t.to_lowercase()).collect(),
            terms: terms(&text),
            at,
        }
    }

    /// An extension as the index keeps it: its keywords, the terms of its
    /// package name, display name and description.
    pub fn extension(
        id: String,
        version: Option<String>,
        package_name: &str,
        display_name: Option<String>,
        description: Option<&str>,
        keywords: &[String],
        at: OffsetDateTime,
    ) -> Self {
        let name = display_name.unwrap_or_else(|| package_name.to_owned());
        let text = format!("{package_name} {name} {}", description.unwrap_or(""));
        Self {
            kind: "extension",
            item_id: id,
            version,
            name,
            panels: Vec::new(),
            topics: Vec::new(),
            keywords: keywords.iter().map(|k| k.to_lowercase()).collect(),
            terms: terms(&text),
            at,
        }
    }
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
             removed = false, updated_at = EXCLUDED.updated_at, changed_at = now()
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
        "UPDATE items SET removed = true, updated_at = $3, changed_at = now()
         WHERE kind = $1 AND item_id = $2 AND updated_at <= $3",
        kind,
        item_id,
        at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An item as a replica reads it to rank with.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub kind: String,
    pub item_id: String,
    pub version: Option<String>,
    pub name: String,
    pub panels: Vec<String>,
    pub topics: Vec<String>,
    pub keywords: Vec<String>,
    pub terms: Vec<String>,
    pub removed: bool,
    pub changed_at: OffsetDateTime,
}

/// Items changed at or after `since` (all of them without), removed ones
/// included so that a replica drops them.
pub async fn changed_since(
    conn: &mut PgConnection,
    since: Option<OffsetDateTime>,
) -> sqlx::Result<Vec<ItemRow>> {
    sqlx::query_as!(
        ItemRow,
        "SELECT kind, item_id, version, name, panels, topics, keywords, terms, removed, changed_at
         FROM items WHERE $1::timestamptz IS NULL OR changed_at >= $1",
        since,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Items of `kind` in the catalog, and the ids of all of them.
pub async fn live_ids(conn: &mut PgConnection, kind: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT item_id FROM items WHERE kind = $1 AND NOT removed ORDER BY item_id",
        kind
    )
    .fetch_all(&mut *conn)
    .await
}
