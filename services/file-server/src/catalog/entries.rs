//! The catalog's items, built from the database's rows: everything a read
//! needs, its search words, and its public JSON already rendered.

use bytes::Bytes;
use time::OffsetDateTime;
use uuid::Uuid;

use super::views::{
    ExtensionDetails, ExtensionSummary, LayoutSummary, MarketplaceEntry, Signature, VersionInfo,
    layout_url, version_url,
};
use crate::db::extensions::{ExtensionRow, VersionRow};
use crate::db::layouts::LayoutRow;
use crate::domain::ids::{ExtensionId, Version};
use crate::domain::listing::Listed;
use crate::domain::search::{SearchWords, Weight};

/// A stored file: where it is and what it is.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub storage_key: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug)]
pub struct VersionEntry {
    pub version: Version,
    pub file: StoredFile,
    pub published_at: OffsetDateTime,
    pub yanked: bool,
    pub downloads: i64,
    pub has_readme: bool,
    pub has_changelog: bool,
    pub signature: Option<Signature>,
    /// Held for review: invisible to the catalog until released.
    pub held: bool,
    pub provenance: Option<sora_common::auth::Provenance>,
}

#[derive(Debug)]
pub struct ExtensionEntry {
    pub row: ExtensionRow,
    pub id: ExtensionId,
    /// Newest first, in semver order.
    pub versions: Vec<VersionEntry>,
    search: SearchWords,
    sort_name: String,
    /// The public JSON of the summary and of the details.
    pub summary_json: Bytes,
    pub details_json: Bytes,
}

impl ExtensionEntry {
    /// `None` for a row whose id or versions no longer parse (never written
    /// by this server; skipped rather than served wrong).
    pub fn build(row: ExtensionRow, versions: Vec<VersionRow>, base: &str) -> Option<Self> {
        let id = ExtensionId::try_from(row.id.clone()).ok()?;
        let mut versions: Vec<VersionEntry> = versions
            .into_iter()
            .filter_map(|v| {
                Some(VersionEntry {
                    version: Version::try_from(v.version).ok()?,
                    file: StoredFile {
                        storage_key: v.storage_key,
                        sha256: v.sha256,
                        size: u64::try_from(v.size).ok()?,
                    },
                    published_at: v.published_at,
                    yanked: v.yanked,
                    downloads: v.downloads,
                    has_readme: v.has_readme,
                    has_changelog: v.has_changelog,
                    signature: v
                        .signature
                        .zip(v.signed_by)
                        .map(|(signature, key_id)| Signature { key_id, signature }),
                    held: v.held,
                    provenance: v.provenance.and_then(|p| serde_json::from_value(p).ok()),
                })
            })
            .collect();
        versions.sort_by(|a, b| b.version.cmp(&a.version));
        let mut search = SearchWords::default();
        for text in [&row.name, &row.publisher, &row.id]
            .into_iter()
            .chain(row.display_name.as_ref())
            .chain(row.keywords.iter())
        {
            search.add(text, Weight::Primary);
        }
        if let Some(description) = &row.description {
            search.add(description, Weight::Secondary);
        }
        let sort_name = row
            .display_name
            .as_deref()
            .unwrap_or(&row.name)
            .to_lowercase();
        let mut entry = Self {
            row,
            id,
            versions,
            search,
            sort_name,
            summary_json: Bytes::new(),
            details_json: Bytes::new(),
        };
        entry.summary_json = Bytes::from(serde_json::to_vec(&entry.summary(base)).ok()?);
        entry.details_json = Bytes::from(serde_json::to_vec(&entry.details(base)).ok()?);
        Some(entry)
    }

    /// In lists and the marketplace index: not hidden, with a version left.
    pub fn listed(&self) -> bool {
        !self.row.hidden && self.latest().is_some()
    }

    pub fn latest(&self) -> Option<&VersionEntry> {
        let latest = self.row.latest_version.as_deref()?;
        self.version(latest)
    }

    /// A version anyone may see and download (not held for review).
    pub fn version(&self, version: &str) -> Option<&VersionEntry> {
        self.versions
            .iter()
            .find(|v| !v.held && v.version.to_string() == version)
    }

    pub fn summary(&self, base: &str) -> ExtensionSummary {
        let row = &self.row;
        let latest = self.latest();
        ExtensionSummary {
            id: row.id.clone(),
            name: row.name.clone(),
            display_name: row.display_name.clone(),
            publisher: row.publisher.clone(),
            publisher_verified: row.publisher_verified,
            description: row.description.clone(),
            version: latest.map(|v| v.version.to_string()),
            keywords: row.keywords.clone(),
            license: row.license.clone(),
            homepage: row.homepage.clone(),
            downloads: row.downloads,
            sha256: latest.map(|v| v.file.sha256.clone()),
            size: latest.and_then(|v| i64::try_from(v.file.size).ok()),
            featured: row.featured,
            updated_at: row.updated_at,
            download_url: latest.map(|v| version_url(base, &row.id, &v.version.to_string())),
            warnings: crate::domain::package::warnings(row.display_name.as_deref()),
        }
    }

