//! The services together: events from a producer to a consumer on both
//! buses (with faults), the overview gathered over REST, tokens trusted
//! through admin-api's JWKS, and the recommender fed by the catalog and by
//! feedback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod dashboard;
mod event_faults;
mod helpers;
mod lichtblick;
mod overview;
mod panel;
mod recommendations;
mod security;
mod statistics;
mod tokens;
