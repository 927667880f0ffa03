//! feedback-api's queries, each over a connection the caller holds (and
//! often a transaction it commits).

pub mod events;
pub mod partitions;
pub mod rollups;
pub mod secrets;
pub mod stats;
