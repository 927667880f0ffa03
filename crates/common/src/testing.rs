//! Test support for the services' integration tests: a fresh database per test
//! (cloned from a migrated template, dropped afterwards), token minting, a
//! running app on a free port, and a throw-away PostgreSQL cluster for tests
//! that stop the database.
//!
//! `make test` starts a PostgreSQL on loopback and exports
//! `SORA_TEST_DATABASE_URL` (a superuser URL); these helpers never touch any
//! other database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;
use std::sync::Mutex;

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use jsonwebtoken::{EncodingKey, Header};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::{ALGORITHM, Role};
use crate::config::{BUS_SCHEMA, Environment, EventBackend, Settings, dev};
use crate::events::pg_bus::PgBus;
use crate::server::{Application, Platform};
use crate::service::{ALL_SCHEMAS, ServiceSpec};
use crate::{db, telemetry};

/// Changes whenever provisioning changes, so stale templates are not reused.
const TEMPLATE_REVISION: &str = "3";

/// The superuser connection `make test` provides.
pub fn admin_options() -> PgConnectOptions {
    let url = std::env::var("SORA_TEST_DATABASE_URL").expect(
        "SORA_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a throw-away PostgreSQL",
    );
    PgConnectOptions::from_str(&url).expect("SORA_TEST_DATABASE_URL is not a PostgreSQL URL")
}

fn block_on_thread<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(work)
    })
    .join()
    .unwrap()
}

/// A database of its own for one test, provisioned for every service and
/// migrated for the service under test; dropped when this value is.
pub struct TestDatabase {
    pub name: String,
    admin: PgConnectOptions,
}

impl TestDatabase {
    pub async fn create(spec: &'static ServiceSpec) -> Self {
        let template = template_for(spec);
        let admin = admin_options();
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin.connect().await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        )))
        .execute(&mut conn)
        .await
        .unwrap();
        db::grant_connect(&mut conn, &name, &roles_for(spec))
            .await
            .unwrap();
        Self { name, admin }
    }

    /// A superuser connection to this database, for assertions.
    pub async fn admin_connection(&self) -> PgConnection {
        self.admin
            .clone()
            .database(&self.name)
            .connect()
            .await
            .unwrap()
    }

    /// Points `settings` at this database (the service keeps its own role).
    pub fn configure(&self, settings: &mut Settings) {
        settings.database.host = self.admin.get_host().to_owned();
        settings.database.port = self.admin.get_port();
        settings.database.name = self.name.clone();
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        block_on_thread(async move {
            if let Ok(mut conn) = admin.connect().await {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await;
            }
        });
    }
}

/// Every service's schema, plus the one under test if it is not a service's.
fn schemas_for(spec: &ServiceSpec) -> Vec<&'static str> {
    let mut schemas = ALL_SCHEMAS.to_vec();
    schemas.push(BUS_SCHEMA);
    if !schemas.contains(&spec.schema) {
        schemas.push(spec.schema);
    }
    schemas
}

fn roles_for(spec: &ServiceSpec) -> Vec<String> {
    schemas_for(spec)
        .iter()
        .map(|s| format!("sora_{s}"))
        .collect()
}

/// The migrated template for `spec`, created once per process (and reused
/// across runs while the migrations are unchanged).
fn template_for(spec: &'static ServiceSpec) -> String {
    static TEMPLATES: Mutex<Vec<(&'static str, String)>> = Mutex::new(Vec::new());
    let mut templates = TEMPLATES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, name)) = templates.iter().find(|(n, _)| *n == spec.name) {
        return name.clone();
    }
    let name = block_on_thread(create_template(spec));
    templates.push((spec.name, name.clone()));
    name
}

