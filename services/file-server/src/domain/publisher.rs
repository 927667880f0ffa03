//! Who may do what under a publisher namespace (the part of an extension id
//! before its name): its owners manage its members; owners and contributors
//! publish, yank and hide its extensions; Sora's admins do both anywhere.

use sora_common::auth::{Claims, Role};

/// A member's role in a namespace, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PublisherRole {
    Contributor,
    Owner,
}

impl PublisherRole {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "contributor" => Some(Self::Contributor),
            "owner" => Some(Self::Owner),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contributor => "contributor",
            Self::Owner => "owner",
        }
    }
}

/// Publishes, yanks and hides under the namespace: an admin, or a member
/// who is an editor at least (a member demoted to viewer publishes nothing).
pub fn may_publish(caller: &Claims, role: Option<PublisherRole>) -> bool {
    caller.role == Role::Admin || (caller.role >= Role::Editor && role.is_some())
}

/// Adds and removes members: an admin, or an owner who is an editor at least.
pub fn may_manage(caller: &Claims, role: Option<PublisherRole>) -> bool {
    caller.role == Role::Admin
        || (caller.role >= Role::Editor && role == Some(PublisherRole::Owner))
}

/// Whether `value` can be a publisher: what a package's `publisher` may be
/// (`[a-z0-9_]`, see `package::validate`), so that the first dot of an
/// extension id always ends its publisher.
pub fn is_publisher_name(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= super::ids::MAX_PART_CHARS
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && value.as_bytes()[0].is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn claims(role: Role) -> Claims {
        Claims {
            sub: "u".to_owned(),
            role,
            iss: String::new(),
            aud: String::new(),
            exp: 0,
            iat: 0,
            email: None,
            on_behalf_of: None,
            ver: 0,
            pat: None,
            provenance: None,
            scopes: Vec::new(),
        }
    }

    #[test]
    fn members_who_are_editors_publish_and_owners_manage() {
        let (owner, contributor) = (Some(PublisherRole::Owner), Some(PublisherRole::Contributor));
        assert!(may_publish(&claims(Role::Editor), contributor));
        assert!(!may_publish(&claims(Role::Editor), None));
        assert!(
            !may_publish(&claims(Role::Viewer), owner),
            "a demoted owner"
        );
        assert!(may_publish(&claims(Role::Admin), None));
        assert!(may_manage(&claims(Role::Editor), owner));
        assert!(!may_manage(&claims(Role::Editor), contributor));
        assert!(!may_manage(&claims(Role::Viewer), owner));
        assert!(may_manage(&claims(Role::Admin), None));
    }

    #[test]
    fn a_publisher_name_has_no_dot() {
        assert!(is_publisher_name("acme_robotics2"));
        assert!(!is_publisher_name("acme.robotics"));
        assert!(!is_publisher_name("Acme"));
        assert!(!is_publisher_name("_acme"));
        assert!(!is_publisher_name(""));
        assert!(!is_publisher_name(&"a".repeat(65)));
    }
}
