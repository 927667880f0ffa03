//! Personal access tokens: what a signed-in user creates for scripts and
//! the `sora` command line, shown once; and their exchange for a short-lived
//! access token of their own audience, which only the routes that check a
//! scope accept (docs/security.md, "Access tokens").

use std::collections::BTreeSet;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Role, Scope, Viewer};
use sora_common::error::FieldError;
use sora_common::extract::Json;
use sora_common::problems;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit;
use crate::db;
use crate::db::personal_tokens::{NewToken, PersonalToken};
use crate::identity::{Subject, new_personal_token, token_digest};
use crate::state::AppState;

/// Longest name of a token.
pub const MAX_NAME_CHARS: usize = 100;
/// Scopes one token may carry.
pub const MAX_SCOPES: usize = 20;
/// Lifetime of a token when none is asked for, and the longest allowed.
pub const DEFAULT_DAYS: u32 = 90;
pub const MAX_DAYS: u32 = 366;
/// Tokens a user may hold at once (neither revoked nor expired).
pub const MAX_ACTIVE: i64 = 50;
/// How much of a token its list shows.
const SHOWN_CHARS: usize = 13;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/admin/tokens")
            .get(list_tokens)
            .post(create_token),
    )
    .service(web::resource("/api/admin/tokens/{id}").delete(revoke_token))
    .service(web::resource("/api/admin/auth/token").post(exchange));
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonalToken {
    /// What the token is for, e.g. `CI of acme/lidar-tools`.
    pub name: String,
    /// `publish:<publisher>`, `publish:*`, `workspace:<name>`, `workspace:*`,
    /// `layouts:write`, `stats:read`.
    pub scopes: Vec<String>,
    /// Days until it expires: 1 to 366, 90 when left out.
    pub expires_in_days: Option<u32>,
}

/// A new token: the only time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: PersonalToken,
    /// The token itself (`sora_pat_…`): shown once, never again.
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenExchange {
    /// A personal access token, `sora_pat_…`.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangedToken {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires: exchange again after.
    pub expires_in: i64,
    pub scopes: Vec<String>,
}

impl ExchangedToken {
    /// The exchange's answer, never cached.
    pub fn answer(access_token: String, ttl: time::Duration, scopes: Vec<String>) -> HttpResponse {
        HttpResponse::Ok()
            .insert_header(("cache-control", "no-store"))
            .json(Self {
                access_token,
                token_type: "Bearer".to_owned(),
                expires_in: ttl.whole_seconds(),
                scopes,
            })
    }
}

/// The caller as a user (not another service).
fn user_id(sub: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(sub).map_err(|_| ApiError::Forbidden("only a user holds tokens".to_owned()))
}

/// The scopes asked for, checked against the caller's role: each bad one
/// is reported.
fn scopes(asked: &[String], role: Role, errors: &mut Vec<FieldError>) -> Vec<String> {
    if asked.is_empty() || asked.len() > MAX_SCOPES {
        errors.push(FieldError::new(
            "scopes",
            format!("give 1 to {MAX_SCOPES} scopes"),
        ));
    }
    let mut parsed = BTreeSet::new();
    for text in asked {
        match text.parse::<Scope>() {
            // Within what the user's role (stats) or workspace membership
            // allows anyway.
            Ok(scope @ (Scope::StatsRead | Scope::Workspace(_))) => {
                parsed.insert(scope);
            }
            Ok(scope) if role >= Role::Editor => {
                parsed.insert(scope);
            }
            Ok(scope) => errors.push(FieldError::new(
                "scopes",
                format!("`{scope}` needs the editor role"),
            )),
            Err(message) => errors.push(FieldError::new("scopes", message)),
        }
    }
    parsed.iter().map(Scope::to_string).collect()
}

