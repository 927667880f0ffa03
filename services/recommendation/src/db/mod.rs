//! Queries over the `recommendation` schema.

pub mod items;
