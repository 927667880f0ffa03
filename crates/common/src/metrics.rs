//! Prometheus metrics: one registry per running service, labelled with its name.

use std::collections::HashMap;
use std::time::Duration;

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// The route label for requests that matched no route, so unknown paths
/// cannot blow up the label cardinality.
pub const UNMATCHED_ROUTE: &str = "unmatched";

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    db_pool: IntGaugeVec,
}

/// The event-bus figures a service last sampled, for `/internal/summary`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EventSummary {
    /// Events waiting in this service's outbox.
    pub outbox_backlog: i64,
    /// Queue → messages waiting in it.
    pub queue_depth: std::collections::BTreeMap<String, i64>,
    /// Queue → messages in its dead-letter queue.
    pub dlq_depth: std::collections::BTreeMap<String, i64>,
}

impl Metrics {
    /// The event gauges as last sampled (zero before the first sample).
    pub fn event_summary(&self) -> EventSummary {
        let mut summary = EventSummary::default();
        for family in self.registry.gather() {
            for metric in family.get_metric() {
                let value = metric.get_gauge().get_value() as i64;
                let queue = metric
                    .get_label()
                    .iter()
                    .find(|l| l.name() == "queue")
                    .map(|l| l.value().to_owned());
                match (family.name(), queue) {
                    ("events_outbox_backlog", _) => summary.outbox_backlog = value,
                    ("events_queue_depth", Some(queue)) => {
                        summary.queue_depth.insert(queue, value);
                    }
                    ("events_dlq_depth", Some(queue)) => {
                        summary.dlq_depth.insert(queue, value);
                    }
                    _ => {}
                }
            }
        }
        summary
    }

    pub fn new(service: &str) -> anyhow::Result<Self> {
        let labels = HashMap::from([("service".to_owned(), service.to_owned())]);
        let registry = Registry::new_custom(None, Some(labels))?;
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route template and status.",
            ),
            &["method", "route", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0,
            ]),
            &["method", "route"],
        )?;
        let db_pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database pool connections, by state.",
            ),
            &["state"],
        )?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(db_pool.clone()))?;
        registry.register(Box::new(AllocatorBytes(IntGaugeVec::new(
            Opts::new(
                "allocator_bytes",
                "jemalloc's figures: bytes allocated (live), resident (what RSS holds of the heap) and \
                 retained (returned to the system, address space kept).",
            ),
            &["state"],
        )?)))?;
        Ok(Self {
            registry,
            http_requests,
            http_duration,
            db_pool,
        })
    }

    /// Reports the bytes a bounded in-memory cache holds as
    /// `cache_bytes{cache=name}`, read from `bytes` at each scrape. Memory
    /// that a full cache explains is not a leak: the soak subtracts it.
    pub fn register_cache(
        &self,
        name: &str,
        bytes: impl Fn() -> u64 + Send + Sync + 'static,
    ) -> anyhow::Result<()> {
        let gauge = IntGauge::with_opts(
            Opts::new(
                "cache_bytes",
                "Bytes held by a bounded in-memory cache, by cache.",
            )
            .const_label("cache", name),
        )?;
        self.registry.register(Box::new(CacheBytes {
            gauge,
            bytes: Box::new(bytes),
        }))?;
        Ok(())
    }

    /// Where services register their own collectors.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn observe_http(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.http_requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.http_duration
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    pub fn set_db_pool(&self, in_use: u32, idle: u32) {
        self.db_pool
            .with_label_values(&["in_use"])
            .set(i64::from(in_use));
        self.db_pool
            .with_label_values(&["idle"])
            .set(i64::from(idle));
    }

    /// The registry in Prometheus text format.
    pub fn render(&self) -> anyhow::Result<String> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        Ok(String::from_utf8(buffer)?)
    }
}

/// The allocator's figures, read when scraped: live bytes against resident
/// ones tell a leak (allocated grows) from memory the allocator keeps.
struct AllocatorBytes(IntGaugeVec);

impl Collector for AllocatorBytes {
    fn desc(&self) -> Vec<&Desc> {
        self.0.desc()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        use tikv_jemalloc_ctl::{epoch, stats};
        // Without jemalloc's statistics (a binary on another allocator),
        // the gauges stay at zero.
        if epoch::advance().is_ok() {
            for (state, read) in [
                ("allocated", stats::allocated::read()),
                ("resident", stats::resident::read()),
                ("retained", stats::retained::read()),
            ] {
                if let Ok(bytes) = read {
                    self.0
                        .with_label_values(&[state])
                        .set(i64::try_from(bytes).unwrap_or(i64::MAX));
                }
            }
        }
        self.0.collect()
    }
}

/// A gauge read from its cache when scraped, so nothing has to keep it fresh.
struct CacheBytes {
    gauge: IntGauge,
    bytes: Box<dyn Fn() -> u64 + Send + Sync>,
}

impl Collector for CacheBytes {
    fn desc(&self) -> Vec<&Desc> {
        self.gauge.desc()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        self.gauge
            .set(i64::try_from((self.bytes)()).unwrap_or(i64::MAX));
        self.gauge.collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn a_cache_gauge_reads_its_cache_at_each_scrape() {
        let metrics = Metrics::new("test").unwrap();
        let held = Arc::new(AtomicU64::new(10));
        let reader = held.clone();
        metrics
            .register_cache("files", move || reader.load(Ordering::Relaxed))
            .unwrap();
        metrics.register_cache("documents", || 7).unwrap();
        assert!(
            metrics
                .render()
                .unwrap()
                .contains(r#"cache_bytes{cache="files",service="test"} 10"#)
        );
        held.store(4096, Ordering::Relaxed);
        let text = metrics.render().unwrap();
        assert!(
            text.contains(r#"cache_bytes{cache="files",service="test"} 4096"#),
            "{text}"
        );
        assert!(
            text.contains(r#"cache_bytes{cache="documents",service="test"} 7"#),
            "{text}"
        );
        assert!(
            metrics.register_cache("files", || 0).is_err(),
            "one gauge per cache"
        );
    }

    #[test]
    fn the_allocator_figures_are_scraped() {
        let text = Metrics::new("test").unwrap().render().unwrap();
        for state in ["allocated", "resident", "retained"] {
            let line = format!(r#"allocator_bytes{{state="{state}",service="test"}}"#);
            assert!(text.contains(&line), "{line} missing from {text}");
        }
    }
}