async fn create_template(spec: &'static ServiceSpec) -> String {
    let mut fingerprint = format!(
        "{TEMPLATE_REVISION}:{}:{}:",
        spec.schema,
        db::migrations_fingerprint()
    );
    for migration in spec.migrator.iter() {
        fingerprint.push_str(&format!("{}:{:?};", migration.version, migration.checksum));
    }
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, fingerprint.as_bytes());
    let hash: String = digest.as_ref()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("tpl_{}_{hash}", spec.schema);

    let admin = admin_options();
    let mut conn = admin.connect().await.unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if exists {
        return name;
    }
    // Built under a temporary name and renamed when complete, so a half-built
    // template is never used.
    let building = format!("{name}_b{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE \"{building}\""
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    {
        let mut target = admin.clone().database(&building).connect().await.unwrap();
        for schema in schemas_for(spec) {
            db::provision(
                &mut target,
                &building,
                schema,
                &format!("sora_{schema}"),
                dev::DATABASE_PASSWORD,
            )
            .await
            .unwrap();
        }
        target.close().await.unwrap();
    }
    let mut settings = base_settings(spec);
    settings.database.host = admin.get_host().to_owned();
    settings.database.port = admin.get_port();
    settings.database.name = building.clone();
    let pool = db::pool(&settings.database, "template");
    db::migrate_service(&pool, spec).await.unwrap();
    pool.close().await;
    let bus = db::pool(
        &settings.events.bus_database(&settings.database),
        "template-bus",
    );
    PgBus::migrate_pool(&bus).await.unwrap();
    bus.close().await;
    let renamed = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
    )))
    .execute(&mut conn)
    .await;
    if renamed.is_err() {
        // Another process finished the same template first.
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE \"{building}\" WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
    }
    name
}

/// Defaults for `spec` with test adjustments: a free port, one worker.
pub fn base_settings(spec: &ServiceSpec) -> Settings {
    let mut settings = Settings::load_from(spec, &HashMap::new()).unwrap();
    settings.env = Environment::Test;
    settings.server.port = 0;
    settings.server.workers = 1;
    settings.server.shutdown_timeout_secs = 10;
    // Fast event timings, so tests wait milliseconds, not seconds.
    settings.events.relay_interval_ms = 50;
    settings.events.metrics_interval_ms = 500;
    settings.events.retry_base_ms = 20;
    settings.events.visibility_timeout_secs = 5;
    settings.events.wait_secs = 1;
    // Cheap password hashing: tests hash many passwords.
    settings.identity.argon2_memory_kib = 256;
    settings.identity.argon2_iterations = 1;
    // A storage folder of its own (under the system's temporary folder).
    settings.storage.path = std::env::temp_dir()
        .join(format!(
            "sora-test-objects-{}",
            uuid::Uuid::new_v4().simple()
        ))
        .to_string_lossy()
        .into_owned();
    settings
}

/// The S3-compatible server `make test` started (`SORA_TEST_S3_ENDPOINT`).
pub fn s3_endpoint() -> String {
    std::env::var("SORA_TEST_S3_ENDPOINT")
        .expect("SORA_TEST_S3_ENDPOINT is not set: run `make test`, which starts an S3 server")
}

/// Switches `settings` to S3 storage at `endpoint`, in a bucket of its own.
pub fn use_s3(settings: &mut Settings, endpoint: &str) {
    let s3 = &mut settings.storage.s3;
    settings.storage.backend = crate::config::StorageBackend::S3;
    s3.endpoint_url = endpoint.to_owned();
    s3.region = "us-east-1".to_owned();
    s3.force_path_style = true;
    s3.access_key_id = "test".to_owned();
    s3.secret_access_key = "test".into();
    s3.bucket = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    s3.prefix = "objects/".to_owned();
    s3.create_bucket = true;
}

/// The SQS-compatible server `make test` started (`SORA_TEST_SQS_ENDPOINT`).
pub fn sqs_endpoint() -> String {
    std::env::var("SORA_TEST_SQS_ENDPOINT")
        .expect("SORA_TEST_SQS_ENDPOINT is not set: run `make test`, which starts an SQS server")
}

/// Switches `settings` to the SQS bus at `endpoint`, with queue names of its
/// own so tests sharing the server do not meet.
pub fn use_sqs(settings: &mut Settings, endpoint: &str) {
    settings.events.backend = EventBackend::Sqs;
    settings.events.sqs.endpoint_url = endpoint.to_owned();
    settings.events.sqs.region = "us-east-1".to_owned();
    settings.events.sqs.access_key_id = "test".to_owned();
    settings.events.sqs.secret_access_key = "test".into();
    settings.events.sqs.queue_prefix =
        format!("t{}-", &uuid::Uuid::new_v4().simple().to_string()[..12]);
}

