//! The HTTP server every service runs: its settings, the app assembled from
//! the platform's middleware and routes plus the service's own, and the
//! [`Application`] that serves until told to stop.

use std::future::Future;
use std::net::TcpListener;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};

use crate::platform::{Background, Platform};
use crate::privacy::TrustedProxies;
use crate::{error, extract, http, ops};

pub use crate::http::ServerSettings;

impl<S: Clone + Send + Sync + 'static> Platform<S> {
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
        let ops = ops::OpsData::new(
            self.spec,
            self.db.clone(),
            self.metrics.clone(),
            self.checks,
            self.summary,
        );
        let metrics = web::Data::new(self.metrics.clone());
        let verifier = web::Data::new(self.verifier.clone());
        let access_log = web::Data::new(self.settings.telemetry.access_log);
        let proxies = web::Data::new(TrustedProxies::parse(&settings.trusted_proxies).map_err(
            |entry| anyhow::anyhow!("server.trusted_proxies: `{entry}` is not an address"),
        )?);

        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(http::catch_panic))
                .wrap(ErrorHandlers::new().default_handler(http::normalize_error))
                .wrap(cors(&origins))
                .wrap(from_fn(http::request_context))
                .app_data(extract::JsonLimit(json_limit))
                .app_data(web::PayloadConfig::default().limit(json_limit))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(metrics.clone())
                .app_data(access_log.clone())
                .app_data(proxies.clone())
                .app_data(verifier.clone())
                .configure(|cfg| ops.configure(cfg))
                .configure(configure.clone())
                .default_service(web::to(http::not_found))
        })
        .backlog(settings.backlog)
        .max_connections(settings.max_connections)
        .keep_alive(Duration::from_secs(settings.keep_alive_secs))
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

fn cors(origins: &[String]) -> Cors {
    origins.iter().fold(
        Cors::default()
            .allow_any_method()
            .allow_any_header()
            .expose_headers([
                "x-request-id",
                "retry-after",
                "x-ratelimit-limit",
                "x-ratelimit-remaining",
                "etag",
                "content-range",
                "content-disposition",
                "accept-ranges",
            ])
            .max_age(3600),
        |cors, origin| cors.allowed_origin(origin),
    )
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

/// Resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are installed when
/// this is called, not when the future is first polled: a SIGTERM that
/// arrives right after start-up (a pod replaced as soon as it is ready)
/// must start a graceful stop, not kill the process with the default
/// action before the serving task got to wait for it.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (terminate, interrupt) {
                (Ok(mut terminate), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = terminate.recv() => {},
                        _ = interrupt.recv() => {},
                    }
                }
                (Ok(mut one), Err(_)) | (Err(_), Ok(mut one)) => {
                    one.recv().await;
                }
                (Err(_), Err(_)) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async move {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
