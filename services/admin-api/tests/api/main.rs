//! admin-api, driven through its HTTP API and its events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit_events;
mod event_faults;
mod helpers;
mod identity;
mod overview;
mod platform;
