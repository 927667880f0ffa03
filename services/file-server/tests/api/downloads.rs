//! Downloads: caching headers, conditional and range requests, HEAD, and
//! exact counting with one event per download.

use serde_json::Value;
use sora_common::auth::Role;

use crate::helpers::*;

const URL: &str = "/api/extensions/acme.plot/versions/1.0.0/download";

#[tokio::test]
async fn a_versioned_download_is_immutable_cacheable_and_resumable() {
    let app = spawn_app().await;
    let token = app.tokens.token(Role::Editor);
    let package = foxe(&manifest("acme", "plot", "1.0.0"));
    let created: Value = publish_as(&app, &token, package.clone())
        .await
        .json()
        .await
        .unwrap();
    let etag = format!("\"{}\"", created["sha256"].as_str().unwrap());
    let size = package.len();

    let full = app.get(URL).await;
    assert_eq!(full.status(), 200);
    let headers = full.headers().clone();
    assert_eq!(headers["content-type"], "application/zip");
    assert_eq!(headers["etag"], etag.as_str());
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["content-length"], size.to_string().as_str());
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"acme.plot-1.0.0.foxe\""
    );
    assert_eq!(full.bytes().await.unwrap().as_ref(), package.as_slice());

    let with =
        |name: &'static str, value: String| app.client.get(app.url(URL)).header(name, value).send();
    let not_modified = with("if-none-match", etag.clone()).await.unwrap();
    assert_eq!(not_modified.status(), 304);
    assert_eq!(not_modified.headers()["etag"], etag.as_str());
    assert!(not_modified.bytes().await.unwrap().is_empty());
    let changed = with("if-none-match", "\"something-else\"".into())
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);

    let partial = with("range", "bytes=0-9".into()).await.unwrap();
    assert_eq!(partial.status(), 206);
    assert_eq!(
        partial.headers()["content-range"],
        format!("bytes 0-9/{size}").as_str()
    );
    assert_eq!(partial.bytes().await.unwrap().as_ref(), &package[..10]);
    let tail = with("range", "bytes=-5".into()).await.unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &package[size - 5..]);
    let outside = with("range", format!("bytes={size}-")).await.unwrap();
    assert_eq!(outside.status(), 416);
    assert_eq!(
        outside.headers()["content-range"],
        format!("bytes */{size}").as_str()
    );
    // A stale If-Range gets the whole (new) file instead of a wrong slice.
    let stale = app
        .client
        .get(app.url(URL))
        .header("range", "bytes=0-9")
        .header("if-range", "\"old\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);

    let head = app.client.head(app.url(URL)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], size.to_string().as_str());
    assert_eq!(head.headers()["etag"], etag.as_str());

    // "Latest" follows publishing and yanking, with a short cache.
    let latest = app.get("/api/extensions/acme.plot/download").await;
    assert_eq!(latest.status(), 200);
    assert_eq!(latest.headers()["cache-control"], "public, max-age=60");
    assert_problem(
        app.get("/api/extensions/acme.plot/versions/9.9.9/download")
            .await,
        404,
    )
    .await;
    assert_problem(
        app.get("/api/extensions/nobody.nothing/download").await,
        404,
    )
    .await;
}

async fn downloads_of(app: &TestApp) -> (i64, i64) {
    let details: Value = app
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    (
        details["downloads"].as_i64().unwrap(),
        details["versions"][0]["downloads"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn concurrent_downloads_are_counted_exactly_and_published_in_batches() {
    let app = spawn_app_with(|s| {
        // Route download events to a queue of the test's own, to count them.
        s.events.subscriptions.insert(
            "downloads_probe".to_owned(),
            vec!["sora.file.downloaded.v2".to_owned()],
        );
    })
    .await;
    publish(&app, "acme", "plot", "1.0.0").await;

    let requests = (0..200).map(|_| async {
        let response = app.get(URL).await;
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap();
    });
    futures_util::future::join_all(requests).await;
    // Not counted: HEAD, 304, a range resuming past the first byte, and
    // probes of the first bytes (a hundred `bytes=0-0` are no download).
    for _ in 0..100 {
        let probe = app
            .client
            .get(app.url(URL))
            .header("range", "bytes=0-0")
            .send()
            .await
            .unwrap();
        assert_eq!(probe.status(), 206);
    }
    app.client.head(app.url(URL)).send().await.unwrap();
    app.client
        .get(app.url(URL))
        .header("if-none-match", "*")
        .send()
        .await
        .unwrap();
    app.client
        .get(app.url(URL))
        .header("range", "bytes=10-")
        .send()
        .await
        .unwrap();

    // A range of the whole file is a download (a client that always asks
    // for ranges).
    let whole = app
        .client
        .get(app.url(URL))
        .header("range", "bytes=0-")
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), 206);
    eventually(std::time::Duration::from_secs(10), true, || async {
        downloads_of(&app).await == (201, 201)
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(downloads_of(&app).await, (201, 201));

    let mut db = app.database.admin_connection().await;
    let (per_day, days): (i64, i64) = sqlx::query_as(
        "SELECT sum(count)::bigint, count(*) FROM file_server.downloads_daily
         WHERE kind = 'extension' AND item_id = 'acme.plot' AND version = '1.0.0'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!((per_day, days), (201, 1));
    // The events carry the counts: 200 downloads, far fewer events.
    let counted = || async {
        let mut db = app.database.admin_connection().await;
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM bus.messages WHERE queue = 'downloads_probe'")
                .fetch_all(&mut db)
                .await
                .unwrap();
        let total: u64 = bodies
            .iter()
            .map(|body| serde_json::from_str::<Value>(body).unwrap())
            .flat_map(|event| event["data"]["counts"].as_array().unwrap().clone())
            .map(|count| count["count"].as_u64().unwrap())
            .sum();
        (total, bodies.len() < 50)
    };
    eventually(std::time::Duration::from_secs(10), (201, true), counted).await;
}

#[tokio::test]
async fn counts_waiting_in_memory_are_written_on_shutdown() {
    let mut app = spawn_app().await;
    publish(&app, "acme", "plot", "1.0.0").await;
    for _ in 0..5 {
        app.get(URL).await.bytes().await.unwrap();
    }
    app.stop().await.unwrap();
    let mut db = app.database.admin_connection().await;
    let downloads: i64 =
        sqlx::query_scalar("SELECT downloads FROM file_server.extensions WHERE id = 'acme.plot'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(downloads, 5);
}
