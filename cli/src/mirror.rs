//! `sora mirror`: copies extensions from a Foxglove-format index
//! (`extensions.json`, `marketplace.json`) into a Sora server, or into a
//! folder to carry into a network with no way out. Every package is checked
//! against the SHA-256 the index publishes and against the server's rules
//! before it is sent; what the server already holds is left alone (the same
//! bytes: unchanged; other bytes under the same version: a conflict, never
//! overwritten), so a second run changes nothing and an interrupted one
//! resumes where it stopped.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use sora_package::signing::{digest, hex};
use sora_package::{Limits, validate};

use crate::api::{Client, Exit, Failure};

/// What to copy.
pub struct Selection {
    /// Ids or publishers; empty: everything.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub versions: Option<semver::VersionReq>,
}

impl Selection {
    fn takes(&self, entry: &Value) -> bool {
        let id = entry["id"].as_str().unwrap_or_default();
        let publisher = id.split_once('.').map_or("", |(p, _)| p);
        let named = |names: &[String]| names.iter().any(|n| n == id || n == publisher);
        let version_ok = self.versions.as_ref().is_none_or(|req| {
            entry["version"]
                .as_str()
                .and_then(|v| semver::Version::parse(v).ok())
                .is_some_and(|v| req.matches(&v))
        });
        (self.include.is_empty() || named(&self.include)) && !named(&self.exclude) && version_ok
    }
}

/// Where the index and its packages come from.
enum Source {
    Web {
        index: String,
        http: reqwest::Client,
    },
    Folder(PathBuf),
}

/// The name an exported package is kept under.
fn file_name(id: &str, version: &str) -> String {
    format!("{id}-{version}.foxe")
}

impl Source {
    fn new(from: &str) -> Result<Self, Failure> {
        if from.starts_with("http://") || from.starts_with("https://") {
            let http = reqwest::Client::builder()
                .build()
                .map_err(|e| Failure::new(Exit::Unavailable, format!("no HTTP client: {e}")))?;
            Ok(Self::Web {
                index: from.to_owned(),
                http,
            })
        } else if Path::new(from).is_dir() {
            Ok(Self::Folder(PathBuf::from(from)))
        } else {
            Err(Failure::new(
                Exit::Invalid,
                format!(
                    "--from {from}: give an http(s) URL of an index, or a folder `sora mirror --export` wrote"
                ),
            ))
        }
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        let Self::Web { http, .. } = self else {
            return Err("not on the web".to_owned());
        };
        let mut response = http
            .get(url)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: {}", response.status()));
        }
        // Shown on a terminal only (indicatif draws nowhere else).
        let bar = ProgressBar::new(response.content_length().unwrap_or(0)).with_style(
            ProgressStyle::with_template(
                "downloading {bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(url.rsplit('/').next().unwrap_or_default().to_owned());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| format!("{url}: {e}"))? {
            bar.inc(chunk.len() as u64);
            body.extend_from_slice(&chunk);
        }
        bar.finish_and_clear();
        Ok(body)
    }

    async fn index(&self) -> Result<Vec<Value>, Failure> {
        let bytes = match self {
            Self::Web { index, .. } => self
                .get(index)
                .await
                .map_err(|e| Failure::new(Exit::Unavailable, format!("reading the index: {e}")))?,
            Self::Folder(dir) => std::fs::read(dir.join("index.json")).map_err(|e| {
                Failure::new(
                    Exit::Invalid,
                    format!("{}: {e}", dir.join("index.json").display()),
                )
            })?,
        };
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Failure::new(Exit::Refused, format!("the index is not JSON: {e}")))?;
        value
            .as_array()
            .cloned()
            .ok_or_else(|| Failure::new(Exit::Refused, "the index is not a list of extensions"))
    }

    /// The package an entry names.
    async fn package(&self, entry: &Value) -> Result<Vec<u8>, String> {
        let foxe = entry["foxe"].as_str().ok_or("the entry names no `foxe`")?;
        match self {
            Self::Web { index, .. } => {
                let url = reqwest::Url::parse(index)
                    .and_then(|base| base.join(foxe))
                    .map_err(|e| format!("`foxe` {foxe}: {e}"))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(format!("`foxe` {url} is not an http(s) URL"));
                }
                self.get(url.as_str()).await
            }
            Self::Folder(dir) => {
                let name = Path::new(foxe)
                    .file_name()
                    .ok_or_else(|| format!("`foxe` {foxe} names no file"))?;
                std::fs::read(dir.join("packages").join(name)).map_err(|e| format!("{foxe}: {e}"))
            }
        }
    }
}

/// What became of one entry.
fn outcome(entry: &Value, result: &str, detail: Option<String>) -> Value {
    json!({"id": entry["id"], "version": entry["version"], "result": result, "detail": detail})
}

