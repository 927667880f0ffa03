//! Every error a client sees is RFC 9457 `application/problem+json`, with a stable
//! `type` code and a safe message. Internal causes are logged, never returned.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, error};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// Stable machine-readable code, `urn:sora:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// One entry per invalid field, for validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// What is wrong with one field (defined with the package rules, which the
/// `sora` command line shares).
pub use sora_package::FieldError;

/// The error type of every handler.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    /// Query parameters that cannot be read: 400, each named.
    #[error("the request has invalid query parameters")]
    InvalidParameters(Vec<FieldError>),
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// An error the client cannot fix: 500 — or 503 (try again) when it is,
    /// however wrapped, the database or the object store not being reached.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        let error = error.into();
        #[cfg(feature = "storage")]
        if error
            .downcast_ref::<crate::storage::Unreachable>()
            .is_some()
        {
            tracing::error!(error = %error, "object store unavailable");
            return Self::Unavailable("the object store is unavailable".to_owned());
        }
        match error.downcast::<sqlx::Error>() {
            Ok(database) => database.into(),
            Err(other) => Self::Internal(other),
        }
    }

    /// The stable code behind `urn:sora:problem:`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Conflict(_) => "conflict",
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::Validation(_) => "validation-failed",
            Self::InvalidParameters(_) => "invalid-parameters",
            Self::RateLimited { .. } => "rate-limited",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (detail, errors) = match self {
            Self::Validation(errors) | Self::InvalidParameters(errors) => {
                (self.to_string(), errors.clone())
            }
            Self::Internal(_) => (
                "the server could not complete the request".to_owned(),
                Vec::new(),
            ),
            other => (other.to_string(), Vec::new()),
        };
        Problem {
            kind: format!("urn:sora:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            tracing::error!(error = %error, "database unavailable");
            Self::Unavailable("the database is unavailable".to_owned())
        } else {
            Self::Internal(error.into())
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::InvalidParameters(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            // The whole chain goes to the log; the client gets a generic message.
            tracing::error!(error = ?cause, "request failed");
        }
        let mut response = problem_response(&self.problem());
        let headers = response.headers_mut();
        match self {
            Self::Unauthenticated(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::RateLimited { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                headers.insert(
                    header::HeaderName::from_static("x-ratelimit-remaining"),
                    HeaderValue::from_static("0"),
                );
            }
            // A dependency is down: worth another try in a few seconds.
            Self::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            _ => {}
        }
        response
    }
}

pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .json(problem)
}

/// A problem for a bare status code (unmatched routes, wrong methods, …).
pub fn problem_for_status(status: StatusCode, detail: &str) -> Problem {
    Problem {
        kind: format!(
            "urn:sora:problem:{}",
            status
                .canonical_reason()
                .unwrap_or("error")
                .to_lowercase()
                .replace(' ', "-")
        ),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: detail.to_owned(),
        errors: Vec::new(),
    }
}

/// A path whose parameters do not parse names nothing that exists.
pub fn path_error(_: error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound("no resource at this path".to_owned()).into()
}

/// Whether `error` means the database cannot be reached or refuses work for
/// now (connection lost or refused, shutting down, out of connections, a
/// serialization conflict), rather than a fault of the request or the code:
/// what a client may retry, answered 503.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // 08: connection exception; 57P: operator intervention (shutdown);
            // 53: insufficient resources; 40001/40P01: retry the transaction.
            code.starts_with("08")
                || code.starts_with("57P")
                || code.starts_with("53")
                || code == "40001"
                || code == "40P01"
        }),
        _ => false,
    }
}