/// Create a personal access token for yourself (any signed-in user, by
/// their own session: a token exchanged for a personal access token cannot
/// make more). The answer holds the token once.
#[utoipa::path(post, path = "/api/admin/tokens", tag = "tokens", request_body = NewPersonalToken,
    security(("bearer" = [])), responses(
    (status = 201, body = CreatedToken),
    problems::JsonBody, problems::SignedIn, problems::Conflict,
))]
pub async fn create_token(
    Viewer(caller): Viewer,
    body: Json<NewPersonalToken>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let user = user_id(&caller.sub)?;
    // The role as it is now (a token may predate a demotion by seconds).
    let role = {
        let mut conn = state.db.acquire().await?;
        db::users::credentials_by_id(&mut conn, user)
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(|| {
                ApiError::Unauthenticated("your account is gone or disabled".to_owned())
            })?
            .role
    };
    let mut errors = Vec::new();
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    let scopes = scopes(&body.scopes, role, &mut errors);
    let days = body.expires_in_days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        errors.push(FieldError::new(
            "expires_in_days",
            format!("must be 1 to {MAX_DAYS}"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let (secret, digest) = new_personal_token();
    let mut tx = state.db.begin().await?;
    if db::personal_tokens::count_active(&mut tx, user).await? >= MAX_ACTIVE {
        return Err(ApiError::Conflict(format!(
            "you hold {MAX_ACTIVE} tokens already: revoke one first"
        )));
    }
    let token = db::personal_tokens::insert(
        &mut tx,
        &NewToken {
            id: Uuid::now_v7(),
            user_id: user,
            name,
            digest: &digest,
            prefix: &secret[..SHOWN_CHARS],
            scopes: &scopes,
            expires_at: OffsetDateTime::now_utc() + time::Duration::days(i64::from(days)),
        },
    )
    .await?;
    audit(
        &mut tx,
        &caller.sub,
        "token.created",
        ("token", token.id.to_string()),
        serde_json::json!({"name": token.name, "scopes": token.scopes, "expires_at": token.expires_at.unix_timestamp()}),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created()
        .insert_header(("cache-control", "no-store"))
        .json(CreatedToken { token, secret }))
}

/// Your personal access tokens, newest first, revoked and expired ones
/// included; never the tokens themselves.
#[utoipa::path(get, path = "/api/admin/tokens", tag = "tokens", security(("bearer" = [])),
    responses((status = 200, body = Vec<PersonalToken>), problems::SignedIn))]
pub async fn list_tokens(
    Viewer(caller): Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let user = user_id(&caller.sub)?;
    let mut conn = state.db.acquire().await?;
    let tokens = db::personal_tokens::list(&mut conn, user).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(tokens))
}

/// Revoke a personal access token (its owner, or an admin): it exchanges no
/// more, and every service refuses what was exchanged for it within seconds.
/// Revoking twice is harmless.
#[utoipa::path(delete, path = "/api/admin/tokens/{id}", tag = "tokens",
    params(("id" = Uuid, Path, description = "the token's id")), security(("bearer" = [])),
    responses(
    (status = 204, description = "revoked"),
    problems::SignedIn, problems::NotFound,
))]
pub async fn revoke_token(
    Viewer(caller): Viewer,
    id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mut tx = state.db.begin().await?;
    let locked = db::personal_tokens::lock(&mut tx, id).await?;
    // Someone else's token does not exist for the caller.
    let Some((owner, revoked)) =
        locked.filter(|(owner, _)| caller.role == Role::Admin || caller.sub == owner.to_string())
    else {
        return Err(ApiError::NotFound("no such token".to_owned()));
    };
    if !revoked {
        db::personal_tokens::revoke(&mut tx, id).await?;
        db::revocations::record(&mut tx, id, db::revocations::ALL).await?;
        audit(
            &mut tx,
            &caller.sub,
            "token.revoked",
            ("token", id.to_string()),
            serde_json::json!({"owner": owner}),
        )
        .await?;
    }
    tx.commit().await?;
    state.verifier.revoke(&id.to_string(), db::revocations::ALL);
    Ok(HttpResponse::NoContent().finish())
}

fn invalid_token() -> ApiError {
    ApiError::Unauthenticated("the personal access token is invalid, expired or revoked".to_owned())
}

/// Exchange a personal access token for an access token of 15 minutes that
/// carries its scopes, with the user's role as it is now. Only the routes
/// that check a scope accept it: publishing, yanking and hiding extensions
/// (`publish:…`), sharing and deleting layouts (`layouts:write`), and the
/// statistics (`stats:read`).
#[utoipa::path(post, path = "/api/admin/auth/token", tag = "tokens", request_body = TokenExchange,
    responses(
    (status = 200, body = ExchangedToken),
    problems::JsonBody, problems::Unauthorized,
))]
pub async fn exchange(
    body: Json<TokenExchange>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !body
        .token
        .starts_with(crate::identity::PERSONAL_TOKEN_PREFIX)
    {
        return Err(invalid_token());
    }
    let mut conn = state.db.acquire().await?;
    let presented = db::personal_tokens::spend(&mut conn, &token_digest(&body.token))
        .await?
        .ok_or_else(invalid_token)?;
    let subject = Subject {
        id: presented.user_id,
        role: presented.role,
        email: &presented.email,
        version: presented.token_version,
    };
    let access_token = state
        .identity
        .personal_token(&subject, presented.id, presented.scopes.clone())
        .map_err(ApiError::Internal)?;
    Ok(ExchangedToken::answer(
        access_token,
        state.identity.access_ttl,
        presented.scopes,
    ))
}