/// An SQS server of its own (moto), for tests that stop and restart the bus.
/// Uses the `moto_server` `make test` installed (`SORA_TEST_MOTO_BIN`).
pub struct EphemeralSqs {
    pub port: u16,
    child: Option<std::process::Child>,
}

impl EphemeralSqs {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut sqs = Self { port, child: None };
        sqs.start_server().await;
        sqs
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn start_server(&mut self) {
        let binary = std::env::var("SORA_TEST_MOTO_BIN")
            .expect("SORA_TEST_MOTO_BIN is not set: run `make test`");
        let child = Command::new(binary)
            .args(["-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "moto_server did not start"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    pub fn stop_server(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for EphemeralSqs {
    fn drop(&mut self) {
        self.stop_server();
    }
}

/// Mints access tokens with a key pair made for one test.
pub struct TokenMinter {
    pub kid: String,
    key: EncodingKey,
    public_x: String,
    pub issuer: String,
    pub audience: String,
}

impl TokenMinter {
    pub fn generate(settings: &Settings) -> Self {
        Self::generate_with(&settings.auth.issuer, &settings.auth.audience)
    }

    /// The `auth.public_keys` value that trusts this minter.
    pub fn public_keys_setting(&self) -> String {
        format!("{}={}", self.kid, self.public_x)
    }

    pub fn public_x(&self) -> &str {
        &self.public_x
    }

    /// A valid ten-minute token for `role`, for a new user.
    pub fn token(&self, role: Role) -> String {
        self.token_for(&uuid::Uuid::now_v7().to_string(), role)
    }

    /// A valid ten-minute token for user `sub` with `role`.
    pub fn token_for(&self, sub: &str, role: Role) -> String {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.sign(&serde_json::json!({
            "sub": sub,
            "role": role,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + 600,
        }))
    }

    /// Signs arbitrary claims with this minter's key and kid.
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key).unwrap()
    }
}

impl TokenMinter {
    /// A valid one-minute service token (internal audience), as admin-api
    /// mints for its calls to the other services.
    pub fn service_token(&self, settings: &Settings) -> String {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.sign(&serde_json::json!({
            "sub": "service:admin-api", "role": "admin", "on_behalf_of": "u1",
            "iss": self.issuer, "aud": settings.auth.internal_audience,
            "iat": now, "exp": now + 60,
        }))
    }

    /// Tokens a service must refuse with 401, by name: forged (`alg: none`,
    /// HS256 keyed with the public key, a tampered payload, an untrusted key
    /// under a trusted kid), expired, for another audience or issuer, without
    /// `exp`, with an unknown role. Each is otherwise an admin's token for
    /// `audience` (and `sub`).
    pub fn forged_tokens(&self, audience: &str, sub: &str) -> Vec<(&'static str, String)> {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = |overrides: serde_json::Value| {
            let mut base = serde_json::json!({
                "sub": sub, "role": "admin", "iss": self.issuer, "aud": audience,
                "iat": now, "exp": now + 600,
            });
            for (k, v) in overrides.as_object().unwrap() {
                base[k] = v.clone();
            }
            base
        };
        let none = format!(
            "{}.{}.",
            b64(
                serde_json::json!({"alg": "none", "typ": "JWT", "kid": self.kid})
                    .to_string()
                    .as_bytes()
            ),
            b64(claims(serde_json::json!({})).to_string().as_bytes())
        );
        let mut hs_header = Header::new(jsonwebtoken::Algorithm::HS256);
        hs_header.kid = Some(self.kid.clone());
        let hs256 = jsonwebtoken::encode(
            &hs_header,
            &claims(serde_json::json!({})),
            &EncodingKey::from_secret(self.public_x.as_bytes()),
        )
        .unwrap();
        let valid = self.sign(&claims(serde_json::json!({})));
        let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
        parts[1] = b64(claims(serde_json::json!({"sub": "intruder"}))
            .to_string()
            .as_bytes());
        let tampered = parts.join(".");
        // Another key pair presenting the trusted kid.
        let mut stranger = Self::generate_with(&self.issuer, audience);
        stranger.kid = self.kid.clone();
        let foreign = stranger.sign(&claims(serde_json::json!({})));
        vec![
            ("alg none", none),
            ("hs256 with the public key", hs256),
            ("tampered payload", tampered),
            ("untrusted key", foreign),
            ("expired", self.sign(&claims(serde_json::json!({"exp": now - 3600, "iat": now - 7200})))),
            ("wrong audience", self.sign(&claims(serde_json::json!({"aud": "someone-else"})))),
            ("wrong issuer", self.sign(&claims(serde_json::json!({"iss": "evil"})))),
            (
                "no exp",
                self.sign(&serde_json::json!({"sub": sub, "role": "admin", "iss": self.issuer, "aud": audience})),
            ),
            ("unknown role", self.sign(&claims(serde_json::json!({"role": "superuser"})))),
            ("not a jwt", "abc.def".to_owned()),
        ]
    }

