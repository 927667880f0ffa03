//! Publisher namespaces and their members.

use sqlx::PgConnection;
use time::OffsetDateTime;

#[derive(Debug)]
pub struct PublisherRow {
    pub id: String,
    pub verified: bool,
    pub require_signatures: bool,
    pub verified_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    /// The role in it of the user asked about.
    pub role: Option<String>,
}

#[derive(Debug)]
pub struct MemberRow {
    pub user_id: String,
    pub role: String,
    pub added_at: OffsetDateTime,
}

/// `id`, with `user`'s role in it.
pub async fn get(
    conn: &mut PgConnection,
    id: &str,
    user: &str,
) -> sqlx::Result<Option<PublisherRow>> {
    sqlx::query_as!(
        PublisherRow,
        r#"SELECT p.id, p.verified, p.require_signatures, p.verified_at, p.created_at, m.role AS "role?"
           FROM publishers p
           LEFT JOIN publisher_members m ON m.publisher = p.id AND m.user_id = $2
           WHERE p.id = $1"#,
        id,
        user
    )
    .fetch_optional(conn)
    .await
}

/// The namespaces `user` belongs to (`all`: every one), with their role.
pub async fn list(
    conn: &mut PgConnection,
    user: &str,
    all: bool,
) -> sqlx::Result<Vec<PublisherRow>> {
    sqlx::query_as!(
        PublisherRow,
        r#"SELECT p.id, p.verified, p.require_signatures, p.verified_at, p.created_at, m.role AS "role?"
           FROM publishers p
           LEFT JOIN publisher_members m ON m.publisher = p.id AND m.user_id = $1
           WHERE $2 OR m.user_id IS NOT NULL
           ORDER BY p.id"#,
        user,
        all
    )
    .fetch_all(conn)
    .await
}

pub async fn members(conn: &mut PgConnection, id: &str) -> sqlx::Result<Vec<MemberRow>> {
    sqlx::query_as!(
        MemberRow,
        "SELECT user_id, role, added_at FROM publisher_members WHERE publisher = $1
         ORDER BY role DESC, added_at, user_id",
        id
    )
    .fetch_all(conn)
    .await
}

/// `user`'s role in `id`: `owner`, `contributor`, or None.
pub async fn role_of(
    conn: &mut PgConnection,
    id: &str,
    user: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "SELECT role FROM publisher_members WHERE publisher = $1 AND user_id = $2",
        id,
        user
    )
    .fetch_optional(conn)
    .await
}

/// The namespaces `user` is a member of.
pub async fn of_user(conn: &mut PgConnection, user: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "SELECT publisher FROM publisher_members WHERE user_id = $1",
        user
    )
    .fetch_all(conn)
    .await
}

/// Creates `id` owned by `owner` unless it exists; true when created. A
/// concurrent claim of the same name waits for the first to commit and
/// finds it taken.
pub async fn claim(conn: &mut PgConnection, id: &str, owner: &str) -> sqlx::Result<bool> {
    let created = create(conn, id).await?;
    if created {
        set_member(conn, id, owner, "owner").await?;
    }
    Ok(created)
}

pub async fn set_member(
    conn: &mut PgConnection,
    id: &str,
    user: &str,
    role: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO publisher_members (publisher, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (publisher, user_id) DO UPDATE SET role = excluded.role",
        id,
        user,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn remove_member(conn: &mut PgConnection, id: &str, user: &str) -> sqlx::Result<bool> {
    let removed = sqlx::query!(
        "DELETE FROM publisher_members WHERE publisher = $1 AND user_id = $2",
        id,
        user
    )
    .execute(conn)
    .await?;
    Ok(removed.rows_affected() == 1)
}

/// Whether `user` is the namespace's only owner, under a lock on the
/// namespace (so two owners cannot demote each other at once).
pub async fn is_last_owner(conn: &mut PgConnection, id: &str, user: &str) -> sqlx::Result<bool> {
    sqlx::query!(
        "SELECT 1 AS one FROM publishers WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        r#"SELECT coalesce(bool_and(user_id = $2) AND bool_or(user_id = $2), false) AS "last!"
           FROM publisher_members WHERE publisher = $1 AND role = 'owner'"#,
        id,
        user
    )
    .fetch_one(conn)
    .await
}

/// Marks `id` verified by `admin` (or not); false when there is no such
/// namespace.
pub async fn set_verified(
    conn: &mut PgConnection,
    id: &str,
    verified: bool,
    admin: &str,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "UPDATE publishers SET verified = $2,
                verified_by = CASE WHEN $2 THEN $3 END,
                verified_at = CASE WHEN $2 THEN coalesce(verified_at, now()) END
         WHERE id = $1",
        id,
        verified,
        admin
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Creates `id` unless it exists; true when created.
pub async fn create(conn: &mut PgConnection, id: &str) -> sqlx::Result<bool> {
    let created = sqlx::query!(
        "INSERT INTO publishers (id) VALUES ($1) ON CONFLICT (id) DO NOTHING",
        id
    )
    .execute(conn)
    .await?;
    Ok(created.rows_affected() == 1)
}

/// Whether `id` takes signed packages only (false for a namespace not made yet).
pub async fn requires_signatures(conn: &mut PgConnection, id: &str) -> sqlx::Result<bool> {
    let required = sqlx::query_scalar!(
        "SELECT require_signatures FROM publishers WHERE id = $1",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(required.unwrap_or(false))
}

pub async fn set_require_signatures(
    conn: &mut PgConnection,
    id: &str,
    required: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE publishers SET require_signatures = $2 WHERE id = $1",
        id,
        required
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug)]
pub struct KeyRow {
    pub id: String,
    pub publisher: String,
    pub public_key: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Every key `id` registered, revoked ones too, oldest first.
pub async fn keys(conn: &mut PgConnection, id: &str) -> sqlx::Result<Vec<KeyRow>> {
    sqlx::query_as!(
        KeyRow,
        "SELECT id, publisher, public_key, created_at, revoked_at FROM publisher_keys
         WHERE publisher = $1 ORDER BY created_at, id",
        id
    )
    .fetch_all(conn)
    .await
}

pub async fn key(conn: &mut PgConnection, key_id: &str) -> sqlx::Result<Option<KeyRow>> {
    sqlx::query_as!(
        KeyRow,
        "SELECT id, publisher, public_key, created_at, revoked_at FROM publisher_keys WHERE id = $1",
        key_id
    )
    .fetch_optional(conn)
    .await
}

/// Registers a key; false when that key is registered already (to any namespace).
pub async fn add_key(
    conn: &mut PgConnection,
    publisher: &str,
    key_id: &str,
    public_key: &str,
    added_by: &str,
) -> sqlx::Result<bool> {
    let added = sqlx::query!(
        "INSERT INTO publisher_keys (id, publisher, public_key, added_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        key_id,
        publisher,
        public_key,
        added_by
    )
    .execute(conn)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Revokes `publisher`'s key `key_id`; false when it has no such key.
pub async fn revoke_key(
    conn: &mut PgConnection,
    publisher: &str,
    key_id: &str,
) -> sqlx::Result<bool> {
    let revoked = sqlx::query!(
        "UPDATE publisher_keys SET revoked_at = coalesce(revoked_at, now())
         WHERE publisher = $1 AND id = $2",
        publisher,
        key_id
    )
    .execute(conn)
    .await?;
    Ok(revoked.rows_affected() == 1)
}
