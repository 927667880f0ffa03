//! `sora layouts`: a workspace's team layouts, through the routes
//! Lichtblick syncs them with (`/api/lichtblick/workspaces/{workspace}/…`),
//! with a token whose scopes name the workspace (`workspace:<name>`).

use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use reqwest::Method;
use serde_json::{Value, json};

use crate::Done;
use crate::api::{Client, Exit, Failure};

/// The routes' prefix (Lichtblick's `API_URL`).
const API: &str = "/api/lichtblick";

#[derive(Debug, Subcommand)]
pub enum LayoutsCommand {
    /// The workspace's layouts you may see: shared ones, and your own.
    List {
        #[arg(long, short)]
        workspace: String,
    },
    /// Save a layout file (exported from Lichtblick) to the workspace: a new
    /// version of the layout of the same name if there is one, else a new
    /// layout.
    Push {
        file: PathBuf,
        #[arg(long, short)]
        workspace: String,
        /// Its name (default: the file's name without `.json`).
        #[arg(long)]
        name: Option<String>,
        /// Who may see and change it (a new layout: `shared`).
        #[arg(long, value_enum)]
        permission: Option<Permission>,
    },
    /// Write a layout of the workspace (by name or id) to a file.
    Pull {
        /// The layout's name or id.
        layout: String,
        #[arg(long, short)]
        workspace: String,
        /// Where to write it (default: `<name>.json`).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Permission {
    /// Yours alone (`CREATOR_WRITE`).
    Personal,
    /// The workspace reads it, you change it (`ORG_READ`).
    SharedRead,
    /// The workspace's writers change it (`ORG_WRITE`).
    Shared,
}

impl Permission {
    fn as_api(self) -> &'static str {
        match self {
            Self::Personal => "CREATOR_WRITE",
            Self::SharedRead => "ORG_READ",
            Self::Shared => "ORG_WRITE",
        }
    }
}

pub async fn run(client: &Client, command: LayoutsCommand) -> Result<Done, Failure> {
    let workspace = match &command {
        LayoutsCommand::List { workspace }
        | LayoutsCommand::Push { workspace, .. }
        | LayoutsCommand::Pull { workspace, .. } => workspace.clone(),
    };
    if !is_workspace(&workspace) {
        return Err(Failure::new(
            Exit::Invalid,
            format!("`{workspace}` is not a workspace name (a-z, 0-9, `-`, `_`)"),
        ));
    }
    // The file is checked before anything is sent.
    let pushed = match &command {
        LayoutsCommand::Push { file, name, .. } => Some(read_layout(file, name.as_deref())?),
        _ => None,
    };
    let token = bearer(client, &workspace).await?;
    let layouts = list(client, &token, &workspace).await?;
    match command {
        LayoutsCommand::List { .. } => {
            let text = layouts
                .iter()
                .map(|l| {
                    format!(
                        "{}  {}  {}  v{}",
                        l["id"].as_str().unwrap_or_default(),
                        l["permission"].as_str().unwrap_or_default(),
                        l["name"].as_str().unwrap_or_default(),
                        l["version"]
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let listed: Vec<Value> = layouts.iter().map(summary).collect();
            Ok(Done {
                text: if text.is_empty() {
                    format!("no layouts in {workspace}")
                } else {
                    text
                },
                json: json!({ "workspace": workspace, "layouts": listed }),
            })
        }
        LayoutsCommand::Push { permission, .. } => {
            let (name, data) = pushed.unwrap_or_default();
            push(
                client,
                &token,
                &workspace,
                &layouts,
                (name, data),
                permission,
            )
            .await
        }
        LayoutsCommand::Pull { layout, output, .. } => {
            let found = one(&layouts, &layout)?;
            let name = found["name"].as_str().unwrap_or("layout");
            let path = output.unwrap_or_else(|| PathBuf::from(format!("{}.json", file_name(name))));
            let text = serde_json::to_string_pretty(&found["data"])
                .map_err(|e| Failure::new(Exit::Unavailable, format!("{e}")))?;
            std::fs::write(&path, text + "\n").map_err(|e| {
                Failure::new(Exit::Refused, format!("writing {}: {e}", path.display()))
            })?;
            Ok(Done {
                text: format!(
                    "wrote {name} (version {}) to {}",
                    found["version"],
                    path.display()
                ),
                json: json!({ "layout": summary(found), "file": path.display().to_string() }),
            })
        }
    }
}

/// A token whose scopes let it act in `workspace`.
async fn bearer(client: &Client, workspace: &str) -> Result<String, Failure> {
    let exchanged = client.exchange().await?;
    let covered = exchanged
        .scopes
        .iter()
        .any(|s| s == "workspace:*" || s.strip_prefix("workspace:") == Some(workspace));
    if !covered {
        return Err(Failure::new(
            Exit::Auth,
            format!(
                "the access token cannot act in the workspace `{workspace}` (its scopes: {}); \
                 make one with workspace:{workspace} in the dashboard (Tokens)",
                exchanged.scopes.join(" ")
            ),
        ));
    }
    Ok(exchanged.access_token)
}

async fn list(client: &Client, token: &str, workspace: &str) -> Result<Vec<Value>, Failure> {
    let path = format!("{API}/workspaces/{workspace}/layouts");
    let answer = client.get(&path, Some(token)).await?.ok_or_else(|| {
        Failure::new(
            Exit::Refused,
            format!("there is no workspace `{workspace}`"),
        )
    })?;
    Ok(answer["data"].as_array().cloned().unwrap_or_default())
}

/// The one layout named or numbered `wanted`.
fn one<'a>(layouts: &'a [Value], wanted: &str) -> Result<&'a Value, Failure> {
    let matching: Vec<&Value> = layouts
        .iter()
        .filter(|l| l["id"] == wanted || l["name"] == wanted)
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => Err(Failure::new(
            Exit::Refused,
            format!("no layout `{wanted}` that you may see here (`sora layouts list`)"),
        )),
        _ => Err(Failure::new(
            Exit::Refused,
            format!("several layouts are named `{wanted}`: give its id (`sora layouts list`)"),
        )),
    }
}

