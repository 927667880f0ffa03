//! A per-user quota of publishes (fixed one-hour windows), so one account
//! cannot flood storage or keep the validator busy. In memory, per replica.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Users tracked before finished windows are forgotten.
const MAX_TRACKED: usize = 100_000;

pub struct Quota {
    limit: u32,
    window: Duration,
    used: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Quota {
    /// `limit` attempts per `window`; a zero limit allows everything.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            used: Mutex::default(),
        }
    }

    /// Counts one attempt by `key` at `now`: `Ok(remaining)` (None when
    /// unlimited), or `Err(seconds until the window ends)`.
    pub fn take(&self, key: &str, now: Instant) -> Result<Option<u32>, u64> {
        if self.limit == 0 {
            return Ok(None);
        }
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if used.len() >= MAX_TRACKED {
            used.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let (start, count) = used.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        if *count >= self.limit {
            let left = (*start + self.window).saturating_duration_since(now);
            return Err(left.as_secs().max(1));
        }
        *count += 1;
        Ok(Some(self.limit - *count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_the_limit_then_refuses_until_it_ends() {
        let quota = Quota::new(2, Duration::from_secs(3600));
        let t0 = Instant::now();
        assert_eq!(quota.take("a", t0), Ok(Some(1)));
        assert_eq!(quota.take("a", t0), Ok(Some(0)));
        assert_eq!(quota.take("a", t0 + Duration::from_secs(600)), Err(3000));
        assert_eq!(quota.take("b", t0), Ok(Some(1)), "per user");
        assert_eq!(quota.take("a", t0 + Duration::from_secs(3600)), Ok(Some(1)));
        assert_eq!(
            Quota::new(0, Duration::from_secs(1)).take("a", t0),
            Ok(None)
        );
    }
}
