//! recommendation, driven through its HTTP API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod catalog;
mod helpers;
mod platform;
