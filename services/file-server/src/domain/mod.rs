//! The marketplace's pure types and rules: identifiers, the package and
//! layout validators, ownership, and catalog search. Nothing here touches
//! the network, storage or the database.

pub mod listing;
pub mod ownership;
pub mod publisher;
pub mod search;
pub mod workspace;

/// Extension ids and versions, and the package rules: shared with the `sora`
/// command line, which checks a package before uploading it.
pub use sora_package::{ids, rules as package};

/// Layout validation and analysis live in the common crate: the
/// recommender's offline evaluation reads layouts the same way.
pub use sora_common::layout;
