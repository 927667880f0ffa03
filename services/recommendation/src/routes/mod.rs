//! The recommendation API (DESIGN.md §6): recommendations from features
//! sent as JSON or read from an MCAP file (or its tail) streamed in the
//! body, and what the model has learned.

pub mod from_mcap;
pub mod model;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::MaybeAuthenticated;
use sora_common::events::types::{ContentKind, ItemRef};
use sora_common::extract::Json;
use sora_common::features::McapFeatures;
use sora_common::problems;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::model::Served;
use crate::domain::ask::Ask;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/recommendations").post(recommend))
        .service(web::resource("/api/recommendations/from-mcap").post(from_mcap::from_mcap))
        .service(web::resource("/api/recommendations/model").get(model::model));
}

/// What to recommend for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendRequest {
    /// The recording's features, as a client reads them from its summary.
    pub mcap: McapFeatures,
    /// Extensions the user already has: never recommended (at most 1,000).
    #[serde(default)]
    pub installed_extensions: Vec<String>,
    /// Which kinds of items; both when absent.
    #[serde(default)]
    #[schema(inline)]
    pub kinds: Option<Vec<ContentKind>>,
    /// Items wanted (default 10, at most 50).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// Recommendations, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Recommendations {
    /// Quote it in feedback about these recommendations.
    pub recommendation_id: Uuid,
    pub model_version: String,
    pub items: Vec<RecommendedItem>,
    /// The features read from the file (`from-mcap` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<McapFeatures>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendedItem {
    #[schema(inline)]
    pub kind: ContentKind,
    pub id: String,
    /// The extension's latest version (none for layouts).
    pub version: Option<String>,
    pub name: String,
    /// Higher is better; comparable within one answer.
    pub score: f32,
    /// Why, in words: the topics and schemas it matched.
    pub reasons: Vec<String>,
}

/// Recommendations for a recording's features. Anonymous; a bearer token,
/// when sent, must be valid (an expired or revoked one is refused, never
/// taken as anonymous).
#[utoipa::path(post, path = "/api/recommendations", tag = "recommendations",
    request_body(content = RecommendRequest, content_type = "application/json"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, body = Recommendations),
        problems::JsonBody, problems::Unauthorized,
    ))]
pub async fn recommend(
    _caller: MaybeAuthenticated,
    body: Json<RecommendRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    body.mcap.check("mcap", &mut errors);
    let ask = Ask::check(
        state.settings.ranking.limits(),
        body.kinds,
        body.limit,
        body.installed_extensions,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let answer = answer(&state, &body.mcap, &ask).await;
    Ok(HttpResponse::Ok().json(answer))
}

/// Ranks, hands what was served to the writer, and answers.
pub(super) async fn answer(
    state: &AppState,
    features: &McapFeatures,
    ask: &Ask,
) -> Recommendations {
    let snapshot = state.model.current();
    let catalog = &snapshot.catalog;
    let recording = catalog.recording(features);
    let wanted = catalog.wanted(&ask.kinds, ask.installed.iter().map(String::as_str));
    let ranked = catalog.rank(&recording, &snapshot.learned, ask.limit, &wanted);
    let model_version = snapshot.model_version();
    let items: Vec<RecommendedItem> = ranked
        .into_iter()
        .map(|r| {
            let item = catalog.item(r.item);
            RecommendedItem {
                kind: item.kind,
                id: item.id.clone(),
                version: item.version.clone(),
                name: item.name.clone(),
                score: (r.score * 10_000.0).round() / 10_000.0,
                reasons: r.reasons,
            }
        })
        .collect();
    let served = Served {
        recommendation_id: Uuid::now_v7(),
        model_version: model_version.clone(),
        tokens: recording.tokens(),
        items: items
            .iter()
            .map(|i| format!("{}:{}", i.kind.as_str(), i.id))
            .collect(),
    };
    let recommendation_id = served.recommendation_id;
    let refs = items
        .iter()
        .map(|i| ItemRef {
            kind: i.kind,
            id: i.id.clone(),
            version: i.version.clone(),
        })
        .collect();
    state.served.record(served, refs).await;
    Recommendations {
        recommendation_id,
        model_version,
        items,
        features: None,
    }
}
