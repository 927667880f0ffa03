//! Sessions: recordings a workspace opens together (`?session=`).

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub struct TeamSession {
    pub id: Uuid,
    pub workspace: String,
    pub mcaps: serde_json::Value,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

pub async fn insert_session(conn: &mut PgConnection, session: &TeamSession) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO team_sessions (id, workspace, mcaps, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        session.id,
        session.workspace,
        session.mcaps,
        session.created_by,
        session.created_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn session(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<TeamSession>> {
    sqlx::query_as!(
        TeamSession,
        "SELECT id, workspace, mcaps, created_by, created_at FROM team_sessions WHERE id = $1",
        id
    )
    .fetch_optional(conn)
    .await
}
