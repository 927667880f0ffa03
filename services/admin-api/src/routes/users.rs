//! User management for admins: list, create, change role, disable, delete.
//! Every change is audited through the outbox.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use sora_common::ApiError;
use sora_common::auth::{Admin, Role};
use sora_common::error::FieldError;
use sora_common::extract::{Json, Query};
use sora_common::page::{Page, Paging};
use sora_common::problems;
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit;
use crate::db;
use crate::db::users::User;
use crate::domain::accounts;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/admin/users")
            .get(list_users)
            .post(create_user),
    )
    .service(
        web::resource("/api/admin/users/{id}")
            .patch(update_user)
            .delete(delete_user),
    );
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Values above 100 are served as 100.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    /// `admin`, `editor` or `viewer`.
    pub role: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// `admin`, `editor` or `viewer`.
    pub role: Option<String>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

/// `role` as a [`Role`], or why not (every bad field is reported together).
fn role(text: &str, errors: &mut Vec<FieldError>) -> Option<Role> {
    text.parse()
        .map_err(|message: String| errors.push(FieldError::new("role", message)))
        .ok()
}

/// Users, oldest first (admin role).
#[utoipa::path(get, path = "/api/admin/users", tag = "users", params(PageQuery), security(("bearer" = [])),
    responses(
    (status = 200, body = Page<User>),
    problems::BadRequest, problems::SignedIn,
))]
pub async fn list_users(
    _admin: Admin,
    query: Query<PageQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let paging = Paging::new(query.page, query.per_page)?;
    let mut conn = state.db.acquire().await?;
    let total = db::users::count(&mut conn).await?;
    let items = db::users::page(&mut conn, paging.limit(), paging.offset()).await?;
    Ok(HttpResponse::Ok().json(paging.page(items, total)))
}

/// Creates a user (admin role). 422 lists every invalid field; 409 if the e-mail is taken.
#[utoipa::path(post, path = "/api/admin/users", tag = "users", request_body = NewUser, security(("bearer" = [])),
    responses(
    (status = 201, body = User),
    problems::JsonBody, problems::SignedIn, problems::Conflict,
))]
pub async fn create_user(
    admin: Admin,
    body: Json<NewUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let email = accounts::email(&body.email, &mut errors);
    accounts::password(&body.password, &mut errors);
    let role = role(&body.role, &mut errors);
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let hash = state
        .identity
        .hash(&body.password)
        .await
        .map_err(ApiError::Internal)?;
    let mut tx = state.db.begin().await?;
    let user = db::users::insert(&mut tx, &email, &hash, role)
        .await?
        .ok_or_else(|| ApiError::Conflict("a user with this e-mail exists".to_owned()))?;
    audit(
        &mut tx,
        &admin.0.sub,
        "user.created",
        ("user", user.id.to_string()),
        serde_json::json!({"email": email, "role": role}),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(user))
}

/// Changes a user's role, password or disabled flag (admin role). Changing
/// the role or password, or disabling, ends every session of the user at
/// every service within seconds.
#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "users", request_body = UserChange,
    params(("id" = Uuid, Path, description = "the user's id")), security(("bearer" = [])),
    responses(
    (status = 200, body = User),
    problems::JsonBody, problems::SignedIn, problems::NotFound,
))]
pub async fn update_user(
    admin: Admin,
    id: web::Path<Uuid>,
    body: Json<UserChange>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mut errors = Vec::new();
    let new_role = body.role.as_deref().and_then(|r| role(r, &mut errors));
    if let Some(password) = &body.password {
        accounts::password(password, &mut errors);
    }
    // An admin cannot lock themselves out.
    if admin.0.sub == id.to_string()
        && (body.disabled == Some(true) || new_role.is_some_and(|r| r != Role::Admin))
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
        Some(password) => Some(
            state
                .identity
                .hash(password)
                .await
                .map_err(ApiError::Internal)?,
        ),
        None => None,
    };
    let mut tx = state.db.begin().await?;
    let user = db::users::update(&mut tx, id, new_role, body.disabled, hash.as_deref())
        .await?
        .ok_or_else(|| ApiError::NotFound("no such user".to_owned()))?;
    // Whatever changes what the user's tokens stand for ends them all.
    let ends_sessions =
        body.disabled == Some(true) || body.password.is_some() || new_role.is_some();
    let ended = if ends_sessions {
        crate::routes::auth::end_sessions(&mut tx, id).await?
    } else {
        None
    };
    let details = serde_json::json!({
        "role": new_role, "disabled": body.disabled, "password_changed": body.password.is_some(),
    });
    audit(
        &mut tx,
        &admin.0.sub,
        "user.updated",
        ("user", id.to_string()),
        details,
    )
    .await?;
    tx.commit().await?;
    if let Some(version) = ended {
        state.verifier.revoke(&id.to_string(), version);
    }
    Ok(HttpResponse::Ok().json(user))
}

/// Deletes a user (admin role); their sessions end at every service within
/// seconds.
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "users",
    params(("id" = Uuid, Path, description = "the user's id")), security(("bearer" = [])),
    responses(
    (status = 204, description = "deleted"),
    problems::SignedIn, problems::NotFound, problems::Validation,
))]
pub async fn delete_user(
    admin: Admin,
    id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if admin.0.sub == id.to_string() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "id",
            "you cannot delete yourself",
        )]));
    }
    let mut tx = state.db.begin().await?;
    if !db::users::delete(&mut tx, id).await? {
        return Err(ApiError::NotFound("no such user".to_owned()));
    }
    db::revocations::record(&mut tx, id, db::revocations::ALL).await?;
    audit(
        &mut tx,
        &admin.0.sub,
        "user.deleted",
        ("user", id.to_string()),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    state.verifier.revoke(&id.to_string(), db::revocations::ALL);
    Ok(HttpResponse::NoContent().finish())
}
