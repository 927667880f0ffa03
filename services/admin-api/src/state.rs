//! What admin-api's handlers share.

use sora_common::auth::PublicKeys;
use sqlx::PgPool;

use crate::identity::Identity;
use crate::peers::Peers;
use crate::throttle::LoginThrottle;

pub struct AppState {
    pub db: PgPool,
    pub identity: Identity,
    pub throttle: LoginThrottle,
    pub peers: Peers,
    /// The keys the JWKS publishes.
    pub public_keys: PublicKeys,
}
