//! Work beside the HTTP server: keeping this replica's catalog and workspace
//! views current, and writing download counts.

pub mod catalog_sync;
pub mod download_counter;
pub mod team_sync;
