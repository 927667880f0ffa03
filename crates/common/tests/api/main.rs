//! The platform's behaviour, driven through HTTP against a small test service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// The services' allocator: `pools` reads what it holds.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod auth;
mod errors;
mod events;
mod helpers;
mod lifecycle;
mod observability;
mod pools;
