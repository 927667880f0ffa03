//! `POST /api/recommendations/from-mcap`: real recordings, whole or only
//! their end, read as they stream in; what is not MCAP is refused.

use serde_json::Value;

use crate::helpers::{Api, fixture_recording, spawn_app, spawn_app_with};

/// The summary section and the footer: what a client that read only the
/// end of a file sends.
fn tail(file: &[u8]) -> Vec<u8> {
    let footer = file.len() - 8 - 29;
    assert_eq!(file[footer], 0x02, "a footer record");
    let start = &file[footer + 9..footer + 17];
    let start = u64::from_le_bytes(start.try_into().unwrap()) as usize;
    assert!(start > 0, "the file has a summary section");
    file[start..].to_vec()
}

/// (topic, schema name, message count) of every topic read.
fn topics(features: &Value) -> Vec<(String, String, u64)> {
    features["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["topic"].as_str().unwrap().to_owned(),
                t["schema_name"].as_str().unwrap_or("").to_owned(),
                t["message_count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn has(found: &[(String, String, u64)], topic: &str, schema: &str, count: u64) -> bool {
    found.contains(&(topic.to_owned(), schema.to_owned(), count))
}

#[tokio::test]
async fn recordings_whole_or_by_their_end_give_features_and_recommendations() {
    let app = spawn_app().await;
    app.with_fixture_layouts().await;

    // 32 sensor_msgs topics, read from the whole file: the point cloud
    // suits go2's 3D layout.
    let file = fixture_recording("rerun__rosbag2_2025_09_10-13_03_56_0.mcap");
    let (status, whole) = app.post_mcap("?limit=3", file.clone()).await;
    assert_eq!(status, 200, "{whole}");
    let features = &whole["features"];
    assert_eq!(features["profile"], "ros2");
    assert_eq!(features["library"], "libmcap 0.8.0");
    assert_eq!(features["duration_ns"], 5_479_618_123u64);
    let found = topics(features);
    assert_eq!(found.len(), 32);
    assert!(has(&found, "/rosout", "rcl_interfaces/msg/Log", 117));
    assert!(has(
        &found,
        "/point_cloud2",
        "sensor_msgs/msg/PointCloud2",
        1
    ));
    assert_eq!(whole["items"].as_array().unwrap().len(), 3);
    assert_eq!(whole["items"][0]["id"], "go2_ros2_sdk__foxglove", "{whole}");

    // Only its end: the same topics, counts and span (the profile and the
    // library are in the header, at the start), the same answer.
    let (status, end) = app.post_mcap("?limit=3", tail(&file)).await;
    assert_eq!(status, 200, "{end}");
    assert_eq!(end["features"]["topics"], whole["features"]["topics"]);
    assert_eq!(
        end["features"]["duration_ns"],
        whole["features"]["duration_ns"]
    );
    assert!(
        end["features"].get("profile").is_none(),
        "{}",
        end["features"]
    );
    assert_eq!(end["items"], whole["items"]);
    assert_ne!(end["recommendation_id"], whole["recommendation_id"]);

    // Truncated (no summary, no footer): what was counted until it ended.
    let (status, cut) = app
        .post_mcap(
            "",
            fixture_recording("rosbag-analyzer-web__test_sample_truncated.mcap"),
        )
        .await;
    assert_eq!(status, 200, "{cut}");
    let found = topics(&cut["features"]);
    assert!(
        has(&found, "/rosout", "rcl_interfaces/msg/Log", 10),
        "{found:?}"
    );
    assert!(has(
        &found,
        "/diagnostics_agg",
        "diagnostic_msgs/msg/DiagnosticArray",
        4
    ));

    // No summary section at all, unchunked.
    let (status, bare) = app
        .post_mcap("", fixture_recording("specops-clip-review__sample.mcap"))
        .await;
    assert_eq!(status, 200, "{bare}");
    assert!(has(
        &topics(&bare["features"]),
        "/camera/image",
        "sensor_msgs/msg/CompressedImage",
        3
    ));
    assert_eq!(bare["features"]["duration_ns"], 200_000_000u64);

    // 649 channels.
    let (status, many) = app
        .post_mcap("", fixture_recording("keelson__test.mcap"))
        .await;
    assert_eq!(status, 200);
    let found = topics(&many["features"]);
    assert_eq!(found.len(), 649);
    assert_eq!(found.iter().map(|t| t.2).sum::<u64>(), 2172);

    // Mixed encodings.
    let (status, mixed) = app
        .post_mcap(
            "?kinds=layout",
            fixture_recording("mcap-explorer__demo.mcap"),
        )
        .await;
    assert_eq!(status, 200);
    let encodings: Vec<&str> = mixed["features"]["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["message_encoding"].as_str().unwrap())
        .collect();
    assert_eq!(encodings, ["json", "json", "protobuf"]);
}

#[tokio::test]
async fn what_is_not_a_recording_is_refused() {
    let app = spawn_app_with(|settings| settings.service.upload.max_bytes = 64 * 1024).await;
    for body in [
        b"PK\x03\x04 a zip file, not a recording".to_vec(),
        b"{\"topics\": []}".to_vec(),
        Vec::new(),
        b"\x89MCAP0\r\n\x01\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
    ] {
        let (status, problem) = app.post_mcap("", body.clone()).await;
        assert_eq!(
            status,
            422,
            "{:?} → {problem}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(problem["errors"][0]["field"], "body", "{problem}");
    }
    // Larger than allowed: 413, whether declared or streamed.
    let big = fixture_recording("cart-pole__kill_me_pls.mcap");
    let (status, _) = app.post_mcap("", big).await;
    assert_eq!(status, 413);
    let response = app
        .client
        .post(app.url("/api/recommendations/from-mcap"))
        .header("content-type", "application/json")
        .body(fixture_recording("rosbag2__talker.mcap"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    for query in ["?limit=0", "?kinds=video", "?other=1"] {
        let (status, problem) = app
            .post_mcap(query, fixture_recording("rosbag2__talker.mcap"))
            .await;
        assert_eq!(status, 400, "{query} → {problem}");
    }
    let (status, talker) = app
        .post_mcap("", fixture_recording("rosbag2__talker.mcap"))
        .await;
    assert_eq!(status, 200, "{talker}");
}
