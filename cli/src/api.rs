//! The Sora server as the command line sees it: a personal access token
//! exchanged for a 15-minute token, then the marketplace's routes. Every
//! refusal comes back as a [`Failure`] carrying the server's problem.

use std::time::Duration;

use futures_util::stream;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use serde_json::Value;

use crate::config::Credentials;

/// Why a command failed, and its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: Exit,
    pub message: String,
    /// The server's problem+json, when it answered with one.
    pub problem: Option<Value>,
}

/// What the exit code of a failed command means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The server refused (403, 404, 409, 422, …).
    Refused = 1,
    /// The package is not valid: nothing was sent.
    Invalid = 3,
    /// Not signed in, or the token was refused (expired, revoked).
    Auth = 4,
    /// The server could not be reached or is unavailable: try again.
    Unavailable = 5,
    /// Stored but held for review: not published until an admin releases it.
    Held = 6,
}

impl Failure {
    pub fn new(code: Exit, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            problem: None,
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Self::new(Exit::Refused, format!("{error:#}"))
    }
}

fn unreachable(url: &str, error: &reqwest::Error) -> Failure {
    Failure::new(
        Exit::Unavailable,
        format!(
            "cannot reach {url}: {error}; check the address (`sora login --server`) and try again"
        ),
    )
}

/// A failure from a problem+json answer.
async fn refused(response: reqwest::Response) -> Failure {
    let status = response.status();
    let problem: Option<Value> = response.json().await.ok();
    let detail = problem
        .as_ref()
        .and_then(|p| p["detail"].as_str().or(p["title"].as_str()))
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("refused"))
        .to_owned();
    let mut message = format!("{} {}", status.as_u16(), detail);
    if let Some(errors) = problem.as_ref().and_then(|p| p["errors"].as_array()) {
        for error in errors {
            message.push_str(&format!(
                "\n  {}: {}",
                error["field"].as_str().unwrap_or("?"),
                error["message"].as_str().unwrap_or("")
            ));
        }
    }
    let code = match status.as_u16() {
        401 => {
            message.push_str("\n(sign in again: `sora login`)");
            Exit::Auth
        }
        429 | 500..=599 => Exit::Unavailable,
        _ => Exit::Refused,
    };
    Failure {
        code,
        message,
        problem,
    }
}

/// Sends `request`: its JSON answer, or the failure.
async fn answer(url: &str, request: reqwest::RequestBuilder) -> Result<Value, Failure> {
    let response = request.send().await.map_err(|e| unreachable(url, &e))?;
    if !response.status().is_success() {
        return Err(refused(response).await);
    }
    response.json().await.map_err(|e| {
        Failure::new(
            Exit::Unavailable,
            format!("an unreadable answer from {url}: {e}"),
        )
    })
}

#[derive(Debug, Deserialize)]
pub struct Exchanged {
    pub access_token: String,
    pub scopes: Vec<String>,
}

pub struct Client {
    http: reqwest::Client,
    pub credentials: Credentials,
}

