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

/// Whether `value` can name a user as a member (of a namespace or a
/// workspace): a user's id, never a service's subject (`service:…`), which
/// no user session carries.
pub fn is_member_id(value: &str) -> bool {
    !value.trim().is_empty()
        && value.len() <= 200
        && !value.starts_with(sora_common::auth::SERVICE_SUBJECT_PREFIX)
}

/// Layout validation and analysis live in the common crate: the
/// recommender's offline evaluation reads layouts the same way.
pub use sora_common::layout;
