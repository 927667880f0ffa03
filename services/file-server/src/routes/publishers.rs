//! Publisher namespaces (`/api/publishers`): the part of an extension id
//! before its name belongs to its members. Whoever first publishes under a
//! new name owns it; owners add and remove members (owners and
//! contributors); members publish, yank and hide its extensions; admins do
//! anything and may mark a namespace verified. Every change is audited.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Claims, MaybeAuthenticated, Role, Viewer};
use sora_common::error::FieldError;
use sora_common::extract::Json;
use sora_common::problems;
use sqlx::PgConnection;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::audit;
use super::workspaces::MemberView;
use crate::db;
use crate::db::publishers::PublisherRow;
use crate::domain::publisher::{PublisherRole, is_publisher_name, may_manage, may_publish};
use crate::state::AppState;

pub mod keys;
pub mod trusted;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/publishers").get(list_publishers))
        .service(
            web::resource("/api/publishers/{publisher}")
                .get(get_publisher)
                .patch(update_publisher),
        )
        .service(
            web::resource("/api/publishers/{publisher}/members/{user}")
                .put(set_member)
                .delete(remove_member),
        )
        .service(
            web::resource("/api/publishers/{publisher}/keys")
                .get(keys::list_keys)
                .post(keys::add_key),
        )
        .service(web::resource("/api/publishers/{publisher}/keys/{key}").delete(keys::revoke_key))
        .service(
            web::resource("/api/publishers/{publisher}/trusted-publishers")
                .get(trusted::list)
                .post(trusted::register),
        )
        .service(
            web::resource("/api/publishers/{publisher}/trusted-publishers/{id}")
                .delete(trusted::remove),
        )
        .service(web::resource("/internal/trusted-publishing/exchange").post(trusted::exchange));
}

/// A namespace, with the caller's role in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublisherSummary {
    pub id: String,
    /// An administrator checked who is behind it.
    pub verified: bool,
    /// Only packages signed with one of its keys are published under it.
    pub require_signatures: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verified_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// The caller's role: `owner`, `contributor`, or null.
    pub role: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublisherDetails {
    #[serde(flatten)]
    pub summary: PublisherSummary,
    /// The ids of its extensions in the catalog.
    pub extensions: Vec<String>,
    /// Its members, for its members and admins; empty for anyone else.
    pub members: Vec<MemberView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublisherChange {
    /// Admins only: the namespace's verified mark.
    pub verified: Option<bool>,
    /// Owners and admins: refuse packages not signed with one of its keys.
    pub require_signatures: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublisherMemberBody {
    /// `owner` or `contributor`.
    pub role: String,
}

pub(crate) fn not_found(publisher: &str) -> ApiError {
    ApiError::NotFound(format!("there is no publisher `{publisher}`"))
}

fn summary(row: PublisherRow) -> PublisherSummary {
    PublisherSummary {
        id: row.id,
        verified: row.verified,
        require_signatures: row.require_signatures,
        verified_at: row.verified_at,
        created_at: row.created_at,
        role: row.role,
    }
}

/// The caller's role in `publisher` (an admin's, if any, too).
pub(crate) fn role_in(row: &PublisherRow) -> Option<PublisherRole> {
    row.role.as_deref().and_then(PublisherRole::parse)
}

async fn details(
    conn: &mut PgConnection,
    state: &AppState,
    row: PublisherRow,
    caller: Option<&Claims>,
) -> Result<PublisherDetails, ApiError> {
    let insider = role_in(&row).is_some() || caller.is_some_and(|c| c.role == Role::Admin);
    let members = if insider {
        db::publishers::members(conn, &row.id)
            .await?
            .into_iter()
            .map(|m| MemberView {
                user_id: m.user_id,
                role: m.role,
                added_at: m.added_at,
            })
            .collect()
    } else {
        Vec::new()
    };
    let snapshot = state.catalog.snapshot();
    let mut extensions: Vec<String> = snapshot
        .extensions()
        .filter(|e| e.row.publisher == row.id && e.listed())
        .map(|e| e.row.id.clone())
        .collect();
    extensions.sort();
    Ok(PublisherDetails {
        summary: summary(row),
        extensions,
        members,
    })
}

/// `publisher` as `caller` sees it; 404 when there is none.
pub(crate) async fn found(
    conn: &mut PgConnection,
    publisher: &str,
    caller: &Claims,
) -> Result<PublisherRow, ApiError> {
    db::publishers::get(conn, publisher, &caller.sub)
        .await?
        .ok_or_else(|| not_found(publisher))
}

pub(crate) fn must_manage(caller: &Claims, row: &PublisherRow) -> Result<(), ApiError> {
    if may_manage(caller, role_in(row)) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "only an owner of `{}` or an admin manages its members",
            row.id
        )))
    }
}

