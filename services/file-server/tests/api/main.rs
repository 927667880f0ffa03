//! file-server, driven through its HTTP API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod binary;
mod catalog;
mod downloads;
mod fuzz;
mod helpers;
mod isolation;
mod layouts;
mod lichtblick;
mod marketplace;
mod ownership;
mod packages;
mod platform;
mod publishers;
mod replicas;
mod scan;
mod security;
mod signatures;
mod storage;
