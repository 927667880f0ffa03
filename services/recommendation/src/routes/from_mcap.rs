//! `POST /api/recommendations/from-mcap`: an MCAP file (or its tail) read as
//! it streams in, within the shared memory budget and the per-client limit.

use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;
use sora_common::ApiError;
use sora_common::auth::MaybeAuthenticated;
use sora_common::error::{FieldError, Problem};
use sora_common::extract::Query;
use sora_common::privacy::ClientIp;
use sora_common::problems;

use super::{Recommendations, answer};
use crate::domain::ask::{self, Ask};
use crate::domain::recording::{NotRecording, RecordingReader};
use crate::state::AppState;

/// Bytes handed to the MCAP reader at once (off the request's thread).
const FEED_BYTES: usize = 1024 * 1024;

/// Options of `from-mcap`, in the query string.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FromMcapQuery {
    /// Comma-separated kinds: `layout`, `extension`.
    pub kinds: Option<String>,
    pub limit: Option<usize>,
    /// Comma-separated extension ids the user already has.
    pub installed_extensions: Option<String>,
}

#[utoipa::path(post, path = "/api/recommendations/from-mcap", tag = "recommendations",
    params(FromMcapQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "an MCAP file, or its end: the summary section and the footer"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, body = Recommendations, description = "with the features read"),
        problems::BadRequest, problems::Unauthorized, problems::PayloadTooLarge,
        problems::UnsupportedMediaType,
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
    let max = state.settings.upload.max_bytes;
    let too_large = || ApiError::PayloadTooLarge(format!("the body is larger than {max} bytes"));
    // Streamed, never held whole: the checks the body reader makes first.
    let declared = sora_common::body::check_head(
        &req,
        &["application/octet-stream", "application/x-mcap"],
        max,
    )?;
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
        state.settings.ranking.limits(),
        kinds,
        query.limit,
        installed,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::InvalidParameters(errors));
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
