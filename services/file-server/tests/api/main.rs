//! file-server, driven through its HTTP API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod binary;
mod helpers;
mod isolation;
mod packages;
mod platform;
mod storage;
