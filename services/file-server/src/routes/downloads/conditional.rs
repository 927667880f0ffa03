//! The HTTP rules a download follows, apart from where the bytes come from:
//! conditional requests (`If-None-Match`, `If-Range`), one byte range, and a
//! file name every client accepts.

use actix_web::http::header::{self, ByteRangeSpec, EntityTag, IfNoneMatch, IfRange, Range};
use actix_web::{HttpMessage, HttpRequest};

/// `If-None-Match` against our strong tag (weak comparison, as RFC 9110
/// asks for If-None-Match).
pub fn matches_any(tags: &IfNoneMatch, ours: &EntityTag) -> bool {
    match tags {
        IfNoneMatch::Any => true,
        IfNoneMatch::Items(items) => items.iter().any(|tag| tag.weak_eq(ours)),
    }
}

/// The one byte range asked for, while `If-Range` (if any) still names this
/// file. Several ranges, other units or a malformed header are answered with
/// the whole file, which RFC 9110 allows.
pub fn requested_range(req: &HttpRequest, etag: &EntityTag) -> Option<ByteRangeSpec> {
    let Range::Bytes(specs) = req.get_header::<Range>()? else {
        return None;
    };
    let [spec] = <[ByteRangeSpec; 1]>::try_from(specs).ok()?;
    let current = match req.get_header::<IfRange>() {
        None => req.headers().get(header::IF_RANGE).is_none(),
        Some(IfRange::EntityTag(tag)) => tag.strong_eq(etag),
        // We keep no modification dates: a date never proves the copy current.
        Some(IfRange::Date(_)) => false,
    };
    current.then_some(spec)
}

/// A file name any browser or OS accepts as is: ASCII letters, digits, `.`,
/// `_`, `-`; no leading dot; never empty.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() {
        "download".to_owned()
    } else {
        cleaned.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use actix_web::test::TestRequest;

    use super::*;

    fn range(value: &str, size: u64) -> Option<Option<(u64, u64)>> {
        let req = TestRequest::default()
            .insert_header((header::RANGE, value))
            .to_http_request();
        let etag = EntityTag::new_strong("abc".to_owned());
        requested_range(&req, &etag).map(|spec| spec.to_satisfiable_range(size))
    }

    #[test]
    fn ranges() {
        for (header, size, expected) in [
            ("bytes=0-99", 1000, Some(Some((0, 99)))),
            ("bytes=900-", 1000, Some(Some((900, 999)))),
            ("bytes=-100", 1000, Some(Some((900, 999)))),
            ("bytes=-5000", 1000, Some(Some((0, 999)))),
            ("bytes=990-5000", 1000, Some(Some((990, 999)))),
            ("bytes=1000-", 1000, Some(None)),
            ("bytes=1000-1001", 1000, Some(None)),
            ("bytes=-0", 1000, Some(None)),
            ("bytes=0-", 0, Some(None)),
            ("bytes=5-1", 1000, None),
            ("bytes=0-1,5-6", 1000, None),
            ("items=0-1", 1000, None),
            ("bytes=x-", 1000, None),
            ("bytes=-", 1000, None),
        ] {
            assert_eq!(range(header, size), expected, "{header}");
        }
    }

    #[test]
    fn etags() {
        let ours = EntityTag::new_strong("abc".to_owned());
        let parse = |value: &str| {
            TestRequest::default()
                .insert_header((header::IF_NONE_MATCH, value))
                .to_http_request()
                .get_header::<IfNoneMatch>()
                .unwrap()
        };
        assert!(matches_any(&parse("\"abc\""), &ours));
        assert!(matches_any(&parse("W/\"abc\""), &ours));
        assert!(matches_any(&parse("\"x\", \"abc\""), &ours));
        assert!(matches_any(&parse("*"), &ours));
        assert!(!matches_any(&parse("\"abd\""), &ours));
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            safe_file_name("acme.plot-1.2.0.foxe"),
            "acme.plot-1.2.0.foxe"
        );
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("a\"b\r\nc.json"), "a_b__c.json");
        assert_eq!(safe_file_name("..."), "download");
        assert_eq!(
            safe_file_name("Ünïcode lay out.json"),
            "_n_code_lay_out.json"
        );
    }
}
