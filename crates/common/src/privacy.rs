//! What services that see client addresses share: the salt of the keyed hash
//! that replaces them. Its development value is public; production refuses it.

/// The development `SORA_IP_SALT`.
pub const DEV_IP_SALT: &str = "sora-dev-ip-salt-change-me";
