//! Object storage behind one small trait, with two real backends chosen by
//! configuration: a folder on the local filesystem and S3 (or any
//! S3-compatible server). Objects are immutable once written; callers use
//! content-addressed keys, so writing the same key twice is harmless.

mod fs;
mod s3;

use std::io;
use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

pub use fs::FsStore;
pub use s3::S3Store;

use secrecy::SecretString;
use serde::Deserialize;

use crate::checks::Check;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// A folder on the local filesystem: the embedded default.
    Filesystem,
    /// Amazon S3 or an S3-compatible server (MinIO, LocalStack, moto).
    S3,
}

/// Where stored files live: a section a service includes in its settings
/// (`storage`) when it keeps files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageSettings {
    pub backend: StorageBackend,
    /// The folder of the filesystem backend.
    pub path: String,
    pub s3: S3Settings,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self {
            backend: StorageBackend::Filesystem,
            path: "data/objects".to_owned(),
            s3: S3Settings::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct S3Settings {
    pub bucket: String,
    /// Prepended to every object key, e.g. `prod/`.
    pub prefix: String,
    /// Empty: AWS's own endpoint for the region.
    pub endpoint_url: String,
    pub region: String,
    /// Path-style URLs (`endpoint/bucket/key`), as MinIO and LocalStack need.
    pub force_path_style: bool,
    /// Empty: the AWS default credential chain (environment, profile, IRSA…).
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Create the bucket at start-up when it is missing (development).
    pub create_bucket: bool,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            bucket: "sora".to_owned(),
            prefix: String::new(),
            endpoint_url: String::new(),
            region: "us-east-1".to_owned(),
            force_path_style: false,
            access_key_id: String::new(),
            secret_access_key: SecretString::from(""),
            create_bucket: false,
        }
    }
}

impl StorageSettings {
    /// Checks the section; `check` is already inside it.
    pub fn validate(&self, check: &mut Check<'_>) {
        match self.backend {
            StorageBackend::Filesystem if self.path.is_empty() => {
                check.bad("path", "must name a folder");
            }
            StorageBackend::Filesystem => {}
            StorageBackend::S3 => {
                if self.s3.bucket.is_empty() {
                    check.section("s3").bad("bucket", "must name a bucket");
                }
                check
                    .section("s3")
                    .http_url("endpoint_url", &self.s3.endpoint_url, true);
            }
        }
    }
}

/// The object store could not be reached (a connection refused or cut, a
/// timeout, a server error): the same request may work in a moment, so the
/// client is told to retry (503 with `Retry-After`, [`crate::ApiError::storage`]).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unreachable(pub String);

/// An object's bytes, streamed in chunks.
pub type ByteStream = BoxStream<'static, io::Result<Bytes>>;

/// Where published files live.
pub trait ObjectStore: Send + Sync {
    /// Stores `data` under `key`, durably, before returning.
    fn put(&self, key: &str, data: Bytes) -> BoxFuture<'_, anyhow::Result<()>>;

    /// The bytes `range` of the object under `key`, or `None` if there is no
    /// such object. The caller knows the object's size and keeps `range` in it.
    fn get(
        &self,
        key: &str,
        range: Range<u64>,
    ) -> BoxFuture<'_, anyhow::Result<Option<ByteStream>>>;

    /// Deletes the object under `key`; deleting one that is not there is
    /// not an error.
    fn delete(&self, key: &str) -> BoxFuture<'_, anyhow::Result<()>>;

    /// A URL that serves the object for `ttl` without credentials (S3's
    /// presigned URLs); `None` when the store has no such thing.
    fn presigned_url(
        &self,
        key: &str,
        ttl: std::time::Duration,
    ) -> BoxFuture<'_, anyhow::Result<Option<String>>>;

    /// The key as the bucket knows it (with the configured prefix), for URLs
    /// of a CDN in front of it; `None` when the store has no such thing.
    fn public_key(&self, key: &str) -> Option<String>;

    /// Whether the store answers, for `/ready`.
    fn ping(&self) -> BoxFuture<'_, Result<(), String>>;
}

/// The store the settings choose, ready to use (folder or bucket created when
/// configured to).
pub async fn from_settings(settings: &StorageSettings) -> anyhow::Result<Arc<dyn ObjectStore>> {
    Ok(match settings.backend {
        StorageBackend::Filesystem => Arc::new(FsStore::open(&settings.path).await?),
        StorageBackend::S3 => Arc::new(S3Store::connect(&settings.s3).await?),
    })
}

/// Keys are made by the services, never taken from a request; this guards the
/// filesystem backend against a key that could leave its folder anyway.
fn check_key(key: &str) -> anyhow::Result<()> {
    let valid = !key.is_empty()
        && key.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        });
    anyhow::ensure!(valid, "invalid object key {key:?}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::check_key;

    #[test]
    fn keys_cannot_leave_the_store() {
        for good in ["a", "sha256/ab/abcdef", "x-1_2.foxe"] {
            assert!(check_key(good).is_ok(), "{good}");
        }
        for bad in [
            "", "/a", "a/", "a//b", "../a", "a/../b", "a/./b", "a\\b", "a b", "é",
        ] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
    }
}
