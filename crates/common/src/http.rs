//! Middleware every service runs: request ids, one span per request continuing
//! the caller's trace, route-template metrics, problem+json for every error and
//! no panic reaching a client.

use std::net::{IpAddr, Ipv4Addr};
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{Error, HttpRequest, HttpResponse, web};
use futures_util::FutureExt;
use serde::Deserialize;
use tracing::{Instrument, field};

use crate::checks::{Check, is_absolute_http_url};
use crate::error::{ApiError, PROBLEM_JSON, problem_for_status, problem_response};
use crate::metrics::{Metrics, UNMATCHED_ROUTE};
use crate::privacy::TrustedProxies;
use crate::telemetry::{self, AccessLog};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A client's request id is echoed only if it is short and plain, so it cannot
/// forge log lines; otherwise a new one is made.
fn request_id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// Outermost middleware: request id, span, access log line and HTTP metrics.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let request_id = request_id_of(&req);
    // The route template, never the raw path: `/api/extensions/{id}`.
    let route = req
        .match_pattern()
        .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned());
    let method = req.method().as_str().to_owned();
    let traceparent = req
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // OpenTelemetry's fields only when spans are exported.
    let span = if telemetry::exporting() {
        let span = tracing::info_span!(
            "http_request",
            request_id = %request_id,
            method = %method,
            route = %route,
            status = field::Empty,
            otel.name = %format!("{method} {route}"),
            otel.kind = "server",
        );
        telemetry::continue_trace(&span, traceparent.as_deref());
        span
    } else {
        tracing::info_span!(
            "http_request",
            request_id = %request_id,
            method = %method,
            route = %route,
            status = field::Empty,
        )
    };
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let access_log = req
        .app_data::<web::Data<AccessLog>>()
        .map_or(AccessLog::All, |policy| *policy.get_ref());

    let result = telemetry::in_trace(
        traceparent.as_deref(),
        next.call(req).instrument(span.clone()),
    )
    .await;

    let status = match &result {
        Ok(response) => response.status().as_u16(),
        Err(error) => error.as_response_error().status_code().as_u16(),
    };
    let elapsed = started.elapsed();
    span.record("status", status);
    if let Some(metrics) = metrics {
        metrics.observe_http(&method, &route, status, elapsed);
    }
    let logged = match access_log {
        AccessLog::All => true,
        AccessLog::Errors => status >= 400 || elapsed.as_secs() >= 1,
        AccessLog::Off => false,
    };
    if logged {
        span.in_scope(|| {
            let latency_ms = elapsed.as_micros() as f64 / 1000.0;
            if route == "/health" || route == "/metrics" {
                tracing::debug!(latency_ms, "request completed");
            } else if status >= 500 {
                tracing::warn!(latency_ms, "request failed");
            } else {
                tracing::info!(latency_ms, "request completed");
            }
        });
    }
    let mut response = result?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

/// Turns a panic in a handler into a 500 problem; the panic stays in the log.
/// The request cannot be kept to build a response (routing needs it unshared),
/// so the problem travels up as an error, which actix renders with
/// [`ApiError`]'s problem+json.
pub async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(ApiError::internal(anyhow::anyhow!("handler panicked: {message}")).into())
        }
    }
}

/// Gives every error response without a problem body one (405s, actix's own
/// errors, …), keeping its status and headers.
pub fn normalize_error<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = match status.as_u16() {
        404 => "no resource at this path",
        405 => "this method is not allowed on this resource",
        s if s >= 500 => "the server could not complete the request",
        _ => "the request could not be handled",
    };
    let (req, old) = res.into_parts();
    let mut response = problem_response(&problem_for_status(status, detail));
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

/// The default service: an unknown path is a 404 problem.
pub async fn not_found(req: HttpRequest) -> HttpResponse<BoxBody> {
    let _ = req;
    problem_response(&problem_for_status(
        actix_web::http::StatusCode::NOT_FOUND,
        "no resource at this path",
    ))
}

/// CORS origins (`allowed_origins`) must be bare origins: `https://host[:port]`.
pub(crate) fn validate_origins(origins: &[String], check: &mut Check<'_>) {
    for origin in origins {
        if !is_absolute_http_url(origin) || origin.trim_end_matches('/').matches('/').count() != 2 {
            check.bad(
                "allowed_origins",
                "each origin must look like https://host[:port]",
            );
        }
    }
}

/// The `server` section: how a service listens and whom it believes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    pub host: IpAddr,
    /// 0 picks a free port (tests). Defaults to the service's own port.
    pub port: u16,
    /// Absolute URL clients reach this service at; used in generated links.
    pub public_base_url: String,
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// Largest JSON body accepted, in bytes.
    pub json_limit_bytes: usize,
    /// Seconds an idle connection is kept open for its next request; longer
    /// than the proxies and load balancers in front of us, so that they, not
    /// we, close idle connections (nginx's default is 75).
    pub keep_alive_secs: u64,
    /// Connections waiting to be accepted (the listen backlog).
    pub backlog: u32,
    /// Open connections per worker; past it, new ones wait in the backlog.
    /// Each open connection holds about 16 KiB (the HTTP layer's read and
    /// write buffers), so this bounds the service's memory.
    pub max_connections: usize,
    /// Proxies whose `X-Forwarded-For` is believed, as addresses or CIDR
    /// ranges (`SORA_SERVER__TRUSTED_PROXIES=10.0.0.0/8,192.0.2.7`). Empty:
    /// the TCP peer is the client.
    pub trusted_proxies: Vec<String>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            public_base_url: "http://127.0.0.1".to_owned(),
            shutdown_timeout_secs: 30,
            workers: 0,
            json_limit_bytes: 1024 * 1024,
            keep_alive_secs: 75,
            backlog: 4096,
            max_connections: 25_000,
            trusted_proxies: Vec::new(),
        }
    }
}

impl ServerSettings {
    pub(crate) fn validate(&self, check: &mut Check<'_>) {
        if self.json_limit_bytes == 0 {
            check.bad("json_limit_bytes", "must be positive");
        }
        if self.max_connections == 0 {
            check.bad("max_connections", "must be positive");
        }
        if let Err(entry) = TrustedProxies::parse(&self.trusted_proxies) {
            check.bad(
                "trusted_proxies",
                format!("`{entry}` is neither an IP address nor a CIDR range"),
            );
        }
        check.http_url("public_base_url", &self.public_base_url, false);
    }
}
