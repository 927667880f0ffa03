//! admin-api's pure rules.

pub mod accounts;
