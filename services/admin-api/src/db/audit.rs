//! The audit log.

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditItem {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub source: String,
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub trace_id: Option<String>,
}

/// Which entries a page shows.
pub struct AuditFilter<'a> {
    pub actor: Option<&'a str>,
    pub action: Option<&'a str>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
}

pub async fn count(conn: &mut PgConnection, f: &AuditFilter<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM audit_log
         WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
           AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND ($4::timestamptz IS NULL OR occurred_at < $4)"#,
        f.actor,
        f.action,
        f.from,
        f.to
    )
    .fetch_one(conn)
    .await
}

/// Entries newest first.
pub async fn page(
    conn: &mut PgConnection,
    f: &AuditFilter<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<AuditItem>> {
    sqlx::query_as!(
        AuditItem,
        r#"SELECT id, occurred_at, source, actor, action, subject_type, subject_id, details, trace_id
         FROM audit_log
         WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
           AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND ($4::timestamptz IS NULL OR occurred_at < $4)
         ORDER BY occurred_at DESC, id DESC LIMIT $5 OFFSET $6"#,
        f.actor,
        f.action,
        f.from,
        f.to,
        limit,
        offset
    )
    .fetch_all(conn)
    .await
}

/// One entry, as the consumer records it (the event's id is the entry's).
pub struct NewEntry<'a> {
    pub id: Uuid,
    pub occurred_at: OffsetDateTime,
    pub source: &'a str,
    pub event_type: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub details: &'a serde_json::Value,
    pub trace_id: &'a str,
}

pub async fn insert(conn: &mut PgConnection, e: &NewEntry<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO audit_log
            (id, occurred_at, source, event_type, actor, action, subject_type, subject_id, details, trace_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO NOTHING",
        e.id,
        e.occurred_at,
        e.source,
        e.event_type,
        e.actor,
        e.action,
        e.subject_type,
        e.subject_id,
        e.details,
        e.trace_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Users and audit entries, for the overview.
pub async fn figures(conn: &mut PgConnection) -> sqlx::Result<(i64, i64)> {
    let row = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM users) AS "users!", (SELECT count(*) FROM audit_log) AS "audit!""#
    )
    .fetch_one(conn)
    .await?;
    Ok((row.users, row.audit))
}
