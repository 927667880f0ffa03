//! `GET /api/extensions/marketplace.json`: the whole catalog in the Foxglove
//! extension-marketplace format, rendered once per change.

use actix_web::{HttpResponse, web};

use super::json_bytes;
use crate::catalog::views::MarketplaceEntry;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/extensions/marketplace.json").get(marketplace_index));
}

/// The whole catalog in the Foxglove extension-marketplace format, for
/// Foxglove Studio and Lichtblick.
#[utoipa::path(get, path = "/api/extensions/marketplace.json", tag = "extensions", responses(
    (status = 200, body = Vec<MarketplaceEntry>),
))]
pub async fn marketplace_index(state: web::Data<AppState>) -> HttpResponse {
    json_bytes(state.catalog.snapshot().marketplace_json())
}
