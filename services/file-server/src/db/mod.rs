//! The marketplace's queries, over `&mut PgConnection` (a pooled connection
//! or a transaction), checked against the schema at compile time.

pub mod downloads;
pub mod extensions;
pub mod layouts;
pub mod publishers;
pub mod trusted_publishers;
pub mod workspaces;
