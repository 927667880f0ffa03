//! Personal access tokens, stored as SHA-256 digests.

use serde::Serialize;
use sqlx::PgConnection;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use sora_common::auth::Role;

/// A token as its owner sees it: never the token itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonalToken {
    pub id: Uuid,
    pub name: String,
    /// The token's first characters, to recognise it.
    pub prefix: String,
    pub scopes: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

pub struct NewToken<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: &'a str,
    pub digest: &'a [u8],
    pub prefix: &'a str,
    pub scopes: &'a [String],
    pub expires_at: OffsetDateTime,
}

pub async fn insert(conn: &mut PgConnection, new: &NewToken<'_>) -> sqlx::Result<PersonalToken> {
    sqlx::query_as!(
        PersonalToken,
        "INSERT INTO personal_tokens (id, user_id, name, token_hash, prefix, scopes, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at",
        new.id,
        new.user_id,
        new.name,
        new.digest,
        new.prefix,
        new.scopes,
        new.expires_at
    )
    .fetch_one(conn)
    .await
}

/// Tokens of `user` neither revoked nor expired.
pub async fn count_active(conn: &mut PgConnection, user: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM personal_tokens
         WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()"#,
        user
    )
    .fetch_one(conn)
    .await
}

/// Every token of `user`, newest first.
pub async fn list(conn: &mut PgConnection, user: Uuid) -> sqlx::Result<Vec<PersonalToken>> {
    sqlx::query_as!(
        PersonalToken,
        "SELECT id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at
         FROM personal_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
        user
    )
    .fetch_all(conn)
    .await
}

/// The owner of token `id`, locked, and whether it is revoked already.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<(Uuid, bool)>> {
    let row = sqlx::query!(
        "SELECT user_id, revoked_at IS NOT NULL AS \"revoked!\" FROM personal_tokens
         WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.user_id, r.revoked)))
}

pub async fn revoke(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE personal_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes every token of `user` (their sessions ended).
pub async fn revoke_user(conn: &mut PgConnection, user: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE personal_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        user
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A token presented for an exchange, with its user as they are now.
pub struct Presented {
    pub id: Uuid,
    pub scopes: Vec<String>,
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub token_version: i64,
}

/// The usable token with this digest (not revoked, not expired, its user
/// not disabled), marked as used now.
pub async fn spend(conn: &mut PgConnection, digest: &[u8]) -> sqlx::Result<Option<Presented>> {
    sqlx::query_as!(
        Presented,
        r#"UPDATE personal_tokens t SET last_used_at = now()
         FROM users u
         WHERE t.token_hash = $1 AND u.id = t.user_id
           AND t.revoked_at IS NULL AND t.expires_at > now() AND NOT u.disabled
         RETURNING t.id AS "id!", t.scopes AS "scopes!", u.id AS "user_id!",
                   u.email AS "email!", u.role AS "role!: Role",
                   u.token_version AS "token_version!""#,
        digest
    )
    .fetch_optional(conn)
    .await
}
