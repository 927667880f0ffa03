//! The rules a `.foxe` extension package must pass, in one place for the
//! server that refuses a package and the `sora` command line that checks it
//! before uploading: identifiers ([`ids`]), the archive and its
//! `package.json` ([`rules`]), and the field errors both report.

pub mod ids;
pub mod rules;
pub mod scan;
pub mod signing;

use serde::{Deserialize, Serialize};

pub use rules::{Limits, Package, Refused, validate, warnings};

/// What is wrong with one field of an input, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
