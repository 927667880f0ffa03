//! An SQS and S3 server for tests (moto, on loopback): the shared one `make
//! test` starts, or one of a test's own that it can stop and restart.

use std::process::Command;

/// An SQS server of its own (moto), for tests that stop and restart the bus.
/// Uses the `moto_server` `make test` installed (`SORA_TEST_MOTO_BIN`).
pub struct EphemeralSqs {
    pub port: u16,
    child: Option<std::process::Child>,
}

impl EphemeralSqs {
    pub async fn start() -> Self {
        let port = crate::free_port();
        let mut sqs = Self { port, child: None };
        sqs.start_server().await;
        sqs
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts moto on this server's port (again, after a stop). Fails at
    /// once, with moto's own words, if it cannot have the port: a restart
    /// must not mistake another listener on the port for moto.
    pub async fn start_server(&mut self) {
        let binary = std::env::var("SORA_TEST_MOTO_BIN")
            .expect("SORA_TEST_MOTO_BIN is not set: run `make test`");
        let log = std::env::temp_dir().join(format!("sora-moto-{}.log", self.port));
        let mut child = Command::new(binary)
            .args(["-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let exited = |child: &mut std::process::Child| {
            child.try_wait().unwrap().map(|status| {
                let said = std::fs::read_to_string(&log).unwrap_or_default();
                format!(
                    "moto_server exited ({status}) on port {}: {said}",
                    self.port
                )
            })
        };
        loop {
            if let Some(why) = exited(&mut child) {
                panic!("{why}");
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "moto_server did not start"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        // Something answers on the port: moto, unless it failed to bind.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        if let Some(why) = exited(&mut child) {
            panic!("{why}");
        }
        self.child = Some(child);
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
