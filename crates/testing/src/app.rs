//! A service running in-process on a free port, on a database of its own.

use std::future::Future;

use sora_common::config::{ServiceSettings, Settings};
use sora_common::service::ServiceSpec;
use sora_common::{Application, Platform};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::database::TestDatabase;
use crate::settings::base_settings;
use crate::tokens::TokenMinter;

/// A service running in-process on a free port, on its own database.
pub struct TestApp<S> {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub tokens: TokenMinter,
    pub settings: Settings<S>,
    pub database: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl<S: ServiceSettings> TestApp<S> {
    /// Spawns the service built by `build` with test settings.
    pub async fn spawn<F, Fut>(spec: &'static ServiceSpec, build: F) -> Self
    where
        F: FnOnce(Platform<S>) -> Fut,
        Fut: Future<Output = anyhow::Result<Application>>,
    {
        Self::spawn_with(spec, |_| {}, build).await
    }

    /// Like [`TestApp::spawn`], letting the test adjust settings first.
    pub async fn spawn_with<F, Fut>(
        spec: &'static ServiceSpec,
        adjust: impl FnOnce(&mut Settings<S>),
        build: F,
    ) -> Self
    where
        F: FnOnce(Platform<S>) -> Fut,
        Fut: Future<Output = anyhow::Result<Application>>,
    {
        sora_common::telemetry::init_for_tests();
        let database = TestDatabase::create(spec).await;
        let mut settings = base_settings::<S>(spec);
        database.configure(&mut settings.database);
        let tokens = TokenMinter::generate(&settings.auth);
        settings.auth.public_keys = tokens.public_keys();
        adjust(&mut settings);
        let platform = Platform::start(spec, settings.clone()).await.unwrap();
        let app = build(platform).await.unwrap();
        let port = app.port();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async {
            let _ = rx.await;
        }));
        Self {
            address: format!("http://127.0.0.1:{port}"),
            port,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            tokens,
            settings,
            database,
            shutdown: Some(tx),
            server: Some(server),
        }
    }
}

impl<S> TestApp<S> {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// GET `path` with `token` as the bearer.
    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Sends the shutdown signal without waiting.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Signals shutdown and waits for the server to finish.
    pub async fn stop(&mut self) -> std::io::Result<()> {
        self.begin_shutdown();
        match self.server.take() {
            Some(server) => server.await.unwrap(),
            None => Ok(()),
        }
    }
}
