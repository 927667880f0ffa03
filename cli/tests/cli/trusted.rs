//! Trusted publishing from CI: a namespace's owner registers a repository
//! (by id) and a workflow; a job of that workflow publishes with its OIDC
//! token, with no secret of Sora's, and the version records where it was
//! built. Every other job, token and replay is refused and changes nothing.
//! The tests' issuer is their own: an ES256 key whose JWKS, and a token
//! endpoint shaped like GitHub Actions', are served on loopback.

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use admin_api::config::OidcIssuer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sora_testing::TestApp;

use super::{Stack, Terminal, admin_settings, extension, file_settings, path};

const REPOSITORY: &str = "acme/lidar";
const REPOSITORY_ID: &str = "424242";
const WORKFLOW_REF: &str = "acme/lidar/.github/workflows/release.yml@refs/tags/v1.1.0";
const REQUEST_SECRET: &str = "actions-request-token";

/// An ES256 signing key and its JWK.
struct SigningKey {
    kid: String,
    key: EncodingKey,
    jwk: Value,
}

impl SigningKey {
    fn generate(kid: &str) -> Self {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
        let point = pair.public_key().as_ref();
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        Self {
            kid: kid.to_owned(),
            key: EncodingKey::from_ec_der(pkcs8.as_ref()),
            jwk: json!({
                "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
                "x": b64(&point[1..33]), "y": b64(&point[33..65]),
            }),
        }
    }

    fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key).unwrap()
    }
}

/// A CI's OIDC issuer on loopback: its JWKS, and GitHub Actions' token
/// endpoint, which signs the claims of the job now running.
struct Issuer {
    url: String,
    key: Arc<SigningKey>,
    /// The claims the token endpoint hands out next (without `aud`).
    running: Arc<Mutex<Value>>,
}

impl Issuer {
    async fn start() -> Self {
        let key = Arc::new(SigningKey::generate("ci-key-1"));
        let running = Arc::new(Mutex::new(Value::Null));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let (jwks, minter, job) = (
            json!({"keys": [key.jwk.clone()]}),
            key.clone(),
            running.clone(),
        );
        let server = HttpServer::new(move || {
            let jwks = jwks.clone();
            let (minter, job) = (minter.clone(), job.clone());
            App::new()
                .route(
                    "/.well-known/jwks",
                    web::get().to(move || {
                        let jwks = jwks.clone();
                        async move { HttpResponse::Ok().json(jwks) }
                    }),
                )
                .route(
                    "/token",
                    web::get().to(move |req: HttpRequest| {
                        let (minter, job) = (minter.clone(), job.clone());
                        async move {
                            let authorized = req
                                .headers()
                                .get("authorization")
                                .and_then(|v| v.to_str().ok())
                                == Some(&format!("Bearer {REQUEST_SECRET}"));
                            let audience = req
                                .query_string()
                                .split('&')
                                .find_map(|pair| pair.strip_prefix("audience="))
                                .map(str::to_owned);
                            match (authorized, audience) {
                                (true, Some(audience)) => {
                                    let mut claims = job.lock().unwrap().clone();
                                    claims["aud"] = json!(audience);
                                    HttpResponse::Ok().json(json!({"value": minter.sign(&claims)}))
                                }
                                _ => HttpResponse::Forbidden().finish(),
                            }
                        }
                    }),
                )
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self { url, key, running }
    }

    /// The claims of a job of the registered workflow, with `changes`.
    fn job(&self, changes: Value) -> Value {
        let now = time_now();
        let mut claims = json!({
            "iss": self.url, "aud": "sora", "iat": now, "nbf": now, "exp": now + 300,
            "jti": uuid::Uuid::new_v4().to_string(),
            "sub": format!("repo:{REPOSITORY}:environment:release"),
            "repository": REPOSITORY, "repository_id": REPOSITORY_ID,
            "repository_owner": "acme", "repository_owner_id": "77",
            "workflow_ref": WORKFLOW_REF, "ref": "refs/tags/v1.1.0",
            "sha": "0123456789abcdef0123456789abcdef01234567",
            "run_id": "987654321", "run_attempt": "1", "environment": "release",
            "event_name": "push",
        });
        for (name, value) in changes.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(name);
            } else {
                claims[name] = value.clone();
            }
        }
        claims
    }

