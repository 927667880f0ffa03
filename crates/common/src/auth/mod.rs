//! Offline verification of the access tokens admin-api issues, and extractors
//! that demand a minimum role (`admin` > `editor` > `viewer`).

mod extract;
mod keys;
mod scope;
mod verifier;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use extract::{
    Admin, BROWSER_COOKIE, BrowserCaller, Editor, MaybeAuthenticated, ScopedEditor, ScopedViewer,
    ServiceCaller, Viewer, cookie,
};
pub use keys::{AuthSettings, PublicKey, PublicKeys, dev};
pub use scope::{Scope, Which};
pub use verifier::{Credential, JwtVerifier, Revocation, Revocations};

/// The one algorithm accepted: Ed25519 signatures. Pinning it rules out
/// `alg: none` and HMAC-with-the-public-key confusion.
pub const ALGORITHM: jsonwebtoken::Algorithm = jsonwebtoken::Algorithm::EdDSA;

/// Prefix of the `sub` of a service-to-service token.
pub const SERVICE_SUBJECT_PREFIX: &str = "service:";

/// What a user may do. Ordered: every role may do what the ones below it may.
/// Stored as lower-case text, the same word as in tokens and JSON.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    sqlx::Type,
)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Admin,
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "viewer" => Ok(Self::Viewer),
            "editor" => Ok(Self::Editor),
            "admin" => Ok(Self::Admin),
            _ => Err("must be admin, editor or viewer".to_owned()),
        }
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }
}

/// The claims of a Sora access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id; for a service token, `service:<name>`.
    pub sub: String,
    pub role: Role,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Service tokens only: the user the calling service acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
    /// The user's session version when the token was issued: a token older
    /// than the version revoked last (sign-out everywhere, disabling, …) is
    /// refused ([`JwtVerifier::revoke`]).
    #[serde(default)]
    pub ver: i64,
    /// A token exchanged for a personal access token: that token's id.
    /// Revoking it refuses every token exchanged for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pat: Option<String>,
    /// What a token exchanged for a personal access token may do
    /// ([`Scope`]); empty for every other token, which may do all its role
    /// allows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// A token exchanged for a CI job's OIDC token (trusted publishing):
    /// the job that asked, recorded with each version it publishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// Where a version published by trusted publishing was built: the
/// registration its OIDC token matched, and the job, as the CI's issuer
/// vouched for it (`docs/security.md`, "Trusted publishing").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Provenance {
    /// The trusted publisher (registration) the token matched.
    pub registration: uuid::Uuid,
    /// The OIDC issuer, e.g. `https://token.actions.githubusercontent.com`.
    pub issuer: String,
    /// `owner/name` when the job ran, and the repository's immutable id.
    pub repository: String,
    pub repository_id: String,
    /// The commit built.
    pub commit: String,
    /// The workflow, e.g. `acme/lidar/.github/workflows/release.yml@refs/tags/v1.2.0`.
    pub workflow_ref: String,
    /// The run, and its page when the issuer is GitHub's.
    pub run_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

impl Claims {
    /// Whether the caller may manage something `owner` owns: its owner (an
    /// editor at least) or an admin.
    pub fn may_manage(&self, owner: &str) -> bool {
        self.role == Role::Admin || (self.role >= Role::Editor && self.sub == owner)
    }

    /// Refuses (403) a token exchanged for a personal access token whose
    /// scopes do not cover `needed`; any other token passes.
    pub fn require_scope(&self, needed: &Scope) -> Result<(), crate::ApiError> {
        if self.pat.is_none() {
            return Ok(());
        }
        let covered = self
            .scopes
            .iter()
            .filter_map(|s| s.parse::<Scope>().ok())
            .any(|granted| granted.covers(needed));
        if covered {
            Ok(())
        } else {
            Err(crate::ApiError::Forbidden(format!(
                "this access token lacks the scope `{needed}`"
            )))
        }
    }
}
