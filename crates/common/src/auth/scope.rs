//! What a personal access token may do. A user's own session may do all its
//! role allows; a token exchanged for a personal access token only what its
//! scopes name, within the same role (docs/security.md, "Access tokens").

use std::fmt;
use std::str::FromStr;

/// Longest publisher a scope names (as extension ids allow).
const MAX_PUBLISHER: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// `publish:<publisher>`: publish, yank and hide the extensions of that
    /// publisher; `publish:*`: of any publisher the user may publish to.
    Publish(Publisher),
    /// `layouts:write`: share and delete marketplace layouts.
    LayoutsWrite,
    /// `stats:read`: read usage statistics and reports.
    StatsRead,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Publisher {
    Any,
    Named(String),
}

impl Scope {
    /// The scope publishing under `publisher` needs.
    pub fn publish(publisher: &str) -> Self {
        Self::Publish(Publisher::Named(publisher.to_owned()))
    }

    /// Whether a token given `self` may do what `needed` names.
    pub fn covers(&self, needed: &Scope) -> bool {
        match (self, needed) {
            (Self::Publish(Publisher::Any), Self::Publish(_)) => true,
            (granted, needed) => granted == needed,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Publish(Publisher::Any) => f.write_str("publish:*"),
            Self::Publish(Publisher::Named(publisher)) => write!(f, "publish:{publisher}"),
            Self::LayoutsWrite => f.write_str("layouts:write"),
            Self::StatsRead => f.write_str("stats:read"),
        }
    }
}

impl FromStr for Scope {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "publish:*" => Ok(Self::Publish(Publisher::Any)),
            "layouts:write" => Ok(Self::LayoutsWrite),
            "stats:read" => Ok(Self::StatsRead),
            _ => match text.strip_prefix("publish:") {
                Some(publisher) if is_publisher(publisher) => {
                    Ok(Self::Publish(Publisher::Named(publisher.to_owned())))
                }
                Some(_) => Err(format!(
                    "`{text}`: a publisher is 1 to {MAX_PUBLISHER} of a-z, 0-9, `.`, `_`, `-`, \
                     starting with a letter or digit"
                )),
                None => Err(format!(
                    "`{text}` is not a scope: use publish:<publisher>, publish:*, layouts:write \
                     or stats:read"
                )),
            },
        }
    }
}

fn is_publisher(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_PUBLISHER
        && text.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn scopes_round_trip_and_cover_what_they_name() {
        for text in ["publish:*", "publish:acme", "layouts:write", "stats:read"] {
            assert_eq!(text.parse::<Scope>().unwrap().to_string(), text);
        }
        let any: Scope = "publish:*".parse().unwrap();
        let acme: Scope = "publish:acme".parse().unwrap();
        assert!(any.covers(&Scope::publish("acme")));
        assert!(acme.covers(&Scope::publish("acme")));
        assert!(!acme.covers(&Scope::publish("acme2")));
        assert!(!acme.covers(&Scope::StatsRead));
        assert!(!any.covers(&Scope::LayoutsWrite));
        for bad in [
            "publish:",
            "publish:Acme",
            "publish:-x",
            "admin",
            "stats:write",
            "publish:a b",
        ] {
            assert!(bad.parse::<Scope>().is_err(), "{bad}");
        }
    }
}
