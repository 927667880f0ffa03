//! `GET /api/extensions/marketplace.json`: the whole catalog in the Foxglove
//! extension-marketplace format, rendered once per change.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::extensions::publish::{SIGNATURE_HEADER, SIGNING_KEY_HEADER};
use super::json_bytes;
use crate::catalog::views::MarketplaceEntry;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/extensions/marketplace.json").get(marketplace_index))
        .service(web::resource("/api/extensions/marketplace-keys.json").get(index_keys));
}

/// The key that signs `marketplace.json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexKey {
    /// The first 16 hex digits of the SHA-256 of the raw key.
    pub id: String,
    /// The raw 32-byte Ed25519 public key, base64.
    pub public_key: String,
}

/// The whole catalog in the Foxglove extension-marketplace format, for
/// Foxglove Studio and Lichtblick. Signed by the server: `X-Sora-Signature`
/// is the Ed25519 signature (base64) of the body's SHA-256 digest, by the
/// key `X-Sora-Signing-Key` names (`marketplace-keys.json`).
#[utoipa::path(get, path = "/api/extensions/marketplace.json", tag = "extensions", responses(
    (status = 200, body = Vec<MarketplaceEntry>, headers(
        ("x-sora-signature" = String, description = "base64 Ed25519 signature of the body's SHA-256 digest"),
        ("x-sora-signing-key" = String, description = "the id of the key in marketplace-keys.json"),
    )),
))]
pub async fn marketplace_index(state: web::Data<AppState>) -> HttpResponse {
    let snapshot = state.catalog.snapshot();
    let mut response = json_bytes(snapshot.marketplace_json());
    let headers = response.headers_mut();
    let (key_id, _) = state.catalog.index_key();
    for (name, value) in [
        (
            SIGNATURE_HEADER,
            snapshot.marketplace_signature().to_owned(),
        ),
        (SIGNING_KEY_HEADER, key_id),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    response
}

/// The keys the server signs `marketplace.json` with (one today; a list so
/// that a rotation can serve the old and the new one for a while).
#[utoipa::path(get, path = "/api/extensions/marketplace-keys.json", tag = "extensions", responses(
    (status = 200, body = Vec<IndexKey>),
))]
pub async fn index_keys(state: web::Data<AppState>) -> HttpResponse {
    let (id, public_key) = state.catalog.index_key();
    HttpResponse::Ok().json([IndexKey { id, public_key }])
}
