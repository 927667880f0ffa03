//! Throttling of failed logins, per account and per hashed client address.
//! Each failure takes from a budget (`governor`, refilled over the window);
//! the failure that empties it locks the key out for a while, right password
//! or not. In memory, per replica: with N replicas an attacker gets at most N
//! times the budget, which still turns a password-guessing run into a crawl.

use std::time::{Duration, Instant};

use aws_lc_rs::hmac;
use base64::Engine;
use sora_common::ratelimit::KeyedLimiter;

/// Failures tolerated per window before the key is locked out.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub failures: u32,
    pub window: Duration,
}

pub const PER_ACCOUNT: Limit = Limit {
    failures: 5,
    window: Duration::from_secs(15 * 60),
};

pub const PER_CLIENT: Limit = Limit {
    failures: 20,
    window: Duration::from_secs(15 * 60),
};

/// How long an emptied budget locks its key out.
pub const LOCKOUT: Duration = Duration::from_secs(60);

pub struct LoginThrottle {
    accounts: KeyedLimiter<String>,
    clients: KeyedLimiter<String>,
    /// Key → locked until.
    lockouts: moka::sync::Cache<String, Instant>,
    salt: hmac::Key,
}

/// Whose failure it was.
#[derive(Debug, Clone, Copy)]
pub enum Who {
    Account,
    Client,
}

impl LoginThrottle {
    pub fn new(ip_salt: &str) -> Self {
        let limiter = |limit: Limit| {
            KeyedLimiter::new(limit.failures, limit.window)
                .unwrap_or_else(|| unreachable!("the limits are positive constants"))
        };
        Self {
            accounts: limiter(PER_ACCOUNT),
            clients: limiter(PER_CLIENT),
            lockouts: moka::sync::Cache::builder()
                .time_to_live(LOCKOUT)
                .max_capacity(100_000)
                .build(),
            salt: hmac::Key::new(hmac::HMAC_SHA256, ip_salt.as_bytes()),
        }
    }

    /// The client address as kept: an HMAC keyed by the salt and the day, so
    /// it cannot be reversed and does not link clients across days.
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
        let until = self.lockouts.get(key)?;
        let left = until.checked_duration_since(Instant::now())?;
        Some(left.as_secs().max(1))
    }

    /// Counts a failure of `key`; the one that empties its budget locks it out.
    pub fn record_failure(&self, key: &str, who: Who) {
        let limiter = match who {
            Who::Account => &self.accounts,
            Who::Client => &self.clients,
        };
        let key = key.to_owned();
        let emptied = limiter
            .check(&key)
            .map_or(true, |allowed| allowed.remaining == 0);
        if emptied {
            self.lockouts.insert(key, Instant::now() + LOCKOUT);
        }
    }
}
