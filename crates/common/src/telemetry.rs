//! Logs, traces and W3C trace-context propagation, set up the same way by every service.
//!
//! Log lines are formatted on the request's thread and written by a thread of
//! their own (a full buffer drops lines rather than slowing requests).
//!
//! Trace context (W3C `traceparent`) always propagates: a request or an event
//! continues the caller's trace, and outgoing calls and events carry it on.
//! Spans become OpenTelemetry spans, exported over OTLP/HTTP, only when an
//! endpoint is configured; otherwise the context travels in a task-local
//! ([`in_trace`]) and no span data is built, which keeps a request cheap.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use serde::Deserialize;

use crate::checks::{Check, is_absolute_http_url};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Which requests the access log records (one line each). Every request is
/// counted in the `http_requests_total` and `http_request_duration_seconds`
/// metrics whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessLog {
    /// Every request.
    All,
    /// Answers of 400 and above, and requests slower than a second.
    Errors,
    /// None.
    Off,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetrySettings {
    pub format: LogFormat,
    /// A `tracing` filter directive, e.g. `info,sqlx=warn`.
    pub log_level: String,
    /// OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`. Empty: no export.
    pub otlp_endpoint: String,
    pub access_log: AccessLog,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Pretty,
            log_level: "info,sqlx=warn,opentelemetry=warn,actix_server=warn".to_owned(),
            otlp_endpoint: String::new(),
            access_log: AccessLog::Errors,
        }
    }
}

impl TelemetrySettings {
    pub(crate) fn validate(&self, check: &mut Check<'_>) {
        if !self.otlp_endpoint.is_empty() && !is_absolute_http_url(&self.otlp_endpoint) {
            check.bad("otlp_endpoint", "must be empty or an absolute http(s) URL");
        }
        if EnvFilter::try_new(&self.log_level).is_err() {
            check.bad("log_level", "is not a valid tracing filter");
        }
    }
}

/// Flushes exported spans and buffered log lines when dropped at the end of `main`.
pub struct TelemetryGuard {
    provider: SdkTracerProvider,
    _log_writer: tracing_appender::non_blocking::WorkerGuard,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            eprintln!("telemetry: flushing spans failed: {error}");
        }
    }
}

/// Installs the global subscriber: filter, JSON or pretty lines, OpenTelemetry.
pub fn init(service: &'static str, settings: &TelemetrySettings) -> anyhow::Result<TelemetryGuard> {
    let provider = tracer_provider(service, &settings.otlp_endpoint)?;
    let filter = EnvFilter::try_new(&settings.log_level)?;
    let (writer, log_writer) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(64 * 1024)
        .finish(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout(),
        ));
    let fmt = match settings.format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .with_writer(writer)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .compact()
            .with_writer(writer)
            .boxed(),
    };
    let exporting = !settings.otlp_endpoint.is_empty();
    let otel =
        exporting.then(|| tracing_opentelemetry::layer().with_tracer(provider.tracer(service)));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(otel)
        .try_init()?;
    opentelemetry::global::set_tracer_provider(provider.clone());
    EXPORTING.store(exporting, Ordering::Release);
    Ok(TelemetryGuard {
        provider,
        _log_writer: log_writer,
    })
}

/// For tests: logs go to a sink unless `TEST_LOG` is set; trace context
/// propagates as in a service that exports no spans.
pub fn init_for_tests() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let registry = tracing_subscriber::registry();
        let result = if std::env::var_os("TEST_LOG").is_some() {
            registry
                .with(EnvFilter::new("debug,sqlx=info,h2=info,hyper=info"))
                .with(tracing_subscriber::fmt::layer().with_test_writer())
                .try_init()
        } else {
            registry.with(EnvFilter::new("info")).try_init()
        };
        // Another test framework may have installed one first; that is fine.
        let _ = result;
    });
}

fn tracer_provider(service: &'static str, endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(service)
        .build();
    let mut builder = SdkTracerProvider::builder().with_resource(resource);
    if !endpoint.is_empty() {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(endpoint)
            .build()?;
        builder = builder.with_batch_exporter(exporter);
    }
    Ok(builder.build())
}

/// Whether spans are exported (an OpenTelemetry layer is installed).
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// Whether spans are exported: the request span then carries OpenTelemetry's
/// fields and context comes from it.
pub fn exporting() -> bool {
    EXPORTING.load(Ordering::Acquire)
}

