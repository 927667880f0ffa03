//! Refresh tokens, stored as SHA-256 digests, in families that rotate.

use sqlx::PgConnection;
use time::Duration;
use uuid::Uuid;

/// A refresh token presented for a refresh, with what decides its fate.
pub struct Presented {
    pub id: Uuid,
    pub family_id: Uuid,
    pub user_id: Uuid,
    /// Used or revoked already.
    pub spent: bool,
    pub expired: bool,
    pub user_disabled: bool,
}

pub async fn insert(
    conn: &mut PgConnection,
    user_id: Uuid,
    family_id: Uuid,
    digest: &[u8],
    ttl: Duration,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))",
        Uuid::now_v7(),
        family_id,
        user_id,
        digest,
        ttl.as_seconds_f64()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The token with this digest, locked for this transaction.
pub async fn lock(conn: &mut PgConnection, digest: &[u8]) -> sqlx::Result<Option<Presented>> {
    sqlx::query_as!(
        Presented,
        r#"SELECT t.id, t.family_id, t.user_id,
                t.used_at IS NOT NULL OR t.revoked_at IS NOT NULL AS "spent!",
                t.expires_at <= now() AS "expired!", u.disabled AS user_disabled
         FROM refresh_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1
         FOR UPDATE OF t"#,
        digest
    )
    .fetch_optional(conn)
    .await
}

pub async fn mark_used(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE refresh_tokens SET used_at = now() WHERE id = $1",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn family_of(conn: &mut PgConnection, digest: &[u8]) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT family_id FROM refresh_tokens WHERE token_hash = $1",
        digest
    )
    .fetch_optional(conn)
    .await
}

pub async fn revoke_family(conn: &mut PgConnection, family_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL",
        family_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn revoke_user(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        user_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
