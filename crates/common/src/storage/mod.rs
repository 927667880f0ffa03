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

use crate::config::{StorageBackend, StorageSettings};

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

    /// Removes the object; removing a missing object is not an error.
    fn delete(&self, key: &str) -> BoxFuture<'_, anyhow::Result<()>>;

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