/// The package of `entry`, checked: its SHA-256 is the one the index
/// publishes, and the server's rules accept it.
async fn fetched(source: &Source, entry: &Value) -> Result<Vec<u8>, Value> {
    let bytes = source
        .package(entry)
        .await
        .map_err(|e| outcome(entry, "failed", Some(e)))?;
    let expected = entry["sha256sum"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    let actual = hex(&digest(&bytes));
    if actual != expected {
        return Err(outcome(
            entry,
            "refused",
            Some(format!("its sha256 is {actual}, the index says {expected}")),
        ));
    }
    if let Err(refused) = validate(&bytes, Limits::DEFAULT) {
        let reasons: Vec<String> = refused
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        return Err(outcome(entry, "refused", Some(reasons.join("; "))));
    }
    Ok(bytes)
}

/// Copies the selected entries into `client`'s server.
pub async fn to_server(
    client: &Client,
    from: &str,
    selection: &Selection,
    dry_run: bool,
) -> Result<Vec<Value>, Failure> {
    let source = Source::new(from)?;
    let entries = source.index().await?;
    let token = client.exchange().await?.access_token;
    let mut results = Vec::new();
    for entry in entries.iter().filter(|e| selection.takes(e)) {
        let (Some(id), Some(version)) = (entry["id"].as_str(), entry["version"].as_str()) else {
            results.push(outcome(
                entry,
                "refused",
                Some("no id or version".to_owned()),
            ));
            continue;
        };
        let local = if sora_package::ids::ExtensionId::try_from(id.to_owned()).is_ok() {
            client.get(&format!("/api/extensions/{id}"), None).await?
        } else {
            None
        };
        let held = local.as_ref().and_then(|details| {
            details["versions"]
                .as_array()
                .and_then(|v| v.iter().find(|v| v["version"] == version))
                .map(|v| v["sha256"].as_str().unwrap_or_default().to_owned())
        });
        if let Some(sha) = held {
            let expected = entry["sha256sum"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase();
            results.push(if sha == expected {
                outcome(entry, "unchanged", None)
            } else {
                outcome(
                    entry,
                    "conflict",
                    Some(format!(
                        "this server holds other bytes as {id} {version} (sha256 {sha}); left alone"
                    )),
                )
            });
            continue;
        }
        let bytes = match fetched(&source, entry).await {
            Ok(bytes) => bytes,
            Err(result) => {
                results.push(result);
                continue;
            }
        };
        if dry_run {
            results.push(outcome(entry, "would publish", None));
            continue;
        }
        match client.publish(&token, bytes, None).await {
            Ok(_) => results.push(outcome(entry, "published", None)),
            Err(failure) if failure.code == Exit::Unavailable || failure.code == Exit::Auth => {
                // The rest would fail alike: stop here; a second run resumes.
                return Err(failure);
            }
            Err(failure) => results.push(outcome(entry, "refused", Some(failure.message))),
        }
    }
    Ok(results)
}

/// Copies the selected entries into `dir` (`index.json`, `packages/`), for
/// `sora mirror --from DIR` on a machine with no way out.
pub async fn to_folder(
    from: &str,
    dir: &Path,
    selection: &Selection,
) -> Result<Vec<Value>, Failure> {
    let source = Source::new(from)?;
    let entries = source.index().await?;
    let packages = dir.join("packages");
    std::fs::create_dir_all(&packages)
        .map_err(|e| Failure::new(Exit::Refused, format!("{}: {e}", packages.display())))?;
    let mut results = Vec::new();
    let mut exported = Vec::new();
    for entry in entries.iter().filter(|e| selection.takes(e)) {
        let name = file_name(
            entry["id"].as_str().unwrap_or_default(),
            entry["version"].as_str().unwrap_or_default(),
        );
        let path = packages.join(&name);
        let expected = entry["sha256sum"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        let already = std::fs::read(&path).is_ok_and(|bytes| hex(&digest(&bytes)) == expected);
        if !already {
            let bytes = match fetched(&source, entry).await {
                Ok(bytes) => bytes,
                Err(result) => {
                    results.push(result);
                    continue;
                }
            };
            std::fs::write(&path, bytes)
                .map_err(|e| Failure::new(Exit::Refused, format!("{}: {e}", path.display())))?;
        }
        let mut copy = entry.clone();
        copy["foxe"] = json!(format!("packages/{name}"));
        exported.push(copy);
        results.push(outcome(
            entry,
            if already { "unchanged" } else { "exported" },
            None,
        ));
    }
    let index = serde_json::to_vec_pretty(&exported).unwrap_or_default();
    std::fs::write(dir.join("index.json"), index)
        .map_err(|e| Failure::new(Exit::Refused, format!("{}: {e}", dir.display())))?;
    Ok(results)
}
