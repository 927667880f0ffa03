//! What a request for recommendations asks for, and the rules it must
//! follow (the same for features sent as JSON and for an MCAP file).

use std::collections::HashSet;

use sora_common::error::FieldError;
use sora_common::events::types::ContentKind;
use sora_common::features::MAX_TEXT_CHARS;

/// Most installed extensions a request may list.
pub const MAX_INSTALLED: usize = 1000;

/// What a request asks for, checked.
pub struct Ask {
    pub kinds: Vec<ContentKind>,
    pub limit: usize,
    /// Extension ids, lower-case.
    pub installed: HashSet<String>,
}

impl Ask {
    /// The request's fields checked against the service's limits
    /// (`ranking.default_limit`, `ranking.max_limit`).
    pub fn check(
        (default_limit, max_limit): (usize, usize),
        kinds: Option<Vec<ContentKind>>,
        limit: Option<usize>,
        installed: Vec<String>,
        errors: &mut Vec<FieldError>,
    ) -> Self {
        let limit = limit.unwrap_or(default_limit);
        if !(1..=max_limit).contains(&limit) {
            errors.push(FieldError::new(
                "limit",
                format!("must be 1 to {max_limit}"),
            ));
        }
        let kinds = kinds.unwrap_or_else(|| vec![ContentKind::Layout, ContentKind::Extension]);
        if kinds.is_empty() {
            errors.push(FieldError::new("kinds", "must name at least one kind"));
        }
        if installed.len() > MAX_INSTALLED {
            errors.push(FieldError::new(
                "installed_extensions",
                format!("at most {MAX_INSTALLED} ids"),
            ));
        } else if let Some(n) = installed
            .iter()
            .position(|id| id.is_empty() || id.chars().count() > MAX_TEXT_CHARS)
        {
            errors.push(FieldError::new(
                format!("installed_extensions[{n}]"),
                format!("must be 1 to {MAX_TEXT_CHARS} characters"),
            ));
        }
        Self {
            kinds,
            limit,
            installed: installed.iter().map(|id| id.to_lowercase()).collect(),
        }
    }
}

/// The kinds a comma-separated list names (`layout,extension`); each other
/// word is a field error.
pub fn kinds_of(text: &str, errors: &mut Vec<FieldError>) -> Vec<ContentKind> {
    let mut kinds = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match ContentKind::parse(word) {
            Some(kind) => kinds.push(kind),
            None => errors.push(FieldError::new("kinds", "must be layout or extension")),
        }
    }
    kinds
}

/// The non-empty items of a comma-separated list.
pub fn list_of(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}
