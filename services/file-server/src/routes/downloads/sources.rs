//! Where a download's bytes come from: memory (small, recently downloaded
//! files, kept once and handed out as shared slices), or a redirect to where
//! the bucket serves them (S3 only). Anything else streams from storage.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use sora_common::ApiError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::catalog::StoredFile;
use crate::state::AppState;

/// What the server hands the HTTP layer per turn from memory. The HTTP layer
/// copies a chunk into its write buffer and writes it in one call, so large
/// chunks mean few system calls (a 1 MiB chunk sends a 1 MiB file at almost
/// twice the rate of 128 KiB ones); the send budget bounds the memory they
/// take across connections.
const CHUNK: usize = 1024 * 1024;

/// `bytes` as a stream of slices of it (no copy), each holding its share of
/// the send budget (`budget`, in KiB) until the HTTP layer asks for the next:
/// that is, while it holds the chunk's copy. Past the budget, downloads wait
/// their turn instead of growing memory.
pub(super) fn in_chunks(
    bytes: Bytes,
    budget: Arc<Semaphore>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(
        (bytes, 0usize, None::<OwnedSemaphorePermit>),
        move |(bytes, offset, held)| {
            let budget = budget.clone();
            async move {
                drop(held);
                if offset >= bytes.len() {
                    return None;
                }
                let end = (offset + CHUNK).min(bytes.len());
                let kib = u32::try_from((end - offset).div_ceil(1024)).unwrap_or(u32::MAX);
                let permit = match budget.acquire_many_owned(kib).await {
                    Ok(permit) => permit,
                    Err(_) => {
                        return Some((
                            Err(std::io::Error::other("the server is stopping")),
                            (bytes, end, None),
                        ));
                    }
                };
                let chunk = bytes.slice(offset..end);
                Some((Ok(chunk), (bytes, end, Some(permit))))
            }
        },
    )
}

/// The whole file from memory, read from storage at most once at a time per
/// file; `None` when it is too large to keep (or the cache is off).
pub(super) async fn cached_bytes(
    state: &AppState,
    file: &StoredFile,
) -> Result<Option<Bytes>, ApiError> {
    let Some(cache) = &state.files else {
        return Ok(None);
    };
    if file.size > state.downloads.max_cached_file_bytes {
        return Ok(None);
    }
    let store = state.store.clone();
    let (key, size) = (file.storage_key.clone(), file.size);
    let bytes = cache
        .try_get_with(key.clone(), async move {
            let mut stream = store
                .get(&key, 0..size)
                .await?
                .ok_or_else(|| anyhow::anyhow!("object {key} is missing from storage"))?;
            let mut bytes = BytesMut::with_capacity(size as usize);
            while let Some(chunk) = stream.next().await {
                bytes.extend_from_slice(&chunk?);
            }
            anyhow::ensure!(
                bytes.len() as u64 == size,
                "object {key} has the wrong size"
            );
            Ok::<_, anyhow::Error>(bytes.freeze())
        })
        .await
        .map_err(|error| {
            let unreachable = error
                .downcast_ref::<sora_common::storage::Unreachable>()
                .is_some();
            let error = anyhow::anyhow!("{error:#}");
            if unreachable {
                ApiError::internal(sora_common::storage::Unreachable(error.to_string()))
            } else {
                ApiError::internal(error)
            }
        })?;
    Ok(Some(bytes))
}

/// Where a download is sent instead of being served.
pub(super) enum Redirect {
    /// A URL signed for a while.
    Presigned(String),
    /// The object's stable public URL (a CDN in front of the bucket).
    Public(String),
}

/// Where to send the client instead of serving the bytes (S3 only).
pub(super) async fn redirect_to(
    state: &AppState,
    file: &StoredFile,
) -> Result<Option<Redirect>, ApiError> {
    let base = state.downloads.redirect_base_url.trim_end_matches('/');
    if !base.is_empty() {
        return Ok(state
            .store
            .public_key(&file.storage_key)
            .map(|key| Redirect::Public(format!("{base}/{key}"))));
    }
    let ttl = Duration::from_secs(state.downloads.presigned_ttl_secs);
    let url = state
        .store
        .presigned_url(&file.storage_key, ttl)
        .await
        .map_err(ApiError::internal)?;
    Ok(url.map(Redirect::Presigned))
}
