//! Ended sessions: the lowest session version still valid, per user.

use sqlx::PgConnection;
use uuid::Uuid;

/// The version given to a deleted user: no token carries it.
pub const ALL: i64 = i64::MAX;

/// Ends every session of `user`: raises their session version and records
/// it; the new lowest valid version (`None` when there is no such user).
pub async fn end_sessions(conn: &mut PgConnection, user: Uuid) -> sqlx::Result<Option<i64>> {
    let version = sqlx::query_scalar!(
        "UPDATE users SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version",
        user
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(version) = version {
        record(conn, user, version).await?;
    }
    Ok(version)
}

/// Records that `user`'s tokens below `min_version` are no longer valid.
pub async fn record(conn: &mut PgConnection, user: Uuid, min_version: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO revocations (user_id, min_version, revoked_at) VALUES ($1, $2, now())
         ON CONFLICT (user_id) DO UPDATE
         SET min_version = greatest(revocations.min_version, excluded.min_version),
             revoked_at = now()",
        user,
        min_version
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Users whose sessions were ended in the last `window_secs` (the lifetime
/// of the longest-lived token: older tokens have expired anyway).
pub async fn recent(conn: &mut PgConnection, window_secs: i64) -> sqlx::Result<Vec<(Uuid, i64)>> {
    let rows = sqlx::query!(
        "SELECT user_id, min_version FROM revocations
         WHERE revoked_at > now() - make_interval(secs => $1::bigint::double precision)
         ORDER BY user_id",
        window_secs
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.user_id, row.min_version))
        .collect())
}

/// Forgets revocations older than `window_secs`; how many.
pub async fn prune(conn: &mut PgConnection, window_secs: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "DELETE FROM revocations
         WHERE revoked_at < now() - make_interval(secs => $1::bigint::double precision)",
        window_secs
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
