//! recommendation, driven through its HTTP API and its events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backfill;
mod bomb;
mod catalog;
mod from_mcap;
mod helpers;
mod learning;
mod platform;
mod recommend;
mod retention;
