//! The public JSON of the catalog, the contract clients read. The catalog
//! renders these once per change, not once per request.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// An extension as listed: its latest version's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionSummary {
    /// `publisher.name`.
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub publisher: String,
    /// An administrator marked the publisher's namespace verified.
    pub publisher_verified: bool,
    pub description: Option<String>,
    /// The latest version that is not yanked (a pre-release only if there is
    /// no release); null when every version is yanked.
    pub version: Option<String>,
    pub keywords: Vec<String>,
    pub license: Option<String>,
    pub homepage: Option<String>,
    /// Downloads of every version.
    pub downloads: i64,
    pub sha256: Option<String>,
    pub size: Option<i64>,
    pub featured: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Absolute URL of the latest version's `.foxe`.
    pub download_url: Option<String>,
    /// What clients cope with but show poorly (e.g. no `displayName`);
    /// empty for most.
    pub warnings: Vec<sora_common::error::FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    pub version: String,
    pub sha256: String,
    pub size: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    pub yanked: bool,
    pub downloads: i64,
    pub download_url: String,
    /// The publisher's signature of the package, if it was signed.
    pub signature: Option<Signature>,
    /// Published by trusted publishing: the repository, commit and workflow
    /// run that built it, as the CI's OIDC issuer vouched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<sora_common::auth::Provenance>,
}

/// An Ed25519 signature of a package's SHA-256 digest (base64), and the id
/// of the key (`GET /api/publishers/{publisher}/keys`) that made it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Signature {
    pub key_id: String,
    pub signature: String,
}

/// One extension with every version, newest first (semver order).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionDetails {
    #[serde(flatten)]
    pub summary: ExtensionSummary,
    pub hidden: bool,
    pub versions: Vec<VersionInfo>,
}

/// One entry of the Foxglove extension-marketplace index.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketplaceEntry {
    pub id: String,
    pub name: String,
    pub description: String,
    pub publisher: String,
    /// Sora's own field (loaders ignore what they do not know): an
    /// administrator marked the publisher's namespace verified.
    #[serde(rename = "publisherVerified")]
    pub publisher_verified: bool,
    /// Sora's own: the publisher's signature of the latest version (base64
    /// Ed25519 of its SHA-256 digest), and the id of the key that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(rename = "signedBy", skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    pub homepage: String,
    pub readme: String,
    pub changelog: String,
    pub license: String,
    pub version: String,
    pub sha256sum: String,
    pub foxe: String,
    pub keywords: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LayoutSummary {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// Panel types the layout places, e.g. `3D`, `Plot`.
    pub panels: Vec<String>,
    /// Topics its panels reference.
    pub topics: Vec<String>,
    pub downloads: i64,
    pub sha256: String,
    pub size: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Absolute URL of the layout document.
    pub download_url: String,
}

/// Where a version's `.foxe` is downloaded.
pub fn version_url(base: &str, id: &str, version: &str) -> String {
    format!("{base}/api/extensions/{id}/versions/{version}/download")
}

pub fn layout_url(base: &str, id: Uuid) -> String {
    format!("{base}/api/layouts/{id}/download")
}
