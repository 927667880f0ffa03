//! recommendation's own settings: what an upload may be, how learning moves
//! the ranking, and where the catalog is backfilled from.

use serde::Deserialize;
use sora_common::config::{Check, ServiceSettings};

use crate::domain::rank::Blend;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendationSettings {
    #[serde(default)]
    pub upload: UploadSettings,
    #[serde(default)]
    pub ranking: RankingSettings,
    #[serde(default)]
    pub learning: LearningSettings,
    #[serde(default)]
    pub catalog: CatalogSettings,
}

/// `POST /api/recommendations/from-mcap`: the body is read as it arrives
/// and never held whole, so the limit bounds time, not memory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UploadSettings {
    /// Largest body (`SORA_UPLOAD__MAX_BYTES`).
    pub max_bytes: u64,
    /// Largest single record, a chunk once decompressed: what one request
    /// may hold in memory.
    pub max_record_bytes: usize,
    /// Memory all requests together may decompress chunks into at once
    /// (chunks with message indexes are never decompressed).
    pub memory_budget_bytes: u64,
    /// How long a request waits for its share of the budget before 503.
    pub budget_wait_ms: u64,
    /// Requests per minute from one client (its address; behind trusted
    /// proxies, the hop they saw), in bursts of as many. 0: no limit.
    pub per_client_per_minute: u32,
}

impl Default for UploadSettings {
    fn default() -> Self {
        Self {
            max_bytes: 2 * 1024 * 1024 * 1024,
            max_record_bytes: 64 * 1024 * 1024,
            memory_budget_bytes: 256 * 1024 * 1024,
            budget_wait_ms: 10_000,
            per_client_per_minute: 60,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RankingSettings {
    /// Items per answer when the request does not say.
    pub default_limit: usize,
    /// Most items per answer.
    pub max_limit: usize,
    /// Most learning adds to or takes from a content score (0 turns
    /// learning off in the ranking; feedback is still learned from).
    pub max_bonus: f32,
    /// Feedback a token needs before it says half of what it can.
    pub prior: f32,
    /// Learned weights halve in this many days without new feedback.
    pub half_life_days: f32,
    /// How often each replica reads what changed (catalog and weights).
    pub refresh_ms: u64,
}

impl Default for RankingSettings {
    fn default() -> Self {
        let blend = Blend::default();
        Self {
            default_limit: 10,
            max_limit: 50,
            max_bonus: blend.max_bonus,
            prior: blend.prior,
            half_life_days: blend.half_life_days,
            refresh_ms: 1000,
        }
    }
}

impl RankingSettings {
    /// (default, most) items per answer.
    pub fn limits(&self) -> (usize, usize) {
        (self.default_limit, self.max_limit)
    }

    pub fn blend(&self) -> Blend {
        Blend {
            max_bonus: self.max_bonus,
            prior: self.prior,
            half_life_days: self.half_life_days,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LearningSettings {
    /// How far one install may move one item per day, in units of one
    /// acceptance (1 = an install's acceptances count once a day per item).
    pub max_daily_influence: f64,
    /// How far all installs behind one client address together may move one
    /// item per day, in the same units: 5 lets a lab of five behind one
    /// address count in full, and caps a script making up install ids.
    pub max_daily_influence_per_client: f64,
    /// Days a served recommendation is kept for attribution.
    pub served_retention_days: u32,
}

impl Default for LearningSettings {
    fn default() -> Self {
        Self {
            max_daily_influence: 1.0,
            max_daily_influence_per_client: 5.0,
            served_retention_days: 90,
        }
    }
}

/// The catalog backfill from file-server's public API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogSettings {
    /// file-server's base URL (`SORA_CATALOG__FILE_SERVER_URL`); empty
    /// turns the backfill off (the events alone keep the index).
    pub file_server_url: String,
    /// How often the index is compared with file-server's catalog.
    pub check_interval_secs: u64,
    /// Timeout of one request to file-server.
    pub timeout_ms: u64,
}

impl Default for CatalogSettings {
    fn default() -> Self {
        Self {
            file_server_url: "http://127.0.0.1:3000".to_owned(),
            check_interval_secs: 60,
            timeout_ms: 5000,
        }
    }
}

impl ServiceSettings for RecommendationSettings {
    fn validate(&self, check: &mut Check<'_>) {
        let upload = &mut check.section("upload");
        if self.upload.max_bytes == 0 {
            upload.bad("max_bytes", "must be positive");
        }
        if !(64 * 1024..=1024 * 1024 * 1024).contains(&self.upload.max_record_bytes) {
            upload.bad("max_record_bytes", "must be 64 KiB to 1 GiB");
        }
        if self.upload.memory_budget_bytes < self.upload.max_record_bytes as u64 {
            upload.bad(
                "memory_budget_bytes",
                "must be at least upload.max_record_bytes, or the largest chunk never fits",
            );
        }
        let ranking = &mut check.section("ranking");
        if !(1..=1000).contains(&self.ranking.max_limit) {
            ranking.bad("max_limit", "must be 1 to 1000");
        }
        if !(1..=self.ranking.max_limit).contains(&self.ranking.default_limit) {
            ranking.bad("default_limit", "must be 1 to max_limit");
        }
        if !(0.0..=10.0).contains(&self.ranking.max_bonus) {
            ranking.bad("max_bonus", "must be 0 to 10");
        }
        if self.ranking.prior.is_nan() || self.ranking.prior <= 0.0 {
            ranking.bad("prior", "must be positive");
        }
        if self.ranking.half_life_days.is_nan() || self.ranking.half_life_days <= 0.0 {
            ranking.bad("half_life_days", "must be positive");
        }
        if !(50..=60_000).contains(&self.ranking.refresh_ms) {
            ranking.bad("refresh_ms", "must be 50 to 60000");
        }
        let learning = &mut check.section("learning");
        if self.learning.max_daily_influence.is_nan() || self.learning.max_daily_influence <= 0.0 {
            learning.bad("max_daily_influence", "must be positive");
        }
        let per_client = self.learning.max_daily_influence_per_client;
        if per_client.is_nan() || per_client < self.learning.max_daily_influence {
            learning.bad(
                "max_daily_influence_per_client",
                "must be at least learning.max_daily_influence",
            );
        }
        if self.learning.served_retention_days == 0 {
            learning.bad("served_retention_days", "must be positive");
        }
        let catalog = &mut check.section("catalog");
        catalog.http_url("file_server_url", &self.catalog.file_server_url, true);
        if self.catalog.check_interval_secs == 0 {
            catalog.bad("check_interval_secs", "must be positive");
        }
        if self.catalog.timeout_ms == 0 {
            catalog.bad("timeout_ms", "must be positive");
        }
    }
}