/// A namespace keeps an owner: its last one is not demoted or removed.
async fn refuse_last_owner(
    conn: &mut PgConnection,
    publisher: &str,
    user: &str,
) -> Result<(), ApiError> {
    if db::publishers::is_last_owner(conn, publisher, user).await? {
        return Err(ApiError::Conflict(format!(
            "`{user}` is the last owner of `{publisher}`; make someone else an owner first"
        )));
    }
    Ok(())
}

/// Refuses (403) a caller who may not publish, yank or hide under
/// `publisher`.
pub async fn require_publisher(
    conn: &mut PgConnection,
    caller: &Claims,
    publisher: &str,
) -> Result<(), ApiError> {
    // A token from trusted publishing lives as long as its registration.
    if let Some(provenance) = &caller.provenance
        && !db::trusted_publishers::exists(conn, provenance.registration, publisher).await?
    {
        return Err(ApiError::Forbidden(format!(
            "the trusted publisher this token was exchanged for is no longer registered \
             for `{publisher}`"
        )));
    }
    let role = if caller.role == Role::Admin {
        None
    } else {
        db::publishers::role_of(conn, publisher, &caller.sub)
            .await?
            .as_deref()
            .and_then(PublisherRole::parse)
    };
    if may_publish(caller, role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "only members of the publisher `{publisher}` publish, yank or hide its \
             extensions; ask one of its owners to add you"
        )))
    }
}

/// Whether `caller` may publish, yank or hide under `publisher`.
pub async fn publishes_under(
    conn: &mut PgConnection,
    caller: &Claims,
    publisher: &str,
) -> Result<bool, ApiError> {
    match require_publisher(conn, caller, publisher).await {
        Ok(()) => Ok(true),
        Err(ApiError::Forbidden(_)) => Ok(false),
        Err(error) => Err(error),
    }
}

/// The caller's namespaces (an admin's: every one).
#[utoipa::path(get, path = "/api/publishers", tag = "publishers",
    security(("bearer" = [])), responses(
        (status = 200, body = Vec<PublisherSummary>),
        problems::SignedIn,
    ))]
pub async fn list_publishers(
    Viewer(caller): Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let rows = db::publishers::list(&mut conn, &caller.sub, caller.role == Role::Admin).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(summary).collect::<Vec<_>>()))
}

/// A namespace: its verified mark and extensions for anyone; its members
/// for its members and admins.
#[utoipa::path(get, path = "/api/publishers/{publisher}", tag = "publishers",
    params(("publisher" = String, Path)), security((), ("bearer" = [])), responses(
        (status = 200, body = PublisherDetails),
        problems::Unauthorized, problems::NotFound,
    ))]
pub async fn get_publisher(
    MaybeAuthenticated(caller): MaybeAuthenticated,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let user = caller.as_ref().map_or("", |c| c.sub.as_str());
    let row = db::publishers::get(&mut conn, &path, user)
        .await?
        .ok_or_else(|| not_found(&path))?;
    let details = details(&mut conn, &state, row, caller.as_ref()).await?;
    Ok(HttpResponse::Ok().json(details))
}

/// Marks a namespace verified, or not (admins); makes it take signed
/// packages only, or not (owners and admins).
#[utoipa::path(patch, path = "/api/publishers/{publisher}", tag = "publishers",
    params(("publisher" = String, Path)), request_body = PublisherChange,
    security(("bearer" = [])), responses(
        (status = 200, body = PublisherDetails),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
        problems::UnsupportedMediaType, problems::Validation,
    ))]
