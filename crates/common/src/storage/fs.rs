//! The filesystem backend: one file per object under a root folder, written
//! to a temporary file, flushed to disk and renamed into place, so a reader
//! never sees a partial object, even after a crash.

use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use super::{ByteStream, ObjectStore, check_key};

/// Chunk size of a streamed read.
const CHUNK: usize = 512 * 1024;

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
        let opened = tokio::task::spawn_blocking(move || {
            let mut file = std::fs::File::open(&path)?;
            if range.start > 0 {
                file.seek(SeekFrom::Start(range.start))?;
            }
            Ok::<_, std::io::Error>(file)
        })
        .await?;
        let file = match opened {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let length = range.end.saturating_sub(range.start);
        Ok(Some(chunks(file, length).boxed()))
    }
}

/// `length` bytes of `file` from its current position, a chunk per blocking
/// read. Each chunk is read straight into the buffer that is sent (tokio's
/// own file type would copy it once more through an internal buffer).
fn chunks(file: std::fs::File, length: u64) -> impl Stream<Item = std::io::Result<Bytes>> {
    futures_util::stream::try_unfold((file, length), |(mut file, remaining)| async move {
        if remaining == 0 {
            return Ok(None);
        }
        let want = remaining.min(CHUNK as u64);
        let (file, chunk) = tokio::task::spawn_blocking(move || {
            let mut chunk = Vec::with_capacity(want as usize);
            (&mut file).take(want).read_to_end(&mut chunk)?;
            Ok::<_, std::io::Error>((file, chunk))
        })
        .await
        .map_err(std::io::Error::other)??;
        if chunk.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the stored object is shorter than recorded",
            ));
        }
        let read = chunk.len() as u64;
        Ok(Some((Bytes::from(chunk), (file, remaining - read))))
    })
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
        let path = self.path(key);
        Box::pin(async move {
            match tokio::fs::remove_file(path?).await {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.into()),
                _ => Ok(()),
            }
        })
    }

    fn presigned_url(
        &self,
        _key: &str,
        _ttl: std::time::Duration,
    ) -> BoxFuture<'_, anyhow::Result<Option<String>>> {
        Box::pin(async { Ok(None) })
    }

    fn public_key(&self, _key: &str) -> Option<String> {
        None
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
