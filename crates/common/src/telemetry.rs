//! Logs, traces and W3C trace-context propagation, set up the same way by every service.
//!
//! An OpenTelemetry layer is always installed, so every span has a trace id and
//! `traceparent` propagates across REST calls and events even when no collector
//! is configured; spans are exported over OTLP/HTTP only when an endpoint is set.

use std::collections::HashMap;
use std::sync::OnceLock;

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

use crate::config::{Check, is_absolute_http_url};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetrySettings {
    pub format: LogFormat,
    /// A `tracing` filter directive, e.g. `info,sqlx=warn`.
    pub log_level: String,
    /// OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`. Empty: no export.
    pub otlp_endpoint: String,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Pretty,
            log_level: "info,sqlx=warn,opentelemetry=warn,actix_server=warn".to_owned(),
            otlp_endpoint: String::new(),
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

/// Flushes exported spans when dropped at the end of `main`.
pub struct TelemetryGuard {
    provider: SdkTracerProvider,
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
    let fmt = match settings.format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer().compact().boxed(),
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer(service)))
        .try_init()?;
    opentelemetry::global::set_tracer_provider(provider.clone());
    Ok(TelemetryGuard { provider })
}

/// For tests: logs go to a sink unless `TEST_LOG` is set; trace ids still work.
pub fn init_for_tests() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let provider = SdkTracerProvider::builder().build();
        let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("test"));
        let registry = tracing_subscriber::registry().with(otel);
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

/// The W3C `traceparent` of the current span, to put on an outgoing call or event.
pub fn current_traceparent() -> Option<String> {
    let mut carrier: HashMap<String, String> = HashMap::new();
    TraceContextPropagator::new().inject_context(&Span::current().context(), &mut carrier);
    carrier.remove("traceparent")
}

/// The trace id of the current span, as 32 hex digits (all zeros when none).
pub fn current_trace_id() -> String {
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

/// Makes `span` a child of the trace named by a `traceparent` value, if valid.
pub fn continue_trace(span: &Span, traceparent: Option<&str>) {
    let Some(traceparent) = traceparent else {
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
