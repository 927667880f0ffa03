//! Publishing: every malformed package is refused with a 4xx problem and
//! nothing is stored; a valid one is stored once, by its owner.

use std::io::{Cursor, Write};
use std::path::Path;

use serde_json::{Value, json};
use sora_common::auth::Role;
use zip::write::SimpleFileOptions;

use crate::helpers::*;

/// Files in the storage folder, ignoring its temporary folder.
fn stored_objects(root: &Path) -> usize {
    fn walk(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() {
                            if path.file_name().is_some_and(|n| n == ".tmp") {
                                0
                            } else {
                                walk(&path)
                            }
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(root)
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        zip.start_file(*name, SimpleFileOptions::default()).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn without(key: &str) -> Value {
    let mut m = manifest("acme", "plot", "1.0.0");
    m.as_object_mut().unwrap().remove(key);
    m
}

fn with(key: &str, value: Value) -> Value {
    let mut m = manifest("acme", "plot", "1.0.0");
    m[key] = value;
    m
}

#[tokio::test]
async fn every_malformed_package_is_refused_and_nothing_is_stored() {
    let app = spawn_app_with(|s| {
        s.service.marketplace.max_uncompressed_bytes = 4 * 1024 * 1024;
        s.service.marketplace.max_entries = 50;
    })
    .await;
    let token = app.tokens.token(Role::Editor);
    let good_manifest = manifest("acme", "plot", "1.0.0").to_string();
    let js: &[u8] = b"export {}";
    let zeros = vec![0u8; 3 * 1024 * 1024];
    let noise: Vec<u8> = (0..5 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let many: Vec<String> = (0..60).map(|i| format!("dist/f{i}.js")).collect();
    let mut many_entries: Vec<(&str, &[u8])> = vec![
        ("package.json", good_manifest.as_bytes()),
        ("dist/extension.js", js),
    ];
    many_entries.extend(many.iter().map(|n| (n.as_str(), js)));
    let raw_with = |name: &'static str| {
        raw_zip(&[
            RawEntry::file("package.json", good_manifest.as_bytes()),
            RawEntry::file("dist/extension.js", js),
            RawEntry::file(name, b"x"),
        ])
    };

    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "not a zip",
            b"this is not a zip archive at all".to_vec(),
            422,
            "package",
        ),
        ("empty body", Vec::new(), 422, "package"),
        (
            "truncated zip",
            foxe(&manifest("acme", "plot", "1.0.0"))[..60].to_vec(),
            422,
            "package",
        ),
        (
            "no package.json",
            zip_of(&[("dist/extension.js", js)]),
            422,
            "package",
        ),
        (
            "package.json not JSON",
            zip_of(&[("package.json", b"{not json"), ("dist/extension.js", js)]),
            422,
            "package.json",
        ),
        (
            "package.json not an object",
            zip_of(&[("package.json", b"[1]"), ("dist/extension.js", js)]),
            422,
            "package.json",
        ),
        ("no name", foxe(&without("name")), 422, "package.json.name"),
        (
            "no publisher",
            foxe(&without("publisher")),
            422,
            "package.json.publisher",
        ),
        (
            "no version",
            foxe(&without("version")),
            422,
            "package.json.version",
        ),
        ("no main", foxe(&without("main")), 422, "package.json.main"),
        (
            "version not semver",
            foxe(&with("version", json!("1.0"))),
            422,
            "package.json.version",
        ),
        (
            "name not a string",
            foxe(&with("name", json!(7))),
            422,
            "package.json.name",
        ),
        (
            "main missing from archive",
            foxe(&with("main", json!("dist/other.js"))),
            422,
            "package.json.main",
        ),
        (
            "main escaping the root",
            foxe(&with("main", json!("../evil.js"))),
            422,
            "package.json.main",
        ),
        (
            "id with a space",
            foxe(&with("publisher", json!("Acme Corp"))),
            422,
            "package.json.publisher",
        ),
        (
            "id with a scope",
            foxe(&with("name", json!("@acme/plot"))),
            422,
            "package.json.name",
        ),
        (
            "keywords not strings",
            foxe(&with("keywords", json!([1, 2]))),
            422,
            "package.json.keywords",
        ),
        ("entry with ..", raw_with("../../.bashrc"), 422, "package"),
        (
            "entry with inner ..",
            raw_with("dist/../../x.js"),
            422,
            "package",
        ),
        (
            "absolute entry",
            raw_with("/etc/cron.d/evil"),
            422,
            "package",
        ),
        (
            "drive letter entry",
            raw_with("C:/Windows/evil.dll"),
            422,
            "package",
        ),
        (
            "windows stream entry",
            raw_with("dist/extension.js:payload"),
            422,
            "package",
        ),
        (
            "backslash entry",
            raw_with("..\\..\\evil.dll"),
            422,
            "package",
        ),
        (
            "symlink entry",
            raw_zip(&[
                RawEntry::file("package.json", good_manifest.as_bytes()),
                RawEntry::file("dist/extension.js", js),
                RawEntry {
                    name: "dist/link",
                    data: b"/etc/passwd",
                    unix_mode: 0o120777,
                },
            ]),
            422,
            "package",
        ),
        (
            "duplicate entries",
            raw_zip(&[
                RawEntry::file("package.json", good_manifest.as_bytes()),
                RawEntry::file("dist/extension.js", js),
                RawEntry::file("dist/extension.js", b"evil()"),
            ]),
            422,
            "package",
        ),
        (
            "entries differing by case",
            raw_zip(&[
                RawEntry::file("package.json", good_manifest.as_bytes()),
                RawEntry::file("dist/extension.js", js),
                RawEntry::file("dist/Extension.js", b"evil()"),
            ]),
            422,
            "package",
        ),
        (
            "zip bomb (ratio)",
            zip_of(&[
                ("package.json", good_manifest.as_bytes()),
                ("dist/extension.js", js),
                ("dist/zeros.bin", &zeros),
            ]),
            422,
            "package",
        ),
        (
            "too large unpacked",
            zip_of(&[
                ("package.json", good_manifest.as_bytes()),
                ("dist/extension.js", js),
                ("dist/noise.bin", &noise),
            ]),
            422,
            "package",
        ),
        ("too many entries", zip_of(&many_entries), 422, "package"),
        // Names the clients would read otherwise than the catalog.
        (
            "publisher with upper case",
            foxe(&with("publisher", json!("Acme"))),
            422,
            "package.json.publisher",
        ),
        (
            "publisher with a hyphen",
            foxe(&with("publisher", json!("acme-robotics"))),
            422,
            "package.json.publisher",
        ),
        (
            "name with upper case",
            foxe(&with("name", json!("Plot"))),
            422,
            "package.json.name",
        ),
        (
            "main other than dist/extension.js, though present",
            foxe_with(
                &with("main", json!("dist/index.js")),
                &[("dist/index.js", b"module.exports = {};")],
            ),
            422,
            "package.json.main",
        ),
    ];
    for (case, body, status, field) in cases {
        let problem = assert_problem(publish_as(&app, &token, body).await, status).await;
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{case}: no errors in {problem}"))
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{case}: {problem}");
    }

    let mut db = app.database.admin_connection().await;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM file_server.extension_versions")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(
        stored_objects(Path::new(&app.settings.service.storage.path)),
        0
    );
    let list: Value = app.get("/api/extensions").await.json().await.unwrap();
    assert_eq!(list["total"], 0);

    // The same limits let a well-formed package through.
    publish(&app, "acme", "plot", "1.0.0").await;
    assert_eq!(
        stored_objects(Path::new(&app.settings.service.storage.path)),
        1
    );
}