    fn token(&self, changes: Value) -> String {
        self.key.sign(&self.job(changes))
    }
}

fn time_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Stack {
    /// file-server first, then admin-api, which asks it about trusted
    /// publishers and trusts `issuer`.
    async fn spawn_trusting(issuer: &str) -> Self {
        let files =
            TestApp::spawn_with(&file_server::SPEC, file_settings, file_server::build).await;
        let file_server_url = files.url("");
        let admin = TestApp::spawn_with(
            &admin_api::SPEC,
            |s| {
                admin_settings(s);
                s.service.peers.file_server_url = file_server_url;
                s.service.trusted_publishing.issuers = vec![OidcIssuer {
                    issuer: issuer.to_owned(),
                    jwks_url: format!("{issuer}/.well-known/jwks"),
                }];
            },
            admin_api::build,
        )
        .await;
        Self { admin, files }
    }

    async fn oidc(&self, token: &str, publisher: Option<&str>) -> (u16, Value) {
        let answer = self
            .admin
            .client
            .post(self.admin.url("/api/admin/auth/oidc"))
            .json(&json!({"token": token, "publisher": publisher}))
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: String,
        bearer: &str,
        body: Value,
    ) -> (u16, Value) {
        let answer = self
            .admin
            .client
            .request(method, url)
            .bearer_auth(bearer)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }
}

fn registration(issuer: &str) -> Value {
    json!({
        "issuer": issuer, "repository_id": REPOSITORY_ID, "repository": REPOSITORY,
        "workflow": "release.yml", "environment": "release",
    })
}

/// A CI issuer, a stack trusting it, and an owner of the namespaces `acme`
/// and `other` (each with a version published from a laptop): their
/// session, and the laptop's terminal.
async fn owner_of_acme_and_other() -> (Issuer, Stack, String, Terminal) {
    let issuer = Issuer::start().await;
    let stack = Stack::spawn_trusting(&issuer.url).await;
    let (token, session) = stack
        .editor("owner@example.com", &["publish:acme", "publish:other"])
        .await;
    let laptop = Terminal::new();
    assert_eq!(laptop.login(&stack, &token).await, 0);
    for publisher in ["acme", "other"] {
        let folder = extension(publisher, "1.0.0", "module.exports.activate = () => {};");
        let (code, _, stderr) = laptop.sora(&["publish", path(&folder)], "").await;
        assert_eq!(code, 0, "{stderr}");
    }
    (issuer, stack, session, laptop)
}

