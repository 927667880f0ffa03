//! admin-api, driven through its HTTP API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod consumer;
mod dashboard;
mod helpers;
mod identity;
mod overview;
mod platform;
mod session;
mod users;
