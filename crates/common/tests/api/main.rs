//! The platform's behaviour, driven through HTTP against a small test service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod errors;
mod events;
mod helpers;
mod lifecycle;
mod observability;
