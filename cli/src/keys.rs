//! `sora keys`: the Ed25519 key that signs what `sora publish` uploads. The
//! private key stays on the machine (0600 beside the credentials, or in
//! `SORA_SIGNING_KEY` as base64 PKCS#8 for CI); its public half is
//! registered with the namespace by one of its owners.

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sora_package::signing;

use crate::config;

pub struct SigningKey {
    pair: Ed25519KeyPair,
}

impl SigningKey {
    fn from_pkcs8(bytes: &[u8]) -> anyhow::Result<Self> {
        let pair = Ed25519KeyPair::from_pkcs8(bytes)
            .or_else(|_| Ed25519KeyPair::from_pkcs8_maybe_unchecked(bytes))
            .map_err(|_| anyhow!("not an Ed25519 private key (PKCS#8)"))?;
        Ok(Self { pair })
    }

    pub fn public(&self) -> String {
        signing::encode(self.pair.public_key().as_ref())
    }

    pub fn id(&self) -> String {
        signing::key_id(self.pair.public_key().as_ref())
    }

    /// The signature (base64) of `package`'s digest.
    pub fn sign(&self, package: &[u8]) -> String {
        signing::encode(self.pair.sign(&signing::digest(package)).as_ref())
    }
}

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
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
        .map_err(|_| anyhow!("no random numbers for a key"))?;
    config::write_private(&path, pkcs8.as_ref())?;
    Ok((SigningKey::from_pkcs8(pkcs8.as_ref())?, path))
}

/// The key to sign with: `explicit`, else `SORA_SIGNING_KEY`, else the
/// stored one; None when there is none.
pub fn load(explicit: Option<&Path>) -> anyhow::Result<Option<SigningKey>> {
    if let Some(path) = explicit {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        return SigningKey::from_pkcs8(&bytes).map(Some);
    }
    if let Some(encoded) = std::env::var("SORA_SIGNING_KEY")
        .ok()
        .filter(|s| !s.is_empty())
    {
        let bytes = STANDARD
            .decode(encoded.trim())
            .context("SORA_SIGNING_KEY is not base64")?;
        return SigningKey::from_pkcs8(&bytes).map(Some);
    }
    let path = config::signing_key_file()?;
    match std::fs::read(&path) {
        Ok(bytes) => SigningKey::from_pkcs8(&bytes).map(Some),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).context(format!("reading {}", path.display())),
    }
}
