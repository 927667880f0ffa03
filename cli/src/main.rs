//! `sora`: publish Foxglove/Lichtblick extensions to a Sora server from a
//! terminal or a CI job. `sora --help` lists the commands; docs/cli.md
//! explains them, with the exit codes.

mod api;
mod config;
mod keys;
mod layouts;
mod mirror;
mod pack;
mod recording;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use api::{Client, Exit, Failure};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use sora_package::ids::{ExtensionId, Version};
use sora_package::{Limits, Package, validate};

#[derive(Debug, Parser)]
#[command(name = "sora", version, about = "Publish extensions to a Sora server")]
struct Cli {
    /// Print one JSON object on standard output instead of text (errors too).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Store the server and a personal access token (checked first).
    Login {
        /// The server's public address, e.g. https://sora.example.com.
        #[arg(long)]
        server: String,
        /// Where /api/admin/auth/token is, if not on --server (make run:
        /// http://127.0.0.1:3002).
        #[arg(long)]
        auth_url: Option<String>,
        /// The token (`sora_pat_…`); read from standard input when absent,
        /// which keeps it out of the shell's history.
        #[arg(long)]
        token: Option<String>,
    },
    /// Forget the stored token.
    Logout,
    /// Show the server and what the stored token may do.
    Whoami,
    /// Build the .foxe of an extension folder and check it as the server would.
    Package {
        /// The extension's folder (with package.json and dist/).
        #[arg(default_value = ".")]
        folder: PathBuf,
        /// Where to write it (default: <publisher>.<name>-<version>.foxe).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Publish a .foxe (or an extension folder, packaged first), signed
    /// with your key when there is one (`sora keys generate`).
    Publish {
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Check everything (package, token, scope, namespace) and send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Sign with this PKCS#8 key file instead of the stored one.
        #[arg(long, conflicts_with = "no_sign")]
        key: Option<PathBuf>,
        /// Send the package unsigned even though a key is at hand.
        #[arg(long)]
        no_sign: bool,
    },
    /// Your signing key: make one, or show its public half.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// A workspace's team layouts (as Lichtblick syncs them): list, push a
    /// file, pull one to a file. The token needs `workspace:<name>`.
    Layouts {
        #[command(subcommand)]
        command: layouts::LayoutsCommand,
    },
    /// Yank a version: it leaves "latest" but stays downloadable by version.
    Yank { id: String, version: String },
    /// Check a .foxe against what the server publishes for its id and
    /// version, and its signature against the publisher's keys.
    Verify { file: PathBuf },
    /// Copy extensions from a Foxglove-format index (or an exported folder)
    /// into the server, or export them to a folder.
    Mirror {
        /// The index's URL (extensions.json, marketplace.json) or a folder
        /// `sora mirror --export` wrote.
        #[arg(long)]
        from: String,
        /// Write the packages and an index to this folder instead of publishing.
        #[arg(long)]
        export: Option<PathBuf>,
        /// Only these ids or publishers (repeat the option).
        #[arg(long)]
        include: Vec<String>,
        /// Not these ids or publishers (repeat the option).
        #[arg(long)]
        exclude: Vec<String>,
        /// Only versions matching this requirement, e.g. ">=1.0, <2".
        #[arg(long)]
        versions: Option<String>,
        /// Check everything and publish nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Scan a package (.foxe or folder) or scripts as the server does before
    /// publishing: code loaded from the network, obfuscation (high); eval,
    /// new Function (warnings). Exit 1 when a finding is high.
    Scan {
        /// .foxe files, extension folders, or .js/.mjs/.cjs/.ts/.tsx files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Layouts and extensions for a recording, with the reasons: sends only
    /// the file's summary (or, without one, its topics), never its messages.
    Recommend {
        file: PathBuf,
        /// How many items.
        #[arg(long, default_value_t = 5)]
        limit: u32,
        /// Where the recommendation service is, if not on the server
        /// (`make run`: http://127.0.0.1:3003); also SORA_RECOMMEND_URL.
        #[arg(long)]
        recommend_url: Option<String>,
    },
    /// Check the server's signature of its catalog (marketplace.json).
    VerifyIndex {
        /// The server's public key (base64) to trust, as pinned before;
        /// without it, the key the server publishes (printed, to pin).
        #[arg(long)]
        key: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Make an Ed25519 key and keep it (0600) beside the credentials.
    Generate {
        /// Replace the key there is (revoke it on the server first).
        #[arg(long)]
        force: bool,
    },
    /// Print the public key and its id.
    Show,
}

/// What a command says when it succeeds: text for people, JSON for scripts.
struct Done {
    text: String,
    json: Value,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli.command).await {
        Ok(done) => {
            if json {
                println!("{}", done.json);
            } else {
                println!("{}", done.text);
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            if json {
                println!(
                    "{}",
                    json!({"error": failure.message, "exit_code": failure.code as u8, "problem": failure.problem})
                );
            } else {
                eprintln!("sora: {}", failure.message);
            }
            ExitCode::from(failure.code as u8)
        }
    }
}

async fn run(command: Command) -> Result<Done, Failure> {
    match command {
        Command::Login {
            server,
            auth_url,
            token,
        } => login(server, auth_url, token).await,
        Command::Logout => {
            let removed = config::remove()?;
            Ok(Done {
                text: if removed {
                    "signed out"
                } else {
                    "was not signed in"
                }
                .to_owned(),
                json: json!({"signed_out": removed}),
            })
        }
        Command::Whoami => {
            let client = client()?;
            let exchanged = client.exchange().await?;
            Ok(Done {
                text: format!(
                    "{}\nscopes: {}",
                    client.credentials.server,
                    exchanged.scopes.join(" ")
                ),
                json: json!({"server": client.credentials.server, "scopes": exchanged.scopes}),
            })
        }
        Command::Package { folder, output } => {
            let (bytes, package) = packaged(&folder)?;
            let output = output.unwrap_or_else(|| PathBuf::from(file_name(&package)));
            std::fs::write(&output, &bytes).map_err(|e| {
                Failure::new(Exit::Refused, format!("writing {}: {e}", output.display()))
            })?;
            let mut done = described(&package, &bytes);
            done.text = format!("{}\nwrote {}", done.text, output.display());
            done.json["file"] = json!(output.display().to_string());
            Ok(done)
        }
        Command::Publish {
            path,
            dry_run,
            key,
            no_sign,
        } => {
            let key = if no_sign {
                None
            } else {
                keys::load(key.as_deref())
                    .map_err(|e| Failure::new(Exit::Invalid, format!("{e:#}")))?
            };
            publish(&path, dry_run, key.as_ref()).await
        }
        Command::Keys { command } => {
            let (key, path) = match command {
                KeysCommand::Generate { force } => {
                    let (key, path) = keys::generate(force)?;
                    (key, Some(path))
                }
                KeysCommand::Show => (
                    keys::load(None)?.ok_or_else(|| {
                        Failure::new(Exit::Invalid, "no signing key: run `sora keys generate`")
                    })?,
                    None,
                ),
            };
            let mut text = format!(
                "public key {}
key id {}",
                key.public(),
                key.id()
            );
            if let Some(path) = &path {
                text = format!(
                    "{text}
kept in {}
register it with your namespace (an owner, signed in):
  \
                     curl -X POST <server>/api/publishers/<publisher>/keys -H \"authorization: Bearer $SESSION\" \\\n  \
                     -H 'content-type: application/json' -d '{{\"public_key\":\"{}\"}}'",
                    path.display(),
                    key.public()
                );
            }
            Ok(Done {
                text,
                json: json!({"public_key": key.public(), "key_id": key.id(),
                             "file": path.map(|p| p.display().to_string())}),
            })
        }
        Command::Yank { id, version } => {
            let id = ExtensionId::try_from(id).map_err(|e| Failure::new(Exit::Invalid, e))?;
            let version = Version::try_from(version).map_err(|e| Failure::new(Exit::Invalid, e))?;
            let client = client()?;
            let token = client.exchange().await?.access_token;
            client
                .yank(&token, id.as_str(), &version.to_string())
                .await?;
            Ok(Done {
                text: format!("yanked {id} {version}"),
                json: json!({"id": id.as_str(), "version": version.to_string(), "yanked": true}),
            })
        }
        Command::Layouts { command } => layouts::run(&client()?, command).await,
        Command::Verify { file } => verify(&file).await,
        Command::VerifyIndex { key } => verify_index(key.as_deref()).await,
        Command::Scan { paths } => scan(&paths),
        Command::Recommend {
            file,
            limit,
            recommend_url,
        } => recommend(&file, limit, recommend_url).await,
        Command::Mirror {
            from,
            export,
            include,
            exclude,
            versions,
            dry_run,
        } => {
            let versions = versions
                .map(|v| semver::VersionReq::parse(&v))
                .transpose()
                .map_err(|e| Failure::new(Exit::Invalid, format!("--versions: {e}")))?;
            let selection = mirror::Selection {
                include,
                exclude,
                versions,
            };
            let results = match &export {
                Some(dir) => mirror::to_folder(&from, dir, &selection).await?,
                None => mirror::to_server(&client()?, &from, &selection, dry_run).await?,
            };
            mirrored(results)
        }
    }
}

fn client() -> Result<Client, Failure> {
    let credentials = config::load()?.ok_or_else(|| {
        Failure::new(
            Exit::Auth,
            "not signed in: run `sora login --server <address>` with a personal access \
             token (dashboard → Tokens), or set SORA_SERVER and SORA_TOKEN",
        )
    })?;
    Client::new(credentials)
}

async fn login(
    server: String,
    auth_url: Option<String>,
    token: Option<String>,
) -> Result<Done, Failure> {
    let token = match token {
        Some(token) => token,
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::new(Exit::Auth, format!("reading the token: {e}")))?;
            text
        }
    };
    let token = token.trim().to_owned();
    if !token.starts_with("sora_pat_") {
        return Err(Failure::new(
            Exit::Auth,
            "that is not a personal access token (they start with sora_pat_); make one in \
             the dashboard (Tokens)",
        ));
    }
    let credentials = config::Credentials {
        server: server.trim_end_matches('/').to_owned(),
        auth_url: auth_url.map(|u| u.trim_end_matches('/').to_owned()),
        token,
    };
    let client = Client::new(credentials)?;
    let exchanged = client.exchange().await?;
    let path = config::save(&client.credentials)?;
    Ok(Done {
        text: format!(
            "signed in to {}; scopes: {}; saved in {}",
            client.credentials.server,
            exchanged.scopes.join(" "),
            path.display()
        ),
        json: json!({
            "server": client.credentials.server,
            "scopes": exchanged.scopes,
            "file": path.display().to_string(),
        }),
    })
}

fn file_name(package: &Package) -> String {
    format!("{}-{}.foxe", package.id, package.version)
}

/// `path` packaged if it is a folder, read if it is a file; checked.
fn packaged(path: &Path) -> Result<(Vec<u8>, Package), Failure> {
    let bytes = if path.is_dir() {
        pack::package(path).map_err(|e| Failure::new(Exit::Invalid, format!("{e:#}")))?
    } else {
        std::fs::read(path)
            .map_err(|e| Failure::new(Exit::Invalid, format!("reading {}: {e}", path.display())))?
    };
    if bytes.len() as u64 > sora_package::rules::MAX_UPLOAD_BYTES {
        return Err(Failure::new(
            Exit::Invalid,
            format!(
                "the package is {} bytes; the server takes at most {} by default",
                bytes.len(),
                sora_package::rules::MAX_UPLOAD_BYTES
            ),
        ));
    }
    match validate(&bytes, Limits::DEFAULT) {
        Ok(package) => Ok((bytes, package)),
        Err(refused) => {
            let mut message = "the package would be refused; nothing was sent:".to_owned();
            for error in &refused.0 {
                message.push_str(&format!("\n  {}: {}", error.field, error.message));
            }
            Err(Failure {
                code: Exit::Invalid,
                message,
                problem: Some(json!({"errors": refused.0})),
            })
        }
    }
}

fn sha256(bytes: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn described(package: &Package, bytes: &[u8]) -> Done {
    let warnings = sora_package::warnings(package.display_name.as_deref());
    let mut text = format!(
        "{} {} ({} bytes, sha256 {})",
        package.id,
        package.version,
        bytes.len(),
        sha256(bytes)
    );
    for warning in &warnings {
        text.push_str(&format!(
            "\nwarning: {}: {}",
            warning.field, warning.message
        ));
    }
    Done {
        text,
        json: json!({
            "id": package.id.as_str(),
            "version": package.version.to_string(),
            "size": bytes.len(),
            "sha256": sha256(bytes),
            "warnings": warnings,
        }),
    }
}

/// Whether a scope of a token exchanged for a personal access token
/// allows publishing under `publisher`.
fn covers(scopes: &[String], publisher: &str) -> bool {
    scopes
        .iter()
        .any(|s| s == "publish:*" || s.strip_prefix("publish:") == Some(publisher))
}

async fn publish(
    path: &Path,
    dry_run: bool,
    key: Option<&keys::SigningKey>,
) -> Result<Done, Failure> {
    let (bytes, package) = packaged(path)?;
    let client = client()?;
    let exchanged = client.exchange_for(Some(&package.publisher)).await?;
    if !covers(&exchanged.scopes, &package.publisher) {
        return Err(Failure::new(
            Exit::Auth,
            format!(
                "the access token cannot publish under `{}` (its scopes: {}); make one with \
                 publish:{} in the dashboard (Tokens)",
                package.publisher,
                exchanged.scopes.join(" "),
                package.publisher
            ),
        ));
    }
    let mut done = described(&package, &bytes);
    if dry_run {
        let namespace = client
            .get(
                &format!("/api/publishers/{}", package.publisher),
                Some(&exchanged.access_token),
            )
            .await;
        // A token exchanged for an access token is not a session: the
        // namespace's members are not shown to it, but whether it exists is.
        let claimed = matches!(namespace, Ok(Some(_)));
        let existing = client
            .get(&format!("/api/extensions/{}", package.id), None)
            .await?;
        let published = existing.as_ref().is_some_and(|details| {
            details["versions"].as_array().is_some_and(|v| {
                v.iter()
                    .any(|v| v["version"] == package.version.to_string())
            })
        });
        if published {
            return Err(Failure::new(
                Exit::Refused,
                format!(
                    "{} {} is already published; raise the version in package.json",
                    package.id, package.version
                ),
            ));
        }
        done.text = format!(
            "{}\ndry run: the package is valid and the token may publish under `{}`{}; nothing was sent",
            done.text,
            package.publisher,
            if claimed {
                " (the server checks that you are one of its members)"
            } else {
                ", a new publisher: publishing makes you its owner"
            }
        );
        if let Some(key) = key {
            done.text
                .push_str(&format!("\nwould sign with key {}", key.id()));
        }
        done.json["dry_run"] = json!(true);
        done.json["new_publisher"] = json!(!claimed);
        return Ok(done);
    }
    let signature = key.map(|key| (key.sign(&bytes), key.id()));
    let signed_by = signature.as_ref().map(|(_, id)| id.clone());
    let details = client
        .publish(&exchanged.access_token, bytes, signature)
        .await?;
    done.text = format!(
        "published {} {}\n{}",
        package.id,
        package.version,
        details["download_url"].as_str().unwrap_or_default()
    );
    if let Some(id) = &signed_by {
        done.text.push_str(&format!("\nsigned with key {id}"));
    }
    let held = details["held"] == true;
    if held {
        done.text = format!(
            "{} {} is HELD FOR REVIEW, not published: the server's scan found something \
             an admin must look at first (below). Appeal with a reason:\n  curl -X POST \
             {}/api/extensions/{}/versions/{}/appeal -H \"authorization: Bearer $SESSION\" \
             -H 'content-type: application/json' -d '{{\"reason\":\"…\"}}'",
            package.id, package.version, client.credentials.server, package.id, package.version
        );
    }
    // What the server's scan found: shown, for the publisher to act on or
    // to explain.
    for finding in details["scan"].as_array().into_iter().flatten() {
        done.text.push_str(&format!(
            "\nscan: {} {} {}:{}: {}",
            finding["severity"].as_str().unwrap_or_default(),
            finding["rule"].as_str().unwrap_or_default(),
            finding["file"].as_str().unwrap_or_default(),
            finding["line"],
            finding["message"].as_str().unwrap_or_default()
        ));
    }
    done.json["published"] = json!(!held);
    done.json["held"] = json!(held);
    done.json["signed_by"] = json!(signed_by);
    done.json["details"] = details;
    if held {
        return Err(Failure {
            code: Exit::Held,
            message: done.text,
            problem: Some(done.json),
        });
    }
    Ok(done)
}

async fn verify(file: &Path) -> Result<Done, Failure> {
    let (bytes, package) = packaged(file)?;
    let client = client_or_anonymous()?;
    let details = client
        .get(&format!("/api/extensions/{}", package.id), None)
        .await?
        .ok_or_else(|| {
            Failure::new(
                Exit::Refused,
                format!(
                    "{} publishes no extension `{}`",
                    client.credentials.server, package.id
                ),
            )
        })?;
    let version = package.version.to_string();
    let published = details["versions"]
        .as_array()
        .and_then(|versions| versions.iter().find(|v| v["version"] == version))
        .ok_or_else(|| {
            Failure::new(
                Exit::Refused,
                format!(
                    "{} publishes no version {version} of `{}`",
                    client.credentials.server, package.id
                ),
            )
        })?;
    let ours = sha256(&bytes);
    let theirs = published["sha256"].as_str().unwrap_or_default();
    if ours != theirs {
        return Err(Failure {
            code: Exit::Refused,
            message: format!(
                "{} is NOT what {} publishes as {} {}: sha256 {ours}, published {theirs}",
                file.display(),
                client.credentials.server,
                package.id,
                version
            ),
            problem: None,
        });
    }
    let signed =
        signature_check(&client, &package.publisher, &published["signature"], &bytes).await?;
    let signed_text = match &signed {
        Some(key_id) => format!("; signed by key {key_id} of `{}`", package.publisher),
        None => "; not signed".to_owned(),
    };
    // Trusted publishing's record: which repository, commit and run built it.
    let provenance = &published["provenance"];
    let built = match provenance["repository"].as_str() {
        Some(repository) => format!(
            "\nbuilt by {repository} at {} ({}, run {})",
            provenance["commit"].as_str().unwrap_or("?"),
            provenance["workflow_ref"].as_str().unwrap_or("?"),
            provenance["run_url"]
                .as_str()
                .or(provenance["run_id"].as_str())
                .unwrap_or("?")
        ),
        None => String::new(),
    };
    Ok(Done {
        text: format!(
            "{} is {} {} as {} publishes it (sha256 {ours}){signed_text}{built}",
            file.display(),
            package.id,
            version,
            client.credentials.server
        ),
        json: json!({"id": package.id.as_str(), "version": version, "sha256": ours,
                     "verified": true, "signed_by": signed, "provenance": provenance}),
    })
}

/// The id of the key that signed the version, checked against the
/// publisher's published keys; None for an unsigned version.
async fn signature_check(
    client: &Client,
    publisher: &str,
    signature: &Value,
    bytes: &[u8],
) -> Result<Option<String>, Failure> {
    if signature.is_null() {
        return Ok(None);
    }
    let key_id = signature["key_id"].as_str().unwrap_or_default();
    let keys = client
        .get(&format!("/api/publishers/{publisher}/keys"), None)
        .await?
        .unwrap_or_default();
    let key = keys
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["id"] == key_id))
        .ok_or_else(|| {
            Failure::new(
                Exit::Refused,
                format!("signed by key {key_id}, which `{publisher}` does not publish: do not trust this file"),
            )
        })?;
    if !key["revoked_at"].is_null() {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "signed by key {key_id} of `{publisher}`, which was revoked: do not trust this file"
            ),
        ));
    }
    let public = sora_package::signing::public_key(key["public_key"].as_str().unwrap_or_default())
        .map_err(|e| Failure::new(Exit::Refused, format!("the server's key {key_id}: {e}")))?;
    let digest = sora_package::signing::digest(bytes);
    if !sora_package::signing::verifies(
        &public,
        &digest,
        signature["signature"].as_str().unwrap_or_default(),
    ) {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "the signature does not verify with key {key_id} of `{publisher}`: do not trust this file"
            ),
        ));
    }
    Ok(Some(key_id.to_owned()))
}

