//! file-server's own settings: the marketplace's limits and policy, where
//! files are stored, and how downloads are served.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sora_common::config::{Check, ServiceSettings};
use sora_common::storage::StorageSettings;
use sora_package::Limits;
use sora_package::signing::Signer;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileServerSettings {
    #[serde(default)]
    pub marketplace: MarketplaceSettings,
    #[serde(default)]
    pub storage: StorageSettings,
    #[serde(default)]
    pub downloads: DownloadSettings,
    #[serde(default)]
    pub lichtblick: LichtblickSettings,
}

/// Lichtblick's remote API (`/api/lichtblick`): where the default layout
/// of a recording is asked for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LichtblickSettings {
    /// The recommendation service, asked for the best layout of a
    /// recording's topics; empty turns that off.
    pub recommendation_url: String,
    /// How long to wait for it before falling back to the workspace's
    /// most-used layout.
    pub recommendation_timeout_ms: u64,
    /// Most extensions one workspace holds.
    pub max_workspace_extensions: i64,
    /// Most bytes one workspace's extensions take together.
    pub max_workspace_extension_bytes: i64,
}

impl Default for LichtblickSettings {
    fn default() -> Self {
        Self {
            recommendation_url: "http://127.0.0.1:3003".to_owned(),
            recommendation_timeout_ms: 1000,
            max_workspace_extensions: 50,
            max_workspace_extension_bytes: 512 * 1024 * 1024,
        }
    }
}

/// Limits and policy of the marketplace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarketplaceSettings {
    /// Largest accepted `.foxe` body.
    pub max_upload_bytes: u64,
    /// Largest total size of a package's files once unpacked.
    pub max_uncompressed_bytes: u64,
    /// Largest ratio of an entry's unpacked size to its packed size.
    pub max_compression_ratio: u64,
    /// Most entries (files and folders) in one package.
    pub max_entries: usize,
    /// Largest layout document (the `layout` field of a publish request).
    pub max_layout_bytes: usize,
    /// Publishes (extensions and layouts) one editor may attempt per hour;
    /// 0 means unlimited. Admins are never limited.
    pub publishes_per_hour: u32,
    /// The Ed25519 key (base64 of its PKCS#8 document) that signs
    /// `marketplace.json`; its public half is served at
    /// `/api/extensions/marketplace-keys.json`. Every replica needs the same
    /// one. The default is a development key, refused in production.
    pub index_signing_key: SecretString,
    /// What a package whose pre-publish scan finds something of severity
    /// `high` (code loaded from the network, obfuscation) gets: `warn`
    /// (published, the finding shown to its publisher and to admins), `hold`
    /// (stored but not listed, downloaded or announced until an admin
    /// releases it; 202) or `refuse` (422, nothing stored).
    pub scan_policy: ScanPolicy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanPolicy {
    #[default]
    Warn,
    Hold,
    Refuse,
}

/// A development key for `marketplace.index_signing_key`: public in this
/// repository, so refused when `SORA_ENV=production`.
pub const DEV_INDEX_SIGNING_KEY: &str = "MFECAQEwBQYDK2VwBCIEID2GuoIRBvqfHOn0dQhs9h2uo5PD7mc4ZY2fkiczEbfcgSEASu4UP1BIXXeUb/eHeU/X6PpFMrcYS2Ec7ZJtO98FH48=";

impl Default for MarketplaceSettings {
    fn default() -> Self {
        Self {
            max_upload_bytes: sora_package::rules::MAX_UPLOAD_BYTES,
            max_uncompressed_bytes: Limits::DEFAULT.max_uncompressed_bytes,
            max_compression_ratio: Limits::DEFAULT.max_compression_ratio,
            max_entries: Limits::DEFAULT.max_entries,
            max_layout_bytes: 512 * 1024,
            publishes_per_hour: 60,
            index_signing_key: DEV_INDEX_SIGNING_KEY.into(),
            scan_policy: ScanPolicy::Warn,
        }
    }
}

