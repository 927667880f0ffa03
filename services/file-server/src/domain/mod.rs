//! The marketplace's pure types and rules: identifiers, the package and
//! layout validators, ownership, and catalog search. Nothing here touches
//! the network, storage or the database.

pub mod ids;
pub mod listing;
pub mod ownership;
pub mod package;
pub mod publisher;
pub mod search;
pub mod workspace;

/// Layout validation and analysis live in the common crate: the
/// recommender's offline evaluation reads layouts the same way.
pub use sora_common::layout;
