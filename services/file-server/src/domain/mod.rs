//! The marketplace's pure types and rules: identifiers, the package and
//! layout validators, ownership, and catalog search. Nothing here touches
//! the network, storage or the database.

pub mod ids;
pub mod layout;
pub mod listing;
pub mod ownership;
pub mod package;
pub mod search;
