//! The Sora server's shared platform: configuration, telemetry, problem+json
//! errors, database access, token verification, events, storage and the HTTP
//! plumbing every service runs on. It names no service: each service brings
//! its own settings type, routes and state.

pub mod auth;
pub mod aws;
pub mod batch;
pub mod body;
pub mod checks;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod event_runtime;
pub mod events;
pub mod extract;
pub mod features;
pub mod http;
pub mod layout;
pub mod metrics;
pub mod ops;
pub mod page;
pub mod partitions;
pub mod platform;
pub mod privacy;
pub mod problems;
pub mod ratelimit;
pub mod server;
pub mod service;
#[cfg(feature = "storage")]
pub mod storage;
pub mod telemetry;

pub use config::{ServiceSettings, Settings};
pub use error::ApiError;
pub use platform::Platform;
pub use server::Application;
pub use service::ServiceSpec;
