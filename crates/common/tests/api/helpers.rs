use std::sync::Arc;

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use sora_common::auth::{Admin, Editor, Viewer};
use sora_common::config::NoSettings;
use sora_common::extract::Json;
use sora_common::{Application, Platform, ServiceSpec};
use tokio::sync::Notify;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("tests/migrations");

/// The platform's test service has no settings of its own.
pub type TestApp = sora_testing::TestApp<NoSettings>;

pub static SPEC: ServiceSpec = ServiceSpec {
    migrator: &MIGRATOR,
    ..ServiceSpec::for_tests()
};

/// Signals the test when the slow handler has started; the handler then
/// waits for `release`.
#[derive(Default)]
pub struct SlowGate {
    pub started: Notify,
    pub release: Notify,
}

#[derive(Deserialize)]
struct Note {
    #[allow(dead_code)]
    body: String,
    #[allow(dead_code)]
    stars: u8,
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/items/{id}",
        web::get().to(|| async { HttpResponse::Ok().finish() }),
    )
    .route(
        "/notes",
        web::post().to(|_note: Json<Note>| async { HttpResponse::Created().finish() }),
    )
    .route(
        "/boom",
        web::get().to(|| async {
            if std::hint::black_box(true) {
                panic!("a handler bug");
            }
            HttpResponse::Ok().finish()
        }),
    )
    .route(
        "/trace",
        web::get()
            .to(|| async { HttpResponse::Ok().body(sora_common::telemetry::current_trace_id()) }),
    )
    .route(
        "/viewer",
        web::get().to(|_: Viewer| async { HttpResponse::Ok().finish() }),
    )
    .route(
        "/editor",
        web::get().to(|_: Editor| async { HttpResponse::Ok().finish() }),
    )
    .route(
        "/admin",
        web::get().to(|a: Admin| async move { HttpResponse::Ok().body(a.0.sub) }),
    )
    .route(
        "/slow",
        web::get().to(|gate: web::Data<SlowGate>| async move {
            gate.started.notify_one();
            gate.release.notified().await;
            HttpResponse::Ok().body("finished")
        }),
    );
}

pub async fn build(platform: Platform<NoSettings>) -> anyhow::Result<Application> {
    build_with_gate(platform, Arc::default()).await
}

pub async fn build_with_gate(
    platform: Platform<NoSettings>,
    gate: Arc<SlowGate>,
) -> anyhow::Result<Application> {
    let gate = web::Data::from(gate);
    platform.bind(move |cfg| {
        cfg.app_data(gate.clone());
        routes(cfg);
    })
}

pub async fn spawn_app() -> TestApp {
    TestApp::spawn(&SPEC, build).await
}
