//! What recommendation's handlers share.

use std::sync::Arc;

use crate::config::RecommendationSettings;
use crate::jobs::served::ServedLog;
use crate::model::Model;

pub struct AppState {
    pub model: Arc<Model>,
    pub served: ServedLog,
    pub settings: RecommendationSettings,
}
