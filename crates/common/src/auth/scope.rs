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
    Publish(Which),
    /// `workspace:<name>`: what the user may do in that workspace through
    /// Lichtblick's API (its layouts, extensions and sessions);
    /// `workspace:*`: in every workspace.
    Workspace(Which),
    /// `layouts:write`: share and delete marketplace layouts.
    LayoutsWrite,
    /// `stats:read`: read usage statistics and reports.
    StatsRead,
}

/// Which publisher or workspace a scope names: any, or one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Which {
    Any,
    Named(String),
}

impl Scope {
    /// The scope publishing under `publisher` needs.
    pub fn publish(publisher: &str) -> Self {
        Self::Publish(Which::Named(publisher.to_owned()))
    }

    /// The scope acting in workspace `name` needs.
    pub fn workspace(name: &str) -> Self {
        Self::Workspace(Which::Named(name.to_owned()))
    }

    /// Whether a token given `self` may do what `needed` names.
    pub fn covers(&self, needed: &Scope) -> bool {
        match (self, needed) {
            (Self::Publish(Which::Any), Self::Publish(_)) => true,
            (Self::Workspace(Which::Any), Self::Workspace(_)) => true,
            (granted, needed) => granted == needed,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Publish(Which::Any) => f.write_str("publish:*"),
            Self::Publish(Which::Named(publisher)) => write!(f, "publish:{publisher}"),
            Self::Workspace(Which::Any) => f.write_str("workspace:*"),
            Self::Workspace(Which::Named(workspace)) => write!(f, "workspace:{workspace}"),
            Self::LayoutsWrite => f.write_str("layouts:write"),
            Self::StatsRead => f.write_str("stats:read"),
        }
    }
}

impl FromStr for Scope {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "publish:*" => Ok(Self::Publish(Which::Any)),
            "workspace:*" => Ok(Self::Workspace(Which::Any)),
            "layouts:write" => Ok(Self::LayoutsWrite),
            "stats:read" => Ok(Self::StatsRead),
            _ => match (
                text.strip_prefix("publish:"),
                text.strip_prefix("workspace:"),
            ) {
                (Some(publisher), _) if is_publisher(publisher) => {
                    Ok(Self::Publish(Which::Named(publisher.to_owned())))
                }
                (_, Some(workspace)) if is_workspace(workspace) => {
                    Ok(Self::Workspace(Which::Named(workspace.to_owned())))
                }
                (Some(_), _) => Err(format!(
                    "`{text}`: a publisher is 1 to {MAX_PUBLISHER} of a-z, 0-9, `.`, `_`, `-`, \
                     starting with a letter or digit"
                )),
                (_, Some(_)) => Err(format!(
                    "`{text}`: a workspace is 1 to 63 of a-z, 0-9, `_`, `-`, starting with a \
                     letter or digit"
                )),
                (None, None) => Err(format!(
                    "`{text}` is not a scope: use publish:<publisher>, publish:*, \
                     workspace:<name>, workspace:*, layouts:write or stats:read"
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

/// What a workspace's name may be (file-server's `workspaces.name`).
fn is_workspace(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn scopes_round_trip_and_cover_what_they_name() {
        for text in [
            "publish:*",
            "publish:acme",
            "workspace:*",
            "workspace:robots",
            "layouts:write",
            "stats:read",
        ] {
            assert_eq!(text.parse::<Scope>().unwrap().to_string(), text);
        }
        let any: Scope = "publish:*".parse().unwrap();
        let acme: Scope = "publish:acme".parse().unwrap();
        assert!(any.covers(&Scope::publish("acme")));
        assert!(acme.covers(&Scope::publish("acme")));
        assert!(!acme.covers(&Scope::publish("acme2")));
        assert!(!acme.covers(&Scope::StatsRead));
        assert!(!any.covers(&Scope::LayoutsWrite));
        assert!(!any.covers(&Scope::workspace("acme")));
        let robots: Scope = "workspace:robots".parse().unwrap();
        assert!(robots.covers(&Scope::workspace("robots")));
        assert!(!robots.covers(&Scope::workspace("robots2")));
        assert!(!robots.covers(&Scope::publish("robots")));
        assert!(
            "workspace:*"
                .parse::<Scope>()
                .unwrap()
                .covers(&Scope::workspace("x"))
        );
        for bad in [
            "publish:",
            "publish:Acme",
            "publish:-x",
            "admin",
            "stats:write",
            "publish:a b",
            "workspace:",
            "workspace:Robots",
            "workspace:a.b",
        ] {
            assert!(bad.parse::<Scope>().is_err(), "{bad}");
        }
    }
}
