//! What replaces identifying values before anything is kept: keyed hashes
//! (HMAC-SHA256, cut to 16 bytes) that can be counted and compared but not
//! reversed.
//!
//! - An install id is hashed under its own key, derived from `SORA_IP_SALT`
//!   for that use alone: the same install always has the same hash, so
//!   unique installs can be counted, and the raw id is never stored.
//! - A client address is hashed under the day's key: derived from
//!   `SORA_IP_SALT`, the UTC date and a random secret drawn for that day
//!   (kept in the database so every replica uses the same one) and deleted
//!   after the next day (Plausible's model). A visitor can be counted within
//!   a day, never followed across days, not even by someone holding the salt.

use aws_lc_rs::hmac;
use time::Date;
use uuid::Uuid;

/// A kept hash.
pub type Hash16 = [u8; 16];

fn cut(tag: hmac::Tag) -> Hash16 {
    let mut out = [0u8; 16];
    out.copy_from_slice(&tag.as_ref()[..16]);
    out
}

/// Keys derived from the salt.
pub struct Pseudonyms {
    salt: hmac::Key,
    install: hmac::Key,
}

impl Pseudonyms {
    pub fn new(ip_salt: &str) -> Self {
        let salt = hmac::Key::new(hmac::HMAC_SHA256, ip_salt.as_bytes());
        let install = hmac::Key::new(
            hmac::HMAC_SHA256,
            hmac::sign(&salt, b"sora:install-id").as_ref(),
        );
        Self { salt, install }
    }

    pub fn install(&self, install_id: Uuid) -> Hash16 {
        cut(hmac::sign(&self.install, install_id.as_bytes()))
    }

    /// The key client addresses are hashed with on `day`, from that day's
    /// random secret.
    pub fn day_key(&self, day: Date, secret: &[u8]) -> DayKey {
        let mut material = format!("sora:client|{day}|").into_bytes();
        material.extend_from_slice(secret);
        DayKey {
            day,
            key: hmac::Key::new(
                hmac::HMAC_SHA256,
                hmac::sign(&self.salt, &material).as_ref(),
            ),
        }
    }
}

/// One day's key for client addresses.
#[derive(Clone)]
pub struct DayKey {
    pub day: Date,
    key: hmac::Key,
}

impl DayKey {
    /// `client` is what identifies the client (an address, or an IPv6 /64).
    pub fn client(&self, client: &str) -> Hash16 {
        cut(hmac::sign(&self.key, client.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use time::Month;

    use super::*;

    fn date(day: u8) -> Date {
        Date::from_calendar_date(2026, Month::November, day).unwrap()
    }

    #[test]
    fn hashes_are_stable_where_counted_and_unlinkable_across_days() {
        let pseudonyms = Pseudonyms::new("salt");
        let install = Uuid::new_v4();
        assert_eq!(pseudonyms.install(install), pseudonyms.install(install));
        assert_ne!(
            pseudonyms.install(install),
            pseudonyms.install(Uuid::new_v4())
        );
        assert_ne!(
            pseudonyms.install(install),
            Pseudonyms::new("other salt").install(install)
        );

        let monday = pseudonyms.day_key(date(30), b"secret one");
        assert_eq!(monday.client("192.0.2.1"), monday.client("192.0.2.1"));
        assert_ne!(monday.client("192.0.2.1"), monday.client("192.0.2.2"));
        let tuesday = pseudonyms.day_key(date(29), b"secret two");
        assert_ne!(monday.client("192.0.2.1"), tuesday.client("192.0.2.1"));
        // Without the day's secret, the salt alone does not give the key.
        let guessed = pseudonyms.day_key(date(30), b"");
        assert_ne!(monday.client("192.0.2.1"), guessed.client("192.0.2.1"));
    }
}
