//! The Sora server's shared platform: configuration, telemetry, problem+json
//! errors, database access, token verification and the HTTP plumbing every
//! service runs on.

pub mod auth;
pub mod aws;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod http;
pub mod metrics;
pub mod page;
pub mod server;
pub mod service;
#[cfg(feature = "storage")]
pub mod storage;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;

pub use config::Settings;
pub use error::ApiError;
pub use server::{Application, Platform};
pub use service::ServiceSpec;
