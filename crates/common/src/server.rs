//! A service is a [`Platform`] (settings, database, metrics, token verifier)
//! plus its own routes, bound into an [`Application`] that runs until told to stop.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use futures_util::future::BoxFuture;
use serde::Serialize;
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use utoipa::openapi::OpenApi;
use utoipa::{OpenApi as _, ToSchema};

use crate::auth::JwtVerifier;
use crate::config::Settings;
use crate::db;
use crate::error::{self, ApiError, Problem, problem_for_status};
use crate::http;
use crate::metrics::Metrics;
use crate::service::ServiceSpec;

/// One dependency `/ready` checks. A failing check makes the service unready.
pub trait ReadinessCheck: Send + Sync {
    fn name(&self) -> &'static str;
    fn check(&self) -> BoxFuture<'_, Result<(), String>>;
}

struct DatabaseCheck(PgPool);

impl ReadinessCheck for DatabaseCheck {
    fn name(&self) -> &'static str {
        "database"
    }
    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(db::ping(&self.0, Duration::from_secs(2)))
    }
}

#[derive(Clone)]
struct ReadinessChecks(Arc<Vec<Arc<dyn ReadinessCheck>>>);

/// A service's own figures for `GET /internal/summary` (catalog size,
/// downloads, …), next to the event-bus figures every service reports.
pub trait SummarySource: Send + Sync {
    fn summary(&self) -> BoxFuture<'_, anyhow::Result<serde_json::Value>>;
}

#[derive(Clone)]
struct SummarySlot(Option<Arc<dyn SummarySource>>);

/// What `GET /internal/summary` answers.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ServiceSummary {
    pub service: String,
    pub events: crate::metrics::EventSummary,
    /// The service's own figures; null when it has none.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// The typed `web::Data` every service gets from the platform.
#[derive(Clone)]
pub struct ServiceInfo {
    pub spec: &'static ServiceSpec,
}

/// What a service is built on: validated settings, its database pool (already
/// migrated when `database.migrate_on_start`), metrics and token verifier.
pub struct Platform {
    pub spec: &'static ServiceSpec,
    pub settings: Settings,
    pub db: PgPool,
    pub metrics: Metrics,
    pub verifier: JwtVerifier,
    checks: Vec<Arc<dyn ReadinessCheck>>,
    summary: Option<Arc<dyn SummarySource>>,
    background: Background,
}

