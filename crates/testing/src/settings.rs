//! Test settings: a service's defaults with a free port, one worker, fast
//! event timings; and switches to the shared SQS/S3 server.

use std::collections::HashMap;

use sora_common::config::{Environment, ServiceSettings, Settings};
use sora_common::events::{EventBackend, EventsSettings};
use sora_common::service::ServiceSpec;

/// Defaults for `spec` with test adjustments: a free port, one worker, event
/// timings in milliseconds rather than seconds.
pub fn base_settings<S: ServiceSettings>(spec: &ServiceSpec) -> Settings<S> {
    let mut settings = Settings::<S>::load_from(spec, &HashMap::new()).unwrap();
    settings.env = Environment::Test;
    settings.server.port = 0;
    settings.server.workers = 1;
    settings.server.shutdown_timeout_secs = 10;
    settings.events.relay_interval_ms = 50;
    settings.events.routes_refresh_ms = 500;
    settings.events.metrics_interval_ms = 500;
    settings.events.retry_base_ms = 20;
    settings.events.visibility_timeout_secs = 5;
    settings.events.wait_secs = 1;
    settings
}

/// The SQS-compatible server `make test` started (`SORA_TEST_SQS_ENDPOINT`).
pub fn sqs_endpoint() -> String {
    std::env::var("SORA_TEST_SQS_ENDPOINT")
        .expect("SORA_TEST_SQS_ENDPOINT is not set: run `make test`, which starts an SQS server")
}

/// Switches `events` to the SQS bus at `endpoint`, with queue names of its
/// own so tests sharing the server do not meet.
pub fn use_sqs(events: &mut EventsSettings, endpoint: &str) {
    let sqs = &mut events.sqs;
    events.backend = EventBackend::Sqs;
    sqs.endpoint_url = endpoint.to_owned();
    sqs.region = "us-east-1".to_owned();
    sqs.access_key_id = "test".to_owned();
    sqs.secret_access_key = "test".into();
    sqs.queue_prefix = format!("t{}-", &uuid::Uuid::new_v4().simple().to_string()[..12]);
}

/// The S3-compatible server `make test` started (`SORA_TEST_S3_ENDPOINT`).
pub fn s3_endpoint() -> String {
    std::env::var("SORA_TEST_S3_ENDPOINT")
        .expect("SORA_TEST_S3_ENDPOINT is not set: run `make test`, which starts an S3 server")
}

/// A storage folder of a test's own, under the system's temporary folder.
pub fn temp_storage_path() -> String {
    std::env::temp_dir()
        .join(format!(
            "sora-test-objects-{}",
            uuid::Uuid::new_v4().simple()
        ))
        .to_string_lossy()
        .into_owned()
}

/// Switches `storage` to S3 at `endpoint`, in a bucket of its own.
#[cfg(feature = "storage")]
pub fn use_s3(storage: &mut sora_common::storage::StorageSettings, endpoint: &str) {
    let s3 = &mut storage.s3;
    storage.backend = sora_common::storage::StorageBackend::S3;
    s3.endpoint_url = endpoint.to_owned();
    s3.region = "us-east-1".to_owned();
    s3.force_path_style = true;
    s3.access_key_id = "test".to_owned();
    s3.secret_access_key = "test".into();
    s3.bucket = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    s3.prefix = "objects/".to_owned();
    s3.create_bucket = true;
}