    pub fn details(&self, base: &str) -> ExtensionDetails {
        ExtensionDetails {
            summary: self.summary(base),
            hidden: self.row.hidden,
            versions: self
                .versions
                .iter()
                .filter(|v| !v.held)
                .map(|v| {
                    let version = v.version.to_string();
                    VersionInfo {
                        download_url: version_url(base, &self.row.id, &version),
                        version,
                        sha256: v.file.sha256.clone(),
                        size: i64::try_from(v.file.size).unwrap_or(i64::MAX),
                        published_at: v.published_at,
                        yanked: v.yanked,
                        downloads: v.downloads,
                        signature: v.signature.clone(),
                        provenance: v.provenance.clone(),
                    }
                })
                .collect(),
        }
    }

    pub fn marketplace_entry(&self, base: &str) -> Option<MarketplaceEntry> {
        let row = &self.row;
        let latest = self.latest()?;
        let version = latest.version.to_string();
        Some(MarketplaceEntry {
            readme: format!("{base}/api/extensions/{}/readme?version={version}", row.id),
            changelog: format!(
                "{base}/api/extensions/{}/changelog?version={version}",
                row.id
            ),
            foxe: version_url(base, &row.id, &version),
            name: row.display_name.clone().unwrap_or_else(|| row.name.clone()),
            description: row.description.clone().unwrap_or_default(),
            publisher: row.publisher.clone(),
            publisher_verified: row.publisher_verified,
            signature: latest.signature.as_ref().map(|s| s.signature.clone()),
            signed_by: latest.signature.as_ref().map(|s| s.key_id.clone()),
            homepage: row.homepage.clone().unwrap_or_default(),
            license: row.license.clone().unwrap_or_default(),
            sha256sum: latest.file.sha256.clone(),
            keywords: row.keywords.clone(),
            version,
            id: row.id.clone(),
        })
    }
}

impl Listed for ExtensionEntry {
    fn search_words(&self) -> &SearchWords {
        &self.search
    }
    fn downloads(&self) -> i64 {
        self.row.downloads
    }
    fn updated_at(&self) -> OffsetDateTime {
        self.row.updated_at
    }
    fn sort_name(&self) -> &str {
        &self.sort_name
    }
    fn key(&self) -> &str {
        &self.row.id
    }
}

#[derive(Debug)]
pub struct LayoutEntry {
    pub row: LayoutRow,
    pub file: StoredFile,
    key: String,
    search: SearchWords,
    sort_name: String,
    pub summary_json: Bytes,
}

impl LayoutEntry {
    pub fn build(row: LayoutRow, base: &str) -> Option<Self> {
        let mut search = SearchWords::default();
        for text in std::iter::once(&row.name)
            .chain(row.tags.iter())
            .chain(row.panels.iter())
            .chain(row.topics.iter())
        {
            search.add(text, Weight::Primary);
        }
        search.add(&row.description, Weight::Secondary);
        let file = StoredFile {
            storage_key: row.storage_key.clone(),
            sha256: row.sha256.clone(),
            size: u64::try_from(row.size).ok()?,
        };
        let mut entry = Self {
            key: row.id.to_string(),
            sort_name: row.name.to_lowercase(),
            file,
            search,
            row,
            summary_json: Bytes::new(),
        };
        entry.summary_json = Bytes::from(serde_json::to_vec(&entry.summary(base)).ok()?);
        Some(entry)
    }

    pub fn id(&self) -> Uuid {
        self.row.id
    }

    pub fn summary(&self, base: &str) -> LayoutSummary {
        let row = &self.row;
        LayoutSummary {
            id: row.id,
            name: row.name.clone(),
            description: row.description.clone(),
            tags: row.tags.clone(),
            panels: row.panels.clone(),
            topics: row.topics.clone(),
            downloads: row.downloads,
            sha256: row.sha256.clone(),
            size: row.size,
            created_at: row.created_at,
            updated_at: row.updated_at,
            download_url: layout_url(base, row.id),
        }
    }
}

impl Listed for LayoutEntry {
    fn search_words(&self) -> &SearchWords {
        &self.search
    }
    fn downloads(&self) -> i64 {
        self.row.downloads
    }
    fn updated_at(&self) -> OffsetDateTime {
        self.row.updated_at
    }
    fn sort_name(&self) -> &str {
        &self.sort_name
    }
    fn key(&self) -> &str {
        &self.key
    }
}
