//! A decompression bomb sent to `from-mcap` by many clients at once: a few
//! KiB of zstd that declare tens of MB. The service's memory stays within
//! its shared budget, whatever the number of requests, and one client is
//! rate-limited on its own.

use std::io::Cursor;

use sora_testing::database::TestDatabase;
use sora_testing::process::ServiceProcess;

const BINARY: &str = env!("CARGO_BIN_EXE_recommendation");
const MIB: u64 = 1024 * 1024;

/// One zstd chunk holding one message of `size` zero bytes, with the
/// message indexes, statistics and summary the writer adds by default.
pub fn zstd_bomb(size: usize) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let options = mcap::WriteOptions::new()
            .compression(Some(mcap::Compression::Zstd))
            .chunk_size(Some(1024));
        let mut writer = mcap::Writer::with_options(&mut out, options).unwrap();
        let channel = writer
            .add_channel(0, "/camera/image_raw", "cdr", &Default::default())
            .unwrap();
        let zeros = vec![0u8; size];
        writer
            .write_to_known_channel(
                &mcap::records::MessageHeader {
                    channel_id: channel,
                    sequence: 1,
                    log_time: 1,
                    publish_time: 1,
                },
                &zeros,
            )
            .unwrap();
        writer.finish().unwrap();
    }
    out.into_inner()
}

async fn post(client: &reqwest::Client, url: &str, body: Vec<u8>, from: &str) -> u16 {
    client
        .post(url)
        .header("content-type", "application/octet-stream")
        .header("x-forwarded-for", from)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_hundred_bombs_at_once_stay_within_the_memory_budget() {
    sora_common::telemetry::init_for_tests();
    let bomb = zstd_bomb(60 * MIB as usize);
    assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
    let database = TestDatabase::create(&recommendation::SPEC).await;
    let budget = (128 * MIB).to_string();
    let service = ServiceProcess::start(
        BINARY,
        &database,
        &[
            ("SORA_SERVER__TRUSTED_PROXIES", "127.0.0.1/32"),
            ("SORA_UPLOAD__MEMORY_BUDGET_BYTES", budget.as_str()),
            ("SORA_UPLOAD__BUDGET_WAIT_MS", "30000"),
        ],
    )
    .await;
    let before = service.peak_rss();
    let client = reqwest::Client::new();
    let url = service.url("/api/recommendations/from-mcap");
    // A hundred clients, each sending the bomb once, all at once.
    let sent = (0..100).map(|n| {
        let (client, url, bomb) = (client.clone(), url.clone(), bomb.clone());
        async move { post(&client, &url, bomb, &format!("198.51.100.{n}")).await }
    });
    let statuses = futures_util::future::join_all(sent).await;
    let answered = statuses.iter().filter(|s| **s == 200).count();
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 503),
        "{statuses:?}"
    );
    assert!(answered > 0, "{statuses:?}");
    let peak = service.peak_rss();
    eprintln!(
        "peak RSS {} MiB (before: {} MiB), {answered} of 100 answered",
        peak / MIB,
        before / MIB
    );
    // The budget (128 MiB) plus what the service holds anyway; without the
    // budget, 100 × 60 MiB.
    let bound = 400 * MIB;
    assert!(
        peak < bound,
        "peak RSS {} MiB (before: {} MiB), bound {} MiB",
        peak / MIB,
        before / MIB,
        bound / MIB
    );

    // One client sending again and again is limited on its own…
    let small = zstd_bomb(1024);
    let mut limited = 0;
    for _ in 0..70 {
        if post(&client, &url, small.clone(), "203.0.113.7").await == 429 {
            limited += 1;
        }
    }
    assert!(limited >= 9, "{limited} of 70 refused");
    // …while another is not.
    assert_eq!(post(&client, &url, small, "203.0.113.8").await, 200);
    service.stop().await;
}
