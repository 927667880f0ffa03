//! The marketplace's HTTP routes, a module per resource, each registering
//! itself; and what they share: JSON answers, pages, and reading a body.

pub mod downloads;
pub mod extensions;
pub mod layouts;
pub mod lichtblick;
pub mod marketplace;
pub mod workspaces;

use actix_web::{HttpRequest, HttpResponse, web};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use sora_common::ApiError;
use sora_common::error::FieldError;
use sora_common::page::Paging;

pub fn configure(cfg: &mut web::ServiceConfig, max_layout_bytes: usize) {
    // marketplace.json first: it would also parse as an extension id.
    marketplace::configure(cfg);
    extensions::configure(cfg);
    downloads::configure(cfg);
    layouts::configure(cfg);
    workspaces::configure(cfg);
    lichtblick::configure(cfg, max_layout_bytes);
}

/// A JSON answer whose bytes are already rendered.
pub fn json_bytes(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

/// `{items, total, page, per_page}` from items already rendered as JSON:
/// the same text `sora_common::page::Page` serialises to.
pub fn page_json<'a>(items: impl Iterator<Item = &'a Bytes>, total: i64, paging: Paging) -> Bytes {
    let mut body = BytesMut::with_capacity(4096);
    body.extend_from_slice(b"{\"items\":[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            body.extend_from_slice(b",");
        }
        body.extend_from_slice(item);
    }
    body.extend_from_slice(
        format!(
            "],\"total\":{total},\"page\":{},\"per_page\":{}}}",
            paging.page, paging.per_page
        )
        .as_bytes(),
    );
    body.freeze()
}

/// Reads a raw body of one of `content_types`, refusing it with 415, or with
/// 413 as soon as it is known to be larger than `limit` (from
/// `Content-Length`, or while it arrives); an empty body is 422 on `field`.
pub async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    content_types: &[&str],
    limit: u64,
    field: &str,
) -> Result<Bytes, ApiError> {
    let content_type = sora_common::extract::media_type(req);
    if !content_type
        .as_deref()
        .is_some_and(|t| content_types.contains(&t))
    {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send the body as {}",
            content_types.join(" or ")
        )));
    }
    let too_large = || ApiError::PayloadTooLarge(format!("the body is larger than {limit} bytes"));
    let declared = sora_common::extract::content_length(req);
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0).min(limit) as usize);
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    if body.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            "the body is empty",
        )]));
    }
    Ok(body.freeze())
}

/// Records an action in the audit log (`sora.admin.action.v1`, in the
/// caller's transaction): what the catalog's own events do not already say.
pub async fn audit(
    conn: &mut sqlx::PgConnection,
    state: &crate::state::AppState,
    actor: &str,
    action: &str,
    target: (&str, String),
    details: serde_json::Value,
) -> Result<(), ApiError> {
    sora_common::events::outbox::audit(conn, state.service, actor, action, target, details).await
}