/// Tasks that run beside the HTTP server (event relay, consumers, samplers)
/// and stop after it, when the shutdown flag is raised.
struct Background {
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Platform {
    pub async fn start(spec: &'static ServiceSpec, settings: Settings) -> anyhow::Result<Self> {
        let db = db::pool(&settings.database, spec.name);
        if settings.database.migrate_on_start {
            db::migrate_service(&db, spec)
                .await
                .map_err(|e| anyhow::anyhow!("applying {} migrations failed: {e}", spec.name))?;
        }
        let metrics = Metrics::new(spec.name)?;
        let verifier = JwtVerifier::from_settings(&settings.auth)?;
        let mut platform = Self {
            spec,
            checks: vec![Arc::new(DatabaseCheck(db.clone()))],
            summary: None,
            settings,
            db,
            metrics,
            verifier,
            background: Background {
                shutdown: watch::channel(false).0,
                tasks: Vec::new(),
            },
        };
        if let Some(every) = platform.verifier.jwks_refresh() {
            // admin-api may start after us: a failed first fetch is retried on
            // the first token with an unknown key and on every tick.
            if let Err(error) = platform.verifier.refresh_jwks().await {
                tracing::warn!(error = %error, "JWKS not fetched yet");
            }
            let verifier = platform.verifier.clone();
            platform.spawn_background(move |mut shutdown| async move {
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(every) => {
                            if let Err(error) = verifier.refresh_jwks().await {
                                tracing::warn!(error = %error, "JWKS refresh failed");
                            }
                        }
                        _ = shutdown.changed() => break,
                    }
                }
            });
        }
        Ok(platform)
    }

    /// Runs `task` until the service stops; it is given a receiver that turns
    /// `true` when it should finish what it is doing and return.
    pub fn spawn_background<F, Fut>(&mut self, task: F)
    where
        F: FnOnce(watch::Receiver<bool>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let receiver = self.background.shutdown.subscribe();
        self.background.tasks.push(tokio::spawn(task(receiver)));
    }

    /// Adds the service's own figures to `/internal/summary`.
    pub fn set_summary(&mut self, source: Arc<dyn SummarySource>) {
        self.summary = Some(source);
    }

    /// Adds a dependency to `/ready` (the event bus, object storage, …).
    pub fn add_readiness_check(&mut self, check: Arc<dyn ReadinessCheck>) {
        self.checks.push(check);
    }

    /// Binds the listener (port 0 picks a free one) and assembles the app: the
    /// platform's middleware and routes, then the service's own.
    pub fn bind<F>(self, configure: F) -> anyhow::Result<Application>
    where
        F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    {
        let settings = &self.settings.server;
        let listener = TcpListener::bind((settings.host, settings.port))?;
        let port = listener.local_addr()?.port();
        let json_limit = settings.json_limit_bytes;
        let origins = self.settings.allowed_origins.clone();
        let info = web::Data::new(ServiceInfo { spec: self.spec });
        let db = web::Data::new(self.db.clone());
        let metrics = web::Data::new(self.metrics.clone());
        let verifier = web::Data::new(self.verifier.clone());
        let checks = web::Data::new(ReadinessChecks(Arc::new(self.checks)));
        let summary = web::Data::new(SummarySlot(self.summary));

        let mut server = HttpServer::new(move || {
            let cors = origins.iter().fold(
                Cors::default()
                    .allow_any_method()
                    .allow_any_header()
                    .expose_headers([
                        "x-request-id",
                        "retry-after",
                        "x-ratelimit-remaining",
                        "etag",
                        "content-range",
                        "content-disposition",
                        "accept-ranges",
                    ])
                    .max_age(3600),
                |cors, origin| cors.allowed_origin(origin),
            );
            App::new()
                .wrap(from_fn(http::catch_panic))
                .wrap(ErrorHandlers::new().default_handler(http::normalize_error))
                .wrap(cors)
                .wrap(from_fn(http::request_context))
                .app_data(
                    web::JsonConfig::default()
                        .limit(json_limit)
                        .error_handler(error::json_error),
                )
                .app_data(web::PayloadConfig::default().limit(json_limit))
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(info.clone())
                .app_data(db.clone())
                .app_data(metrics.clone())
                .app_data(verifier.clone())
                .app_data(checks.clone())
                .app_data(summary.clone())
                .configure(platform_routes)
                .configure(configure.clone())
                .default_service(web::to(http::not_found))
        })
        .listen(listener)?
        .disable_signals()
        .shutdown_timeout(settings.shutdown_timeout_secs);
        if settings.workers > 0 {
            server = server.workers(settings.workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            background: self.background,
            grace: Duration::from_secs(settings.shutdown_timeout_secs),
        })
    }
}

/// A bound, not yet running, service.
pub struct Application {
    port: u16,
    server: Server,
    background: Background,
    grace: Duration,
}

impl Application {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves, then stops accepting connections and
    /// lets in-flight requests finish (up to `server.shutdown_timeout_secs`).
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let handle = self.server.handle();
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            handle.stop(true).await;
        });
        let served = self.server.await;
        // Then the background work: consumers finish the messages in hand.
        let _ = self.background.shutdown.send(true);
        let stopping = futures_util::future::join_all(self.background.tasks);
        if tokio::time::timeout(self.grace, stopping).await.is_err() {
            tracing::warn!("background tasks did not stop in time");
        }
        served
    }
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {},
                    _ = terminate.recv() => {},
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

fn platform_routes(cfg: &mut web::ServiceConfig) {
    // Resources, not bare routes: another method on a known path is a 405.
    cfg.service(web::resource("/health").get(health))
        .service(web::resource("/ready").get(ready))
        .service(web::resource("/metrics").get(metrics))
        .service(web::resource("/api-docs/openapi.json").get(openapi))
        .service(web::resource("/internal/summary").get(internal_summary));
}

