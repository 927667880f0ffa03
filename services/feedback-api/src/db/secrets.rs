//! The daily random secrets behind the keys client addresses are hashed
//! with: one per UTC day, shared by every replica, deleted after the next
//! day.

use sqlx::PgConnection;
use time::Date;

/// The secret of `day`, drawn by whichever replica asks first.
pub async fn get_or_create(conn: &mut PgConnection, day: Date) -> anyhow::Result<Vec<u8>> {
    let mut drawn = [0u8; 32];
    aws_lc_rs::rand::fill(&mut drawn).map_err(|_| anyhow::anyhow!("no randomness"))?;
    sqlx::query!(
        "INSERT INTO daily_secrets (day, secret) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
        day,
        &drawn[..],
    )
    .execute(&mut *conn)
    .await?;
    let secret = sqlx::query_scalar!("SELECT secret FROM daily_secrets WHERE day = $1", day)
        .fetch_one(&mut *conn)
        .await?;
    Ok(secret)
}

/// Deletes the secrets of the days before `day`.
pub async fn delete_before(conn: &mut PgConnection, day: Date) -> sqlx::Result<u64> {
    let done = sqlx::query!("DELETE FROM daily_secrets WHERE day < $1", day)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
