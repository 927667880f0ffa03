//! `sora keys`: the Ed25519 key that signs what `sora publish` uploads. The
//! private key stays on the machine (0600 beside the credentials, or in
//! `SORA_SIGNING_KEY` as base64 PKCS#8 for CI); its public half is
//! registered with the namespace by one of its owners.

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::config;

pub use sora_package::signing::Signer as SigningKey;

/// Makes a key and keeps it; refuses to replace one unless `force`.
pub fn generate(force: bool) -> anyhow::Result<(SigningKey, std::path::PathBuf)> {
    let path = config::signing_key_file()?;
    if path.exists() && !force {
        bail!(
            "{} holds a key already; `sora keys show` prints it, --force replaces it \
             (revoke the old one on the server first)",
            path.display()
        );
    }
    let (key, document) = SigningKey::generate().map_err(|e| anyhow!(e))?;
    config::write_private(&path, &document)?;
    Ok((key, path))
}

/// The key to sign with: `explicit`, else `SORA_SIGNING_KEY`, else the
/// stored one; None when there is none.
pub fn load(explicit: Option<&Path>) -> anyhow::Result<Option<SigningKey>> {
    if let Some(path) = explicit {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        return SigningKey::from_pkcs8(&bytes)
            .map(Some)
            .map_err(|e| anyhow!(e));
    }
    if let Some(encoded) = std::env::var("SORA_SIGNING_KEY")
        .ok()
        .filter(|s| !s.is_empty())
    {
        let bytes = STANDARD
            .decode(encoded.trim())
            .context("SORA_SIGNING_KEY is not base64")?;
        return SigningKey::from_pkcs8(&bytes)
            .map(Some)
            .map_err(|e| anyhow!(e));
    }
    let path = config::signing_key_file()?;
    match std::fs::read(&path) {
        Ok(bytes) => SigningKey::from_pkcs8(&bytes)
            .map(Some)
            .map_err(|e| anyhow!(e)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).context(format!("reading {}", path.display())),
    }
}
