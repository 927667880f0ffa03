//! The marketplace's HTTP routes, a module per resource, each registering
//! itself; and what they share: JSON answers, pages, and reading a body.

pub mod downloads;
pub mod extensions;
pub mod layouts;
pub mod lichtblick;
pub mod marketplace;
pub mod publishers;
pub mod workspaces;

use actix_web::{HttpResponse, web};
use bytes::{Bytes, BytesMut};
use sora_common::ApiError;
use sora_common::page::Paging;

pub fn configure(cfg: &mut web::ServiceConfig, max_layout_bytes: usize) {
    // marketplace.json first: it would also parse as an extension id.
    marketplace::configure(cfg);
    extensions::configure(cfg);
    publishers::configure(cfg);
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