#[tokio::test]
async fn a_registered_ci_job_publishes_with_its_oidc_token_and_the_version_records_the_run() {
    let (issuer, stack, session, laptop) = owner_of_acme_and_other().await;
    let trusted = stack.files.url("/api/publishers/acme/trusted-publishers");

    // Registering: an owner, signed in, with fields that say what to fix.
    let (status, bad) = stack
        .send(
            reqwest::Method::POST,
            trusted.clone(),
            &session,
            json!({"repository_id": "acme/lidar", "repository": "lidar", "workflow": "../x.sh",
                   "environment": " "}),
        )
        .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["repository_id", "repository", "workflow", "environment"]
    );
    let (_, stranger) = stack.editor("stranger@example.com", &["publish:*"]).await;
    let (status, _) = stack
        .send(
            reqwest::Method::POST,
            trusted.clone(),
            &stranger,
            registration(&issuer.url),
        )
        .await;
    assert_eq!(status, 403, "a non-member registers nothing");
    let (status, _) = stack
        .send(
            reqwest::Method::POST,
            trusted.clone(),
            &session,
            registration(&issuer.url),
        )
        .await;
    assert_eq!(status, 201);
    let (status, listed) = stack
        .send(reqwest::Method::GET, trusted.clone(), &session, Value::Null)
        .await;
    assert_eq!(status, 200);
    let registered = listed[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed[0]["repository_id"], REPOSITORY_ID);
    assert_eq!(listed[0]["environment"], "release");

    // The CI job: GitHub Actions' variables and SORA_SERVER, no Sora secret.
    *issuer.running.lock().unwrap() = issuer.job(json!({}));
    let mut ci = Terminal::new();
    ci.env = vec![
        ("SORA_SERVER".to_owned(), stack.files.url("")),
        ("SORA_AUTH_URL".to_owned(), stack.admin.url("")),
        (
            "ACTIONS_ID_TOKEN_REQUEST_URL".to_owned(),
            format!("{}/token?api-version=2.0", issuer.url),
        ),
        (
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN".to_owned(),
            REQUEST_SECRET.to_owned(),
        ),
    ];
    let release = extension("acme", "1.1.0", "module.exports.activate = () => {};");
    let (code, published, stderr) = ci.sora(&["publish", path(&release), "--json"], "").await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(published["published"], true);
    let details: Value = stack
        .files
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    let versions = details["versions"].as_array().unwrap();
    let provenance = &versions[0]["provenance"];
    assert_eq!(versions[0]["version"], "1.1.0");
    assert_eq!(provenance["registration"], registered.as_str());
    assert_eq!(provenance["repository"], REPOSITORY);
    assert_eq!(provenance["repository_id"], REPOSITORY_ID);
    assert_eq!(
        provenance["commit"],
        "0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(provenance["workflow_ref"], WORKFLOW_REF);
    assert_eq!(provenance["run_id"], "987654321");
    assert_eq!(provenance["environment"], "release");
    assert_eq!(
        versions[1]["provenance"],
        Value::Null,
        "published from a laptop"
    );

    // `sora verify` says where a file was built.
    let foxe = release.join("built.foxe");
    let (code, _, stderr) = ci
        .sora(&["package", path(&release), "-o", path(&foxe)], "")
        .await;
    assert_eq!(code, 0, "{stderr}");
    let (code, verified, stderr) = laptop.sora(&["verify", path(&foxe), "--json"], "").await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(verified["provenance"]["repository"], REPOSITORY);
    assert_eq!(verified["provenance"]["commit"], provenance["commit"]);
}

