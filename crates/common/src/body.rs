//! Reading a request body within limits: the one reader every service uses
//! for raw bodies (packages, layouts, feedback batches), and the checks a
//! streaming reader (an MCAP file) makes before it starts.
//!
//! - the media type must be one of those the route takes (415);
//! - a declared `Content-Length` over the limit is refused before anything
//!   is read, and so is the body once it grows past it (413);
//! - `Content-Encoding: gzip`, where the route takes it, is inflated while
//!   it is read, into a buffer that refuses to grow past the limit: a bomb
//!   fails at the limit, never held whole; any other encoding is 415;
//! - an empty body is 422 on the route's field, where it needs one.

use std::io::Write;

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use futures_util::StreamExt;

use crate::error::{ApiError, FieldError};
use crate::extract::{content_length, media_type};

/// What a route takes as its body.
#[derive(Debug, Clone, Copy)]
pub struct BodyRules<'a> {
    /// The media types taken; `application/json` also takes `…+json`.
    pub media_types: &'a [&'a str],
    /// The most bytes, after decompression.
    pub limit: u64,
    /// Whether a gzip-encoded body is taken (and inflated).
    pub gzip: bool,
    /// The field an empty body is refused on (422); `None` takes it.
    pub required: Option<&'a str>,
}

fn too_large(limit: u64) -> ApiError {
    ApiError::PayloadTooLarge(format!("the body is larger than {limit} bytes"))
}

/// What to check before reading a body, or streaming one: 415 unless its
/// media type is one of `media_types`, 413 when `Content-Length` already
/// says more than `limit`. The declared length, if any.
pub fn check_head(
    req: &HttpRequest,
    media_types: &[&str],
    limit: u64,
) -> Result<Option<u64>, ApiError> {
    let taken = media_type(req).is_some_and(|given| {
        media_types.iter().any(|wanted| {
            given == *wanted || (*wanted == "application/json" && given.ends_with("+json"))
        })
    });
    if !taken {
        return Err(ApiError::UnsupportedMediaType(format!(
            "expected Content-Type: {}",
            media_types.join(" or ")
        )));
    }
    let declared = content_length(req);
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    Ok(declared)
}

/// The body, by `rules`, inflated if it is gzip.
pub async fn read(
    req: &HttpRequest,
    mut payload: web::Payload,
    rules: &BodyRules<'_>,
) -> Result<Bytes, ApiError> {
    let declared = check_head(req, rules.media_types, rules.limit)?;
    let encoding = req
        .headers()
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase());
    let gzip = match encoding.as_deref() {
        None | Some("identity") | Some("") => false,
        Some("gzip") | Some("x-gzip") if rules.gzip => true,
        Some(other) => {
            let allowed = if rules.gzip { "gzip or none" } else { "none" };
            return Err(ApiError::UnsupportedMediaType(format!(
                "Content-Encoding `{other}` is not supported here; use {allowed}"
            )));
        }
    };
    let limit = usize::try_from(rules.limit).unwrap_or(usize::MAX);
    let limited = Limited {
        bytes: Vec::with_capacity(declared.map_or(0, |d| d.min(rules.limit) as usize)),
        limit,
        exceeded: false,
    };
    let mut body = if gzip {
        Body::Gzip(Box::new(flate2::write::GzDecoder::new(limited)))
    } else {
        Body::Plain(limited)
    };
    let mut read = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
        read += chunk.len();
        if read > limit {
            return Err(too_large(rules.limit));
        }
        let written = match &mut body {
            Body::Plain(plain) => plain.write_all(&chunk),
            Body::Gzip(decoder) => decoder.write_all(&chunk),
        };
        if written.is_err() {
            return Err(if body.exceeded() {
                too_large(rules.limit)
            } else {
                bad_gzip()
            });
        }
    }
    let bytes = match body {
        Body::Plain(plain) => plain.bytes,
        Body::Gzip(mut decoder) => {
            if decoder.try_finish().is_err() {
                return Err(if decoder.get_ref().exceeded {
                    too_large(rules.limit)
                } else {
                    bad_gzip()
                });
            }
            decoder.finish().map_err(|_| bad_gzip())?.bytes
        }
    };
    if let Some(field) = rules.required
        && bytes.is_empty()
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            "the body is empty",
        )]));
    }
    Ok(Bytes::from(bytes))
}

enum Body {
    Plain(Limited),
    Gzip(Box<flate2::write::GzDecoder<Limited>>),
}

impl Body {
    fn exceeded(&self) -> bool {
        match self {
            Self::Plain(plain) => plain.exceeded,
            Self::Gzip(decoder) => decoder.get_ref().exceeded,
        }
    }
}

fn bad_gzip() -> ApiError {
    ApiError::BadRequest("the body is not valid gzip".to_owned())
}

/// A buffer that refuses to grow past `limit`.
struct Limited {
    bytes: Vec<u8>,
    limit: usize,
    exceeded: bool,
}

impl Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("over the limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