    fn generate_with(issuer: &str, audience: &str) -> Self {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        Self {
            kid: format!("test-{}", uuid::Uuid::new_v4().simple()),
            key: EncodingKey::from_ed_der(pkcs8.as_ref()),
            public_x: base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(pair.public_key().as_ref()),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }
}

/// Sends `method path` with each forged token and with a service token (or,
/// for an internal route, a user's admin token) in place of the right kind,
/// and asserts every one is refused with a 401 problem.
pub async fn assert_forged_tokens_refused(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    internal: bool,
) {
    let settings = &app.settings;
    let (audience, sub) = if internal {
        (
            settings.auth.internal_audience.as_str(),
            "service:admin-api",
        )
    } else {
        (settings.auth.audience.as_str(), "u1")
    };
    let mut tokens = app.tokens.forged_tokens(audience, sub);
    if internal {
        tokens.push(("a user's admin token", app.tokens.token(Role::Admin)));
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        tokens.push((
            "internal audience without a service subject",
            app.tokens.sign(&serde_json::json!({
                "sub": "u1", "role": "admin", "iss": app.tokens.issuer,
                "aud": audience, "iat": now, "exp": now + 60,
            })),
        ));
    } else {
        tokens.push(("a service token", app.tokens.service_token(settings)));
    }
    for (name, token) in tokens {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            401,
            "{method} {path}: {name} was not refused"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
}

/// `/internal/summary` refuses every forged or misused token and answers a
/// service token with the service's name and event figures.
pub async fn assert_internal_summary(app: &TestApp, spec: &ServiceSpec) -> serde_json::Value {
    assert_forged_tokens_refused(app, reqwest::Method::GET, "/internal/summary", true).await;
    let token = app.tokens.service_token(&app.settings);
    let response = app.get_as("/internal/summary", &token).await;
    assert_eq!(response.status(), 200);
    let summary: serde_json::Value = response.json().await.unwrap();
    assert_eq!(summary["service"], spec.name);
    assert!(summary["events"]["outbox_backlog"].is_i64(), "{summary}");
    summary
}

/// A service running in-process on a free port, on its own database.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub tokens: TokenMinter,
    pub settings: Settings,
    pub database: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    /// Spawns the service built by `build` with test settings.
    pub async fn spawn<F, Fut>(spec: &'static ServiceSpec, build: F) -> Self
    where
        F: FnOnce(Platform) -> Fut,
        Fut: Future<Output = anyhow::Result<Application>>,
    {
        Self::spawn_with(spec, |_| {}, build).await
    }

    /// Like [`TestApp::spawn`], letting the test adjust settings first.
    pub async fn spawn_with<F, Fut>(
        spec: &'static ServiceSpec,
        adjust: impl FnOnce(&mut Settings),
        build: F,
    ) -> Self
    where
        F: FnOnce(Platform) -> Fut,
        Fut: Future<Output = anyhow::Result<Application>>,
    {
        telemetry::init_for_tests();
        let database = TestDatabase::create(spec).await;
        let mut settings = base_settings(spec);
        database.configure(&mut settings);
        let tokens = TokenMinter::generate(&settings);
        settings.auth.public_keys = tokens.public_keys_setting();
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

/// A PostgreSQL cluster of its own, for tests that stop and restart the
/// database. Uses the binaries `make test` found (`SORA_TEST_PG_BINDIR`) and,
/// when run as root, the unprivileged user it names (`SORA_TEST_PG_USER`).
pub struct EphemeralPostgres {
    dir: PathBuf,
    pub port: u16,
    bindir: PathBuf,
    user: Option<String>,
}

impl EphemeralPostgres {
    pub fn start() -> Self {
        let bindir = PathBuf::from(
            std::env::var("SORA_TEST_PG_BINDIR")
                .expect("SORA_TEST_PG_BINDIR is not set: run `make test`"),
        );
        let user = std::env::var("SORA_TEST_PG_USER")
            .ok()
            .filter(|u| !u.is_empty());
        let dir = std::env::temp_dir().join(format!(
            "sora-ephemeral-pg-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(user) = &user {
            assert!(
                Command::new("chown")
                    .arg(user)
                    .arg(&dir)
                    .status()
                    .unwrap()
                    .success()
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = Self {
            dir,
            port,
            bindir,
            user,
        };
        pg.run(
            "initdb",
            &[
                "-D",
                &pg.data(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        pg.start_server();
        pg
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// A command running `tool` as the cluster's owner.
    fn command(&self, tool: &str) -> Command {
        let program = self.bindir.join(tool);
        match &self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let output = self.command(tool).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{tool} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    pub fn start_server(&self) {
        let log = self.dir.join("postgres.log").display().to_string();
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-w",
                "-o",
                &options,
                "start",
            ],
        );
    }

    pub fn stop_server(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    pub fn admin_options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.port)
            .username("postgres")
            .database("postgres")
    }

    /// Creates database `sora_bus` with the event bus's role and schema, and
    /// points `settings`' PostgreSQL bus at it.
    pub async fn provision_bus(&self, settings: &mut Settings) {
        let mut conn = self.admin_options().connect().await.unwrap();
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'sora_bus')",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        if !exists {
            sqlx::raw_sql("CREATE DATABASE sora_bus")
                .execute(&mut conn)
                .await
                .unwrap();
        }
        let mut target = self
            .admin_options()
            .database("sora_bus")
            .connect()
            .await
            .unwrap();
        db::provision(
            &mut target,
            "sora_bus",
            BUS_SCHEMA,
            "sora_bus",
            dev::DATABASE_PASSWORD,
        )
        .await
        .unwrap();
        settings.events.postgres.host = "127.0.0.1".to_owned();
        settings.events.postgres.port = self.port;
        settings.events.postgres.name = "sora_bus".to_owned();
    }

    /// Creates database `sora` with `spec`'s role and schema, and points
    /// `settings` at it.
    pub async fn provision(&self, spec: &ServiceSpec, settings: &mut Settings) {
        let mut conn = self.admin_options().connect().await.unwrap();
        sqlx::raw_sql("CREATE DATABASE sora")
            .execute(&mut conn)
            .await
            .unwrap();
        let mut target = self
            .admin_options()
            .database("sora")
            .connect()
            .await
            .unwrap();
        db::provision(
            &mut target,
            "sora",
            spec.schema,
            &spec.database_role(),
            dev::DATABASE_PASSWORD,
        )
        .await
        .unwrap();
        settings.database.host = "127.0.0.1".to_owned();
        settings.database.port = self.port;
        settings.database.name = "sora".to_owned();
    }
}

impl Drop for EphemeralPostgres {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Checks what every service must serve: liveness, readiness, metrics with its
/// name, 404 problems for unknown paths, and an OpenAPI document equal to the
/// checked-in contract in `proto/` (regenerate it with `make contracts`).
pub async fn assert_platform_contract(app: &TestApp, spec: &'static ServiceSpec) {
    let health: serde_json::Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["service"], spec.name);

    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 200);

    let missing = app.get("/api/definitely-not-here").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(&format!("service=\"{}\"", spec.name))
            && metrics.contains("http_requests_total"),
        "{metrics}"
    );

    let served: serde_json::Value = app
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let generated = serde_json::to_value(crate::server::openapi_document(spec)).unwrap();
    assert_eq!(served, generated);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../proto")
        .join(format!("{}.openapi.json", spec.name));
    let checked_in: serde_json::Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(serde_json::Value::Null);
    assert!(
        checked_in == generated,
        "{} differs from the code: run `make contracts` and commit the result",
        path.display()
    );
}
