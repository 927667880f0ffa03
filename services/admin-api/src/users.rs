//! User management for admins: list, create, change role, disable, delete.
//! Every change is audited through the outbox.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Admin, Role};
use sora_common::error::FieldError;
use sora_common::events::outbox;
use sora_common::events::types::AdminAction;
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::identity::Identity;

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 1024;

#[derive(Debug, Serialize, sqlx::FromRow, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<User>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub role: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub role: Option<String>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

const USER_COLUMNS: &str = "id, email, role, disabled, created_at, updated_at";

fn check_email(email: &str, errors: &mut Vec<FieldError>) -> String {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        errors.push(FieldError::new("email", "must be an e-mail address"));
    }
    email
}

fn check_password(password: &str, errors: &mut Vec<FieldError>) {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        errors.push(FieldError::new(
            "password",
            format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        ));
    }
}

fn check_role(role: &str, errors: &mut Vec<FieldError>) {
    if serde_json::from_value::<Role>(serde_json::Value::String(role.to_owned())).is_err() {
        errors.push(FieldError::new("role", "must be admin, editor or viewer"));
    }
}

async fn audit(
    conn: &mut PgConnection,
    actor: &str,
    action: &str,
    user: Uuid,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    outbox::enqueue(
        conn,
        crate::SPEC.name,
        &AdminAction {
            actor: actor.to_owned(),
            action: action.to_owned(),
            target_type: "user".to_owned(),
            target_id: user.to_string(),
            details,
        },
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(())
}

/// Users, oldest first (admin role).
#[utoipa::path(get, path = "/api/admin/users", tag = "users", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = UserPage)))]
pub async fn list_users(
    _admin: Admin,
    query: web::Query<PageQuery>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let paging = sora_common::page::Paging::new(query.page, query.per_page);
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(db.get_ref())
        .await?;
    let items: Vec<User> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2"
    )))
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(db.get_ref())
    .await?;
    Ok(HttpResponse::Ok().json(UserPage {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// Creates a user (admin role). 422 lists every invalid field; 409 if the e-mail is taken.
#[utoipa::path(post, path = "/api/admin/users", tag = "users", request_body = NewUser, security(("bearer" = [])),
    responses((status = 201, body = User), (status = 409, body = sora_common::error::Problem), (status = 422, body = sora_common::error::Problem)))]
pub async fn create_user(
    admin: Admin,
    body: web::Json<NewUser>,
    db: web::Data<PgPool>,
    identity: web::Data<Identity>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let email = check_email(&body.email, &mut errors);
    check_password(&body.password, &mut errors);
    check_role(&body.role, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let hash = identity
        .hash(&body.password)
        .await
        .map_err(ApiError::Internal)?;
    let mut tx = db.begin().await?;
    let user: Option<User> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO users (id, email, password_hash, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING {USER_COLUMNS}"
    )))
    .bind(Uuid::now_v7())
    .bind(&email)
    .bind(hash)
    .bind(&body.role)
    .fetch_optional(&mut *tx)
    .await?;
    let user =
        user.ok_or_else(|| ApiError::Conflict("a user with this e-mail exists".to_owned()))?;
    audit(
        &mut tx,
        &admin.0.sub,
        "user.created",
        user.id,
        serde_json::json!({"email": email, "role": body.role}),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(user))
}

/// Changes a user's role, password or disabled flag (admin role). Disabling
/// revokes the user's refresh tokens at once.
#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "users", request_body = UserChange, security(("bearer" = [])),
    responses((status = 200, body = User), (status = 404, body = sora_common::error::Problem), (status = 422, body = sora_common::error::Problem)))]
pub async fn update_user(
    admin: Admin,
    id: web::Path<Uuid>,
    body: web::Json<UserChange>,
    db: web::Data<PgPool>,
    identity: web::Data<Identity>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mut errors = Vec::new();
    if let Some(role) = &body.role {
        check_role(role, &mut errors);
    }
    if let Some(password) = &body.password {
        check_password(password, &mut errors);
    }
    // An admin cannot lock themselves out.
    if admin.0.sub == id.to_string()
        && (body.disabled == Some(true) || body.role.as_deref().is_some_and(|r| r != "admin"))
    {
        errors.push(FieldError::new(
            "role",
            "you cannot demote or disable yourself",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let hash = match &body.password {
        Some(password) => Some(identity.hash(password).await.map_err(ApiError::Internal)?),
        None => None,
    };
    let mut tx = db.begin().await?;
    let user: Option<User> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE users SET role = coalesce($2, role), disabled = coalesce($3, disabled),
                password_hash = coalesce($4, password_hash), updated_at = now()
         WHERE id = $1 RETURNING {USER_COLUMNS}"
    )))
    .bind(id)
    .bind(&body.role)
    .bind(body.disabled)
    .bind(hash)
    .fetch_optional(&mut *tx)
    .await?;
    let user = user.ok_or_else(|| ApiError::NotFound("no such user".to_owned()))?;
    if user.disabled || body.password.is_some() {
        sqlx::query("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let details = serde_json::json!({
        "role": body.role, "disabled": body.disabled, "password_changed": body.password.is_some(),
    });
    audit(&mut tx, &admin.0.sub, "user.updated", id, details).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Deletes a user (admin role); their refresh tokens go with them.
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "users", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = sora_common::error::Problem), (status = 422, body = sora_common::error::Problem)))]
pub async fn delete_user(
    admin: Admin,
    id: web::Path<Uuid>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if admin.0.sub == id.to_string() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "id",
            "you cannot delete yourself",
        )]));
    }
    let mut tx = db.begin().await?;
    let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(ApiError::NotFound("no such user".to_owned()));
    }
    audit(
        &mut tx,
        &admin.0.sub,
        "user.deleted",
        id,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
