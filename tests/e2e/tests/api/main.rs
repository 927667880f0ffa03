//! The services together: events from a producer to a consumer on both
//! buses (with faults), the overview gathered over REST, and tokens trusted
//! through admin-api's JWKS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod event_faults;
mod helpers;
mod overview;
mod statistics;