tokio::task_local! {
    static TRACE: TraceContext;
}

/// A W3C trace context: which trace this work belongs to, and its own span id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    sampled: bool,
}

impl TraceContext {
    /// A `traceparent` header's context, if it is a valid version-00 one.
    pub fn parse(traceparent: &str) -> Option<Self> {
        let mut parts = traceparent.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if version != "00" || parts.next().is_some() {
            return None;
        }
        let trace_id: [u8; 16] = hex(trace)?.try_into().ok()?;
        let span_id: [u8; 8] = hex(span)?.try_into().ok()?;
        let flags = hex(flags)?;
        if trace_id == [0; 16] || span_id == [0; 8] || flags.len() != 1 {
            return None;
        }
        Some(Self {
            trace_id,
            span_id,
            sampled: flags[0] & 1 == 1,
        })
    }

    /// A new trace.
    pub fn root() -> Self {
        let random = uuid::Uuid::new_v4();
        let bytes = random.as_bytes();
        Self {
            trace_id: *bytes,
            span_id: span_id_from(bytes),
            sampled: true,
        }
    }

    /// Work of the same trace, under a span of its own.
    pub fn child(&self) -> Self {
        Self {
            span_id: span_id_from(uuid::Uuid::new_v4().as_bytes()),
            ..*self
        }
    }

    pub fn trace_id(&self) -> String {
        to_hex(&self.trace_id)
    }

    pub fn traceparent(&self) -> String {
        format!(
            "00-{}-{}-{:02x}",
            to_hex(&self.trace_id),
            to_hex(&self.span_id),
            u8::from(self.sampled)
        )
    }
}

fn span_id_from(random: &[u8; 16]) -> [u8; 8] {
    let mut id = [0; 8];
    id.copy_from_slice(&random[8..]);
    if id == [0; 8] {
        id[7] = 1;
    }
    id
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2)
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Runs `work` as part of the trace `traceparent` names (a child of it), or
/// of a new trace when it names none.
pub async fn in_trace<F: Future>(traceparent: Option<&str>, work: F) -> F::Output {
    let context = traceparent
        .and_then(TraceContext::parse)
        .map_or_else(TraceContext::root, |parent| parent.child());
    TRACE.scope(context, work).await
}

/// The W3C `traceparent` of the current work, to put on an outgoing call or event.
pub fn current_traceparent() -> Option<String> {
    if !exporting() {
        return TRACE.try_with(TraceContext::traceparent).ok();
    }
    let mut carrier: HashMap<String, String> = HashMap::new();
    TraceContextPropagator::new().inject_context(&Span::current().context(), &mut carrier);
    carrier.remove("traceparent")
}

/// The trace id of the current work, as 32 hex digits (all zeros when none).
pub fn current_trace_id() -> String {
    if !exporting() {
        return TRACE
            .try_with(TraceContext::trace_id)
            .unwrap_or_else(|_| "0".repeat(32));
    }
    Span::current()
        .context()
        .span()
        .span_context()
        .trace_id()
        .to_string()
}

/// Adds `traceparent` to an outgoing reqwest call, continuing the current trace.
pub fn traced(request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    match current_traceparent() {
        Some(value) => request.header("traceparent", value),
        None => request,
    }
}

/// Makes `span` a child of the trace named by a `traceparent` value, if valid
/// and spans are exported (otherwise [`in_trace`] carries the context).
pub fn continue_trace(span: &Span, traceparent: Option<&str>) {
    let Some(traceparent) = traceparent.filter(|_| exporting()) else {
        return;
    };
    let carrier = SingleHeader(traceparent);
    let parent = TraceContextPropagator::new().extract(&carrier);
    if parent.span().span_context().is_valid() {
        // Fails only when no OpenTelemetry layer is installed: nothing to continue then.
        let _ = span.set_parent(parent);
    }
}

struct SingleHeader<'a>(&'a str);

impl Extractor for SingleHeader<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        (key == "traceparent").then_some(self.0)
    }
    fn keys(&self) -> Vec<&str> {
        vec!["traceparent"]
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn traceparents_are_parsed_strictly_and_continued() {
        let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let parent = TraceContext::parse(header).unwrap();
        assert_eq!(parent.traceparent(), header);
        let child = parent.child();
        assert_eq!(child.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_ne!(child.traceparent(), header);
        for bad in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
        ] {
            assert!(TraceContext::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(TraceContext::root().trace_id().len(), 32);
    }
}
