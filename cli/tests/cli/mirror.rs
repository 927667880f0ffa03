//! `sora mirror` against an index served over HTTP on loopback, laid out as
//! Foxglove's own extensions.json (github.com/foxglove/studio-extension-marketplace:
//! the same fields, absolute `foxe` URLs, a display name as `publisher`):
//! checksums checked, invalid packages refused, the rest continues, a
//! second run changes nothing, local versions are never overwritten, and an
//! exported folder is mirrored with no network.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{Stack, Terminal, path, temp};

type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// Serves `files` (path → bytes, changeable while it runs) on loopback; its
/// base URL.
async fn serve(files: Files) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let files = files.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let line = String::from_utf8_lossy(&request);
                let wanted = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let found = files.lock().unwrap().get(&wanted).cloned();
                let (status, body) = match found {
                    Some(body) => ("200 OK", body),
                    None => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    base
}

/// A .foxe whose package.json says `manifest`.
fn foxe(manifest: &Value) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    archive.start_file("package.json", options).unwrap();
    archive.write_all(manifest.to_string().as_bytes()).unwrap();
    archive.start_file("dist/extension.js", options).unwrap();
    archive
        .write_all(b"module.exports.activate = () => {};")
        .unwrap();
    archive.finish().unwrap().into_inner()
}

fn sha256(bytes: &[u8]) -> String {
    sora_package::signing::hex(&sora_package::signing::digest(bytes))
}

/// An index entry as Foxglove's lists it.
fn entry(id: &str, publisher: &str, version: &str, sha: &str, foxe: &str) -> Value {
    json!({
        "id": id, "name": id, "description": "mirrored", "publisher": publisher,
        "homepage": "https://example.com", "readme": "https://example.com/README.md",
        "changelog": "https://example.com/CHANGELOG.md", "license": "MIT",
        "version": version, "sha256sum": sha, "foxe": foxe, "keywords": ["mirror"],
    })
}

