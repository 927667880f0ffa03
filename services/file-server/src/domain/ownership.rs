//! Rules of ownership the marketplace applies when a new id is published.
//! Owners themselves (who may change what) are `Claims::may_manage`.

use super::ids::ExtensionId;

/// Ids within this many edits of another publisher's id are refused as
/// typosquats (`acme.plot` against `acme.p1ot` or `acne.plot`).
pub const TYPOSQUAT_DISTANCE: usize = 1;

/// Another publisher's id that `id` (by `publisher`) imitates, if any, among
/// `existing` `(id, publisher)` pairs.
pub fn typosquat_of<'a>(
    id: &ExtensionId,
    publisher: &str,
    existing: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<&'a str> {
    existing
        .into_iter()
        .filter(|(_, other_publisher)| *other_publisher != publisher)
        .map(|(other, _)| other)
        .find(|other| strsim::levenshtein(other, id.as_str()) <= TYPOSQUAT_DISTANCE)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn one_edit_from_another_publisher_is_a_typosquat() {
        let id = |s: &str| ExtensionId::try_from(s.to_owned()).unwrap();
        let existing = [("acme.plot", "acme"), ("other.plot", "other")];
        assert_eq!(
            typosquat_of(&id("acme.plat"), "acme", existing),
            None,
            "own namespace"
        );
        assert_eq!(
            typosquat_of(&id("acne.plot"), "acne", existing),
            Some("acme.plot")
        );
        assert_eq!(
            typosquat_of(&id("acme.plots"), "evil", existing),
            Some("acme.plot")
        );
        assert_eq!(typosquat_of(&id("acme.pilots"), "evil", existing), None);
    }
}