/// Figures for admin-api's overview. Service-to-service only: it needs a
/// service token (internal audience), which no client can obtain, and the
/// gateway does not route `/internal`.
#[utoipa::path(get, path = "/internal/summary", tag = "platform", security(("service-token" = [])), responses(
    (status = 200, body = ServiceSummary),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
async fn internal_summary(
    _caller: crate::auth::ServiceCaller,
    info: web::Data<ServiceInfo>,
    metrics: web::Data<Metrics>,
    slot: web::Data<SummarySlot>,
) -> Result<HttpResponse, ApiError> {
    let details = match &slot.0 {
        Some(source) => source.summary().await.map_err(ApiError::Internal)?,
        None => serde_json::Value::Null,
    };
    Ok(HttpResponse::Ok().json(ServiceSummary {
        service: info.spec.name.to_owned(),
        events: metrics.event_summary(),
        details,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub service: String,
    pub version: String,
}

/// Liveness: the process is up.
#[utoipa::path(get, path = "/health", tag = "platform", responses((status = 200, body = Health)))]
async fn health(info: web::Data<ServiceInfo>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".to_owned(),
        service: info.spec.name.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready`, or absent on a problem response.
    pub status: String,
    /// Each dependency: `ok`, or why it failed.
    pub checks: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotReady {
    #[serde(flatten)]
    pub problem: Problem,
    pub checks: BTreeMap<String, String>,
}

/// Readiness: 200 when every dependency answers, else 503 naming the failing ones.
#[utoipa::path(get, path = "/ready", tag = "platform", responses(
    (status = 200, body = Readiness),
    (status = 503, body = NotReady, content_type = "application/problem+json"),
))]
async fn ready(checks: web::Data<ReadinessChecks>) -> HttpResponse {
    let results = futures_util::future::join_all(
        checks
            .0
            .iter()
            .map(|check| async move { (check.name(), check.check().await) }),
    )
    .await;
    let failing: Vec<&str> = results
        .iter()
        .filter(|(_, result)| result.is_err())
        .map(|(name, _)| *name)
        .collect();
    let checks = results
        .iter()
        .map(|(name, result)| {
            let state = match result {
                Ok(()) => "ok".to_owned(),
                Err(why) => why.clone(),
            };
            ((*name).to_owned(), state)
        })
        .collect();
    if failing.is_empty() {
        return HttpResponse::Ok().json(Readiness {
            status: "ready".to_owned(),
            checks,
        });
    }
    let status = actix_web::http::StatusCode::SERVICE_UNAVAILABLE;
    HttpResponse::build(status)
        .content_type(error::PROBLEM_JSON)
        .json(NotReady {
            problem: problem_for_status(
                status,
                &format!("not ready: {} unavailable", failing.join(", ")),
            ),
            checks,
        })
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "platform", responses((status = 200, content_type = "text/plain", body = String)))]
async fn metrics(
    metrics: web::Data<Metrics>,
    db: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let idle = u32::try_from(db.num_idle()).unwrap_or(u32::MAX);
    metrics.set_db_pool(db.size().saturating_sub(idle), idle);
    let body = metrics.render().map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}

/// This service's OpenAPI document.
#[utoipa::path(get, path = "/api-docs/openapi.json", tag = "platform", responses((status = 200, body = Object)))]
async fn openapi(info: web::Data<ServiceInfo>) -> HttpResponse {
    HttpResponse::Ok().json(openapi_document(info.spec))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(health, ready, metrics, openapi, internal_summary),
    components(schemas(Problem, error::FieldError)),
    tags((name = "platform", description = "Liveness, readiness, metrics and API docs, on every service."))
)]
struct PlatformApi;

/// The service's OpenAPI document: its own paths plus the platform's.
pub fn openapi_document(spec: &ServiceSpec) -> OpenApi {
    let mut doc = (spec.openapi)();
    doc.merge(PlatformApi::openapi());
    doc.info.title = format!("Sora {}", spec.name);
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.info.description = Some(format!(
        "The {} service of the Sora server. Errors are application/problem+json (RFC 9457).",
        spec.name
    ));
    doc.info.license = None;
    doc.info.contact = None;
    doc
}
