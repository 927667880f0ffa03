//! Small caches of what public reads compute (rendered catalog pages and
//! marketplace.json, version look-ups of downloads). Entries live `ttl` and
//! are dropped at once when this replica changes the catalog; another
//! replica's change shows after `ttl`. Download counts in a cached page are at
//! most `ttl` old.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;

/// Distinct queries kept; when full, the cache starts over.
const MAX_ENTRIES: usize = 1024;

pub struct TtlCache<V> {
    ttl: Duration,
    generation: AtomicU64,
    entries: RwLock<HashMap<String, Entry<V>>>,
}

/// Rendered responses.
pub type ResponseCache = TtlCache<Bytes>;

struct Entry<V> {
    stored: Instant,
    generation: u64,
    value: V,
}

impl<V: Clone> TtlCache<V> {
    /// A zero `ttl` disables caching.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            generation: AtomicU64::new(0),
            entries: RwLock::default(),
        }
    }

    pub fn get(&self, key: &str) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(key)?;
        (entry.generation == self.generation.load(Ordering::Acquire)
            && entry.stored.elapsed() < self.ttl)
            .then(|| entry.value.clone())
    }

    /// Stores `value` unless the catalog changed since `generation` was read.
    pub fn put(&self, key: String, generation: u64, value: V) {
        if self.ttl.is_zero() || generation != self.generation() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                stored: Instant::now(),
                generation,
                value,
            },
        );
    }

    /// The catalog's version as this replica knows it; read before querying.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets every entry: call after any change to the catalog.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn entries_expire_and_are_invalidated() {
        let cache = ResponseCache::new(Duration::from_millis(50));
        let generation = cache.generation();
        cache.put("a".into(), generation, Bytes::from_static(b"1"));
        assert_eq!(cache.get("a").as_deref(), Some(&b"1"[..]));
        cache.invalidate();
        assert_eq!(cache.get("a"), None);
        // A response computed before the change is not stored after it.
        cache.put("a".into(), generation, Bytes::from_static(b"stale"));
        assert_eq!(cache.get("a"), None);
        cache.put("b".into(), cache.generation(), Bytes::from_static(b"2"));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("b"), None);
        let off = ResponseCache::new(Duration::ZERO);
        off.put("a".into(), off.generation(), Bytes::from_static(b"1"));
        assert_eq!(off.get("a"), None);
    }
}
