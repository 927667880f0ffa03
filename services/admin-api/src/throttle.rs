//! Throttling of failed logins, after OWASP's advice on lockout: slow an
//! attacker down without letting them lock the owner out.
//!
//! Failures are counted per account *and client* (the pair), per client
//! (the hashed address, across accounts) and per account (across clients),
//! each forgotten [`WINDOW`] after its last failure. Past a count's free
//! failures each further one doubles the wait before the next try, up to
//! [`MAX_DELAY`]:
//! - a pair past [`PAIR_FREE`] failures waits: guessing one account's
//!   password from one address becomes a crawl;
//! - a client past [`CLIENT_FREE`] failures waits, for every account:
//!   spraying one password over many accounts from one address, too;
//! - an account past [`ACCOUNT_FREE`] failures (a guessing run spread over
//!   many addresses) makes every client that has failed against it wait;
//!   a client that has not (the owner) signs in as ever.
//!
//! A success forgets its pair's failures. In memory, per replica: with N
//! replicas an attacker gets N times the free failures, and each try costs
//! an Argon2 hash on top.

use std::time::{Duration, Instant};

use aws_lc_rs::hmac;
use base64::Engine;

/// Failures of one account from one client before each next one waits.
pub const PAIR_FREE: u32 = 5;
/// Failures of one client, over all accounts, before each next one waits.
pub const CLIENT_FREE: u32 = 20;
/// Failures of one account, over all clients, before the clients that failed
/// against it wait.
pub const ACCOUNT_FREE: u32 = 50;
/// A count is forgotten this long after its last failure.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest wait: the back-off is bounded.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// How long from now until the next try, past `free` failures: one
    /// second for the first failure over, doubling, at most [`MAX_DELAY`].
    fn wait(&self, free: u32) -> Option<Duration> {
        let over = self.count.checked_sub(free).filter(|over| *over > 0)?;
        let delay = Duration::from_secs(1u64 << (over - 1).min(20)).min(MAX_DELAY);
        (self.last + delay).checked_duration_since(Instant::now())
    }
}

type Counts = moka::sync::Cache<String, Failures>;

pub struct LoginThrottle {
    pairs: Counts,
    clients: Counts,
    accounts: Counts,
    salt: hmac::Key,
}

impl LoginThrottle {
    pub fn new(ip_salt: &str) -> Self {
        let counts = || {
            moka::sync::Cache::builder()
                .time_to_idle(WINDOW)
                .max_capacity(200_000)
                .build()
        };
        Self {
            pairs: counts(),
            clients: counts(),
            accounts: counts(),
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

    /// Seconds until `client` may try `account` again, if it must wait.
    pub fn retry_after(&self, account: &str, client: &str) -> Option<u64> {
        let pair = self.pairs.get(&pair_key(account, client));
        let account_wait = pair.and(
            self.accounts
                .get(account)
                .and_then(|f| f.wait(ACCOUNT_FREE)),
        );
        let wait = [
            pair.and_then(|f| f.wait(PAIR_FREE)),
            self.clients.get(client).and_then(|f| f.wait(CLIENT_FREE)),
            account_wait,
        ]
        .into_iter()
        .flatten()
        .max()?;
        Some(wait.as_secs_f64().ceil().max(1.0) as u64)
    }

    /// Counts a failed login of `client` on `account`.
    pub fn record_failure(&self, account: &str, client: &str) {
        let now = Instant::now();
        for (counts, key) in [
            (&self.pairs, pair_key(account, client)),
            (&self.clients, client.to_owned()),
            (&self.accounts, account.to_owned()),
        ] {
            counts.entry(key).and_upsert_with(|found| Failures {
                count: found.map_or(0, |f| f.into_value().count).saturating_add(1),
                last: now,
            });
        }
    }

    /// A successful login forgets its pair's failures.
    pub fn record_success(&self, account: &str, client: &str) {
        self.pairs.invalidate(&pair_key(account, client));
    }
}

fn pair_key(account: &str, client: &str) -> String {
    format!("{client}|{account}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_owner_signs_in_while_an_attacker_waits_a_bounded_time() {
        let throttle = LoginThrottle::new("salt");
        for _ in 0..200 {
            throttle.record_failure("admin@x", "attacker");
        }
        let wait = throttle.retry_after("admin@x", "attacker").unwrap();
        assert!(wait <= MAX_DELAY.as_secs(), "{wait}");
        assert!(wait > 60, "{wait}");
        assert_eq!(throttle.retry_after("admin@x", "owner"), None);
        // Another account from the attacker's address waits too (spraying).
        assert!(throttle.retry_after("other@x", "attacker").is_some());
    }

    #[test]
    fn a_few_failures_cost_nothing_and_a_success_forgets_them() {
        let throttle = LoginThrottle::new("salt");
        for _ in 0..PAIR_FREE {
            throttle.record_failure("a@x", "c");
        }
        assert_eq!(throttle.retry_after("a@x", "c"), None);
        throttle.record_failure("a@x", "c");
        assert_eq!(throttle.retry_after("a@x", "c"), Some(1));
        throttle.record_success("a@x", "c");
        assert_eq!(throttle.retry_after("a@x", "c"), None);
    }

    #[test]
    fn a_spread_out_run_slows_only_the_clients_that_took_part() {
        let throttle = LoginThrottle::new("salt");
        for n in 0..=ACCOUNT_FREE {
            throttle.record_failure("a@x", &format!("bot-{n}"));
        }
        assert!(throttle.retry_after("a@x", "bot-3").is_some());
        assert_eq!(throttle.retry_after("a@x", "owner"), None);
    }
}
