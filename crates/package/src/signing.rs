//! What a package signature is, for the server that checks it and the
//! command line that makes it: an Ed25519 signature of the package's
//! SHA-256 digest (the 32 raw bytes, not their hex), by a key its
//! publisher registered, named by the first 16 hex digits of the SHA-256 of
//! the raw 32-byte public key. Keys and signatures travel in base64.

use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The SHA-256 digest of `package`: what is signed.
pub fn digest(package: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, package).as_ref());
    out
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A raw Ed25519 public key from its base64.
pub fn public_key(encoded: &str) -> Result<Vec<u8>, String> {
    let key = STANDARD
        .decode(encoded.trim())
        .map_err(|_| "must be base64".to_owned())?;
    if key.len() != 32 {
        return Err(format!(
            "must be a raw 32-byte Ed25519 public key, not {} bytes",
            key.len()
        ));
    }
    Ok(key)
}

/// The id of a raw public key.
pub fn key_id(public_key: &[u8]) -> String {
    hex(&digest(public_key))[..16].to_owned()
}

/// Whether `signature` (base64) is `public_key`'s signature of `digest`.
pub fn verifies(public_key: &[u8], digest: &[u8; 32], signature: &str) -> bool {
    let Ok(signature) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(digest, &signature)
        .is_ok()
}

pub fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// An Ed25519 private key that signs packages (the command line) or the
/// catalog's index (the server).
pub struct Signer {
    pair: Ed25519KeyPair,
}

impl Signer {
    /// A key from its PKCS#8 document (v1 or v2).
    pub fn from_pkcs8(document: &[u8]) -> Result<Self, String> {
        Ed25519KeyPair::from_pkcs8(document)
            .or_else(|_| Ed25519KeyPair::from_pkcs8_maybe_unchecked(document))
            .map(|pair| Self { pair })
            .map_err(|_| "not an Ed25519 private key (PKCS#8)".to_owned())
    }

    /// A new key, and its PKCS#8 document to keep.
    pub fn generate() -> Result<(Self, Vec<u8>), String> {
        let document = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| "no random numbers for a key".to_owned())?;
        Ok((
            Self::from_pkcs8(document.as_ref())?,
            document.as_ref().to_vec(),
        ))
    }

    /// The raw public key, base64.
    pub fn public(&self) -> String {
        encode(self.pair.public_key().as_ref())
    }

    pub fn id(&self) -> String {
        key_id(self.pair.public_key().as_ref())
    }

    /// The signature (base64) of `data`'s SHA-256 digest.
    pub fn sign(&self, data: &[u8]) -> String {
        encode(self.pair.sign(&digest(data)).as_ref())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};

    use super::*;

    #[test]
    fn a_signer_signs_what_verifies() {
        let (signer, document) = Signer::generate().unwrap();
        let again = Signer::from_pkcs8(&document).unwrap();
        assert_eq!(signer.id(), again.id());
        let signature = signer.sign(b"index");
        let public = public_key(&signer.public()).unwrap();
        assert!(verifies(&public, &digest(b"index"), &signature));
        assert!(Signer::from_pkcs8(b"nonsense").is_err());
    }

    #[test]
    fn a_signature_verifies_with_its_key_only_and_for_its_package_only() {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let public = public_key(&encode(pair.public_key().as_ref())).unwrap();
        let signed = digest(b"package");
        let signature = encode(pair.sign(&signed).as_ref());
        assert!(verifies(&public, &signed, &signature));
        assert!(!verifies(&public, &digest(b"packagf"), &signature));
        let other = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        let other = Ed25519KeyPair::from_pkcs8(other.as_ref()).unwrap();
        assert!(!verifies(other.public_key().as_ref(), &signed, &signature));
        assert!(!verifies(&public, &signed, "not base64!"));
        assert_eq!(key_id(&public).len(), 16);
        assert!(public_key("AAAA").is_err());
    }
}
