//! The recommendation API (DESIGN.md §6): recommendations from features
//! sent as JSON or read from an MCAP file (or its tail) streamed in the
//! body, and what the model has learned.

use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::error::{FieldError, Problem};
use sora_common::events::types::{ContentKind, ItemRef};
use sora_common::extract::{Json, Query, content_length, media_type};
use sora_common::features::McapFeatures;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use sora_common::auth::MaybeAuthenticated;
use sora_common::privacy::ClientIp;

use crate::db::model::Served;
use crate::domain::ask::{self, Ask};
use crate::domain::recording::{NotRecording, RecordingReader};
use crate::state::AppState;

/// Bytes handed to the MCAP reader at once (off the request's thread).
const FEED_BYTES: usize = 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/recommendations").post(recommend))
        .service(web::resource("/api/recommendations/from-mcap").post(from_mcap))
        .service(web::resource("/api/recommendations/model").get(model));
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

/// Options of `from-mcap`, in the query string.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FromMcapQuery {
    /// Comma-separated kinds: `layout`, `extension`.
    pub kinds: Option<String>,
    pub limit: Option<usize>,
    /// Comma-separated extension ids the user already has.
    pub installed_extensions: Option<String>,
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

/// Recommendations for a recording's features. Anonymous; a bearer token,
/// when sent, must be valid (an expired or revoked one is refused, never
/// taken as anonymous).
#[utoipa::path(post, path = "/api/recommendations", tag = "recommendations",
    request_body(content = RecommendRequest, content_type = "application/json"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, body = Recommendations),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
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
        &state.settings.ranking,
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

#[utoipa::path(post, path = "/api/recommendations/from-mcap", tag = "recommendations",
    params(FromMcapQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "an MCAP file, or its end: the summary section and the footer"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, body = Recommendations, description = "with the features read"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json",
            description = "not an MCAP file, or a damaged one"),
        (status = 429, body = Problem, content_type = "application/problem+json",
            description = "too many requests from this client", headers(("retry-after" = u64))),
        (status = 503, body = Problem, content_type = "application/problem+json",
            description = "too many recordings being decompressed at once: retry"),
    ))]
pub async fn from_mcap(
    _caller: MaybeAuthenticated,
    req: HttpRequest,
    client: ClientIp,
    query: Query<FromMcapQuery>,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if let Some(limiter) = &state.mcap_limiter {
        limiter
            .check(&client_hash(&client))
            .map_err(|refused| ApiError::RateLimited {
                retry_after_secs: refused.retry_after_secs(),
            })?;
    }
    let query = query.into_inner();
    if !matches!(
        media_type(&req).as_deref(),
        Some("application/octet-stream" | "application/x-mcap")
    ) {
        return Err(ApiError::UnsupportedMediaType(
            "expected Content-Type: application/octet-stream".to_owned(),
        ));
    }
    let mut errors = Vec::new();
    let kinds = query
        .kinds
        .as_deref()
        .map(|text| ask::kinds_of(text, &mut errors));
    let installed = query
        .installed_extensions
        .as_deref()
        .map(ask::list_of)
        .unwrap_or_default();
    let ask = Ask::check(
        &state.settings.ranking,
        kinds,
        query.limit,
        installed,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::InvalidParameters(errors));
    }

    let max = state.settings.upload.max_bytes;
    let too_large = || ApiError::PayloadTooLarge(format!("the body is larger than {max} bytes"));
    let declared = content_length(&req);
    if declared.is_some_and(|length| length > max) {
        return Err(too_large());
    }
    let mut reader =
        RecordingReader::new(state.settings.upload.max_record_bytes, state.budget.clone());
    // Sized by what is coming: a tail is a few KiB, and a fresh 1 MiB
    // buffer per request would only feed the allocator's dirty pages.
    let expected = declared.map_or(64 * 1024, |length| length.min(FEED_BYTES as u64) as usize);
    let mut pending: Vec<u8> = Vec::with_capacity(expected);
    let mut total: u64 = 0;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::BadRequest("could not read the request body".to_owned()))?;
        total += chunk.len() as u64;
        if total > max {
            return Err(too_large());
        }
        pending.extend_from_slice(&chunk);
        if pending.len() >= FEED_BYTES {
            (reader, pending) = feed(reader, pending).await?;
        }
    }
    let features = web::block(move || {
        reader.feed(&pending)?;
        reader.finish()
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(not_recording)?;
    let mut answer = answer(&state, &features, &ask).await;
    answer.features = Some(features);
    Ok(HttpResponse::Ok().json(answer))
}

/// Hands `bytes` to the reader on a blocking thread (decompressing a chunk
/// is work), and gives both back.
async fn feed(
    mut reader: RecordingReader,
    mut bytes: Vec<u8>,
) -> Result<(RecordingReader, Vec<u8>), ApiError> {
    web::block(move || {
        reader.feed(&bytes)?;
        bytes.clear();
        Ok((reader, bytes))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(not_recording)
}

fn not_recording(why: NotRecording) -> ApiError {
    match why {
        NotRecording::Busy => ApiError::Unavailable(why.to_string()),
        _ => ApiError::Validation(vec![FieldError::new("body", why.to_string())]),
    }
}

/// The key a client is rate-limited by: its address, hashed with a key of
/// this process (kept in memory only, never stored).
fn client_hash(client: &ClientIp) -> u64 {
    use std::hash::BuildHasher;
    static KEY: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    KEY.get_or_init(Default::default).hash_one(client.key())
}

/// Ranks, hands what was served to the writer, and answers.
async fn answer(state: &AppState, features: &McapFeatures, ask: &Ask) -> Recommendations {
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
