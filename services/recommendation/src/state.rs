//! What recommendation's handlers share.

use std::sync::Arc;

use sora_common::ratelimit::KeyedLimiter;
use sqlx::PgPool;

use crate::config::RecommendationSettings;
use crate::domain::recording::MemoryBudget;
use crate::jobs::served::ServedLog;
use crate::model::Model;

pub struct AppState {
    /// For what the model's answer reads from the database (online
    /// acceptance); recommending itself reads only memory.
    pub db: PgPool,
    pub model: Arc<Model>,
    pub served: ServedLog,
    pub settings: RecommendationSettings,
    /// Memory for decompressing chunks, shared by every `from-mcap`.
    pub budget: MemoryBudget,
    /// `from-mcap` requests per client (keyed by a hash of its address).
    pub mcap_limiter: Option<KeyedLimiter<u64>>,
}
