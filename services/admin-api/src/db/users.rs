//! Users.

use sora_common::auth::Role;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// What a login checks.
pub struct Credentials {
    pub id: Uuid,
    pub password_hash: String,
    pub role: Role,
    pub email: String,
    pub disabled: bool,
    /// The session version its tokens carry.
    pub token_version: i64,
}

pub async fn count(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM users"#)
        .fetch_one(conn)
        .await
}

pub async fn page(conn: &mut PgConnection, limit: i64, offset: i64) -> sqlx::Result<Vec<User>> {
    sqlx::query_as!(
        User,
        r#"SELECT id, email, role AS "role: Role", disabled, created_at, updated_at
         FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2"#,
        limit,
        offset
    )
    .fetch_all(conn)
    .await
}

pub async fn credentials_by_email(
    conn: &mut PgConnection,
    email: &str,
) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as!(
        Credentials,
        r#"SELECT id, password_hash, role AS "role: Role", email, disabled, token_version FROM users WHERE email = $1"#,
        email
    )
    .fetch_optional(conn)
    .await
}

pub async fn credentials_by_id(
    conn: &mut PgConnection,
    id: Uuid,
) -> sqlx::Result<Option<Credentials>> {
    sqlx::query_as!(
        Credentials,
        r#"SELECT id, password_hash, role AS "role: Role", email, disabled, token_version FROM users WHERE id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Creates a user; `None` when the e-mail is taken.
pub async fn insert(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
    role: Role,
) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        r#"INSERT INTO users (id, email, password_hash, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING
         RETURNING id, email, role AS "role: Role", disabled, created_at, updated_at"#,
        Uuid::now_v7(),
        email,
        password_hash,
        role as Role
    )
    .fetch_optional(conn)
    .await
}

/// Changes what is given; `None` when there is no such user.
pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    role: Option<Role>,
    disabled: Option<bool>,
    password_hash: Option<&str>,
) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        r#"UPDATE users SET role = coalesce($2, role), disabled = coalesce($3, disabled),
                password_hash = coalesce($4, password_hash), updated_at = now()
         WHERE id = $1
         RETURNING id, email, role AS "role: Role", disabled, created_at, updated_at"#,
        id,
        role as Option<Role>,
        disabled,
        password_hash
    )
    .fetch_optional(conn)
    .await
}

/// Deletes a user (their refresh tokens go with them); false when missing.
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let deleted = sqlx::query!("DELETE FROM users WHERE id = $1", id)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() == 1)
}
