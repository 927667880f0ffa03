//! Trusted publishers: the CI identities a namespace's owners register, and
//! the OIDC tokens already exchanged.

use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug)]
pub struct TrustedRow {
    pub id: Uuid,
    pub publisher: String,
    pub issuer: String,
    pub repository_id: String,
    pub repository: String,
    pub workflow: String,
    pub environment: String,
    pub added_by: String,
    pub created_at: OffsetDateTime,
}

/// The CI identity a registration names.
pub struct CiIdentity<'a> {
    pub issuer: &'a str,
    pub repository_id: &'a str,
    /// Shown, not matched.
    pub repository: &'a str,
    pub workflow: &'a str,
    /// '' for any.
    pub environment: &'a str,
}

/// Registers `ci` for `publisher` as `id`, by `added_by`; false when it is
/// registered for `publisher` already.
pub async fn insert(
    conn: &mut PgConnection,
    (id, publisher, added_by): (Uuid, &str, &str),
    ci: &CiIdentity<'_>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "INSERT INTO trusted_publishers
            (id, publisher, issuer, repository_id, repository, workflow, environment, added_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        id,
        publisher,
        ci.issuer,
        ci.repository_id,
        ci.repository,
        ci.workflow,
        ci.environment,
        added_by
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// `publisher`'s registrations, oldest first.
pub async fn list(conn: &mut PgConnection, publisher: &str) -> sqlx::Result<Vec<TrustedRow>> {
    sqlx::query_as!(
        TrustedRow,
        "SELECT id, publisher, issuer, repository_id, repository, workflow, environment, added_by,
                created_at
         FROM trusted_publishers WHERE publisher = $1 ORDER BY created_at, id",
        publisher
    )
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<TrustedRow>> {
    sqlx::query_as!(
        TrustedRow,
        "SELECT id, publisher, issuer, repository_id, repository, workflow, environment, added_by,
                created_at
         FROM trusted_publishers WHERE id = $1",
        id
    )
    .fetch_optional(conn)
    .await
}

/// Deletes `publisher`'s registration `id`; false when it has none.
pub async fn delete(conn: &mut PgConnection, publisher: &str, id: Uuid) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM trusted_publishers WHERE id = $1 AND publisher = $2",
        id,
        publisher
    )
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// Whether registration `id` still exists for `publisher`.
pub async fn exists(conn: &mut PgConnection, id: Uuid, publisher: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM trusted_publishers WHERE id = $1 AND publisher = $2)
            AS "exists!""#,
        id,
        publisher
    )
    .fetch_one(conn)
    .await
}

/// What a CI job's verified OIDC token says about it.
pub struct Job<'a> {
    pub issuer: &'a str,
    pub repository_id: &'a str,
    pub workflow: &'a str,
    pub environment: Option<&'a str>,
}

/// The registrations `job` matches: same issuer, repository id and
/// workflow, and the same environment (as GitHub compares them: ignoring
/// case) unless the registration names none.
pub async fn matching(conn: &mut PgConnection, job: &Job<'_>) -> sqlx::Result<Vec<TrustedRow>> {
    sqlx::query_as!(
        TrustedRow,
        "SELECT id, publisher, issuer, repository_id, repository, workflow, environment, added_by,
                created_at
         FROM trusted_publishers
         WHERE issuer = $1 AND repository_id = $2 AND workflow = $3
           AND (environment = '' OR lower(environment) = lower($4))
         ORDER BY publisher, created_at",
        job.issuer,
        job.repository_id,
        job.workflow,
        job.environment.unwrap_or_default()
    )
    .fetch_all(conn)
    .await
}

/// Records OIDC token `jti` of `issuer` as exchanged (and forgets the
/// expired ones); false when it was exchanged before.
pub async fn spend(
    conn: &mut PgConnection,
    issuer: &str,
    jti: &str,
    expires_at: OffsetDateTime,
) -> sqlx::Result<bool> {
    sqlx::query!("DELETE FROM oidc_tokens_spent WHERE expires_at < now()")
        .execute(&mut *conn)
        .await?;
    let spent = sqlx::query!(
        "INSERT INTO oidc_tokens_spent (issuer, jti, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        issuer,
        jti,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(spent.rows_affected() == 1)
}
