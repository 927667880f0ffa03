//! Trusted publishing's first half: verifying a CI job's OIDC token against
//! its issuer's published keys (JWKS), fetched when a token names a key not
//! seen yet and at most once a minute per issuer otherwise.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::config::TrustedPublishingSettings;

/// The least time between two fetches of an issuer's keys.
const MIN_REFRESH: Duration = Duration::from_secs(60);

/// What Sora reads of a CI job's token (GitHub Actions' claim names).
#[derive(Debug, Clone, Deserialize)]
pub struct JobClaims {
    pub iss: String,
    pub jti: String,
    pub exp: i64,
    /// `owner/name`, and the repository's immutable id.
    pub repository: String,
    pub repository_id: String,
    /// `owner/name/.github/workflows/<file>@<ref>`.
    pub workflow_ref: String,
    pub sha: String,
    pub run_id: String,
    #[serde(default)]
    pub environment: Option<String>,
}

impl JobClaims {
    /// The workflow's file name, when `workflow_ref` is a workflow of the
    /// job's own repository.
    pub fn workflow_file(&self) -> Option<&str> {
        let path = self
            .workflow_ref
            .strip_prefix(&self.repository)?
            .strip_prefix("/.github/workflows/")?;
        let (file, _git_ref) = path.split_once('@')?;
        (!file.is_empty() && !file.contains('/')).then_some(file)
    }
}

struct Issuer {
    issuer: String,
    jwks_url: String,
    keys: RwLock<HashMap<String, DecodingKey>>,
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
}

/// The trusted issuers and their keys.
pub struct OidcIssuers {
    client: reqwest::Client,
    audience: String,
    leeway: u64,
    issuers: Vec<Issuer>,
}

/// Why a token was refused: for the log, never the client.
pub type Refusal = String;

impl OidcIssuers {
    pub fn from_settings(
        settings: &TrustedPublishingSettings,
        leeway: u64,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()?,
            audience: settings.audience.clone(),
            leeway,
            issuers: settings
                .issuers
                .iter()
                .map(|i| Issuer {
                    issuer: i.issuer.clone(),
                    jwks_url: i.jwks_url.clone(),
                    keys: RwLock::new(HashMap::new()),
                    last_fetch: tokio::sync::Mutex::new(None),
                })
                .collect(),
        })
    }

    /// The job `token` speaks for, when a trusted issuer signed it for this
    /// audience and it has not expired.
    pub async fn verify(&self, token: &str) -> Result<JobClaims, Refusal> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| format!("header: {e}"))?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(format!("algorithm {:?} is not accepted", header.alg));
        }
        let kid = header.kid.ok_or("the token names no key")?;
        #[derive(Deserialize)]
        struct Unverified {
            iss: String,
        }
        // Which issuer's keys to check it with; nothing else is read before
        // the signature is checked.
        let iss = jsonwebtoken::dangerous::insecure_decode_claims::<Unverified>(token)
            .map_err(|e| format!("claims: {e}"))?
            .iss;
        let issuer = self
            .issuers
            .iter()
            .find(|i| i.issuer == iss)
            .ok_or_else(|| format!("the issuer {iss} is not trusted"))?;
        let key = match issuer.key(&kid) {
            Some(key) => key,
            None => {
                self.refresh(issuer).await?;
                issuer
                    .key(&kid)
                    .ok_or_else(|| format!("{iss} has no key {kid}"))?
            }
        };
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&issuer.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
        validation.leeway = self.leeway;
        jsonwebtoken::decode::<JobClaims>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| format!("verification: {e}"))
    }

    /// Fetches `issuer`'s keys, unless that was done less than a minute ago.
    async fn refresh(&self, issuer: &Issuer) -> Result<(), Refusal> {
        let mut last = issuer.last_fetch.lock().await;
        if last.is_some_and(|at| at.elapsed() < MIN_REFRESH) {
            return Ok(());
        }
        *last = Some(Instant::now());
        let set: JwkSet = self
            .client
            .get(&issuer.jwks_url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("fetching {}: {e}", issuer.jwks_url))?
            .json()
            .await
            .map_err(|e| format!("reading {}: {e}", issuer.jwks_url))?;
        let keys: HashMap<String, DecodingKey> = set
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                DecodingKey::from_jwk(jwk).ok().map(|key| (kid, key))
            })
            .collect();
        tracing::info!(issuer = %issuer.issuer, keys = keys.len(), "OIDC issuer keys fetched");
        *issuer.keys.write().unwrap_or_else(|e| e.into_inner()) = keys;
        Ok(())
    }
}

impl Issuer {
    fn key(&self, kid: &str) -> Option<DecodingKey> {
        self.keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(kid)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn job(repository: &str, workflow_ref: &str) -> JobClaims {
        JobClaims {
            iss: String::new(),
            jti: String::new(),
            exp: 0,
            repository: repository.to_owned(),
            repository_id: "1".to_owned(),
            workflow_ref: workflow_ref.to_owned(),
            sha: String::new(),
            run_id: String::new(),
            environment: None,
        }
    }

    #[test]
    fn the_workflow_is_a_file_of_the_jobs_own_repository() {
        let ok = job(
            "acme/lidar",
            "acme/lidar/.github/workflows/release.yml@refs/tags/v1",
        );
        assert_eq!(ok.workflow_file(), Some("release.yml"));
        for bad in [
            "other/repo/.github/workflows/release.yml@refs/heads/main",
            "acme/lidar-x/.github/workflows/release.yml@refs/heads/main",
            "acme/lidar/.github/workflows/sub/release.yml@refs/heads/main",
            "acme/lidar/.github/workflows/release.yml",
            "acme/lidar/.github/workflows/@refs/heads/main",
        ] {
            assert_eq!(job("acme/lidar", bad).workflow_file(), None, "{bad}");
        }
    }
}
