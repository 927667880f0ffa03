//! Identifiers parsed at the edge: a path, a body or a package names an
//! extension or a version only through these types, so an invalid one never
//! reaches a query.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest publisher or name.
pub const MAX_PART_CHARS: usize = 64;

/// An extension's id, `publisher.name`: lower-case `[a-z0-9._-]`, each part
/// starting with a letter or a digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExtensionId(String);

impl ExtensionId {
    /// The id of `name` by `publisher`, both already checked with [`check_part`].
    pub fn from_parts(publisher: &str, name: &str) -> Result<Self, String> {
        check_part(publisher)?;
        check_part(name)?;
        Ok(Self(format!("{publisher}.{name}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ExtensionId {
    type Error = String;

    /// Any id a publish could have made: a publisher, a dot, a name.
    fn try_from(id: String) -> Result<Self, String> {
        let valid = id.split_once('.').is_some_and(|(publisher, name)| {
            check_part(publisher).is_ok()
                && !name.is_empty()
                && name.len() <= MAX_PART_CHARS * 2
                && check_chars(name)
        });
        if valid {
            Ok(Self(id))
        } else {
            Err(format!("`{}` is not an extension id", id.escape_default()))
        }
    }
}

impl From<ExtensionId> for String {
    fn from(id: ExtensionId) -> Self {
        id.0
    }
}

impl fmt::Display for ExtensionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A publisher or name: `[a-z0-9._-]`, starting with a letter or digit.
pub fn check_part(value: &str) -> Result<(), String> {
    if value.chars().count() > MAX_PART_CHARS {
        return Err(format!("must be at most {MAX_PART_CHARS} characters"));
    }
    if value.is_empty() || !check_chars(value) {
        return Err(format!(
            "`{value}` may contain only a-z, 0-9, `.`, `_` and `-`"
        ));
    }
    if !value.as_bytes()[0].is_ascii_alphanumeric() {
        return Err("must start with a letter or a digit".to_owned());
    }
    Ok(())
}

fn check_chars(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

/// A semantic version, ordered as semver orders (1.10.0 > 1.9.3 > 1.2.0).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Version(semver::Version);

impl Version {
    pub fn is_prerelease(&self) -> bool {
        !self.0.pre.is_empty()
    }
}

impl From<semver::Version> for Version {
    fn from(version: semver::Version) -> Self {
        Self(version)
    }
}

impl TryFrom<String> for Version {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        semver::Version::parse(&text).map(Self).map_err(|e| {
            format!(
                "`{}` is not a semantic version ({e})",
                text.escape_default()
            )
        })
    }
}

impl From<Version> for String {
    fn from(version: Version) -> Self {
        version.0.to_string()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

/// The version "latest" means: the highest that is not yanked, a pre-release
/// only when no release is left.
pub fn latest<'a>(versions: impl Iterator<Item = (&'a Version, bool)>) -> Option<&'a Version> {
    versions
        .filter(|(_, yanked)| !yanked)
        .map(|(v, _)| v)
        .max_by(|a, b| (!a.is_prerelease(), *a).cmp(&(!b.is_prerelease(), *b)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn v(text: &str) -> Version {
        Version::try_from(text.to_owned()).unwrap()
    }

    #[test]
    fn ids_are_checked() {
        for good in ["acme.plot", "a.b", "acme.plot.v2", "0x.y-z_1"] {
            assert!(ExtensionId::try_from(good.to_owned()).is_ok(), "{good}");
        }
        for bad in [
            "acme",
            "Acme.plot",
            ".plot",
            "acme.",
            "a%00b",
            "a\0.b",
            "acme.pl ot",
            "-a.b",
        ] {
            assert!(ExtensionId::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn latest_prefers_releases_in_semver_order() {
        let versions = [v("1.2.0"), v("1.10.0"), v("1.9.3"), v("2.0.0-beta.1")];
        let all = versions.iter().map(|v| (v, false));
        assert_eq!(latest(all).unwrap().to_string(), "1.10.0");
        let yanked = versions
            .iter()
            .map(|ver| (ver, ver.to_string() != "2.0.0-beta.1"));
        assert_eq!(latest(yanked).unwrap().to_string(), "2.0.0-beta.1");
        let none = versions.iter().map(|v| (v, true));
        assert!(latest(none).is_none());
    }
}
