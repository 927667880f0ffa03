//! Checking settings: the collector every section reports its problems to,
//! the deployment it runs in, and the formats settings share. It imports
//! nothing of the platform, so every component can validate its own section
//! without a circle through `config`.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Which deployment this is. Production refuses development secrets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Development,
    Test,
    Production,
}

/// Collects configuration problems, each under its full key.
pub struct Check<'a> {
    env: Environment,
    prefix: String,
    problems: &'a mut Vec<(String, String)>,
}

impl<'a> Check<'a> {
    pub fn new(env: Environment, problems: &'a mut Vec<(String, String)>) -> Self {
        Self {
            env,
            prefix: String::new(),
            problems,
        }
    }

    /// The same collector for the keys under `name`.
    pub fn section(&mut self, name: &str) -> Check<'_> {
        Check {
            env: self.env,
            prefix: format!("{}{name}.", self.prefix),
            problems: self.problems,
        }
    }

    pub fn production(&self) -> bool {
        self.env == Environment::Production
    }

    pub fn bad(&mut self, key: &str, message: impl Into<String>) {
        self.problems
            .push((format!("{}{key}", self.prefix), message.into()));
    }

    /// Refuses, in production, a secret that still has its development value.
    pub fn no_dev_secret(&mut self, key: &str, value: &SecretString, development: &str) {
        if self.production() && value.expose_secret() == development {
            self.bad(
                key,
                "a development secret is not allowed when SORA_ENV=production",
            );
        }
    }

    /// `value` must be an absolute http(s) URL (or empty, when `optional`).
    pub fn http_url(&mut self, key: &str, value: &str, optional: bool) {
        if optional && value.is_empty() {
            return;
        }
        if !is_absolute_http_url(value) {
            let message = if optional {
                "must be empty or an absolute http(s) URL"
            } else {
                "must be an absolute http(s) URL"
            };
            self.bad(key, message);
        }
    }
}

/// A lower-case SQL identifier: what schema, role and queue names must be.
pub fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub fn is_absolute_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}
