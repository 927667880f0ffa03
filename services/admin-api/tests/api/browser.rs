//! The dashboard in a real browser: `tests/browser/dashboard.py` drives
//! Debian's Chromium (headless, through Playwright) against this service.
//! `make test` installs both and names them in `SORA_TEST_CHROMIUM` and
//! `SORA_TEST_PLAYWRIGHT_PYTHON`. Screenshots go to docs/screenshots/.

use std::path::Path;

use admin_api::config::dev_secrets;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_dashboard_signs_in_survives_a_reload_and_signs_out_in_chromium() {
    let (python, chromium) = sora_testing::browser_tools();
    let app = spawn_app().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = tokio::process::Command::new(python)
        .arg(root.join("tests/browser/dashboard.py"))
        .arg(&app.address)
        .arg(chromium)
        .arg(root.join("../../docs/screenshots"))
        .arg("admin@sora.local")
        .arg(dev_secrets::BOOTSTRAP_ADMIN_PASSWORD)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "the browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
