//! The command line every service binary shares:
//! `serve` (default), `migrate`, `provision`, `openapi`, `healthcheck`.

use std::future::Future;
use std::process::ExitCode;

use crate::config::{ServiceSettings, Settings};
use crate::events::EventBackend;
use crate::events::pg_bus::PgBus;
use crate::ops::openapi_document;
use crate::platform::{self, Platform};
use crate::server::{Application, shutdown_signal};
use crate::service::ServiceSpec;
use crate::{db, telemetry};

const USAGE: &str =
    "usage: SERVICE [serve | migrate | provision <superuser-database-url> | openapi | healthcheck | keygen <dir>]

  serve        run the service (default)
  migrate      apply this service's database migrations and exit
  provision    create this service's role and schema (as a superuser) and exit
  openapi      print this service's OpenAPI document
  healthcheck  exit 0 when this service's /health answers on its configured port
  keygen       write a new Ed25519 token signing key to <dir>/signing.pem and the
               matching SORA_IDENTITY__SIGNING_KID / SORA_AUTH__PUBLIC_KEYS to <dir>/signing.env

Configuration comes from SORA_* environment variables and the optional file
named by SORA_CONFIG_FILE; see the README.";

/// A command of one service's binary only, run without the platform.
pub struct ExtraCommand {
    pub name: &'static str,
    /// One line for the usage text.
    pub help: &'static str,
    /// Given the arguments after the command's name.
    pub run: fn(&[String]) -> ExitCode,
}

/// Runs the binary of `spec`; `build` adds the service's own state and routes.
pub fn run<S, F, Fut>(spec: &'static ServiceSpec, build: F) -> ExitCode
where
    S: ServiceSettings,
    F: FnOnce(Platform<S>) -> Fut,
    Fut: Future<Output = anyhow::Result<Application>>,
{
    run_with(spec, build, &[])
}

/// Like [`run`], with commands of the service's own.
pub fn run_with<S, F, Fut>(spec: &'static ServiceSpec, build: F, extra: &[ExtraCommand]) -> ExitCode
where
    S: ServiceSettings,
    F: FnOnce(Platform<S>) -> Fut,
    Fut: Future<Output = anyhow::Result<Application>>,
{
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if let Some(extra) = extra.iter().find(|c| c.name == command) {
        return (extra.run)(&args[1..]);
    }
    if command == "openapi" {
        return match serde_json::to_string_pretty(&openapi_document(spec)) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(spec, &error.to_string()),
        };
    }
    if command == "keygen" {
        return match keygen(args.get(1).map(String::as_str)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(spec, &format!("{error:#}")),
        };
    }
    if !matches!(command, "serve" | "migrate" | "provision" | "healthcheck") {
        eprintln!("{USAGE}");
        for extra in extra {
            eprintln!("  {:<12} {}", extra.name, extra.help);
        }
        return ExitCode::from(2);
    }
    let settings = match Settings::<S>::load(spec) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{}: {error}", spec.name);
            return ExitCode::from(78); // EX_CONFIG
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(spec, &error.to_string()),
    };
    let result = runtime.block_on(async {
        match command {
            "migrate" => {
                platform::migrate(&db::pool(&settings.database, spec.name), spec).await?;
                if settings.events.backend == EventBackend::Postgres {
                    let bus = settings.events.bus_database(&settings.database);
                    PgBus::migrate_pool(&db::pool(&bus, spec.name)).await?;
                }
                println!("{}: migrations applied", spec.name);
                Ok(())
            }
            "provision" => provision(spec, &settings, args.get(1).map(String::as_str)).await,
            "healthcheck" => healthcheck(&settings).await,
            _ => serve(spec, settings, build).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(spec, &format!("{error:#}")),
    }
}

async fn serve<S, F, Fut>(
    spec: &'static ServiceSpec,
    settings: Settings<S>,
    build: F,
) -> anyhow::Result<()>
where
    S: ServiceSettings,
    F: FnOnce(Platform<S>) -> Fut,
    Fut: Future<Output = anyhow::Result<Application>>,
{
    let _telemetry = telemetry::init(spec.name, &settings.telemetry)?;
    let host = settings.server.host;
    let app = build(Platform::start(spec, settings).await?).await?;
    // Before saying so: from here on, SIGTERM stops the service gracefully.
    let stop = shutdown_signal();
    tracing::info!(service = spec.name, address = %format!("http://{host}:{}", app.port()), "listening");
    app.run_until_stopped(stop).await?;
    tracing::info!(service = spec.name, "stopped");
    Ok(())
}

async fn provision<S>(
    spec: &ServiceSpec,
    settings: &Settings<S>,
    admin_url: Option<&str>,
) -> anyhow::Result<()> {
    use secrecy::ExposeSecret;
    use sqlx::Connection;
    let admin_url = admin_url
        .map(str::to_owned)
        .or_else(|| std::env::var("SORA_PROVISION_DATABASE_URL").ok())
        .ok_or_else(|| anyhow::anyhow!("provision needs a superuser database URL\n\n{USAGE}"))?;
    let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
    let database = &settings.database;
    db::provision(
        &mut admin,
        &database.name,
        &database.schema,
        &database.user,
        database.password.expose_secret(),
    )
    .await?;
    println!(
        "{}: role {} and schema {} are ready",
        spec.name, database.user, database.schema
    );
    if settings.events.backend == EventBackend::Postgres {
        // The embedded event bus has a role and schema of its own.
        let bus = settings.events.bus_database(database);
        db::provision(
            &mut admin,
            &bus.name,
            &bus.schema,
            &bus.user,
            bus.password.expose_secret(),
        )
        .await?;
        println!(
            "{}: role {} and schema {} are ready",
            spec.name, bus.user, bus.schema
        );
    }
    Ok(())
}

async fn healthcheck<S>(settings: &Settings<S>) -> anyhow::Result<()> {
    let host = match settings.server.host {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("http://{host}:{}/health", settings.server.port);
    let response = reqwest::Client::new()
        .get(&url)
        .timeout(std::time::Duration::from_secs(3))
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "{url} answered {}",
        response.status()
    );
    Ok(())
}

/// Writes a fresh signing key pair for admin-api: the private key as PKCS#8
/// PEM (mode 0600) and the settings that name and trust it.
fn keygen(dir: Option<&str>) -> anyhow::Result<()> {
    use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
    use base64::Engine;
    let dir = std::path::Path::new(
        dir.ok_or_else(|| anyhow::anyhow!("keygen needs a folder\n\n{USAGE}"))?,
    );
    std::fs::create_dir_all(dir)?;
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new())
        .map_err(|_| anyhow::anyhow!("could not generate a key"))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| anyhow::anyhow!("could not read the new key"))?;
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
    let der = base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref());
    let lines: Vec<&str> = der
        .as_bytes()
        .chunks(64)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    );
    let kid = format!("sora-{}", time::OffsetDateTime::now_utc().date());
    let key_path = dir.join("signing.pem");
    std::fs::write(&key_path, pem)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::write(
        dir.join("signing.env"),
        format!("SORA_IDENTITY__SIGNING_KID={kid}\nSORA_AUTH__PUBLIC_KEYS={kid}={x}\n"),
    )?;
    println!(
        "wrote {} and {}",
        key_path.display(),
        dir.join("signing.env").display()
    );
    Ok(())
}

fn fail(spec: &ServiceSpec, message: &str) -> ExitCode {
    eprintln!("{}: {message}", spec.name);
    ExitCode::FAILURE
}