impl Client {
    pub fn new(credentials: Credentials) -> Result<Self, Failure> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("sora-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Failure::new(Exit::Unavailable, format!("no HTTP client: {e}")))?;
        Ok(Self { http, credentials })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.credentials.server.trim_end_matches('/'))
    }

    /// The personal access token, or in a CI job without one the job's
    /// OIDC token, exchanged for a 15-minute token.
    pub async fn exchange(&self) -> Result<Exchanged, Failure> {
        self.exchange_for(None).await
    }

    /// [`Client::exchange`], naming the namespace a CI job's token should
    /// publish under when it is registered for several.
    pub async fn exchange_for(&self, publisher: Option<&str>) -> Result<Exchanged, Failure> {
        if self.credentials.token.is_empty() {
            return self.exchange_oidc(publisher).await;
        }
        self.exchange_at(
            "/api/admin/auth/token",
            &serde_json::json!({ "token": self.credentials.token }),
            "the server refused the access token",
            "make a new one in the dashboard (Tokens) and run `sora login`",
        )
        .await
    }

    /// POSTs `body` to admin-api's `path`: the token it exchanges for, or
    /// why not (`refusal`, then `remedy`).
    async fn exchange_at(
        &self,
        path: &str,
        body: &Value,
        refusal: &str,
        remedy: &str,
    ) -> Result<Exchanged, Failure> {
        let url = format!(
            "{}{path}",
            self.credentials.auth_base().trim_end_matches('/')
        );
        let response = self
            .http
            .post(&url)
            .json(body)
            .send()
            .await
            .map_err(|e| unreachable(&url, &e))?;
        if !response.status().is_success() {
            let mut failure = refused(response).await;
            if failure.code == Exit::Refused || failure.code == Exit::Auth {
                failure.code = Exit::Auth;
                failure.message = format!("{refusal} ({}); {remedy}", failure.message);
            }
            return Err(failure);
        }
        response.json().await.map_err(|e| {
            Failure::new(
                Exit::Unavailable,
                format!("an unreadable answer from {url}: {e}"),
            )
        })
    }

    /// The CI job's OIDC token: `SORA_OIDC_TOKEN`, or one GitHub Actions
    /// issues for the audience `SORA_OIDC_AUDIENCE` (`sora` by default).
    async fn oidc_token(&self) -> Result<String, Failure> {
        if let Ok(token) = std::env::var("SORA_OIDC_TOKEN")
            && !token.is_empty()
        {
            return Ok(token);
        }
        let auth = |message: String| Failure::new(Exit::Auth, message);
        let (Ok(request_url), Ok(request_token)) = (
            std::env::var("ACTIONS_ID_TOKEN_REQUEST_URL"),
            std::env::var("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
        ) else {
            return Err(auth(
                "no token: run `sora login`, set SORA_TOKEN, or in GitHub Actions give the job \
                 `permissions: id-token: write` for trusted publishing"
                    .to_owned(),
            ));
        };
        let audience = std::env::var("SORA_OIDC_AUDIENCE").unwrap_or_else(|_| "sora".to_owned());
        let separator = if request_url.contains('?') { '&' } else { '?' };
        let url = format!("{request_url}{separator}audience={audience}");
        #[derive(Deserialize)]
        struct Issued {
            value: String,
        }
        let response = self
            .http
            .get(&url)
            .bearer_auth(request_token)
            .send()
            .await
            .map_err(|e| unreachable(&request_url, &e))?;
        if !response.status().is_success() {
            return Err(auth(format!(
                "the CI refused an OIDC token ({}); does the job have `id-token: write`?",
                response.status()
            )));
        }
        let issued: Issued = response
            .json()
            .await
            .map_err(|e| auth(format!("an unreadable OIDC token answer: {e}")))?;
        Ok(issued.value)
    }

    /// Trusted publishing: the job's OIDC token for a token that publishes
    /// under the namespace the job is registered for.
    async fn exchange_oidc(&self, publisher: Option<&str>) -> Result<Exchanged, Failure> {
        let oidc = self.oidc_token().await?;
        self.exchange_at(
            "/api/admin/auth/oidc",
            &serde_json::json!({ "token": oidc, "publisher": publisher }),
            "the server refused this CI job's OIDC token",
            "an owner of the namespace registers the repository and workflow as a trusted \
             publisher",
        )
        .await
    }

    /// GET `path` as JSON, with `bearer` if any; None on 404.
    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Result<Option<Value>, Failure> {
        let url = self.url(path);
        let mut request = self.http.get(&url);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| unreachable(&url, &e))?;
        if response.status() == 404 {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        let body = response.json().await.map_err(|e| {
            Failure::new(
                Exit::Unavailable,
                format!("an unreadable answer from {url}: {e}"),
            )
        })?;
        Ok(Some(body))
    }

    /// POSTs `body` (octet-stream) to `path`: the JSON answer.
    pub async fn post_bytes(&self, path: &str, body: Vec<u8>) -> Result<Value, Failure> {
        let url = self.url(path);
        let request = self
            .http
            .post(&url)
            .header("content-type", "application/octet-stream")
            .body(body);
        answer(&url, request).await
    }

    /// POSTs `body` as JSON to `path`: the JSON answer.
    pub async fn post_json(&self, path: &str, body: &Value) -> Result<Value, Failure> {
        let url = self.url(path);
        answer(&url, self.http.post(&url).json(body)).await
    }

    /// Sends `method` to `path` with `bearer` and a JSON `body` (when not
    /// null): the JSON answer.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: &str,
        body: &Value,
    ) -> Result<Value, Failure> {
        let url = self.url(path);
        let mut request = self.http.request(method, &url).bearer_auth(bearer);
        if !body.is_null() {
            request = request.json(body);
        }
        answer(&url, request).await
    }

    /// GET `path`: the body and the headers.
    pub async fn get_bytes(
        &self,
        path: &str,
    ) -> Result<(Vec<u8>, reqwest::header::HeaderMap), Failure> {
        let url = self.url(path);
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| unreachable(&url, &e))?;
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| unreachable(&url, &e))?;
        Ok((body.to_vec(), headers))
    }

    /// Uploads `package` (signed: `signature` and its key's id), showing its
    /// progress on a terminal.
    pub async fn publish(
        &self,
        bearer: &str,
        package: Vec<u8>,
        signature: Option<(String, String)>,
    ) -> Result<Value, Failure> {
        let url = self.url("/api/extensions");
        let total = package.len() as u64;
        let bar = ProgressBar::new(total).with_style(
            ProgressStyle::with_template(
                "uploading {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let chunks: Vec<Vec<u8>> = package.chunks(64 * 1024).map(<[u8]>::to_vec).collect();
        let progress = bar.clone();
        let body = stream::iter(chunks.into_iter().map(move |chunk| {
            progress.inc(chunk.len() as u64);
            Ok::<_, std::io::Error>(chunk)
        }));
        let mut request = self
            .http
            .post(&url)
            .bearer_auth(bearer)
            .header("content-type", "application/zip")
            .header("content-length", total);
        if let Some((signature, key_id)) = signature {
            request = request
                .header("x-sora-signature", signature)
                .header("x-sora-signing-key", key_id);
        }
        let response = request
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .map_err(|e| unreachable(&url, &e));
        bar.finish_and_clear();
        let response = response?;
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        response.json().await.map_err(|e| {
            Failure::new(
                Exit::Unavailable,
                format!("an unreadable answer from {url}: {e}"),
            )
        })
    }

    /// Yanks `id` `version`.
    pub async fn yank(&self, bearer: &str, id: &str, version: &str) -> Result<(), Failure> {
        let url = self.url(&format!("/api/extensions/{id}/versions/{version}"));
        let response = self
            .http
            .delete(&url)
            .bearer_auth(bearer)
            .send()
            .await
            .map_err(|e| unreachable(&url, &e))?;
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        Ok(())
    }
}
