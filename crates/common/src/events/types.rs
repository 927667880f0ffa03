//! The payload of every event type, versioned in its type name.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::features::McapFeatures;

/// A payload that travels in an [`super::Envelope`] under a fixed type name.
pub trait EventPayload: Serialize + DeserializeOwned + ToSchema {
    /// `sora.<subject>.<verb>.v<N>`: a breaking change makes a new version.
    const TYPE: &'static str;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContentKind {
    Extension,
    Layout,
}

impl ContentKind {
    /// The word used in JSON, paths and SQL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Extension => "extension",
            Self::Layout => "layout",
        }
    }

    /// The kind `word` names, if any.
    pub fn parse(word: &str) -> Option<Self> {
        [Self::Extension, Self::Layout]
            .into_iter()
            .find(|kind| kind.as_str() == word)
    }
}

/// An extension version was published (file-server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionPublished {
    /// `publisher.name`, lower-case.
    pub id: String,
    pub version: String,
    pub publisher: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub sha256: String,
    pub size: u64,
    /// Who did it: a user id, or a service name for automatic actions.
    pub actor: String,
}

impl EventPayload for ExtensionPublished {
    const TYPE: &'static str = "sora.extension.published.v1";
}

/// A layout was published (file-server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LayoutPublished {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// Panel types, the part of a panel id before `!`.
    pub panels: Vec<String>,
    /// Topics referenced by the panel configs.
    pub topics: Vec<String>,
    /// Who did it: a user id, or a service name for automatic actions.
    pub actor: String,
}

impl EventPayload for LayoutPublished {
    const TYPE: &'static str = "sora.layout.published.v1";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RemovalReason {
    /// One version withdrawn from "latest"; still downloadable by exact version.
    Yanked,
    /// Hidden from the catalog by a moderator.
    Hidden,
    /// Deleted.
    Deleted,
}

impl RemovalReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yanked => "yanked",
            Self::Hidden => "hidden",
            Self::Deleted => "deleted",
        }
    }
}

/// Content left the catalog, wholly or one version of it (file-server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentRemoved {
    #[schema(inline)]
    pub kind: ContentKind,
    pub id: String,
    /// The version concerned, if only one.
    pub version: Option<String>,
    #[schema(inline)]
    pub reason: RemovalReason,
    /// Who did it: a user id, or a service name for automatic actions.
    pub actor: String,
}

impl EventPayload for ContentRemoved {
    const TYPE: &'static str = "sora.content.removed.v1";
}

/// Downloads of one item (one version of an extension, or a layout) on one
/// UTC day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DownloadCount {
    #[schema(inline)]
    pub kind: ContentKind,
    pub id: String,
    /// The version, for an extension.
    pub version: Option<String>,
    /// The UTC day of the downloads, `YYYY-MM-DD`.
    pub day: String,
    pub count: u64,
}

/// Files were downloaded (file-server): the counts since the previous such
/// event, batched so that a download costs no event of its own. Replaces
/// `sora.file.downloaded.v1`, which carried one download per event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilesDownloaded {
    #[schema(inline)]
    pub counts: Vec<DownloadCount>,
}

impl EventPayload for FilesDownloaded {
    const TYPE: &'static str = "sora.file.downloaded.v2";
}

/// An item a feedback event or a recommendation is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemRef {
    #[schema(inline)]
    pub kind: ContentKind,
    pub id: String,
    pub version: Option<String>,
}

/// Anonymized feedback was accepted (feedback-api): the events one commit
/// stored (any number of requests), as the recommender learns from them.
/// Carries no comment, no address and no install id: only a short keyed
/// hash of the install, so that one install's influence can be bounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSubmitted {
    pub events: Vec<SubmittedFeedback>,
}

/// One accepted feedback event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmittedFeedback {
    /// The event's id (the client's `event_id`, or one made on receipt).
    pub event_id: uuid::Uuid,
    /// e.g. `recommendation_accepted`.
    #[serde(rename = "type")]
    pub feedback_type: String,
    #[schema(inline)]
    pub item: Option<ItemRef>,
    pub recommendation_id: Option<String>,
    pub rating: Option<u8>,
    pub mcap_features: Option<McapFeatures>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: time::OffsetDateTime,
    /// The first 8 bytes of the install's keyed hash, in hex: the same for
    /// every event of one install, and not the id the client sent. Absent
    /// from events published before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install: Option<String>,
    /// The first 8 bytes of the client address's keyed hash (keyed by the
    /// day), in hex: what bounds one address's influence on learning.
    /// Absent from events published before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_hash: Option<String>,
}

impl EventPayload for FeedbackSubmitted {
    const TYPE: &'static str = "sora.feedback.submitted.v1";
}

/// Recommendations were served (recommendation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationServed {
    pub recommendation_id: String,
    pub model_version: String,
    #[schema(inline)]
    pub items: Vec<ItemRef>,
}

impl EventPayload for RecommendationServed {
    const TYPE: &'static str = "sora.recommendation.served.v1";
}

/// An administrator or editor did something worth auditing (admin-api).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminAction {
    /// Who did it: a user id, or a service name for automatic actions.
    pub actor: String,
    /// e.g. `user.created`, `user.role_changed`, `feedback.deleted`.
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    #[serde(default)]
    pub details: serde_json::Value,
}

impl EventPayload for AdminAction {
    const TYPE: &'static str = "sora.admin.action.v1";
}