fn results(answer: &Value) -> Vec<(String, String)> {
    let list = if answer["results"].is_array() {
        &answer["results"]
    } else {
        &answer["problem"]["results"]
    };
    let mut out: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_mirror_copies_what_checks_out_refuses_the_rest_and_a_second_run_changes_nothing() {
    let stack = Stack::spawn().await;
    let manifest = |publisher: &str, name: &str, version: &str| {
        json!({"name": name, "publisher": publisher, "version": version,
               "displayName": name, "main": "./dist/extension.js"})
    };
    let alpha = foxe(&manifest("acme", "alpha", "1.0.0"));
    let gauge = foxe(&manifest("beta", "gauge", "2.0.0"));
    let tampered = foxe(&manifest("gamma", "bad", "1.0.0"));
    // Like 8 of the 13 entries of Foxglove's own index: a display name as
    // publisher, which the clients would install under another id.
    let spaced = foxe(&manifest("Daniel Clapp", "params", "0.0.1"));
    let files: Files = Arc::default();
    for (name, bytes) in [
        ("alpha", &alpha),
        ("gauge", &gauge),
        ("bad", &tampered),
        ("params", &spaced),
    ] {
        files
            .lock()
            .unwrap()
            .insert(format!("/releases/{name}.foxe"), bytes.clone());
    }
    let base = serve(files.clone()).await;
    // Absolute URLs, as Foxglove's index has; one relative to the index.
    let index = json!([
        entry(
            "acme.alpha",
            "acme",
            "1.0.0",
            &sha256(&alpha),
            &format!("{base}/releases/alpha.foxe")
        ),
        entry(
            "beta.gauge",
            "beta",
            "2.0.0",
            &sha256(&gauge),
            &format!("{base}/releases/gauge.foxe")
        ),
        entry(
            "gamma.bad",
            "gamma",
            "1.0.0",
            &"0".repeat(64),
            &format!("{base}/releases/bad.foxe")
        ),
        entry(
            "danielclapp.params",
            "Daniel Clapp",
            "0.0.1",
            &sha256(&spaced),
            "releases/params.foxe"
        ),
    ]);
    files.lock().unwrap().insert(
        "/extensions.json".to_owned(),
        index.to_string().into_bytes(),
    );
    let index_url = format!("{base}/extensions.json");

    let mirror_user = Terminal::new();
    let token = stack
        .editor_token("mirror@example.com", &["publish:*"])
        .await;
    assert_eq!(mirror_user.login(&stack, &token).await, 0);
    // What this lab published itself stays as it is.
    let own = Terminal::new();
    let own_token = stack
        .editor_token("lab@example.com", &["publish:beta"])
        .await;
    assert_eq!(own.login(&stack, &own_token).await, 0);
    let local = crate::extension("beta", "2.0.0", "// the lab's own gauge");
    std::fs::write(
        local.join("package.json"),
        manifest("beta", "gauge", "2.0.0").to_string(),
    )
    .unwrap();
    assert_eq!(own.sora(&["publish", path(&local)], "").await.0, 0);
    let lab_sha = {
        let details: Value = stack
            .files
            .get("/api/extensions/beta.gauge")
            .await
            .json()
            .await
            .unwrap();
        details["versions"][0]["sha256"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // A dry run sends nothing.
    let (code, answer, _) = mirror_user
        .sora(&["mirror", "--from", &index_url, "--dry-run", "--json"], "")
        .await;
    assert_eq!(code, 1);
    assert_eq!(
        results(&answer),
        pairs(&[
            ("acme.alpha", "would publish"),
            ("beta.gauge", "conflict"),
            ("danielclapp.params", "refused"),
            ("gamma.bad", "refused"),
        ])
    );
    assert!(stack.versions("acme.alpha").await.is_empty());

    let (code, answer, _) = mirror_user
        .sora(&["mirror", "--from", &index_url, "--json"], "")
        .await;
    assert_eq!(code, 1, "some entries were refused");
    assert_eq!(
        results(&answer),
        pairs(&[
            ("acme.alpha", "published"),
            ("beta.gauge", "conflict"),
            ("danielclapp.params", "refused"),
            ("gamma.bad", "refused"),
        ])
    );
    let details: Value = stack
        .files
        .get("/api/extensions/acme.alpha")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["versions"][0]["sha256"], sha256(&alpha));
    let gauge_now: Value = stack
        .files
        .get("/api/extensions/beta.gauge")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(gauge_now["versions"][0]["sha256"], lab_sha.as_str());
    assert!(stack.versions("gamma.bad").await.is_empty());
    let problems = answer["problem"]["results"].to_string();
    assert!(problems.contains("the index says"), "{problems}");
    assert!(problems.contains("package.json.publisher"), "{problems}");

    // A second run changes nothing.
    let (code, answer, _) = mirror_user
        .sora(&["mirror", "--from", &index_url, "--json"], "")
        .await;
    assert_eq!(code, 1);
    assert_eq!(
        results(&answer)[0],
        ("acme.alpha".to_owned(), "unchanged".to_owned())
    );
    assert_eq!(stack.versions("acme.alpha").await.len(), 1);

    // Selective: only what is named, nothing excluded.
    let (code, answer, _) = mirror_user
        .sora(
            &[
                "mirror",
                "--from",
                &index_url,
                "--include",
                "acme",
                "--include",
                "gamma.bad",
                "--exclude",
                "gamma",
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(code, 0);
    assert_eq!(results(&answer), pairs(&[("acme.alpha", "unchanged")]));
    let (code, answer, _) = mirror_user
        .sora(
            &[
                "mirror",
                "--from",
                &index_url,
                "--versions",
                ">=2",
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(code, 1);
    assert_eq!(results(&answer), pairs(&[("beta.gauge", "conflict")]));

    // For a network with no way out: export, then mirror the folder.
    let exported = temp("export");
    let (code, answer, _) = mirror_user
        .sora(
            &[
                "mirror",
                "--from",
                &index_url,
                "--export",
                path(&exported),
                "--include",
                "acme",
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(code, 0, "{answer}");
    assert_eq!(results(&answer), pairs(&[("acme.alpha", "exported")]));
    let offline = Stack::spawn().await;
    let offline_user = Terminal::new();
    let offline_token = offline
        .editor_token("mirror@example.com", &["publish:*"])
        .await;
    assert_eq!(offline_user.login(&offline, &offline_token).await, 0);
    let (code, answer, stderr) = offline_user
        .sora(&["mirror", "--from", path(&exported), "--json"], "")
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(results(&answer), pairs(&[("acme.alpha", "published")]));
    let details: Value = offline
        .files
        .get("/api/extensions/acme.alpha")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["versions"][0]["sha256"], sha256(&alpha));
    // A package changed in the folder is refused there too.
    let copy = exported.join("packages/acme.alpha-1.0.0.foxe");
    let mut bytes = std::fs::read(&copy).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&copy, bytes).unwrap();
    let again = Stack::spawn().await;
    let again_user = Terminal::new();
    let again_token = again
        .editor_token("mirror@example.com", &["publish:*"])
        .await;
    assert_eq!(again_user.login(&again, &again_token).await, 0);
    let (code, answer, _) = again_user
        .sora(&["mirror", "--from", path(&exported), "--json"], "")
        .await;
    assert_eq!(code, 1);
    assert_eq!(results(&answer), pairs(&[("acme.alpha", "refused")]));
    assert!(again.versions("acme.alpha").await.is_empty());
}