async fn push(
    client: &Client,
    token: &str,
    workspace: &str,
    layouts: &[Value],
    (name, data): (String, Value),
    permission: Option<Permission>,
) -> Result<Done, Failure> {
    let same_name: Vec<&Value> = layouts.iter().filter(|l| l["name"] == name).collect();
    let (answer, created) = match same_name.as_slice() {
        [] => {
            let body = json!({
                "layoutId": uuid::Uuid::new_v4().to_string(),
                "name": name,
                "data": data,
                "permission": permission.unwrap_or(Permission::Shared).as_api(),
            });
            let path = format!("{API}/workspaces/{workspace}/layout");
            let answer = client.send_json(Method::POST, &path, token, &body).await?;
            (answer["data"]["layout"].clone(), true)
        }
        [existing] => {
            let mut body = json!({ "name": name, "data": data });
            if let Some(permission) = permission {
                body["permission"] = json!(permission.as_api());
            }
            let id = existing["id"].as_str().unwrap_or_default();
            let path = format!("{API}/layouts/{id}");
            let answer = client.send_json(Method::PUT, &path, token, &body).await?;
            (answer["data"].clone(), false)
        }
        _ => {
            return Err(Failure::new(
                Exit::Refused,
                format!("several layouts are named `{name}`: rename the file or pass --name"),
            ));
        }
    };
    Ok(Done {
        text: format!(
            "{} {name} in {workspace} (version {})",
            if created { "created" } else { "updated" },
            answer["version"]
        ),
        json: json!({ "layout": summary(&answer), "created": created }),
    })
}

/// A layout file: a JSON object, its `configById` an object if present
/// (what the server checks); and its name.
fn read_layout(file: &Path, name: Option<&str>) -> Result<(String, Value), Failure> {
    let invalid = |message: String| Failure::new(Exit::Invalid, message);
    let bytes =
        std::fs::read(file).map_err(|e| invalid(format!("reading {}: {e}", file.display())))?;
    let data: Value = serde_json::from_slice(&bytes)
        .map_err(|e| invalid(format!("{} is not JSON: {e}", file.display())))?;
    if !data.is_object() || data.get("configById").is_some_and(|c| !c.is_object()) {
        return Err(invalid(format!(
            "{} is not a layout: export one from Lichtblick (Layouts → Export)",
            file.display()
        )));
    }
    let name = name
        .map(str::to_owned)
        .or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("a layout's name is 1 to 200 characters".to_owned()));
    }
    Ok((name, data))
}

fn summary(layout: &Value) -> Value {
    json!({
        "id": layout["id"], "name": layout["name"], "permission": layout["permission"],
        "version": layout["version"], "updated_at": layout["updatedAt"],
    })
}

fn is_workspace(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
}

/// `name` as a file name: what is not a letter, digit, `.`, `-` or `_`
/// becomes `_`.
fn file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match safe.trim_start_matches('.') {
        "" => "layout".to_owned(),
        rest => rest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_names_become_safe_file_names() {
        assert_eq!(file_name("Robot arm / 3D"), "Robot_arm___3D");
        assert_eq!(file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_name("..."), "layout");
    }
}
