//! A service's own binary serving on a test database: for what only a real
//! process shows (its logs, signals, a crash).

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::database::{TestDatabase, admin_options};

/// A service binary serving on a free port.
pub struct ServiceProcess {
    child: Child,
    pub port: u16,
    /// Where stdout and stderr go: files, so that a chatty process never
    /// blocks on a full pipe.
    logs: [PathBuf; 2],
}

/// How a [`ServiceProcess`] ended, and what it wrote.
pub struct Exited {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl ServiceProcess {
    /// Starts `binary` on `database` with JSON logs and `vars` added (they
    /// win over the defaults), and waits until it answers `/health`.
    pub async fn start(binary: &str, database: &TestDatabase, vars: &[(&str, &str)]) -> Self {
        let port = crate::free_port();
        let admin = admin_options();
        let stem =
            std::env::temp_dir().join(format!("sora-process-{}", uuid::Uuid::new_v4().simple()));
        let logs = [stem.with_extension("stdout"), stem.with_extension("stderr")];
        let file = |path: &PathBuf| Stdio::from(std::fs::File::create(path).unwrap());
        let mut child = Command::new(binary)
            .env_clear()
            .env("SORA_SERVER__PORT", port.to_string())
            .env("SORA_DATABASE__HOST", admin.get_host())
            .env("SORA_DATABASE__PORT", admin.get_port().to_string())
            .env("SORA_DATABASE__NAME", &database.name)
            .env("SORA_TELEMETRY__FORMAT", "json")
            .envs(vars.iter().copied())
            .stdout(file(&logs[0]))
            .stderr(file(&logs[1]))
            .spawn()
            .unwrap();
        let client = reqwest::Client::new();
        let health = format!("http://127.0.0.1:{port}/health");
        let deadline = Instant::now() + Duration::from_secs(30);
        while client.get(&health).send().await.is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                let stderr = std::fs::read_to_string(&logs[1]).unwrap_or_default();
                panic!("{binary} exited early ({status}): {stderr}");
            }
            assert!(Instant::now() < deadline, "{binary} did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { child, port, logs }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The most memory the process has held (`VmHWM`), in bytes.
    pub fn peak_rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        kib * 1024
    }

    /// SIGTERM, then waits (20 s at most) for it to exit.
    pub async fn stop(mut self) -> Exited {
        self.signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the service ignored SIGTERM");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.output()
    }

    /// SIGKILL: no shutdown, no flushing, as in a crash.
    pub fn kill(self) -> Exited {
        self.signal("-KILL");
        self.output()
    }

    fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill {signal} failed");
    }

    fn output(mut self) -> Exited {
        let status = self.child.wait().unwrap();
        let [stdout, stderr] = self.logs.each_ref().map(|path| {
            let text = std::fs::read(path).unwrap_or_default();
            let _ = std::fs::remove_file(path);
            String::from_utf8_lossy(&text).into_owned()
        });
        Exited {
            status,
            stdout,
            stderr,
        }
    }
}
