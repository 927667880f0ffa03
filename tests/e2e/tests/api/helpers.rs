use admin_api::config::AdminSettings;
use file_server::config::FileServerSettings;
use sora_common::Settings;
use sora_common::auth::dev;
use sora_common::events::outbox;
use sora_testing::TestApp;
use sora_testing::events::Backend;
use sora_testing::settings::{sqs_endpoint, use_sqs};
use sqlx::PgPool;

pub use sora_testing::eventually;

pub type AdminApp = TestApp<AdminSettings>;
pub type FilesApp = TestApp<FileServerSettings>;

pub async fn spawn_admin() -> AdminApp {
    TestApp::spawn_with(&admin_api::SPEC, admin_settings, admin_api::build).await
}

/// admin-api signs with the development key in tests; every service trusts
/// it beside the test minter's key.
pub fn trust_dev_key<S>(settings: &mut Settings<S>) {
    settings.auth.public_keys.push(dev::KID, dev::PUBLIC_X);
}

/// admin-api as in the tests: the development signing key, cheap hashing.
pub fn admin_settings(settings: &mut Settings<AdminSettings>) {
    trust_dev_key(settings);
    settings.service.identity.argon2_memory_kib = 256;
    settings.service.identity.argon2_iterations = 1;
}

/// file-server with a storage folder of its own, adjusted by `adjust`.
pub async fn spawn_files(adjust: impl FnOnce(&mut Settings<FileServerSettings>)) -> FilesApp {
    TestApp::spawn_with(
        &file_server::SPEC,
        |s| {
            s.service.storage.path = sora_testing::settings::temp_storage_path();
            adjust(s);
        },
        file_server::build,
    )
    .await
}

/// An access token from admin-api's login: signed with the development
/// key, which every service in these tests trusts.
pub async fn login(admin: &AdminApp, email: &str, password: &str) -> String {
    let login: serde_json::Value = admin
        .client
        .post(admin.url("/api/admin/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["access_token"].as_str().unwrap().to_owned()
}

/// A small valid `.foxe`: package.json and `dist/extension.js`.
pub fn foxe(publisher: &str, name: &str, version: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let manifest = serde_json::json!({
        "name": name, "publisher": publisher, "version": version, "main": "dist/extension.js",
        "displayName": format!("{name} panel"), "description": format!("Shows {name} data"),
    });
    zip.start_file("package.json", options).unwrap();
    zip.write_all(manifest.to_string().as_bytes()).unwrap();
    zip.start_file("dist/extension.js", options).unwrap();
    zip.write_all(b"module.exports.activate = () => {};")
        .unwrap();
    zip.finish().unwrap().into_inner()
}

/// Publishes `layout` on file-server as an editor; the created layout.
pub async fn publish_layout(files: &FilesApp, layout: &serde_json::Value) -> serde_json::Value {
    let created = files
        .client
        .post(files.url("/api/layouts"))
        .bearer_auth(files.tokens.token(sora_common::auth::Role::Editor))
        .json(layout)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    created.json().await.unwrap()
}

/// file-server on the PostgreSQL bus in its own database, or on a fresh SQS
/// queue prefix; `adjust` is applied to its events settings.
pub async fn spawn_producer(
    backend: Backend,
    adjust: impl Fn(&mut sora_common::events::EventsSettings),
) -> FilesApp {
    let sqs = sqs_endpoint();
    spawn_files(|s| {
        if let Backend::Sqs = backend {
            use_sqs(&mut s.events, &sqs);
        }
        adjust(&mut s.events);
    })
    .await
}

/// A producer (file-server) and a consumer (admin-api) sharing one bus: the
/// PostgreSQL bus in the producer's database, or one SQS queue prefix.
pub struct Pair {
    pub producer: FilesApp,
    pub consumer: AdminApp,
}

impl Pair {
    /// `adjust` is applied to the platform settings of both.
    pub async fn spawn(
        backend: Backend,
        adjust: impl Fn(&mut sora_common::events::EventsSettings) + Clone,
    ) -> Self {
        let producer = spawn_producer(backend, adjust.clone()).await;
        Self::consumer_for(producer, backend, adjust).await
    }

    /// admin-api consuming from `producer`'s bus.
    pub async fn consumer_for(
        producer: FilesApp,
        backend: Backend,
        adjust: impl Fn(&mut sora_common::events::EventsSettings),
    ) -> Self {
        let shared = producer.settings.events.clone();
        let consumer = TestApp::spawn_with(
            &admin_api::SPEC,
            |s| {
                s.events.backend = shared.backend;
                s.events.sqs = shared.sqs.clone();
                if let Backend::Postgres = backend {
                    s.events.postgres.host = producer.settings.database.host.clone();
                    s.events.postgres.port = producer.settings.database.port;
                    s.events.postgres.name = producer.database.name.clone();
                }
                admin_settings(s);
                adjust(&mut s.events);
            },
            admin_api::build,
        )
        .await;
        Self { producer, consumer }
    }

    /// A pool on the producer's schema, as file-server's own code uses.
    pub fn producer_pool(&self) -> PgPool {
        sora_common::db::pool(&self.producer.settings.database, "test-producer")
    }

    pub fn consumer_pool(&self) -> PgPool {
        sora_common::db::pool(&self.consumer.settings.database, "test-consumer")
    }
}

/// Publishes `count` events through file-server's outbox, one transaction each
/// batch of 100, as a state change would.
pub async fn publish(pool: &PgPool, count: usize) {
    let mut n = 0;
    while n < count {
        let mut tx = pool.begin().await.unwrap();
        for _ in 0..(count - n).min(100) {
            outbox::enqueue(&mut tx, "file-server", &action(n))
                .await
                .unwrap();
            n += 1;
        }
        tx.commit().await.unwrap();
    }
}

pub use sora_testing::events::{audit_count, inbox_count, numbered_action as action};
