//! One storage contract, run against both backends: the filesystem and S3
//! (moto's server on loopback, started by `make test`).

use std::sync::Arc;

use file_server::config::FileServerSettings;
use futures_util::TryStreamExt;
use sora_common::auth::Role;
use sora_common::storage::{self, ObjectStore};
use sora_testing::settings::{base_settings, s3_endpoint, use_s3};

use crate::helpers::*;

async fn read(store: &dyn ObjectStore, key: &str, range: std::ops::Range<u64>) -> Option<Vec<u8>> {
    let stream = store.get(key, range).await.unwrap()?;
    let chunks: Vec<bytes::Bytes> = stream.try_collect().await.unwrap();
    Some(chunks.concat())
}

async fn storage_contract(store: Arc<dyn ObjectStore>) {
    store.ping().await.unwrap();
    // Larger than one chunk, so streaming is exercised.
    let data: Vec<u8> = (0..6 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let key = "sha256/ab/contract-object";
    store.put(key, data.clone().into()).await.unwrap();

    let size = data.len() as u64;
    assert_eq!(read(&*store, key, 0..size).await.unwrap(), data);
    assert_eq!(read(&*store, key, 100..200).await.unwrap(), &data[100..200]);
    assert_eq!(
        read(&*store, key, size - 1..size).await.unwrap(),
        &data[data.len() - 1..]
    );
    assert_eq!(read(&*store, key, 5..5).await.unwrap(), b"");
    assert!(read(&*store, "sha256/ab/missing", 0..1).await.is_none());

    // Content-addressed: writing a key again is harmless.
    store.put(key, data.clone().into()).await.unwrap();
    assert_eq!(read(&*store, key, 0..size).await.unwrap().len(), data.len());

    for bad in ["../escape", "/abs", "a//b", ""] {
        assert!(
            store
                .put(bad, bytes::Bytes::from_static(b"x"))
                .await
                .is_err(),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_filesystem_store_keeps_the_contract() {
    let mut settings = base_settings::<FileServerSettings>(&file_server::SPEC);
    settings.service.storage.path = sora_testing::settings::temp_storage_path();
    storage_contract(
        storage::from_settings(&settings.service.storage)
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn the_s3_store_keeps_the_contract() {
    let mut settings = base_settings::<FileServerSettings>(&file_server::SPEC);
    use_s3(&mut settings.service.storage, &s3_endpoint());
    storage_contract(
        storage::from_settings(&settings.service.storage)
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn an_unreachable_s3_makes_the_service_unready() {
    let app = spawn_app_with(|s| {
        use_s3(&mut s.service.storage, &s3_endpoint());
        s.service.storage.s3.create_bucket = false;
        s.service.storage.s3.bucket = "no-such-bucket-anywhere".to_owned();
    })
    .await;
    let problem = assert_problem(app.get("/ready").await, 503).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("storage"),
        "{problem}"
    );
}

#[tokio::test]
async fn publishing_and_downloading_work_on_s3() {
    let app = spawn_app_with(|s| use_s3(&mut s.service.storage, &s3_endpoint())).await;
    assert_eq!(app.get("/ready").await.status(), 200);
    let token = app.tokens.token(Role::Editor);
    let package = foxe(&manifest("acme", "s3plot", "1.0.0"));
    assert_eq!(
        publish_as(&app, &token, package.clone()).await.status(),
        201
    );

    let download = app
        .get("/api/extensions/acme.s3plot/versions/1.0.0/download")
        .await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), package.as_slice());
    let partial = app
        .client
        .get(app.url("/api/extensions/acme.s3plot/versions/1.0.0/download"))
        .header("range", "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(partial.status(), 206);
    assert_eq!(partial.bytes().await.unwrap().as_ref(), &package[10..20]);
}
