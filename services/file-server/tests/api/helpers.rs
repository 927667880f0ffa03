use std::io::{Cursor, Write};

use file_server::config::FileServerSettings;
use serde_json::{Value, json};
use sora_common::Settings;
use sora_common::auth::Role;
use zip::write::SimpleFileOptions;

pub use sora_testing::eventually;

pub type TestApp = sora_testing::TestApp<FileServerSettings>;

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The service with test settings (a storage folder of its own) adjusted by
/// `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings<FileServerSettings>)) -> TestApp {
    TestApp::spawn_with(
        &file_server::SPEC,
        |settings| {
            settings.service.storage.path = sora_testing::settings::temp_storage_path();
            adjust(settings);
        },
        file_server::build,
    )
    .await
}

/// A `package.json` for `publisher.name` at `version`.
pub fn manifest(publisher: &str, name: &str, version: &str) -> Value {
    json!({
        "name": name,
        "publisher": publisher,
        "version": version,
        "main": "./dist/extension.js",
        "displayName": format!("{name} panel"),
        "description": format!("Shows {name} data from robot recordings"),
        "license": "MIT",
        "homepage": "https://example.com/ext",
        "keywords": ["robotics", name],
    })
}

/// A valid `.foxe` (deflated zip) with `manifest` and the usual files.
pub fn foxe(manifest: &Value) -> Vec<u8> {
    foxe_with(
        manifest,
        &[
            ("README.md", b"# Readme\nhello"),
            ("CHANGELOG.md", b"## 1.0.0\nfirst"),
        ],
    )
}

pub fn foxe_with(manifest: &Value, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    zip.start_file("package.json", options).unwrap();
    zip.write_all(manifest.to_string().as_bytes()).unwrap();
    zip.add_directory("dist/", options).unwrap();
    zip.start_file("dist/extension.js", options).unwrap();
    zip.write_all(b"module.exports = { activate() {} };")
        .unwrap();
    for (name, data) in extra {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// One entry of a hand-made archive.
pub struct RawEntry<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    /// Unix mode in the external attributes (0o120777 makes a symlink).
    pub unix_mode: u32,
}

impl<'a> RawEntry<'a> {
    pub fn file(name: &'a str, data: &'a [u8]) -> Self {
        Self {
            name,
            data,
            unix_mode: 0o100644,
        }
    }
}

/// A stored (uncompressed) zip written byte by byte, so tests can make what
/// zip libraries refuse to write: duplicate names, `..`, absolute paths.
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = out.len() as u32;
        let crc = crc32(entry.data);
        let size = entry.data.len() as u32;
        let name = entry.name.as_bytes();
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(entry.data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        // Made by Unix (3), version 2.0; needs 2.0; no flags; stored.
        central.extend_from_slice(&[20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend_from_slice(&(entry.unix_mode << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    let count = entries.len() as u16;
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// POSTs `body` as a package with `token`.
pub async fn publish_as(app: &TestApp, token: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url("/api/extensions"))
        .bearer_auth(token)
        .header("content-type", "application/zip")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Publishes `publisher.name@version` as a new editor and checks it worked.
pub async fn publish(app: &TestApp, publisher: &str, name: &str, version: &str) -> Value {
    let token = app
        .tokens
        .token_for(&format!("user-{publisher}"), Role::Editor);
    let response = publish_as(app, &token, foxe(&manifest(publisher, name, version))).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// A problem+json response with `status`, returned for further checks.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    response.json().await.unwrap()
}
