//! Polling for what happens in the background (events, counters, replicas).

use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

/// Polls `probe` until it returns `expected`, or fails after `within`;
/// returns the last value.
pub async fn eventually<T, F, Fut>(within: Duration, expected: T, mut probe: F) -> T
where
    T: PartialEq + Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = T>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let value = probe().await;
        if value == expected || tokio::time::Instant::now() > deadline {
            assert_eq!(value, expected, "not reached within {within:?}");
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
