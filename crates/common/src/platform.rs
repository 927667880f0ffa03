//! What a service is built on: validated settings, its database pool, metrics,
//! the token verifier, readiness checks and background tasks. A service's
//! `build` takes a started [`Platform`], adds its own state and routes, and
//! binds it into an `Application` (`server`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::JwtVerifier;
use crate::config::{ServiceSettings, Settings};
use crate::db;
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

/// A service's own figures for `GET /internal/summary` (catalog size,
/// downloads, …), next to the event-bus figures every service reports.
pub trait SummarySource: Send + Sync {
    fn summary(&self) -> BoxFuture<'_, anyhow::Result<serde_json::Value>>;
}

/// A started service, not yet serving: settings (validated), database pool
/// (migrated when `database.migrate_on_start`), metrics, token verifier.
pub struct Platform<S> {
    pub spec: &'static ServiceSpec,
    pub settings: Settings<S>,
    pub db: PgPool,
    pub metrics: Metrics,
    pub verifier: JwtVerifier,
    pub(crate) checks: Vec<Arc<dyn ReadinessCheck>>,
    pub(crate) summary: Option<Arc<dyn SummarySource>>,
    pub(crate) background: Background,
}

/// Tasks that run beside the HTTP server (event relay, consumers, samplers)
/// and stop after it, when the shutdown flag is raised.
pub(crate) struct Background {
    pub(crate) shutdown: watch::Sender<bool>,
    pub(crate) tasks: Vec<JoinHandle<()>>,
}

impl<S: ServiceSettings> Platform<S> {
    pub async fn start(spec: &'static ServiceSpec, settings: Settings<S>) -> anyhow::Result<Self> {
        let db = db::pool(&settings.database, spec.name);
        if settings.database.migrate_on_start {
            migrate(&db, spec)
                .await
                .map_err(|e| anyhow::anyhow!("applying {} migrations failed: {e}", spec.name))?;
        }
        let metrics = Metrics::new(spec.name)?;
        let verifier = JwtVerifier::from_settings(&settings.auth);
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
        if let Some(every) = platform.verifier.revocations_refresh() {
            // Until the first fetch succeeds (admin-api down at start), only
            // revocations told to this replica directly apply: the gap is
            // logged, and the list is retried on every tick.
            if let Err(error) = platform.verifier.refresh_revocations().await {
                tracing::warn!(error = %error, "revoked sessions not fetched yet");
            }
            let verifier = platform.verifier.clone();
            platform.spawn_background(move |mut shutdown| async move {
                let mut failing = false;
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(every) => {
                            match verifier.refresh_revocations().await {
                                Ok(_) => failing = false,
                                // Once per outage, not once a second.
                                Err(error) if !failing => {
                                    failing = true;
                                    tracing::warn!(error = %error, "fetching revoked sessions failed; the last list stays");
                                }
                                Err(_) => {}
                            }
                        }
                        _ = shutdown.changed() => break,
                    }
                }
            });
        }
        Ok(platform)
    }
}

/// Applies the service's own migrations, then the outbox and inbox tables every
/// service has (tracked apart, in `_sora_events_migrations`).
pub async fn migrate(pool: &PgPool, spec: &ServiceSpec) -> anyhow::Result<()> {
    db::migrate(pool, spec.migrator).await?;
    crate::events::outbox::migrate(pool).await
}

impl<S> Platform<S> {
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
}