/// How downloads are served.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DownloadSettings {
    /// Memory for the bytes of recently downloaded files, served without a
    /// read from storage; 0 turns it off.
    pub memory_cache_bytes: u64,
    /// Files larger than this are always streamed from storage.
    pub max_cached_file_bytes: u64,
    /// Bytes of files being sent from memory at once, across connections;
    /// more downloads wait their turn rather than take more memory.
    pub send_buffer_bytes: u64,
    /// S3 only: answer downloads with a redirect to a presigned URL (or to
    /// `redirect_base_url`) instead of the bytes, taking them off the service.
    pub redirect: bool,
    /// S3 only: a CDN or public bucket URL that serves the objects by key; a
    /// redirect goes to `<redirect_base_url>/<key>` instead of a presigned URL.
    pub redirect_base_url: String,
    /// Lifetime of a presigned URL, in seconds.
    pub presigned_ttl_secs: u64,
}

impl Default for DownloadSettings {
    fn default() -> Self {
        Self {
            memory_cache_bytes: 24 * 1024 * 1024,
            max_cached_file_bytes: 4 * 1024 * 1024,
            send_buffer_bytes: 32 * 1024 * 1024,
            redirect: false,
            redirect_base_url: String::new(),
            presigned_ttl_secs: 300,
        }
    }
}

impl ServiceSettings for FileServerSettings {
    fn validate(&self, check: &mut Check<'_>) {
        let mut market = check.section("marketplace");
        let m = &self.marketplace;
        if m.max_upload_bytes == 0 || m.max_uncompressed_bytes == 0 {
            market.bad("max_upload_bytes", "package size limits must be positive");
        }
        if m.max_compression_ratio < 2 {
            market.bad("max_compression_ratio", "must be at least 2");
        }
        if m.max_entries == 0 {
            market.bad("max_entries", "must be positive");
        }
        if m.max_layout_bytes == 0 {
            market.bad("max_layout_bytes", "must be positive");
        }
        if index_signer(m).is_err() {
            market.bad(
                "index_signing_key",
                "must be an Ed25519 private key: base64 of its PKCS#8 document \
                 (`sora keys generate` writes one)",
            );
        }
        market.no_dev_secret(
            "index_signing_key",
            &m.index_signing_key,
            DEV_INDEX_SIGNING_KEY,
        );
        self.storage.validate(&mut check.section("storage"));
        let mut downloads = check.section("downloads");
        if self.downloads.send_buffer_bytes < 1024 * 1024 {
            downloads.bad("send_buffer_bytes", "must be at least 1 MiB (one chunk)");
        }
        downloads.http_url("redirect_base_url", &self.downloads.redirect_base_url, true);
        if self.downloads.redirect
            && self.storage.backend != sora_common::storage::StorageBackend::S3
        {
            downloads.bad("redirect", "redirects need the S3 storage backend");
        }
        if self.downloads.presigned_ttl_secs == 0 || self.downloads.presigned_ttl_secs > 604_800 {
            downloads.bad("presigned_ttl_secs", "must be 1 to 604800 (7 days)");
        }
        let mut lichtblick = check.section("lichtblick");
        lichtblick.http_url(
            "recommendation_url",
            &self.lichtblick.recommendation_url,
            true,
        );
        if self.lichtblick.max_workspace_extensions < 1 {
            lichtblick.bad("max_workspace_extensions", "must be positive");
        }
        if self.lichtblick.max_workspace_extension_bytes < 1 {
            lichtblick.bad("max_workspace_extension_bytes", "must be positive");
        }
        if self.lichtblick.recommendation_timeout_ms == 0 {
            lichtblick.bad("recommendation_timeout_ms", "must be positive");
        }
    }
}

/// The key that signs the marketplace index.
pub fn index_signer(market: &MarketplaceSettings) -> Result<Signer, String> {
    use base64::Engine;
    let document = base64::engine::general_purpose::STANDARD
        .decode(market.index_signing_key.expose_secret().trim())
        .map_err(|_| "not base64".to_owned())?;
    Signer::from_pkcs8(&document)
}