/// Checks `marketplace.json` against the server's signature, by `pinned`
/// or by the key the server publishes.
async fn verify_index(pinned: Option<&str>) -> Result<Done, Failure> {
    use sora_package::signing;
    let client = client_or_anonymous()?;
    let (index, headers) = client.get_bytes("/api/extensions/marketplace.json").await?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| {
                Failure::new(
                    Exit::Refused,
                    format!("the index carries no {name}: it is not signed"),
                )
            })
    };
    let (signature, key_id) = (header("x-sora-signature")?, header("x-sora-signing-key")?);
    let public = match pinned {
        Some(key) => signing::public_key(key)
            .map_err(|e| Failure::new(Exit::Invalid, format!("--key {e}")))?,
        None => {
            let keys = client
                .get("/api/extensions/marketplace-keys.json", None)
                .await?
                .unwrap_or_default();
            let key = keys
                .as_array()
                .and_then(|keys| keys.iter().find(|k| k["id"] == key_id.as_str()))
                .and_then(|k| k["public_key"].as_str())
                .ok_or_else(|| {
                    Failure::new(
                        Exit::Refused,
                        format!("the server publishes no key {key_id}"),
                    )
                })?;
            signing::public_key(key).map_err(|e| Failure::new(Exit::Refused, e))?
        }
    };
    if signing::key_id(&public) != key_id
        || !signing::verifies(&public, &signing::digest(&index), &signature)
    {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "the index of {} does NOT verify with key {}: do not trust it",
                client.credentials.server,
                signing::key_id(&public)
            ),
        ));
    }
    let entries = serde_json::from_slice::<Value>(&index)
        .ok()
        .and_then(|v| v.as_array().map(Vec::len))
        .unwrap_or(0);
    Ok(Done {
        text: format!(
            "the index of {} ({entries} extensions, sha256 {}) is signed by key {key_id}{}",
            client.credentials.server,
            signing::hex(&signing::digest(&index)),
            if pinned.is_some() {
                " (pinned)"
            } else {
                "; pin it with --key "
            }
            .to_owned()
                + &if pinned.is_some() {
                    String::new()
                } else {
                    signing::encode(&public)
                }
        ),
        json: json!({"verified": true, "key_id": key_id, "public_key": signing::encode(&public),
                     "pinned": pinned.is_some(), "extensions": entries,
                     "sha256": signing::hex(&signing::digest(&index))}),
    })
}

