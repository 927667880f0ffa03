//! Throttling of failed logins, per account and per hashed client address.
//! In memory, per replica: with N replicas an attacker gets at most N times
//! the budget, which still turns a password-guessing run into a crawl.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_lc_rs::hmac;
use base64::Engine;

/// Failures tolerated in a window before the key is locked out.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub failures: u32,
    pub window: Duration,
    pub lockout: Duration,
}

pub const PER_ACCOUNT: Limit = Limit {
    failures: 5,
    window: Duration::from_secs(15 * 60),
    lockout: Duration::from_secs(60),
};

pub const PER_CLIENT: Limit = Limit {
    failures: 20,
    window: Duration::from_secs(15 * 60),
    lockout: Duration::from_secs(60),
};

#[derive(Debug)]
struct Entry {
    failures: u32,
    window_start: Instant,
    locked_until: Option<Instant>,
}

pub struct LoginThrottle {
    entries: Mutex<HashMap<String, Entry>>,
    salt: hmac::Key,
}

impl LoginThrottle {
    pub fn new(ip_salt: &str) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            salt: hmac::Key::new(hmac::HMAC_SHA256, ip_salt.as_bytes()),
        }
    }

    /// The client address as stored: an HMAC keyed by the salt and the day,
    /// so it cannot be reversed and does not link clients across days.
    pub fn client_key(&self, ip: &str) -> String {
        let day = time::OffsetDateTime::now_utc().date();
        let tag = hmac::sign(&self.salt, format!("{day}|{ip}").as_bytes());
        format!(
            "client:{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag.as_ref()[..16])
        )
    }

    /// Seconds until `key` may try again, if it is locked out.
    pub fn retry_after(&self, key: &str) -> Option<u64> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let until = entries.get(key)?.locked_until?;
        let left = until.checked_duration_since(Instant::now())?;
        Some(left.as_secs().max(1))
    }

    pub fn record_failure(&self, key: &str, limit: Limit) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // Keep memory bounded: forget entries whose window and lockout are over.
        if entries.len() > 100_000 {
            entries.retain(|_, e| {
                now.duration_since(e.window_start) < limit.window
                    || e.locked_until.is_some_and(|u| u > now)
            });
        }
        let entry = entries.entry(key.to_owned()).or_insert(Entry {
            failures: 0,
            window_start: now,
            locked_until: None,
        });
        if now.duration_since(entry.window_start) > limit.window {
            entry.failures = 0;
            entry.window_start = now;
        }
        entry.failures += 1;
        if entry.failures >= limit.failures {
            entry.locked_until = Some(now + limit.lockout);
            entry.failures = 0;
            entry.window_start = now;
        }
    }

    pub fn record_success(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}
