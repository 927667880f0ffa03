//! Lichtblick's remote API, under `/api/lichtblick` (the prefix its
//! `API_URL` carries): a team's shared layouts, its organisation's
//! extensions and sessions, as Lichtblick's `LayoutsAPI`, `ExtensionsAPI`
//! and `SessionAPI` call them.
//!
//! What the client needs, and Sora's other routes do not do: every JSON
//! answer is the envelope `{data, timestamp, path}` (errors stay
//! problem+json; the client reads only their status); no 204s (it parses
//! every body); GETs end in a bare `?`, which is harmless. The client sends no
//! token: a browser on the gateway's origin sends the `sora_access` cookie of
//! its Sora session ([`BrowserCaller`]); a bearer token works too. A write
//! authenticated by the cookie must carry `Api-Version` (the client always
//! does): a header a cross-site page cannot add without a CORS preflight,
//! which other origins fail, so the cookie cannot be used to forge writes.

pub mod extensions;
pub mod layouts;
pub mod sessions;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use sora_common::ApiError;
use sora_common::auth::BrowserCaller;
use sora_common::extract::JsonLimit;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db;
use crate::domain::workspace::{Access, MemberRole, iso_ms, now_ms};

pub const PREFIX: &str = "/api/lichtblick";

/// The header Lichtblick sends with every request.
pub const API_VERSION: &str = "api-version";

pub fn configure(cfg: &mut web::ServiceConfig, max_layout_bytes: usize) {
    cfg.service(
        web::scope(PREFIX)
            // A layout document, plus room for its name and the envelope.
            .app_data(JsonLimit(max_layout_bytes + 64 * 1024))
            .configure(layouts::configure)
            .configure(extensions::configure)
            .configure(sessions::configure),
    );
}

/// `{data, timestamp, path}`, as the client unwraps every JSON answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Envelope<T> {
    pub data: T,
    /// When the answer was made (ISO 8601, milliseconds, UTC).
    pub timestamp: String,
    /// The request's path.
    pub path: String,
}

pub fn envelope(req: &HttpRequest, status: StatusCode, data: impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("cache-control", "no-store"))
        .json(Envelope {
            data,
            timestamp: iso_ms(now_ms()),
            path: req.path().to_owned(),
        })
}

/// Refuses a write authenticated by the cookie alone without `Api-Version`.
pub fn check_write(req: &HttpRequest, caller: &BrowserCaller) -> Result<(), ApiError> {
    if matches!(caller, BrowserCaller::Cookie(_)) && !req.headers().contains_key(API_VERSION) {
        return Err(ApiError::Forbidden(
            "writes authenticated by the session cookie must carry the Api-Version header"
                .to_owned(),
        ));
    }
    Ok(())
}

/// The caller as `workspace` sees them; 404 when there is no such workspace.
pub async fn access(
    conn: &mut PgConnection,
    workspace: &str,
    caller: &BrowserCaller,
) -> Result<Access, ApiError> {
    Ok(workspace_access(conn, workspace, caller).await?.0)
}

/// [`access`], and the workspace's chosen default layout.
pub async fn workspace_access(
    conn: &mut PgConnection,
    workspace: &str,
    caller: &BrowserCaller,
) -> Result<(Access, Option<Uuid>), ApiError> {
    let (access, found) = found_access(conn, workspace, caller).await?;
    Ok((access, found.default_layout))
}

/// Whether the caller may upload and remove the workspace's extensions
/// (its `extension_uploaders` setting), with [`access`].
pub async fn extension_access(
    conn: &mut PgConnection,
    workspace: &str,
    caller: &BrowserCaller,
) -> Result<(Access, bool), ApiError> {
    let (access, found) = found_access(conn, workspace, caller).await?;
    let uploaders = MemberRole::parse(&found.extension_uploaders).unwrap_or(MemberRole::Owner);
    let may = access.may_upload_extensions(uploaders);
    Ok((access, may))
}

async fn found_access(
    conn: &mut PgConnection,
    workspace: &str,
    caller: &BrowserCaller,
) -> Result<(Access, db::workspaces::WorkspaceAccess), ApiError> {
    let claims = caller.claims_in(workspace)?;
    let found = db::workspaces::access(conn, workspace, claims.map(|c| c.sub.as_str()))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("there is no workspace `{workspace}`")))?;
    let access = Access::new(
        claims,
        found.role.as_deref().and_then(MemberRole::parse),
        found.anonymous_read,
    );
    Ok((access, found))
}

/// Why `access` may not do something: sign in first (401) or not allowed (403).
pub fn refused(access: &Access, what: &str) -> ApiError {
    if access.user.is_none() {
        ApiError::Unauthenticated(format!("sign in to {what}"))
    } else {
        ApiError::Forbidden(format!(
            "your role in this workspace does not allow you to {what}"
        ))
    }
}

/// `id` as a UUID, or 404 naming `what`.
pub fn uuid_of(id: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound(format!("there is no {what} `{id}`")))
}
