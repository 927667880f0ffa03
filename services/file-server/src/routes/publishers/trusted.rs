//! Trusted publishing (`/api/publishers/{publisher}/trusted-publishers`): a
//! namespace's owners register the CI jobs that may publish under it, named
//! by the repository's immutable id and the workflow file, never by names
//! alone; admin-api exchanges a matching job's OIDC token for a token that
//! publishes under that namespace only, for 15 minutes
//! (`POST /api/admin/auth/oidc`, docs/security.md "Trusted publishing").

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Role, ServiceCaller, Viewer};
use sora_common::error::FieldError;
use sora_common::extract::Json;
use sora_common::problems;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{found, must_manage, role_in};
use crate::db;
use crate::db::trusted_publishers::{CiIdentity, Job, TrustedRow};
use crate::routes::audit;
use crate::state::AppState;

/// GitHub Actions' OIDC issuer: what a registration names when it names none.
pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";
/// Registrations one namespace may hold.
pub const MAX_PER_PUBLISHER: usize = 20;

/// A CI identity that may publish under the namespace.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrustedPublisher {
    pub id: Uuid,
    pub issuer: String,
    /// The repository's id (GitHub: `repository_id`), which a re-created
    /// repository of the same name does not have.
    pub repository_id: String,
    /// `owner/name`, as registered: shown, not matched.
    pub repository: String,
    /// The workflow's file name under `.github/workflows`.
    pub workflow: String,
    /// The deployment environment the job must run in; null: any.
    pub environment: Option<String>,
    /// The owner who registered it; the tokens it yields act as them.
    pub added_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrustedPublisher {
    /// The OIDC issuer; GitHub Actions' when left out.
    pub issuer: Option<String>,
    /// The repository's numeric id (`gh api repos/OWNER/NAME --jq .id`).
    pub repository_id: String,
    /// `owner/name`, shown to people; matching is by id.
    pub repository: String,
    /// The workflow's file name, e.g. `release.yml`.
    pub workflow: String,
    /// Only jobs of this deployment environment (recommended: one that
    /// needs a reviewer).
    pub environment: Option<String>,
}

/// What admin-api asks, once it has verified a CI job's OIDC token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobIdentity {
    pub issuer: String,
    /// The OIDC token's id and expiry (Unix seconds): a token is
    /// exchanged once.
    pub jti: String,
    pub expires_at: i64,
    pub repository_id: String,
    pub workflow: String,
    pub environment: Option<String>,
    /// The namespace asked for, when the job matches several.
    pub publisher: Option<String>,
}

/// The registration the job matched.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchedPublisher {
    pub registration: Uuid,
    pub publisher: String,
    pub added_by: String,
}

fn view(row: TrustedRow) -> TrustedPublisher {
    TrustedPublisher {
        id: row.id,
        issuer: row.issuer,
        repository_id: row.repository_id,
        repository: row.repository,
        workflow: row.workflow,
        environment: (!row.environment.is_empty()).then_some(row.environment),
        added_by: row.added_by,
        created_at: row.created_at,
    }
}

/// An issuer is an `https` URL, or `http` on the loopback interface (a
/// test issuer).
fn is_issuer(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://127.0.0.1:"))
        .or_else(|| text.strip_prefix("http://localhost:"));
    rest.is_some_and(|rest| !rest.is_empty())
        && text.len() <= 200
        && !text.ends_with('/')
        && text.chars().all(|c| c.is_ascii_graphic())
}

fn is_name_part(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 100
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The registration asked for, checked: each bad field is reported.
fn checked(body: &NewTrustedPublisher) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if let Some(issuer) = &body.issuer
        && !is_issuer(issuer)
    {
        errors.push(FieldError::new(
            "issuer",
            "must be an https URL without a trailing slash",
        ));
    }
    let id = &body.repository_id;
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(FieldError::new(
            "repository_id",
            "must be the repository's numeric id (gh api repos/OWNER/NAME --jq .id)",
        ));
    }
    let named = body
        .repository
        .split_once('/')
        .is_some_and(|(owner, name)| is_name_part(owner) && is_name_part(name));
    if !named {
        errors.push(FieldError::new("repository", "must be `owner/name`"));
    }
    let workflow = &body.workflow;
    if !is_name_part(workflow) || !(workflow.ends_with(".yml") || workflow.ends_with(".yaml")) {
        errors.push(FieldError::new(
            "workflow",
            "must be the workflow's file name under .github/workflows, e.g. release.yml",
        ));
    }
    if let Some(environment) = &body.environment
        && (environment.trim().is_empty()
            || environment.chars().count() > 255
            || environment.chars().any(char::is_control))
    {
        errors.push(FieldError::new(
            "environment",
            "must be 1 to 255 characters, or left out for any",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// A namespace's trusted publishers (its members and admins).
#[utoipa::path(get, path = "/api/publishers/{publisher}/trusted-publishers", tag = "publishers",
    operation_id = "list_trusted_publishers",
    params(("publisher" = String, Path)), security(("bearer" = [])), responses(
        (status = 200, body = Vec<TrustedPublisher>),
        problems::SignedIn, problems::NotFound,
    ))]
pub async fn list(
    Viewer(caller): Viewer,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let row = found(&mut conn, &path, &caller).await?;
    if role_in(&row).is_none() && caller.role != Role::Admin {
        return Err(ApiError::Forbidden(format!(
            "only members of `{}` and admins see its trusted publishers",
            row.id
        )));
    }
    let rows = db::trusted_publishers::list(&mut conn, &path).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<Vec<_>>()))
}