/// What the clients compute from the package, said in the refusal.
#[tokio::test]
async fn refusals_say_how_the_clients_would_install_the_package() {
    let app = spawn_app().await;
    let token = app.tokens.token(Role::Editor);
    let problem = assert_problem(
        publish_as(
            &app,
            &token,
            foxe(&with("publisher", json!("Acme-Robotics"))),
        )
        .await,
        422,
    )
    .await;
    let message = problem["errors"][0]["message"].as_str().unwrap();
    for said in [
        "`acmerobotics.plot`",
        "`AcmeRobotics.plot`",
        "`acme-robotics.plot`",
    ] {
        assert!(message.contains(said), "{said} not in {message}");
    }
    let problem = assert_problem(
        publish_as(&app, &token, foxe(&with("main", json!("index.js")))).await,
        422,
    )
    .await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("always loads dist/extension.js"),
        "{problem}"
    );
}

/// Without `displayName` the clients show the bare name: published, with a
/// warning in the answer and on the listing.
#[tokio::test]
async fn a_package_without_a_display_name_is_published_with_a_warning() {
    let app = spawn_app().await;
    let token = app.tokens.token(Role::Editor);
    let response = publish_as(&app, &token, foxe(&without("displayName"))).await;
    assert_eq!(response.status(), 201);
    let published: Value = response.json().await.unwrap();
    let warned = json!([{"field": "package.json.displayName"}]);
    assert_eq!(published["warnings"][0]["field"], warned[0]["field"]);
    let listed: Value = app.get("/api/extensions").await.json().await.unwrap();
    assert_eq!(
        listed["items"][0]["warnings"][0]["field"],
        "package.json.displayName"
    );
    assert!(
        listed["items"][0]["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("panels")
    );
    // With one, no warning.
    let with_name = foxe(&manifest("acme", "map", "1.0.0"));
    assert_eq!(publish_as(&app, &token, with_name).await.status(), 201);
    let map: Value = app
        .get("/api/extensions/acme.map")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(map["warnings"], json!([]));
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_before_they_are_read() {
    let app = spawn_app_with(|s| s.service.marketplace.max_upload_bytes = 64 * 1024).await;
    let token = app.tokens.token(Role::Editor);
    let big = vec![7u8; 200 * 1024];

    // Declared too large: refused from the header.
    let problem = assert_problem(publish_as(&app, &token, big.clone()).await, 413).await;
    assert_eq!(problem["type"], "urn:sora:problem:payload-too-large");

    // Streamed without a length: refused once the limit is crossed.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
    let response = app
        .client
        .post(app.url("/api/extensions"))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;

    // Not a zip content type.
    let response = app
        .client
        .post(app.url("/api/extensions"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(response, 415).await;
}
