//! Serving a stored file: streamed from object storage, never held whole in
//! memory, with `ETag` (the sha256), `If-None-Match` → 304, one `Range` →
//! 206 (or 416), `HEAD`, caching headers and a safe file name.

use std::sync::Arc;

use actix_web::body::SizedStream;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::StreamExt;
use sora_common::ApiError;
use sora_common::storage::ObjectStore;

/// Cache policy of a response.
#[derive(Debug, Clone, Copy)]
pub enum Caching {
    /// The URL names one immutable version.
    Immutable,
    /// The URL follows "latest": cache briefly.
    Short,
}

impl Caching {
    fn header(self) -> &'static str {
        match self {
            Self::Immutable => "public, max-age=31536000, immutable",
            Self::Short => "public, max-age=60",
        }
    }
}

/// One stored file and how to present it.
pub struct StoredFile<'a> {
    pub storage_key: &'a str,
    pub sha256: &'a str,
    pub size: u64,
    pub content_type: &'static str,
    pub file_name: String,
    pub caching: Caching,
}

/// What was sent, so the caller knows whether it counts as a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// The whole file, or a range starting at its first byte, by GET.
    Download,
    /// A HEAD, a 304, or a range resuming a download already counted.
    NotCounted,
}

pub async fn serve(
    req: &HttpRequest,
    store: &Arc<dyn ObjectStore>,
    file: StoredFile<'_>,
) -> Result<(HttpResponse, Served), ApiError> {
    let etag = format!("\"{}\"", file.sha256);
    let builder = |status: StatusCode| {
        let mut response = HttpResponse::build(status);
        response
            .insert_header((header::ETAG, etag.clone()))
            .insert_header((header::CACHE_CONTROL, file.caching.header()))
            .insert_header((header::ACCEPT_RANGES, "bytes"));
        response
    };
    if let Some(tags) = header_str(req, header::IF_NONE_MATCH)
        && etag_matches(tags, file.sha256)
    {
        return Ok((
            builder(StatusCode::NOT_MODIFIED).finish(),
            Served::NotCounted,
        ));
    }

    let range = match header_str(req, header::RANGE) {
        // A Range is honoured only while If-Range (if any) still names this file.
        Some(range)
            if header_str(req, header::IF_RANGE).is_none_or(|t| etag_matches(t, file.sha256)) =>
        {
            match parse_range(range, file.size) {
                RangeRequest::Satisfiable(start, end) => Some((start, end)),
                RangeRequest::Unsatisfiable => {
                    let response = builder(StatusCode::RANGE_NOT_SATISFIABLE)
                        .insert_header((header::CONTENT_RANGE, format!("bytes */{}", file.size)))
                        .finish();
                    return Ok((response, Served::NotCounted));
                }
                RangeRequest::Ignored => None,
            }
        }
        _ => None,
    };
    let (status, start, end) = match range {
        Some((start, end)) => (StatusCode::PARTIAL_CONTENT, start, end),
        None => (StatusCode::OK, 0, file.size),
    };
    let mut response = builder(status);
    response
        .content_type(file.content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(safe_file_name(&file.file_name))],
        });
    if status == StatusCode::PARTIAL_CONTENT {
        response.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{}", end - 1, file.size),
        ));
    }
    let length = end - start;
    if req.method() == Method::HEAD {
        let empty = futures_util::stream::empty::<Result<bytes::Bytes, std::io::Error>>();
        return Ok((
            response.body(SizedStream::new(length, empty)),
            Served::NotCounted,
        ));
    }
    let stream = store
        .get(file.storage_key, start..end)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "object {} is missing from storage",
                file.storage_key
            ))
        })?;
    let served = if start == 0 {
        Served::Download
    } else {
        Served::NotCounted
    };
    Ok((
        response.body(SizedStream::new(length, stream.boxed())),
        served,
    ))
}

fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// `If-None-Match`/`If-Range` against our strong tag (weak comparison, as
/// RFC 9110 asks for If-None-Match).
fn etag_matches(tags: &str, sha256: &str) -> bool {
    tags.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/").trim_matches('"') == sha256)
}

#[derive(Debug, PartialEq, Eq)]
enum RangeRequest {
    /// Bytes `start..end` (end exclusive).
    Satisfiable(u64, u64),
    Unsatisfiable,
    /// Malformed, not in bytes, or several ranges: answered with the whole file,
    /// which RFC 9110 allows.
    Ignored,
}

fn parse_range(value: &str, size: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeRequest::Ignored;
    };
    if spec.contains(',') {
        return RangeRequest::Ignored;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Ignored;
    };
    let (first, last) = (first.trim(), last.trim());
    let parse = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // bytes=-N: the last N bytes.
        (true, false) => match parse(last) {
            Some(0) => RangeRequest::Unsatisfiable,
            Some(n) if size > 0 => RangeRequest::Satisfiable(size.saturating_sub(n), size),
            Some(_) => RangeRequest::Unsatisfiable,
            None => RangeRequest::Ignored,
        },
        // bytes=A-: from A to the end.
        (false, true) => match parse(first) {
            Some(start) if start < size => RangeRequest::Satisfiable(start, size),
            Some(_) => RangeRequest::Unsatisfiable,
            None => RangeRequest::Ignored,
        },
        (false, false) => match (parse(first), parse(last)) {
            (Some(start), Some(last)) if start <= last => {
                if start < size {
                    RangeRequest::Satisfiable(start, last.saturating_add(1).min(size))
                } else {
                    RangeRequest::Unsatisfiable
                }
            }
            _ => RangeRequest::Ignored,
        },
        (true, true) => RangeRequest::Ignored,
    }
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

    use super::*;

    #[test]
    fn ranges() {
        use RangeRequest::*;
        for (header, size, expected) in [
            ("bytes=0-99", 1000, Satisfiable(0, 100)),
            ("bytes=900-", 1000, Satisfiable(900, 1000)),
            ("bytes=-100", 1000, Satisfiable(900, 1000)),
            ("bytes=-5000", 1000, Satisfiable(0, 1000)),
            ("bytes=990-5000", 1000, Satisfiable(990, 1000)),
            ("bytes=1000-", 1000, Unsatisfiable),
            ("bytes=1000-1001", 1000, Unsatisfiable),
            ("bytes=-0", 1000, Unsatisfiable),
            ("bytes=0-", 0, Unsatisfiable),
            ("bytes=5-1", 1000, Ignored),
            ("bytes=0-1,5-6", 1000, Ignored),
            ("items=0-1", 1000, Ignored),
            ("bytes=x-", 1000, Ignored),
            ("bytes=-", 1000, Ignored),
        ] {
            assert_eq!(parse_range(header, size), expected, "{header}");
        }
    }

    #[test]
    fn etags() {
        assert!(etag_matches("\"abc\"", "abc"));
        assert!(etag_matches("W/\"abc\"", "abc"));
        assert!(etag_matches("\"x\", \"abc\"", "abc"));
        assert!(etag_matches("*", "abc"));
        assert!(!etag_matches("\"abd\"", "abc"));
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
