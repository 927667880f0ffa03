//! feedback-api's background work: the group-commit writers and retention.

pub mod retention;
pub mod writer;
