//! Comments at rest: AES-256-GCM (aws-lc-rs, the crypto library every
//! service already links), a fresh random nonce per comment, the event's id
//! as associated data (a ciphertext moved to another row does not open), and
//! the id of the key stored beside it, so keys rotate: new comments use the
//! current key, older keys stay to read what they sealed.

use std::collections::HashMap;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use uuid::Uuid;

/// A sealed comment: which key, and nonce ‖ ciphertext ‖ tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub bytes: Vec<u8>,
}

pub struct Sealer {
    current: String,
    keys: HashMap<String, LessSafeKey>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("current", &self.current)
            .finish_non_exhaustive()
    }
}

/// A key's id: the first 8 bytes of its SHA-256, in hex. It names the key
/// without revealing it, and needs no configuration of its own.
pub fn key_id(key: &[u8; 32]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, key);
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Sealer {
    /// Seals with `current`; opens with it or any of `older`.
    pub fn new(current: &[u8; 32], older: &[[u8; 32]]) -> anyhow::Result<Self> {
        let mut keys = HashMap::new();
        for key in std::iter::once(current).chain(older) {
            let unbound = UnboundKey::new(&AES_256_GCM, key)
                .map_err(|_| anyhow::anyhow!("an encryption key was refused"))?;
            keys.insert(key_id(key), LessSafeKey::new(unbound));
        }
        Ok(Self {
            current: key_id(current),
            keys,
        })
    }

    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    pub fn seal(&self, event_id: Uuid, text: &str) -> anyhow::Result<Sealed> {
        let key = self
            .keys
            .get(&self.current)
            .ok_or_else(|| anyhow::anyhow!("the current key is missing"))?;
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce).map_err(|_| anyhow::anyhow!("no randomness"))?;
        let mut in_out = text.as_bytes().to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(event_id.as_bytes()),
            &mut in_out,
        )
        .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        let mut bytes = Vec::with_capacity(NONCE_LEN + in_out.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&in_out);
        Ok(Sealed {
            key_id: self.current.clone(),
            bytes,
        })
    }

    /// The comment, or why it cannot be read (unknown key, tampered bytes).
    pub fn open(&self, event_id: Uuid, sealed: &Sealed) -> anyhow::Result<String> {
        let key = self
            .keys
            .get(&sealed.key_id)
            .ok_or_else(|| anyhow::anyhow!("key {} is not configured", sealed.key_id))?;
        if sealed.bytes.len() < NONCE_LEN {
            anyhow::bail!("the sealed comment is truncated");
        }
        let (nonce, ciphertext) = sealed.bytes.split_at(NONCE_LEN);
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| anyhow::anyhow!("bad nonce"))?;
        let mut in_out = ciphertext.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::from(event_id.as_bytes()), &mut in_out)
            .map_err(|_| anyhow::anyhow!("the sealed comment does not open"))?;
        Ok(String::from_utf8(plain.to_vec())?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn seals_with_a_fresh_nonce_and_opens_with_any_configured_key() {
        let (old, new) = ([1u8; 32], [2u8; 32]);
        let event = Uuid::new_v4();
        let before = Sealer::new(&old, &[]).unwrap();
        let sealed = before.seal(event, "the plot panel froze").unwrap();
        assert_eq!(sealed.key_id, key_id(&old));
        assert_ne!(
            before.seal(event, "the plot panel froze").unwrap().bytes,
            sealed.bytes,
            "a fresh nonce each time"
        );
        assert!(
            !String::from_utf8_lossy(&sealed.bytes).contains("plot"),
            "not in clear"
        );

        let rotated = Sealer::new(&new, &[old]).unwrap();
        assert_eq!(
            rotated.open(event, &sealed).unwrap(),
            "the plot panel froze"
        );
        assert_eq!(rotated.seal(event, "x").unwrap().key_id, key_id(&new));
        // Another row's id, a flipped bit, or a forgotten key: no comment.
        assert!(rotated.open(Uuid::new_v4(), &sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.bytes[NONCE_LEN] ^= 1;
        assert!(rotated.open(event, &tampered).is_err());
        assert!(
            Sealer::new(&new, &[])
                .unwrap()
                .open(event, &sealed)
                .is_err()
        );
    }
}