async fn recommend(file: &Path, limit: u32, url: Option<String>) -> Result<Done, Failure> {
    let request =
        recording::request(file).map_err(|e| Failure::new(Exit::Invalid, format!("{e:#}")))?;
    let base = match url.or_else(|| {
        std::env::var("SORA_RECOMMEND_URL")
            .ok()
            .filter(|s| !s.is_empty())
    }) {
        Some(url) => url,
        None => client_or_anonymous()?.credentials.server,
    };
    let client = Client::new(config::Credentials {
        server: base,
        auth_url: None,
        token: String::new(),
    })?;
    let (answer, sent, via) = match request {
        recording::Request::Tail(tail) => {
            let sent = tail.len();
            let path = format!("/api/recommendations/from-mcap?limit={limit}");
            (client.post_bytes(&path, tail).await?, sent, "summary")
        }
        recording::Request::Features(features) => {
            let body = json!({"mcap": features, "limit": limit});
            let sent = body.to_string().len();
            let answer = client.post_json("/api/recommendations", &body).await?;
            (answer, sent, "topics")
        }
    };
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let mut text = format!("sent the {via}: {sent} bytes of {size}\n");
    for (rank, item) in answer["items"].as_array().into_iter().flatten().enumerate() {
        text.push_str(&format!(
            "{}. {} {} ({}): {}\n",
            rank + 1,
            item["kind"].as_str().unwrap_or_default(),
            item["name"].as_str().unwrap_or_default(),
            item["id"].as_str().unwrap_or_default(),
            item["reasons"]
                .as_array()
                .map(|r| r
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; "))
                .unwrap_or_default()
        ));
    }
    if answer["items"].as_array().is_none_or(Vec::is_empty) {
        text.push_str("nothing in the catalog suits this recording yet\n");
    }
    Ok(Done {
        text: text.trim_end().to_owned(),
        json: json!({"sent_bytes": sent, "file_bytes": size, "sent": via, "answer": answer}),
    })
}

/// Findings in `paths`, as `sora_package::scan` reports them.
fn scan(paths: &[PathBuf]) -> Result<Done, Failure> {
    use sora_package::scan::{Severity, scan_package, scan_script, worst};
    let mut findings = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let script = ["js", "mjs", "cjs", "ts", "tsx"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext));
        if script {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::new(Exit::Invalid, format!("{name}: {e}")))?;
            findings.extend(scan_script(&name, &text));
        } else {
            let (bytes, _) = packaged(path)?;
            findings.extend(scan_package(&bytes));
        }
    }
    let mut text = String::new();
    for f in &findings {
        let severity = match f.severity {
            Severity::High => "HIGH",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        text.push_str(&format!(
            "{severity} {} {}:{}: {}\n",
            f.rule, f.file, f.line, f.message
        ));
        if !f.excerpt.is_empty() {
            text.push_str(&format!("    {}\n", f.excerpt));
        }
    }
    text.push_str(&format!("{} findings", findings.len()));
    let json = json!({"findings": findings});
    if worst(&findings) == Some(Severity::High) {
        return Err(Failure {
            code: Exit::Refused,
            message: format!(
                "{text}\na finding is high: the server holds or refuses such a package, as its policy says"
            ),
            problem: Some(json),
        });
    }
    Ok(Done { text, json })
}

