//! feedback-api, driven through its HTTP API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod events;
mod faults;
mod helpers;
mod ingest;
mod moderation;
mod platform;
mod privacy;
mod retention;
mod stats;