/// Registers a CI job that may publish under the namespace (owners and
/// admins, signed in: not with a token from a personal access token or from
/// trusted publishing, so a leaked CI secret cannot register another CI).
#[utoipa::path(post, path = "/api/publishers/{publisher}/trusted-publishers", tag = "publishers",
    operation_id = "register_trusted_publisher",
    params(("publisher" = String, Path)), request_body = NewTrustedPublisher,
    security(("bearer" = [])), responses(
        (status = 201, body = TrustedPublisher),
        problems::BadRequest, problems::SignedIn, problems::NotFound, problems::Conflict,
        problems::UnsupportedMediaType, problems::Validation,
    ))]
pub async fn register(
    Viewer(caller): Viewer,
    path: web::Path<String>,
    body: Json<NewTrustedPublisher>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let publisher = path.into_inner();
    checked(&body)?;
    let issuer = body.issuer.as_deref().unwrap_or(GITHUB_ISSUER);
    let mut tx = state.db.begin().await?;
    let row = found(&mut tx, &publisher, &caller).await?;
    must_manage(&caller, &row)?;
    if db::trusted_publishers::list(&mut tx, &publisher)
        .await?
        .len()
        >= MAX_PER_PUBLISHER
    {
        return Err(ApiError::Conflict(format!(
            "`{publisher}` has {MAX_PER_PUBLISHER} trusted publishers already: remove one first"
        )));
    }
    let id = Uuid::now_v7();
    let ci = CiIdentity {
        issuer,
        repository_id: &body.repository_id,
        repository: &body.repository,
        workflow: &body.workflow,
        environment: body.environment.as_deref().unwrap_or_default(),
    };
    if !db::trusted_publishers::insert(&mut tx, (id, &publisher, &caller.sub), &ci).await? {
        return Err(ApiError::Conflict(
            "this CI identity is registered for the namespace already".to_owned(),
        ));
    }
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "publisher.trusted_added",
        ("publisher", publisher.clone()),
        serde_json::json!({
            "registration": id, "issuer": issuer, "repository_id": body.repository_id,
            "repository": body.repository, "workflow": body.workflow,
            "environment": body.environment,
        }),
    )
    .await?;
    let stored = db::trusted_publishers::get(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a registration just added is gone")))?;
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/publishers/{publisher}/trusted-publishers/{id}"),
        ))
        .json(view(stored)))
}

/// Removes a trusted publisher (owners and admins): the tokens it yielded
/// publish nothing more, at once.
#[utoipa::path(delete, path = "/api/publishers/{publisher}/trusted-publishers/{id}",
    operation_id = "remove_trusted_publisher",
    tag = "publishers", params(("publisher" = String, Path), ("id" = Uuid, Path)),
    security(("bearer" = [])), responses(
        (status = 204, description = "removed"),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn remove(
    Viewer(caller): Viewer,
    path: web::Path<(String, Uuid)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (publisher, id) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let row = found(&mut tx, &publisher, &caller).await?;
    must_manage(&caller, &row)?;
    if !db::trusted_publishers::delete(&mut tx, &publisher, id).await? {
        return Err(ApiError::NotFound(format!(
            "`{publisher}` has no trusted publisher {id}"
        )));
    }
    audit(
        &mut tx,
        &state,
        &caller.sub,
        "publisher.trusted_removed",
        ("publisher", publisher.clone()),
        serde_json::json!({ "registration": id }),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// admin-api's question once it verified a CI job's OIDC token: which
/// registration the job matches. Spends the token's `jti` (409 the second
/// time); 404 when nothing matches; 409 when several namespaces match and
/// none is named.
#[utoipa::path(post, path = "/internal/trusted-publishing/exchange", tag = "publishers",
    operation_id = "match_trusted_publisher",
    request_body = JobIdentity, security(("service-token" = [])), responses(
        (status = 200, body = MatchedPublisher),
        problems::Unauthorized, problems::NotFound, problems::Conflict,
    ))]
pub async fn exchange(
    ServiceCaller(_caller): ServiceCaller,
    body: Json<JobIdentity>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let job = Job {
        issuer: &body.issuer,
        repository_id: &body.repository_id,
        workflow: &body.workflow,
        environment: body.environment.as_deref(),
    };
    let mut tx = state.db.begin().await?;
    let mut matched = db::trusted_publishers::matching(&mut tx, &job).await?;
    if let Some(publisher) = &body.publisher {
        matched.retain(|row| &row.publisher == publisher);
    }
    // One registration per namespace is enough: the oldest.
    matched.dedup_by(|a, b| a.publisher == b.publisher);
    let row = match matched.len() {
        0 => {
            return Err(ApiError::NotFound(
                "no trusted publisher matches this repository and workflow".to_owned(),
            ));
        }
        1 => matched.remove(0),
        _ => {
            return Err(ApiError::Conflict(format!(
                "this job may publish under {}: name one",
                matched
                    .iter()
                    .map(|row| format!("`{}`", row.publisher))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let expires_at = OffsetDateTime::from_unix_timestamp(body.expires_at)
        .map_err(|_| ApiError::Validation(vec![FieldError::new("expires_at", "out of range")]))?;
    if !db::trusted_publishers::spend(&mut tx, &body.issuer, &body.jti, expires_at).await? {
        return Err(ApiError::Conflict(
            "this OIDC token was exchanged already; request a new one".to_owned(),
        ));
    }
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(MatchedPublisher {
        registration: row.id,
        publisher: row.publisher,
        added_by: row.added_by,
    }))
}
