//! What admin-api's handlers share.

use sora_common::auth::{JwtVerifier, PublicKeys};
use sqlx::PgPool;

use crate::identity::Identity;
use crate::oidc::OidcIssuers;
use crate::peers::Peers;
use crate::throttle::LoginThrottle;

pub struct AppState {
    pub db: PgPool,
    pub identity: Identity,
    pub throttle: LoginThrottle,
    pub peers: Peers,
    /// The CI issuers trusted publishing accepts.
    pub oidc: OidcIssuers,
    /// Lifetime of a token exchanged for a CI job's OIDC token.
    pub trusted_ttl: time::Duration,
    /// The keys the JWKS publishes.
    pub public_keys: PublicKeys,
    /// This replica's token verifier, told of the sessions it ends at once.
    pub verifier: JwtVerifier,
    /// Clock skew verifiers tolerate (`auth.leeway_secs`).
    pub leeway_secs: u64,
}
