//! `GET /api/recommendations/model`: what the model has learned.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::state::AppState;

/// What the model has learned.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelInfo {
    pub model_version: String,
    /// Feedback events received.
    pub events_seen: i64,
    /// Feedback events that moved a weight.
    pub events_learned: i64,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_update: Option<OffsetDateTime>,
    /// Feature tokens with learned weights.
    pub tokens_learned: usize,
    pub layouts_indexed: usize,
    pub extensions_indexed: usize,
}

#[utoipa::path(get, path = "/api/recommendations/model", tag = "recommendations",
    responses((status = 200, body = ModelInfo)))]
pub async fn model(state: web::Data<AppState>) -> HttpResponse {
    let snapshot = state.model.current();
    let (layouts, extensions) = snapshot.catalog.counts();
    HttpResponse::Ok().json(ModelInfo {
        model_version: snapshot.model_version(),
        events_seen: snapshot.counters.events_seen,
        events_learned: snapshot.counters.events_learned,
        last_update: snapshot.counters.last_update,
        tokens_learned: snapshot.learned.tokens(),
        layouts_indexed: layouts,
        extensions_indexed: extensions,
    })
}
