//! Where `sora login` keeps the server and the personal access token: a
//! file readable by its owner alone (0600) in the platform's configuration
//! folder (`$XDG_CONFIG_HOME/sora` on Linux, `~/Library/Application
//! Support/sora` on macOS, `%APPDATA%\sora` on Windows), or in
//! `SORA_CONFIG_DIR`. `SORA_SERVER` and `SORA_TOKEN` override it, for CI.
//! In a CI job with an OIDC token (GitHub Actions with `id-token: write`,
//! or `SORA_OIDC_TOKEN`) and no `SORA_TOKEN`, `SORA_SERVER` alone is
//! enough: the job's OIDC token is exchanged (trusted publishing).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    /// The server's public base URL (file-server's routes, or a gateway).
    pub server: String,
    /// Where `/api/admin/auth/token` is, when not on `server` (`make run`
    /// serves admin-api on a port of its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<String>,
    /// A personal access token, `sora_pat_…`; empty for trusted
    /// publishing (the CI job's OIDC token is exchanged instead).
    pub token: String,
}

/// Whether this process runs in a CI job that can present an OIDC token.
pub fn has_oidc() -> bool {
    let set = |name| std::env::var(name).is_ok_and(|v| !v.is_empty());
    set("SORA_OIDC_TOKEN")
        || (set("ACTIONS_ID_TOKEN_REQUEST_URL") && set("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
}

impl Credentials {
    pub fn auth_base(&self) -> &str {
        self.auth_url.as_deref().unwrap_or(&self.server)
    }
}

pub fn dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SORA_CONFIG_DIR") {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir()
        .map(|d| d.join("sora"))
        .ok_or_else(|| anyhow!("no configuration folder on this platform: set SORA_CONFIG_DIR"))
}

fn file() -> anyhow::Result<PathBuf> {
    Ok(dir()?.join("credentials.json"))
}

/// What `sora login` stored, with the environment's overrides; None when
/// there is neither.
pub fn load() -> anyhow::Result<Option<Credentials>> {
    let path = file()?;
    let stored: Option<Credentials> = match std::fs::read(&path) {
        Ok(bytes) => Some(
            serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not what `sora login` writes", path.display()))?,
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(error).context(format!("reading {}", path.display())),
    };
    let server = std::env::var("SORA_SERVER").ok().filter(|s| !s.is_empty());
    let token = std::env::var("SORA_TOKEN").ok().filter(|s| !s.is_empty());
    Ok(match (stored, server, token) {
        (Some(mut c), server, token) => {
            if let Some(server) = server {
                c.server = server;
                c.auth_url = None;
            }
            if let Some(token) = token {
                c.token = token;
            }
            Some(c)
        }
        (None, Some(server), token) if token.is_some() || has_oidc() => Some(Credentials {
            server,
            auth_url: std::env::var("SORA_AUTH_URL")
                .ok()
                .filter(|s| !s.is_empty()),
            token: token.unwrap_or_default(),
        }),
        (None, _, _) => None,
    })
}

/// Writes `credentials`, readable by their owner alone.
pub fn save(credentials: &Credentials) -> anyhow::Result<PathBuf> {
    let path = file()?;
    write_private(&path, &serde_json::to_vec_pretty(credentials)?)?;
    Ok(path)
}

/// Writes `bytes` to `path`, readable by its owner alone (0600 on Unix).
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = path.parent().unwrap_or(path);
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    // A file made before with wider rights keeps them through `mode`.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        out.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    out.write_all(bytes)?;
    Ok(())
}

/// Where `sora keys generate` keeps the signing key (PKCS#8).
pub fn signing_key_file() -> anyhow::Result<PathBuf> {
    Ok(dir()?.join("signing-key.pk8"))
}

/// Forgets the stored token; true when there was one.
pub fn remove() -> anyhow::Result<bool> {
    match std::fs::remove_file(file()?) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error.into()),
    }
}