#[tokio::test]
async fn every_other_job_token_or_replay_is_refused_and_publishes_nothing() {
    let (issuer, stack, session, _) = owner_of_acme_and_other().await;
    let trusted = stack.files.url("/api/publishers/acme/trusted-publishers");
    let (status, registered) = stack
        .send(
            reqwest::Method::POST,
            trusted.clone(),
            &session,
            registration(&issuer.url),
        )
        .await;
    assert_eq!(status, 201);

    // Jobs the registration does not name, by id and file, not by name.
    let forbidden = [
        (
            "another repository",
            json!({"repository": "acme/other", "repository_id": "5"}),
        ),
        (
            "a re-created repository of the same name",
            json!({"repository_id": "999001"}),
        ),
        (
            "another workflow",
            json!({"workflow_ref": "acme/lidar/.github/workflows/ci.yml@refs/heads/main"}),
        ),
        (
            "a workflow of another repository",
            json!({"workflow_ref": "evil/x/.github/workflows/release.yml@refs/heads/main"}),
        ),
        ("another environment", json!({"environment": "staging"})),
        ("no environment", json!({"environment": null})),
    ];
    for (what, changes) in forbidden {
        let (status, problem) = stack.oidc(&issuer.token(changes), None).await;
        assert_eq!(status, 403, "{what}: {problem}");
    }
    // Tokens that are not the issuer's, not for Sora, or not current.
    let stranger_key = SigningKey::generate("ci-key-1");
    let now = time_now();
    let invalid = [
        (
            "another audience",
            issuer.token(json!({"aud": "crates.io"})),
        ),
        (
            "expired",
            issuer.token(json!({"iat": now - 900, "nbf": now - 900, "exp": now - 600})),
        ),
        (
            "signed by another key under the issuer's key id",
            stranger_key.sign(&issuer.job(json!({}))),
        ),
        (
            "an issuer not trusted",
            issuer
                .token(json!({"iss": "https://token.actions.githubusercontent.com.evil.example"})),
        ),
        ("not a token", "eyJhbGciOiJub25lIn0.e30.".to_owned()),
    ];
    for (what, token) in invalid {
        let (status, problem) = stack.oidc(&token, None).await;
        assert_eq!(status, 401, "{what}: {problem}");
    }
    let mut hmac = Header::new(Algorithm::HS256);
    hmac.kid = Some("ci-key-1".to_owned());
    let forged = jsonwebtoken::encode(
        &hmac,
        &issuer.job(json!({})),
        &EncodingKey::from_secret(issuer.key.jwk["x"].as_str().unwrap().as_bytes()),
    )
    .unwrap();
    assert_eq!(
        stack.oidc(&forged, None).await.0,
        401,
        "HMAC with the public key"
    );

    // An OIDC token is exchanged once.
    let job = issuer.token(json!({}));
    let (status, exchanged) = stack.oidc(&job, None).await;
    assert_eq!(status, 200, "{exchanged}");
    assert_eq!(exchanged["scopes"], json!(["publish:acme"]));
    assert!(exchanged["expires_in"].as_i64().unwrap() <= 900);
    assert_eq!(stack.oidc(&job, None).await.0, 409, "a replay");
    // GitHub's environment names ignore case.
    let release = issuer.token(json!({"environment": "Release"}));
    assert_eq!(stack.oidc(&release, None).await.0, 200);
    let ci_token = exchanged["access_token"].as_str().unwrap().to_owned();

    // What the exchanged token cannot do: publish under another namespace
    // of the same owner, register keys or other CI jobs.
    let other = extension("other", "2.0.0", "module.exports.activate = () => {};");
    let mut ci = Terminal::new();
    ci.env = vec![
        ("SORA_SERVER".to_owned(), stack.files.url("")),
        ("SORA_AUTH_URL".to_owned(), stack.admin.url("")),
        ("SORA_OIDC_TOKEN".to_owned(), issuer.token(json!({}))),
    ];
    let (code, _, stderr) = ci.sora(&["publish", path(&other)], "").await;
    assert_eq!(code, 4, "{stderr}");
    let upload = |token: &str, folder: &std::path::Path| {
        let (token, bytes) = (token.to_owned(), package(folder));
        let (client, url) = (
            stack.files.client.clone(),
            stack.files.url("/api/extensions"),
        );
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/zip")
                .body(bytes)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(upload(&ci_token, &other).await, 403);
    let key = json!({"public_key": base64::engine::general_purpose::STANDARD.encode([7u8; 32])});
    let keys = stack.files.url("/api/publishers/acme/keys");
    assert_eq!(
        stack
            .send(reqwest::Method::POST, keys, &ci_token, key)
            .await
            .0,
        401
    );
    let (status, _) = stack
        .send(
            reqwest::Method::POST,
            trusted.clone(),
            &ci_token,
            json!({"repository_id": "1", "repository": "evil/x", "workflow": "x.yml"}),
        )
        .await;
    assert_eq!(status, 401);

    // Removing the registration ends the token it yielded, at once.
    let removed = format!("{trusted}/{}", registered["id"].as_str().unwrap());
    let (status, _) = stack
        .send(reqwest::Method::DELETE, removed, &session, Value::Null)
        .await;
    assert_eq!(status, 204);
    let release = extension("acme", "1.1.0", "module.exports.activate = () => {};");
    assert_eq!(upload(&ci_token, &release).await, 403);
    assert_eq!(stack.oidc(&issuer.token(json!({})), None).await.0, 403);

    assert_eq!(
        stack.versions("acme.plot").await,
        [("1.0.0".to_owned(), false)]
    );
    assert_eq!(
        stack.versions("other.plot").await,
        [("1.0.0".to_owned(), false)]
    );
}

/// The `.foxe` of `folder`, as `sora package` builds it.
fn package(folder: &std::path::Path) -> Vec<u8> {
    let out = folder.join("upload.foxe");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_sora"))
        .args(["package", path(folder), "-o", path(&out)])
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(out).unwrap()
}
