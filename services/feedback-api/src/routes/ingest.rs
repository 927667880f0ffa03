//! `POST /api/feedback`: one event or a batch, checked whole (one bad event
//! refuses the request and stores nothing), made anonymous, then written by
//! the group-commit writers; `202` only once committed.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::body::BodyRules;
use sora_common::error::Problem;
use sora_common::extract::parse_json;
use sora_common::privacy::ClientIp;
use sora_common::problems;
use sora_common::ratelimit::{Allowed, Refused};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::domain::event::{self, EventIn};
use crate::jobs::writer::Failure;
use crate::state::AppState;

/// What `POST /api/feedback` answers.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Accepted {
    /// Events stored by this request.
    pub accepted: usize,
    /// Events already stored (retries): acknowledged, not stored again.
    pub duplicates: usize,
}

// The two forms of the body, for the OpenAPI document only: both are read as
// `EventIn`, the real input type, which the document's events are made from.
/// One event, or a batch of 1 to 100.
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum FeedbackBody {
    One(Box<EventIn>),
    Batch(FeedbackBatch),
}

/// Up to 100 events, stored all or none.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct FeedbackBatch {
    #[schema(min_items = 1, max_items = 100)]
    events: Vec<EventIn>,
}

/// Submit anonymized feedback: one event or `{events: [...]}` (1–100). The
/// body may be gzip-compressed (`Content-Encoding: gzip`); its limit (1 MiB)
/// applies after decompression. Rate-limited per client.
#[utoipa::path(post, path = "/api/feedback", tag = "feedback",
    request_body(content = FeedbackBody, content_type = "application/json"),
    responses(
        (status = 202, body = Accepted, description = "stored (or already stored)",
            headers(("x-ratelimit-limit" = u32), ("x-ratelimit-remaining" = u32))),
        problems::JsonBody,
        (status = 429, body = Problem, content_type = "application/problem+json",
            headers(("retry-after" = u64))),
        (status = 503, body = Problem, content_type = "application/problem+json",
            headers(("retry-after" = u64))),
    ))]
pub async fn submit(
    req: HttpRequest,
    client: ClientIp,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let mut limit = None;
    let result = accept(&req, client, payload, &state, &mut limit).await;
    let mut response = match result {
        Ok(accepted) => HttpResponse::Accepted().json(accepted),
        Err(error) => error.error_response(),
    };
    if let Some((burst, remaining)) = limit {
        let headers = response.headers_mut();
        headers.insert(
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderValue::from(burst),
        );
        headers.insert(
            HeaderName::from_static("x-ratelimit-remaining"),
            HeaderValue::from(remaining),
        );
    }
    response
}

async fn accept(
    req: &HttpRequest,
    client: ClientIp,
    payload: web::Payload,
    state: &AppState,
    limit: &mut Option<(u32, u32)>,
) -> Result<Accepted, ApiError> {
    let day_key = state.day_key().await?;
    let client_hash = day_key.client(&client.key());
    if let Some(limiter) = &state.limiter {
        let burst = state.settings.rate_limit.burst;
        match limiter.check(&client_hash) {
            Ok(Allowed { remaining }) => *limit = Some((burst, remaining)),
            Err(refused @ Refused { .. }) => {
                *limit = Some((burst, 0));
                return Err(ApiError::RateLimited {
                    retry_after_secs: refused.retry_after_secs(),
                });
            }
        }
    }
    let rules = BodyRules {
        media_types: &["application/json"],
        limit: state.settings.ingest.max_body_bytes as u64,
        gzip: true,
        required: None,
    };
    let body = sora_common::body::read(req, payload, &rules).await?;
    let parsed: EventIn = parse_json(&body)?;
    let now = OffsetDateTime::now_utc();
    let events = event::validate(parsed, now, &state.limits()).map_err(ApiError::Validation)?;
    let rows = events
        .into_iter()
        .map(|event| state.to_store(event, client_hash, now))
        .collect::<Result<Vec<_>, _>>()?;
    match state.writer.write(rows).await {
        Ok(written) => Ok(Accepted {
            accepted: written.accepted,
            duplicates: written.duplicates,
        }),
        Err(Failure::Unavailable) => Err(ApiError::Unavailable(
            "the feedback could not be stored now; nothing was kept, try again".to_owned(),
        )),
        Err(Failure::Failed) => Err(ApiError::internal(anyhow::anyhow!(
            "the feedback could not be stored"
        ))),
    }
}
