//! Where input enters: JSON bodies and query strings, parsed into typed values
//! or refused as problem+json naming the field (`events[3].rating`). Text
//! holding U+0000 is refused here, once for every route: PostgreSQL cannot
//! store it, and no Sora field has a use for it.

use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// The largest JSON body [`Json`] reads, as app data (1 MiB when absent).
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

/// A JSON body (`Content-Type: application/json`): malformed JSON is 400,
/// JSON of the wrong shape or with U+0000 in a string is 422 naming the
/// field, an oversized body 413, another content type 415.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<JsonLimit>()
            .map_or(1024 * 1024, |limit| limit.0);
        let is_json = is_json(req);
        let declared = content_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "expected Content-Type: application/json".to_owned(),
                ));
            }
            let too_large =
                || ApiError::PayloadTooLarge("the JSON body is larger than allowed".to_owned());
            if declared.is_some_and(|length| length > limit as u64) {
                return Err(too_large());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    ApiError::BadRequest("could not read the request body".to_owned())
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(Json)
        })
    }
}

/// `bytes` as a `T`, with the errors [`Json`] promises.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => value,
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            return Err(if inner.is_data() {
                let message = strip_position(&inner.to_string());
                ApiError::Validation(vec![FieldError::new(field_name(&path, &message), message)])
            } else {
                ApiError::BadRequest(format!(
                    "malformed JSON: {}",
                    strip_position(&inner.to_string())
                ))
            });
        }
    };
    deserializer.end().map_err(|e| {
        ApiError::BadRequest(format!(
            "malformed JSON: {}",
            strip_position(&e.to_string())
        ))
    })?;
    if has_escaped_nul(bytes) {
        let field = serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|value| nul_path(&value, String::new()))
            .unwrap_or_else(|| "body".to_owned());
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            NUL_MESSAGE,
        )]));
    }
    Ok(value)
}

/// A query string: an unknown or malformed parameter, or one holding U+0000,
/// is 400 naming it.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// A query string as a `T`, with the errors [`Query`] promises.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let invalid = |field: String, message: String| {
        ApiError::InvalidParameters(vec![FieldError::new(field, message)])
    };
    for (key, value) in form_pairs(query) {
        if key.contains('\0') || value.contains('\0') {
            return Err(invalid(key.replace('\0', "\\0"), NUL_MESSAGE.to_owned()));
        }
    }
    let deserializer = serde_urlencoded::Deserializer::new(url_pairs(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        invalid(field_name(&path, &message), message)
    })
}

fn url_pairs(query: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query)
}

fn form_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    url_pairs(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned()))
}

/// The body's length as `Content-Length` declares it, if it does.
pub fn content_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// The request's media type (`Content-Type` without parameters), lower case.
pub fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
}

/// Whether the request says its body is JSON (`application/json` or `…+json`).
pub fn is_json(req: &HttpRequest) -> bool {
    media_type(req).is_some_and(|v| v == "application/json" || v.ends_with("+json"))
}

/// The field an error is about: the path serde stopped at, which for a
/// missing field is the object that lacks it (the field is named in the
/// message, in backticks).
fn field_name(path: &str, message: &str) -> String {
    let named = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (path, named) {
        (".", Some(field)) => field.to_owned(),
        (".", None) => "body".to_owned(),
        (path, Some(field)) => format!("{path}.{field}"),
        (path, None) => path.to_owned(),
    }
}

fn strip_position(text: &str) -> String {
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text.to_owned(),
    }
}

/// Whether the JSON text holds the escape `\u0000`. Backslashes occur only
/// inside strings, so a scan that skips each escaped character is exact.
fn has_escaped_nul(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'u') && bytes.get(i + 2..i + 6) == Some(b"0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// The path of the first string (key or value) holding U+0000.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    let here = || {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.clone()
        }
    };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => Some(here()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(key, item)| {
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key.contains('\0') {
                Some(child.replace('\0', "\\0"))
            } else {
                nul_path(item, child)
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Batch {
        events: Vec<Event>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Event {
        rating: u8,
        comment: Option<String>,
    }

    fn field_of(error: ApiError) -> String {
        match error {
            ApiError::Validation(errors) | ApiError::InvalidParameters(errors) => {
                errors[0].field.clone()
            }
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        let body = br#"{"events":[{"rating":1},{"rating":9000}]}"#;
        assert_eq!(
            field_of(parse_json::<Batch>(body).unwrap_err()),
            "events[1].rating"
        );
        let body = br#"{"events":[{"rating":1,"color":"red"}]}"#;
        assert_eq!(
            field_of(parse_json::<Batch>(body).unwrap_err()),
            "events[0].color"
        );
        let body = br#"{"events":[{}]}"#;
        assert_eq!(
            field_of(parse_json::<Batch>(body).unwrap_err()),
            "events[0].rating"
        );
        let body = br#"{"events":[{"rating":1,"comment":"a\u0000b"}]}"#;
        assert_eq!(
            field_of(parse_json::<Batch>(body).unwrap_err()),
            "events[0].comment"
        );
        assert!(matches!(
            parse_json::<Batch>(b"{").unwrap_err(),
            ApiError::BadRequest(_)
        ));
        assert!(matches!(
            parse_json::<Batch>(br#"{"events":[]} x"#).unwrap_err(),
            ApiError::BadRequest(_)
        ));
        // An escaped backslash before "u0000" is text, not NUL.
        let body = br#"{"events":[{"rating":1,"comment":"C:\\u0000"}]}"#;
        assert!(parse_json::<Batch>(body).is_ok());
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct List {
        q: Option<String>,
        page: Option<u32>,
    }

    #[test]
    fn query_errors_name_the_parameter() {
        assert!(parse_query::<List>("q=a&page=2").is_ok());
        assert_eq!(field_of(parse_query::<List>("q=%00").unwrap_err()), "q");
        assert_eq!(field_of(parse_query::<List>("page=x").unwrap_err()), "page");
        assert_eq!(
            field_of(parse_query::<List>("color=red").unwrap_err()),
            "color"
        );
    }
}
