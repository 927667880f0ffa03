//! Trusted publishing's exchange (`POST /api/admin/auth/oidc`): a CI job's
//! OIDC token, verified against its issuer's keys, for a token that
//! publishes under one namespace, as the owner who registered the job, for
//! 15 minutes at most. Which job may publish where is file-server's: it
//! holds the registrations (`/api/publishers/{publisher}/trusted-publishers`)
//! and refuses the token once its registration is removed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Provenance, Role};
use sora_common::extract::Json;
use sora_common::problems;
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit;
use super::tokens::ExchangedToken;
use crate::config::GITHUB_ISSUER;
use crate::db;
use crate::identity::Subject;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/admin/auth/oidc").post(exchange));
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OidcExchange {
    /// The CI job's OIDC token (GitHub Actions: requested with the
    /// audience `trusted_publishing.audience`, `sora` by default).
    pub token: String,
    /// The namespace to publish under, when the job is registered for
    /// several.
    pub publisher: Option<String>,
}

/// file-server's answer: the registration the job matched.
#[derive(Debug, Deserialize)]
struct Matched {
    registration: Uuid,
    publisher: String,
    added_by: String,
}

#[derive(Debug, Serialize)]
struct JobIdentity<'a> {
    issuer: &'a str,
    jti: &'a str,
    expires_at: i64,
    repository_id: &'a str,
    workflow: &'a str,
    environment: Option<&'a str>,
    publisher: Option<&'a str>,
}

fn invalid() -> ApiError {
    ApiError::Unauthenticated(
        "the OIDC token is invalid, expired, for another audience or from an issuer this \
         server does not trust"
            .to_owned(),
    )
}

/// Exchange a CI job's OIDC token for a token that publishes under the
/// namespace whose trusted publisher the job matches (same issuer,
/// repository id, workflow file and, if registered, environment). Each
/// OIDC token is exchanged once.
#[utoipa::path(post, path = "/api/admin/auth/oidc", tag = "tokens", request_body = OidcExchange,
    operation_id = "exchange_oidc_token",
    responses(
    (status = 200, body = ExchangedToken),
    problems::JsonBody, problems::Unauthorized, problems::Conflict, problems::Unavailable,
))]
pub async fn exchange(
    body: Json<OidcExchange>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let job = state.oidc.verify(&body.token).await.map_err(|why| {
        tracing::info!(why = %why, "OIDC token refused");
        invalid()
    })?;
    let workflow = job.workflow_file().ok_or_else(|| {
        ApiError::Forbidden(format!(
            "the job's workflow `{}` is not a workflow file of {}",
            job.workflow_ref, job.repository
        ))
    })?;
    let ask = JobIdentity {
        issuer: &job.iss,
        jti: &job.jti,
        expires_at: job.exp,
        repository_id: &job.repository_id,
        workflow,
        environment: job.environment.as_deref(),
        publisher: body.publisher.as_deref(),
    };
    let matched = ask_file_server(&state, &ask).await.map_err(|error| match error {
        ApiError::NotFound(_) => ApiError::Forbidden(format!(
            "no trusted publisher matches {} (repository id {}), workflow {workflow}{}: an \
             owner of the namespace registers it at /api/publishers/{{publisher}}/trusted-publishers",
            job.repository,
            job.repository_id,
            job.environment
                .as_deref()
                .map(|e| format!(", environment {e}"))
                .unwrap_or_default()
        )),
        other => other,
    })?;
    let owner_id = Uuid::parse_str(&matched.added_by).map_err(ApiError::internal)?;
    let mut tx = state.db.begin().await?;
    let owner = db::users::credentials_by_id(&mut tx, owner_id)
        .await?
        .filter(|u| !u.disabled && u.role >= Role::Editor)
        .ok_or_else(|| {
            ApiError::Forbidden(
                "the owner who registered this trusted publisher is disabled or no longer an \
                 editor: an owner of the namespace registers it again"
                    .to_owned(),
            )
        })?;
    let run_url = (job.iss == GITHUB_ISSUER).then(|| {
        format!(
            "https://github.com/{}/actions/runs/{}",
            job.repository, job.run_id
        )
    });
    let provenance = Provenance {
        registration: matched.registration,
        issuer: job.iss.clone(),
        repository: job.repository.clone(),
        repository_id: job.repository_id.clone(),
        commit: job.sha.clone(),
        workflow_ref: job.workflow_ref.clone(),
        run_id: job.run_id.clone(),
        run_url,
        environment: job.environment.clone(),
    };
    audit(
        &mut tx,
        &matched.added_by,
        "token.oidc_exchanged",
        ("publisher", matched.publisher.clone()),
        serde_json::to_value(&provenance).unwrap_or_default(),
    )
    .await?;
    tx.commit().await?;
    let access_token = state
        .identity
        .trusted_token(
            &Subject::from(&owner),
            &matched.publisher,
            provenance,
            state.trusted_ttl,
        )
        .map_err(ApiError::Internal)?;
    Ok(ExchangedToken::answer(
        access_token,
        state.trusted_ttl.min(state.identity.access_ttl),
        vec![format!("publish:{}", matched.publisher)],
    ))
}

/// file-server's registration for `ask`: 404 none, 409 spent or ambiguous.
async fn ask_file_server(state: &AppState, ask: &JobIdentity<'_>) -> Result<Matched, ApiError> {
    let peer = state
        .peers
        .peer("file-server")
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no file-server peer")))?;
    let token = state
        .identity
        .internal_token()
        .map_err(ApiError::Internal)?;
    let unavailable =
        |why: String| ApiError::Unavailable(format!("file-server is unavailable: {why}"));
    let response = state
        .peers
        .forward(
            peer,
            "/internal/trusted-publishing/exchange",
            |client, url| client.post(url).bearer_auth(token).json(ask),
        )
        .await
        .map_err(unavailable)?;
    let status = response.status().as_u16();
    if status == StatusCode::OK.as_u16() {
        return response
            .json()
            .await
            .map_err(|e| unavailable(format!("an unreadable answer: {e}")));
    }
    let detail = response
        .json::<serde_json::Value>()
        .await
        .ok()
        .and_then(|v| v["detail"].as_str().map(str::to_owned))
        .unwrap_or_default();
    Err(match status {
        404 => ApiError::NotFound(detail),
        409 => ApiError::Conflict(detail),
        _ => unavailable(format!("answered {status}")),
    })
}