pub async fn update_publisher(
    Viewer(caller): Viewer,
    path: web::Path<String>,
    body: Json<PublisherChange>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let publisher = path.into_inner();
    let mut tx = state.db.begin().await?;
    let before = found(&mut tx, &publisher, &caller).await?;
    if body.verified.is_some() && caller.role != Role::Admin {
        return Err(ApiError::Forbidden(
            "only an admin marks a publisher verified".to_owned(),
        ));
    }
    if body.require_signatures.is_some() {
        must_manage(&caller, &before)?;
    }
    if let Some(verified) = body.verified.filter(|v| *v != before.verified) {
        db::publishers::set_verified(&mut tx, &publisher, verified, &caller.sub).await?;
        let action = if verified {
            "publisher.verified"
        } else {
            "publisher.unverified"
        };
        audit(
            &mut tx,
            &state,
            &caller.sub,
            action,
            ("publisher", publisher.clone()),
            serde_json::json!({}),
        )
        .await?;
    }
    if let Some(required) = body
        .require_signatures
        .filter(|r| *r != before.require_signatures)
    {
        db::publishers::set_require_signatures(&mut tx, &publisher, required).await?;
        audit(
            &mut tx,
            &state,
            &caller.sub,
            "publisher.signatures_required",
            ("publisher", publisher.clone()),
            serde_json::json!({ "required": required }),
        )
        .await?;
    }
    let row = found(&mut tx, &publisher, &caller).await?;
    // Its extensions show the mark: the trigger announces them to every
    // replica; this one reloads them before answering.
    let changes = crate::catalog::Changes {
        extensions: state
            .catalog
            .snapshot()
            .extensions()
            .filter(|e| e.row.publisher == publisher)
            .map(|e| e.row.id.clone())
            .collect(),
        layouts: Vec::new(),
    };
    state.commit(tx, &changes).await?;
    let mut conn = state.db.acquire().await?;
    Ok(HttpResponse::Ok().json(details(&mut conn, &state, row, Some(&caller)).await?))
}

/// Adds a member or changes their role (owners and admins; an admin may
/// create the namespace this way, reserving it for someone). The last owner
/// stays an owner.
#[utoipa::path(put, path = "/api/publishers/{publisher}/members/{user}", tag = "publishers",
    params(("publisher" = String, Path), ("user" = String, Path, description = "the user's id")),
    request_body = PublisherMemberBody, security(("bearer" = [])), responses(
        (status = 200, body = PublisherDetails),
        problems::BadRequest, problems::SignedIn, problems::NotFound, problems::Conflict,
        problems::UnsupportedMediaType, problems::Validation,
    ))]
pub async fn set_member(
    Viewer(caller): Viewer,
    path: web::Path<(String, String)>,
    body: Json<PublisherMemberBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (publisher, user) = path.into_inner();
    let role = PublisherRole::parse(&body.role).ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new(
            "role",
            "must be owner or contributor",
        )])
    })?;
    if !crate::domain::is_member_id(&user) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "user",
            "must be a user id",
        )]));
    }
    let mut tx = state.db.begin().await?;
    if caller.role == Role::Admin {
        if !is_publisher_name(&publisher) {
            return Err(ApiError::Validation(vec![FieldError::new(
                "publisher",
                "must be 1 to 64 of a-z, 0-9 and `_`, starting with a letter or a digit",
            )]));
        }
        db::publishers::create(&mut tx, &publisher).await?;
    }
    let row = found(&mut tx, &publisher, &caller).await?;
    must_manage(&caller, &row)?;
    if role != PublisherRole::Owner {
        refuse_last_owner(&mut tx, &publisher, &user).await?;
    }
    db::publishers::set_member(&mut tx, &publisher, &user, role.as_str()).await?;
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "publisher.member_set",
        ("publisher", publisher.clone()),
        serde_json::json!({"user": user, "role": role.as_str()}),
    )
    .await?;
    let row = found(&mut tx, &publisher, &caller).await?;
    let details = details(&mut tx, &state, row, Some(&caller)).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(details))
}

/// Removes a member (owners and admins; any member may leave). The last
/// owner stays.
#[utoipa::path(delete, path = "/api/publishers/{publisher}/members/{user}", tag = "publishers",
    params(("publisher" = String, Path), ("user" = String, Path, description = "the user's id")),
    security(("bearer" = [])), responses(
        (status = 204, description = "removed"),
        problems::BadRequest, problems::SignedIn, problems::NotFound, problems::Conflict,
    ))]
pub async fn remove_member(
    Viewer(caller): Viewer,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (publisher, user) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let row = found(&mut tx, &publisher, &caller).await?;
    if user != caller.sub {
        must_manage(&caller, &row)?;
    }
    refuse_last_owner(&mut tx, &publisher, &user).await?;
    if !db::publishers::remove_member(&mut tx, &publisher, &user).await? {
        return Err(ApiError::NotFound(format!(
            "`{user}` is not a member of `{publisher}`"
        )));
    }
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "publisher.member_removed",
        ("publisher", publisher.clone()),
        serde_json::json!({"user": user}),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
