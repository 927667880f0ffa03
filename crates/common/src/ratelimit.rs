//! Per-key rate limits (per editor, per account, per hashed client) on
//! `governor`'s GCRA: a burst of `burst`, refilled evenly over `period`. In
//! memory, per replica.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

/// Keys forgotten once their budget is full again are swept every this many
/// checks, so memory follows the active keys, not every key ever seen.
const SWEEP_EVERY: u32 = 4096;

/// What a check allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    /// Requests left in the burst after this one.
    pub remaining: u32,
}

/// Why a check was refused: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after: Duration,
}

impl Refused {
    /// `Retry-After` in whole seconds (at least 1).
    pub fn retry_after_secs(self) -> u64 {
        self.retry_after.as_secs_f64().ceil().max(1.0) as u64
    }
}

type Limiter<K> =
    RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

pub struct KeyedLimiter<K: Hash + Eq + Clone> {
    limiter: Limiter<K>,
    clock: DefaultClock,
    checks: AtomicU32,
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// `burst` requests at once, refilled at `burst` per `period`; `None`
    /// when `burst` is 0 (no limit).
    pub fn new(burst: u32, period: Duration) -> Option<Self> {
        let burst = NonZeroU32::new(burst)?;
        let quota = Quota::with_period(period / burst.get())?.allow_burst(burst);
        Some(Self::with_quota(quota))
    }

    /// `per_second` requests a second, with bursts of `burst`.
    pub fn per_second(per_second: u32, burst: u32) -> Option<Self> {
        let quota =
            Quota::per_second(NonZeroU32::new(per_second)?).allow_burst(NonZeroU32::new(burst)?);
        Some(Self::with_quota(quota))
    }

    fn with_quota(quota: Quota) -> Self {
        let clock = DefaultClock::default();
        Self {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone())
                .with_middleware::<StateInformationMiddleware>(),
            clock,
            checks: AtomicU32::new(0),
        }
    }

    /// Takes one request from `key`'s budget.
    pub fn check(&self, key: &K) -> Result<Allowed, Refused> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        match self.limiter.check_key(key) {
            Ok(state) => Ok(Allowed {
                remaining: state.remaining_burst_capacity(),
            }),
            Err(not_until) => Err(Refused {
                retry_after: not_until.wait_time_from(self.clock.now()),
            }),
        }
    }

    /// Keys with a budget not yet full again.
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_burst_then_refusals_per_key() {
        let limiter = KeyedLimiter::new(2, Duration::from_secs(3600)).unwrap();
        assert_eq!(limiter.check(&"a").unwrap().remaining, 1);
        assert_eq!(limiter.check(&"a").unwrap().remaining, 0);
        let refused = limiter.check(&"a").unwrap_err();
        // One request comes back every half hour.
        assert!(refused.retry_after_secs() > 1700 && refused.retry_after_secs() <= 1800);
        assert_eq!(limiter.check(&"b").unwrap().remaining, 1, "per key");
        assert!(KeyedLimiter::<String>::new(0, Duration::from_secs(1)).is_none());
    }
}
