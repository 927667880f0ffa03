//! The filesystem backend: one file per object under a root folder, written
//! to a temporary file, flushed to disk and renamed into place, so a reader
//! never sees a partial object, even after a crash.

use std::io::SeekFrom;
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;

use super::{ByteStream, ObjectStore, check_key};

/// Chunk size of a streamed read.
const CHUNK: usize = 256 * 1024;

pub struct FsStore {
    root: PathBuf,
}

impl FsStore {
    /// Uses (and creates when missing) the folder `root`.
    pub async fn open(root: impl AsRef<Path>) -> anyhow::Result<Self> {
        let root = root.as_ref().to_path_buf();
        tokio::fs::create_dir_all(root.join(".tmp"))
            .await
            .map_err(|e| anyhow::anyhow!("cannot create storage folder {}: {e}", root.display()))?;
        Ok(Self { root })
    }

    fn path(&self, key: &str) -> anyhow::Result<PathBuf> {
        check_key(key)?;
        Ok(self.root.join(key))
    }

    async fn write(&self, key: &str, data: Bytes) -> anyhow::Result<()> {
        let path = self.path(key)?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let temp = self
            .root
            .join(".tmp")
            .join(uuid::Uuid::new_v4().simple().to_string());
        let result = async {
            let mut file = tokio::fs::File::create(&temp).await?;
            file.write_all(&data).await?;
            file.sync_all().await?;
            tokio::fs::rename(&temp, &path).await?;
            if let Some(parent) = path.parent() {
                // Makes the rename itself durable.
                tokio::fs::File::open(parent).await?.sync_all().await?;
            }
            anyhow::Ok(())
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        result
    }

    async fn read(&self, key: &str, range: Range<u64>) -> anyhow::Result<Option<ByteStream>> {
        let path = self.path(key)?;
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if range.start > 0 {
            file.seek(SeekFrom::Start(range.start)).await?;
        }
        let length = range.end.saturating_sub(range.start);
        let capacity = usize::try_from(length).unwrap_or(CHUNK).clamp(1, CHUNK);
        Ok(Some(
            ReaderStream::with_capacity(file.take(length), capacity).boxed(),
        ))
    }
}

impl ObjectStore for FsStore {
    fn put(&self, key: &str, data: Bytes) -> BoxFuture<'_, anyhow::Result<()>> {
        let key = key.to_owned();
        Box::pin(async move { self.write(&key, data).await })
    }

    fn get(
        &self,
        key: &str,
        range: Range<u64>,
    ) -> BoxFuture<'_, anyhow::Result<Option<ByteStream>>> {
        let key = key.to_owned();
        Box::pin(async move { self.read(&key, range).await })
    }

    fn delete(&self, key: &str) -> BoxFuture<'_, anyhow::Result<()>> {
        let key = key.to_owned();
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(&key)?).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            }
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            match tokio::fs::metadata(&self.root).await {
                Ok(meta) if meta.is_dir() => Ok(()),
                Ok(_) => Err("the storage path is not a folder".to_owned()),
                Err(e) => Err(format!("the storage folder is not reachable: {e}")),
            }
        })
    }
}
