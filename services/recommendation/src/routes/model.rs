//! `GET /api/recommendations/model`: what the model has learned, and its
//! online acceptance per ranking version.

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
    /// How what was served in the last 30 days fared, per ranking version;
    /// null when the database cannot be read.
    pub online: Option<Vec<OnlineAcceptance>>,
}

/// Answers served with items, and the share with an item accepted: at any
/// rank, at rank 1, within the first 3 and the first 5 (the online twin of
/// the offline evaluation's hit@k).
#[derive(Debug, Serialize, ToSchema)]
pub struct OnlineAcceptance {
    /// The ranking's version (`content-1`), without the learned counter.
    pub ranking: String,
    pub served: i64,
    pub accepted: i64,
    /// Null when nothing was served.
    pub acceptance_rate: Option<f64>,
    pub acceptance_at_1: Option<f64>,
    pub acceptance_at_3: Option<f64>,
    pub acceptance_at_5: Option<f64>,
}

/// Days of online acceptance the model's answer covers.
const ONLINE_DAYS: i64 = 30;

async fn online(state: &AppState) -> anyhow::Result<Vec<OnlineAcceptance>> {
    let first = OffsetDateTime::now_utc().date() - time::Duration::days(ONLINE_DAYS - 1);
    let mut conn = state.db.acquire().await?;
    let rows = crate::db::model::online_acceptance(&mut conn, first).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let share = |n: i64| (row.served > 0).then(|| n as f64 / row.served as f64);
            OnlineAcceptance {
                acceptance_rate: share(row.accepted),
                acceptance_at_1: share(row.at_1),
                acceptance_at_3: share(row.at_3),
                acceptance_at_5: share(row.at_5),
                ranking: row.ranking,
                served: row.served,
                accepted: row.accepted,
            }
        })
        .collect())
}

/// What the model has learned, and how what it served fared.
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
        online: online(&state)
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "online acceptance not read"))
            .ok(),
    })
}
