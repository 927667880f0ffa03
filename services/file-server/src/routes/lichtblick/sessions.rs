//! Sessions: recordings a team opens together. Lichtblick opened with
//! `?session=<id>` reads `GET session/{id}` and opens each MCAP by its URL;
//! a writer of a workspace creates one (Sora's addition).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sora_common::ApiError;
use sora_common::auth::BrowserCaller;
use sora_common::error::FieldError;
use sora_common::extract::Json;
use sora_common::problems;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Envelope, access, check_write, envelope, refused};
use crate::db;
use crate::db::workspaces::TeamSession;
use crate::domain::workspace::{iso_ms, now_ms};
use crate::routes::audit;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/session/{id}").get(get_session))
        .service(web::resource("/workspaces/{workspace}/sessions").post(create_session));
}

const MAX_MCAPS: usize = 100;
const MAX_URL_CHARS: usize = 2048;
const MAX_METADATA_BYTES: usize = 16 * 1024;

/// One recording of a session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionMcap {
    /// Where the client reads it (http or https).
    pub url: String,
    /// Anything the client shows or uses; `topics` (strings) also tells
    /// `default_data` what the recording holds.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub metadata: Value,
}

/// What `GET session/{id}` answers (`SessionResponse`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionData {
    pub mcaps: Vec<SessionMcap>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSession {
    pub mcaps: Vec<SessionMcap>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedSession {
    pub id: Uuid,
    pub workspace: String,
    pub mcaps: Vec<SessionMcap>,
    pub created_at: String,
}

/// The topics a session's recordings list in `metadata.topics`.
pub fn topics_of(mcaps: &Value) -> Vec<String> {
    mcaps
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["metadata"]["topics"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn check(mcaps: &[SessionMcap]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if mcaps.is_empty() || mcaps.len() > MAX_MCAPS {
        errors.push(FieldError::new(
            "mcaps",
            format!("must list 1 to {MAX_MCAPS} recordings"),
        ));
    }
    for (n, mcap) in mcaps.iter().enumerate() {
        let url = mcap.url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.chars().count() > MAX_URL_CHARS
        {
            errors.push(FieldError::new(
                format!("mcaps[{n}].url"),
                format!("must be an http(s) URL of at most {MAX_URL_CHARS} characters"),
            ));
        }
        if !(mcap.metadata.is_object() || mcap.metadata.is_null())
            || mcap.metadata.to_string().len() > MAX_METADATA_BYTES
        {
            errors.push(FieldError::new(
                format!("mcaps[{n}].metadata"),
                format!("must be an object of at most {MAX_METADATA_BYTES} bytes"),
            ));
        }
    }
    errors
}

/// The recordings of a session (readers of its workspace).
#[utoipa::path(get, path = "/api/lichtblick/session/{id}", tag = "lichtblick",
    params(("id" = Uuid, Path)), security((), ("bearer" = []), ("cookie" = [])), responses(
        (status = 200, body = Envelope<SessionData>),
        problems::BadRequest, problems::SignedIn, problems::NotFound,
    ))]
pub async fn get_session(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let session = db::workspaces::session(&mut conn, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no session `{id}`")))?;
    let access = access(&mut conn, &session.workspace, &caller).await?;
    if !access.may_read() {
        return Err(refused(&access, "read this workspace"));
    }
    let mcaps = serde_json::from_value(session.mcaps).map_err(ApiError::internal)?;
    Ok(envelope(&req, StatusCode::OK, SessionData { mcaps }))
}

/// Creates a session of recordings (writers of the workspace).
#[utoipa::path(post, path = "/api/lichtblick/workspaces/{workspace}/sessions", tag = "lichtblick",
    params(("workspace" = String, Path)), request_body = NewSession,
    security(("bearer" = []), ("cookie" = [])), responses(
        (status = 201, body = Envelope<CreatedSession>),
        problems::JsonBody, problems::SignedIn, problems::NotFound,
    ))]
pub async fn create_session(
    caller: BrowserCaller,
    req: HttpRequest,
    path: web::Path<String>,
    body: Json<NewSession>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_write(&req, &caller)?;
    let mut mcaps = body.into_inner().mcaps;
    let errors = check(&mcaps);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    for mcap in &mut mcaps {
        if mcap.metadata.is_null() {
            mcap.metadata = Value::Object(serde_json::Map::new());
        }
        mcap.url = mcap.url.trim().to_owned();
    }
    let mut tx = state.db.begin().await?;
    let access = access(&mut tx, &path, &caller).await?;
    if !access.may_write() {
        return Err(refused(&access, "create sessions here"));
    }
    let session = TeamSession {
        id: Uuid::new_v4(),
        workspace: path.into_inner(),
        mcaps: serde_json::to_value(&mcaps).map_err(ApiError::internal)?,
        created_by: access.user.clone().unwrap_or_default(),
        created_at: now_ms(),
    };
    db::workspaces::insert_session(&mut tx, &session).await?;
    audit(
        &mut tx,
        &state,
        &session.created_by,
        "workspace.session_created",
        ("session", session.id.to_string()),
        serde_json::json!({"workspace": session.workspace, "recordings": mcaps.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(envelope(
        &req,
        StatusCode::CREATED,
        CreatedSession {
            id: session.id,
            workspace: session.workspace,
            mcaps,
            created_at: iso_ms(session.created_at),
        },
    ))
}
