//! The routes every service serves beside its own: liveness, readiness,
//! Prometheus metrics, its OpenAPI document, and the figures admin-api's
//! overview gathers (`/internal/summary`).

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::openapi::OpenApi;
use utoipa::{OpenApi as _, ToSchema};

use crate::auth::ServiceCaller;
use crate::error::{self, ApiError, Problem, problem_for_status};
use crate::metrics::{EventSummary, Metrics};
use crate::platform::{ReadinessCheck, SummarySource};
use crate::problems;
use crate::service::ServiceSpec;

/// What the platform's routes read, shared by every worker.
#[derive(Clone)]
pub(crate) struct OpsData(web::Data<Ops>);

pub(crate) struct Ops {
    spec: &'static ServiceSpec,
    db: PgPool,
    metrics: Metrics,
    checks: Vec<Arc<dyn ReadinessCheck>>,
    summary: Option<Arc<dyn SummarySource>>,
}

impl OpsData {
    pub(crate) fn new(
        spec: &'static ServiceSpec,
        db: PgPool,
        metrics: Metrics,
        checks: Vec<Arc<dyn ReadinessCheck>>,
        summary: Option<Arc<dyn SummarySource>>,
    ) -> Self {
        Self(web::Data::new(Ops {
            spec,
            db,
            metrics,
            checks,
            summary,
        }))
    }

    pub(crate) fn configure(&self, cfg: &mut web::ServiceConfig) {
        // Resources, not bare routes: another method on a known path is a 405.
        cfg.app_data(self.0.clone())
            .service(web::resource("/health").get(health))
            .service(web::resource("/ready").get(ready))
            .service(web::resource("/metrics").get(metrics))
            .service(web::resource("/api-docs/openapi.json").get(openapi))
            .service(web::resource("/internal/summary").get(internal_summary));
    }
}

/// What `GET /internal/summary` answers.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ServiceSummary {
    pub service: String,
    pub events: EventSummary,
    /// The service's own figures; null when it has none.
    #[schema(value_type = Option<Object>)]
    pub details: serde_json::Value,
}

/// Figures for admin-api's overview. Service-to-service only: it needs a
/// service token (internal audience), which no client can obtain, and the
/// gateway does not route `/internal`.
#[utoipa::path(get, path = "/internal/summary", tag = "platform", security(("service-token" = [])), responses(
    (status = 200, body = ServiceSummary),
    problems::Unauthorized,
))]
async fn internal_summary(
    _caller: ServiceCaller,
    ops: web::Data<Ops>,
) -> Result<HttpResponse, ApiError> {
    let details = match &ops.summary {
        Some(source) => source.summary().await.map_err(ApiError::Internal)?,
        None => serde_json::Value::Null,
    };
    Ok(HttpResponse::Ok().json(ServiceSummary {
        service: ops.spec.name.to_owned(),
        events: ops.metrics.event_summary(),
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
async fn health(ops: web::Data<Ops>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".to_owned(),
        service: ops.spec.name.to_owned(),
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
async fn ready(ops: web::Data<Ops>) -> HttpResponse {
    let results = futures_util::future::join_all(
        ops.checks
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
async fn metrics(ops: web::Data<Ops>) -> Result<HttpResponse, ApiError> {
    let idle = u32::try_from(ops.db.num_idle()).unwrap_or(u32::MAX);
    ops.metrics
        .set_db_pool(ops.db.size().saturating_sub(idle), idle);
    let body = ops.metrics.render().map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}

/// This service's OpenAPI document.
#[utoipa::path(get, path = "/api-docs/openapi.json", tag = "platform", responses((status = 200, body = Object)))]
async fn openapi(ops: web::Data<Ops>) -> HttpResponse {
    HttpResponse::Ok().json(openapi_document(ops.spec))
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
