//! Who may do what in a team workspace: members' roles (reader, writer,
//! owner), Sora's admins, anonymous readers of an open workspace, and the
//! `permission` each shared layout carries, as Lichtblick and Foxglove mean
//! it: `CREATOR_WRITE` is its creator's own, `ORG_READ` is read by the team
//! and changed by its creator (or an owner), `ORG_WRITE` is changed by any
//! writer.

use sora_common::auth::{Claims, Role};
use time::OffsetDateTime;
use time::macros::format_description;

/// A member's role in a workspace, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemberRole {
    Reader,
    Writer,
    Owner,
}

impl MemberRole {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "reader" => Some(Self::Reader),
            "writer" => Some(Self::Writer),
            "owner" => Some(Self::Owner),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reader => "reader",
            Self::Writer => "writer",
            Self::Owner => "owner",
        }
    }
}

/// A shared layout's `permission`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    CreatorWrite,
    OrgRead,
    OrgWrite,
}

impl Permission {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "CREATOR_WRITE" => Some(Self::CreatorWrite),
            "ORG_READ" => Some(Self::OrgRead),
            "ORG_WRITE" => Some(Self::OrgWrite),
            _ => None,
        }
    }

    /// A stored permission; anything unknown counts as the narrowest.
    pub fn of(stored: &str) -> Self {
        Self::parse(stored).unwrap_or(Self::CreatorWrite)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreatorWrite => "CREATOR_WRITE",
            Self::OrgRead => "ORG_READ",
            Self::OrgWrite => "ORG_WRITE",
        }
    }

    pub fn shared(self) -> bool {
        self != Self::CreatorWrite
    }
}

/// The caller as one workspace sees them.
#[derive(Debug, Clone)]
pub struct Access {
    /// The caller's user id; `None` when anonymous.
    pub user: Option<String>,
    /// Sora's admin role: every right in every workspace.
    pub admin: bool,
    pub role: Option<MemberRole>,
    pub anonymous_read: bool,
}

impl Access {
    pub fn new(caller: Option<&Claims>, role: Option<MemberRole>, anonymous_read: bool) -> Self {
        Self {
            user: caller.map(|c| c.sub.clone()),
            admin: caller.is_some_and(|c| c.role == Role::Admin),
            role,
            anonymous_read,
        }
    }

    fn at_least(&self, role: MemberRole) -> bool {
        self.admin || self.role.is_some_and(|r| r >= role)
    }

    fn is(&self, user: &str) -> bool {
        self.user.as_deref() == Some(user)
    }

    /// Reading its shared layouts, extensions and sessions.
    pub fn may_read(&self) -> bool {
        self.anonymous_read || self.at_least(MemberRole::Reader)
    }

    /// Seeing a layout: shared ones with the workspace, personal ones by
    /// their creator only.
    pub fn may_see(&self, creator: &str, permission: Permission) -> bool {
        if permission.shared() {
            self.may_read()
        } else {
            self.is(creator)
        }
    }

    /// Saving a new layout: a personal one as any member, a shared one as a writer.
    pub fn may_create(&self, permission: Permission) -> bool {
        if permission.shared() {
            self.at_least(MemberRole::Writer)
        } else {
            self.user.is_some() && self.at_least(MemberRole::Reader)
        }
    }

    /// Changing or deleting a layout.
    pub fn may_change(&self, creator: &str, permission: Permission) -> bool {
        match permission {
            Permission::CreatorWrite => self.is(creator),
            Permission::OrgRead => self.is(creator) || self.at_least(MemberRole::Owner),
            Permission::OrgWrite => self.is(creator) || self.at_least(MemberRole::Writer),
        }
    }

    /// Creating sessions.
    pub fn may_write(&self) -> bool {
        self.at_least(MemberRole::Writer)
    }

    /// Uploading and removing extensions, whose code runs in every member's
    /// Lichtblick: at least `uploaders` (the workspace's setting).
    pub fn may_upload_extensions(&self, uploaders: MemberRole) -> bool {
        self.at_least(uploaders.max(MemberRole::Writer))
    }

    /// Members, anonymous reading, the default layout.
    pub fn may_manage(&self) -> bool {
        self.at_least(MemberRole::Owner)
    }
}

/// A workspace name: what `?workspace=` carries and URLs hold unescaped.
pub fn check_name(name: &str) -> Result<(), String> {
    let valid = (1..=63).contains(&name.len())
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err("must be 1 to 63 of a-z, 0-9, `-` and `_`, starting with a letter or digit".to_owned())
    }
}

/// Now, to the millisecond: what is stored is exactly what is shown, so a
/// timestamp read back always prints the same (the client compares them as
/// strings).
pub fn now_ms() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_millisecond(now.millisecond()).unwrap_or(now)
}

/// `2026-11-30T08:41:22.399Z`, as JavaScript's `toISOString` prints it.
pub fn iso_ms(at: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn access(user: &str, role: Option<MemberRole>) -> Access {
        Access {
            user: Some(user.to_owned()),
            admin: false,
            role,
            anonymous_read: false,
        }
    }

    #[test]
    fn layout_permissions_follow_the_clients_meaning() {
        let reader = access("r", Some(MemberRole::Reader));
        let writer = access("w", Some(MemberRole::Writer));
        let owner = access("o", Some(MemberRole::Owner));
        let stranger = access("s", None);
        use Permission::*;
        // Personal layouts: their creator's alone.
        assert!(reader.may_create(CreatorWrite) && reader.may_change("r", CreatorWrite));
        assert!(!owner.may_see("r", CreatorWrite) && !owner.may_change("r", CreatorWrite));
        // Shared for reading: changed by the creator or an owner.
        assert!(!reader.may_create(OrgRead) && writer.may_create(OrgRead));
        assert!(!writer.may_change("o", OrgRead) && owner.may_change("w", OrgRead));
        assert!(reader.may_see("w", OrgRead));
        // Shared for writing: any writer.
        assert!(writer.may_change("o", OrgWrite) && !reader.may_change("o", OrgWrite));
        // Not a member: nothing, unless the workspace is open for reading.
        assert!(!stranger.may_read() && !stranger.may_create(CreatorWrite));
        let anonymous = Access {
            user: None,
            admin: false,
            role: None,
            anonymous_read: true,
        };
        assert!(anonymous.may_see("w", OrgWrite) && !anonymous.may_change("w", OrgWrite));
        assert!(!anonymous.may_create(CreatorWrite) && !anonymous.may_write());
    }

    #[test]
    fn times_print_the_same_after_a_round_trip() {
        let at = now_ms();
        assert_eq!(at.nanosecond() % 1_000_000, 0);
        let text = iso_ms(at);
        assert_eq!(text.len(), 24, "{text}");
        assert!(text.ends_with('Z'));
        assert_eq!(
            iso_ms(time::macros::datetime!(2026-11-30 08:41:22.399 UTC)),
            "2026-11-30T08:41:22.399Z"
        );
    }

    #[test]
    fn workspace_names_are_url_safe() {
        assert!(check_name("robotics-team_2").is_ok());
        for bad in ["", "Team", "-x", "a/b", "a b", &"x".repeat(64)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