/// The report of a mirror run: a failure (exit 1) when any entry was
/// refused, failed or conflicts, after every other entry was done.
fn mirrored(results: Vec<Value>) -> Result<Done, Failure> {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut text = String::new();
    for result in &results {
        let what = result["result"].as_str().unwrap_or_default().to_owned();
        text.push_str(&format!(
            "{} {}: {what}{}\n",
            result["id"].as_str().unwrap_or("?"),
            result["version"].as_str().unwrap_or("?"),
            result["detail"]
                .as_str()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        ));
        *counts.entry(what).or_default() += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    text.push_str(&summary.join(", "));
    let bad = results
        .iter()
        .filter(|r| {
            matches!(
                r["result"].as_str(),
                Some("refused" | "failed" | "conflict")
            )
        })
        .count();
    let json = json!({"results": results, "counts": counts});
    if bad > 0 {
        return Err(Failure {
            code: Exit::Refused,
            message: format!("{text}\n{bad} not mirrored (the rest was)"),
            problem: Some(json),
        });
    }
    Ok(Done { text, json })
}

/// The stored server, or `SORA_SERVER` alone: verifying reads public routes.
fn client_or_anonymous() -> Result<Client, Failure> {
    if let Some(credentials) = config::load()? {
        return Client::new(credentials);
    }
    let server = std::env::var("SORA_SERVER")
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Failure::new(
                Exit::Auth,
                "which server? run `sora login --server <address>` or set SORA_SERVER",
            )
        })?;
    Client::new(config::Credentials {
        server,
        auth_url: None,
        token: String::new(),
    })
}
