//! feedback-api, driven through its HTTP API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod platform;
