//! Test support for the services' integration tests, one module per concern:
//! a fresh database per test cloned from a migrated template ([`database`]),
//! test settings ([`settings`]), an SQS/S3 server of a test's own
//! ([`moto`]), token minting and forged-token vectors ([`tokens`]), a running
//! service in-process ([`app`]) or as its binary ([`process`]), a throw-away PostgreSQL cluster ([`postgres`]), the
//! checks every service must pass ([`contract`]) and polling ([`wait`]).
//!
//! `make test` starts a PostgreSQL and an SQS/S3 server (moto) on loopback and
//! exports their addresses (`SORA_TEST_*`); these helpers never touch any
//! other server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod contract;
pub mod database;
pub mod events;
pub mod moto;
pub mod postgres;
pub mod process;
pub mod settings;
pub mod tokens;
pub mod wait;

pub use app::TestApp;
pub use tokens::TokenMinter;
pub use wait::eventually;

use std::future::Future;

/// Runs `work` to completion on a runtime of its own, on another thread:
/// usable from `Drop` and from inside a test's runtime.
pub(crate) fn block_on_thread<T: Send + 'static>(
    work: impl Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(work)
    })
    .join()
    .unwrap()
}

/// A port free now, for a service that must know it before it starts.
/// Taken below Linux's ephemeral range (32768–60999), so that neither
/// another test's `bind(0)` nor an outgoing connection (a database pool's)
/// takes it before the caller binds it; handed out in turn from an offset
/// of this process's own, each checked free.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    const FIRST: u32 = 20_000;
    const COUNT: u32 = 12_000;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let offset = std::process::id().wrapping_mul(7919) % COUNT;
    for _ in 0..COUNT {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = u16::try_from(FIRST + (offset + n) % COUNT).unwrap_or(u16::MAX);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between {FIRST} and {}", FIRST + COUNT)
}

/// The browser tests' tools, from `make test`: Playwright's Python and
/// Debian's Chromium (`SORA_TEST_PLAYWRIGHT_PYTHON`, `SORA_TEST_CHROMIUM`).
pub fn browser_tools() -> (String, String) {
    let (Ok(python), Ok(chromium)) = (
        std::env::var("SORA_TEST_PLAYWRIGHT_PYTHON"),
        std::env::var("SORA_TEST_CHROMIUM"),
    ) else {
        panic!(
            "SORA_TEST_PLAYWRIGHT_PYTHON and SORA_TEST_CHROMIUM are not set: run `make test`, \
             which installs Playwright and Chromium"
        );
    };
    (python, chromium)
}
