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

/// A client that shows redirects instead of following them.
fn not_following() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn downloads_of(app: &TestApp, id: &str) -> i64 {
    let details: serde_json::Value = app
        .get(&format!("/api/extensions/{id}"))
        .await
        .json()
        .await
        .unwrap();
    details["downloads"].as_i64().unwrap()
}

#[tokio::test]
async fn downloads_can_redirect_to_presigned_urls_on_s3() {
    let endpoint = s3_endpoint();
    let app = spawn_app_with(|s| {
        use_s3(&mut s.service.storage, &endpoint);
        s.service.downloads.redirect = true;
        s.service.downloads.presigned_ttl_secs = 120;
    })
    .await;
    let token = app.tokens.token(Role::Editor);
    let package = foxe(&manifest("acme", "signed", "1.0.0"));
    assert_eq!(
        publish_as(&app, &token, package.clone()).await.status(),
        201
    );

    let url = app.url("/api/extensions/acme.signed/versions/1.0.0/download");
    let redirect = not_following().get(&url).send().await.unwrap();
    assert_eq!(redirect.status(), 302);
    assert_eq!(redirect.headers()["cache-control"], "no-store");
    let location = redirect.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&endpoint), "{location}");
    assert!(location.contains("X-Amz-Signature="), "{location}");
    assert!(location.contains("X-Amz-Expires=120"), "{location}");
    // The signed URL serves the package, ranges too, without the service.
    let fetched = reqwest::get(&location).await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), package.as_slice());
    let part = reqwest::Client::new()
        .get(&location)
        .header("range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &package[..10]);
    // A client that follows redirects gets the bytes in one call.
    let followed = reqwest::get(app.url("/api/extensions/acme.signed/download"))
        .await
        .unwrap();
    assert_eq!(followed.status(), 200);
    assert_eq!(followed.bytes().await.unwrap().as_ref(), package.as_slice());

    // Redirected downloads are counted like served ones; HEAD and 304 are not.
    not_following().head(&url).send().await.unwrap();
    let unchanged = not_following()
        .get(&url)
        .header("if-none-match", "*")
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), 304);
    eventually(std::time::Duration::from_secs(10), 2, || {
        downloads_of(&app, "acme.signed")
    })
    .await;
}

#[tokio::test]
async fn downloads_can_redirect_to_a_public_address_of_the_bucket() {
    let endpoint = s3_endpoint();
    let mut storage = None;
    let app = spawn_app_with(|s| {
        use_s3(&mut s.service.storage, &endpoint);
        s.service.downloads.redirect = true;
        s.service.downloads.redirect_base_url = "https://cdn.example.com/sora/".to_owned();
        storage = Some(s.service.storage.clone());
    })
    .await;
    let token = app.tokens.token(Role::Editor);
    let package = foxe(&manifest("acme", "cdnplot", "1.0.0"));
    let published: serde_json::Value = publish_as(&app, &token, package.clone())
        .await
        .json()
        .await
        .unwrap();
    let sha256 = published["sha256"].as_str().unwrap();

    let redirect = not_following()
        .get(app.url("/api/extensions/acme.cdnplot/versions/1.0.0/download"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 302);
    // A stable address: cacheable like the versioned download itself.
    assert_eq!(
        redirect.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // The bucket's key (with the configured prefix) under the base URL …
    let key = format!("sha256/{}/{sha256}", &sha256[..2]);
    assert_eq!(
        redirect.headers()["location"],
        format!("https://cdn.example.com/sora/objects/{key}").as_str()
    );
    // … which is where the package is stored.
    let store = storage::from_settings(&storage.unwrap()).await.unwrap();
    let size = package.len() as u64;
    assert_eq!(read(&*store, &key, 0..size).await.unwrap(), package);
}

/// Found by the soak: with the object store cut off, publishing answered
/// 500. It is a dependency being down, like the database: 503 with
/// Retry-After, and nothing is recorded.
#[tokio::test]
async fn an_unreachable_object_store_answers_503_and_changes_nothing() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = spawn_app_with(|s| {
        use_s3(&mut s.service.storage, &endpoint);
        s.service.storage.s3.create_bucket = false;
    })
    .await;
    let token = app.tokens.token(Role::Editor);

    let published = publish_as(&app, &token, foxe(&manifest("acme", "cut", "1.0.0"))).await;
    assert_eq!(published.headers()["retry-after"], "5");
    let problem = assert_problem(published, 503).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("object store"),
        "{problem}"
    );
    let layout = app
        .client
        .post(app.url("/api/layouts"))
        .bearer_auth(&token)
        .json(
            &serde_json::json!({"name": "Cut", "description": "", "tags": [],
            "layout": {"configById": {"3D!a": {}}, "layout": "3D!a"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(layout.headers()["retry-after"], "5");
    assert_problem(layout, 503).await;

    assert_eq!(app.get("/api/extensions/acme.cut").await.status(), 404);
    let layouts: serde_json::Value = app.get("/api/layouts").await.json().await.unwrap();
    assert_eq!(layouts["total"], 0, "{layouts}");
}
