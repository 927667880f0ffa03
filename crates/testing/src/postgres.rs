//! A PostgreSQL cluster of a test's own, for tests that stop and restart the
//! database.

use std::path::PathBuf;
use std::process::Command;

use sora_common::config::Settings;
use sora_common::db::{self, DEV_PASSWORD};
use sora_common::events::BUS_SCHEMA;
use sora_common::service::ServiceSpec;
use sqlx::ConnectOptions;
use sqlx::postgres::PgConnectOptions;

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
        let port = crate::free_port();
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
    pub async fn provision_bus<S>(&self, settings: &mut Settings<S>) {
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
            DEV_PASSWORD,
        )
        .await
        .unwrap();
        settings.events.postgres.host = "127.0.0.1".to_owned();
        settings.events.postgres.port = self.port;
        settings.events.postgres.name = "sora_bus".to_owned();
    }

    /// Creates database `sora` with `spec`'s role and schema, and points
    /// `settings` at it.
    pub async fn provision<S>(&self, spec: &ServiceSpec, settings: &mut Settings<S>) {
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
            DEV_PASSWORD,
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
