//! Signed packages, attacked: a signature that does not verify, one made
//! with another namespace's key or a revoked one, an unsigned package where
//! signatures are required, keys planted by someone who does not own the
//! namespace. Each is refused and nothing is stored.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use serde_json::{Value, json};
use sora_common::auth::Role;
use sora_package::signing;

use crate::helpers::*;

struct Key {
    pair: Ed25519KeyPair,
}

impl Key {
    fn new() -> Self {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Self {
            pair: Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap(),
        }
    }

    fn public(&self) -> String {
        signing::encode(self.pair.public_key().as_ref())
    }

    fn id(&self) -> String {
        signing::key_id(self.pair.public_key().as_ref())
    }

    fn sign(&self, package: &[u8]) -> String {
        signing::encode(self.pair.sign(&signing::digest(package)).as_ref())
    }
}

async fn register(app: &TestApp, token: &str, publisher: &str, key: &Key) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/publishers/{publisher}/keys")))
        .bearer_auth(token)
        .json(&json!({ "public_key": key.public() }))
        .send()
        .await
        .unwrap()
}

async fn signed_publish(
    app: &TestApp,
    token: &str,
    package: Vec<u8>,
    signature: &str,
    key_id: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/extensions"))
        .bearer_auth(token)
        .header("content-type", "application/zip")
        .header("x-sora-signature", signature)
        .header("x-sora-signing-key", key_id)
        .body(package)
        .send()
        .await
        .unwrap()
}

async fn version_count(app: &TestApp, id: &str) -> usize {
    let answer = app.get(&format!("/api/extensions/{id}")).await;
    if answer.status() == 404 {
        return 0;
    }
    let details: Value = answer.json().await.unwrap();
    details["versions"].as_array().unwrap().len()
}

#[tokio::test]
async fn only_a_signature_by_a_current_key_of_the_namespace_is_accepted_and_shown() {
    let app = spawn_app().await;
    let alice = app.tokens.token_for("alice", Role::Editor);
    let bob = app.tokens.token_for("bob", Role::Editor);
    let first = foxe(&manifest("acme", "plot", "1.0.0"));
    assert_eq!(publish_as(&app, &alice, first).await.status(), 201);
    assert_eq!(
        publish_as(&app, &bob, foxe(&manifest("bobs", "map", "1.0.0")))
            .await
            .status(),
        201
    );

    let key = Key::new();
    let bobs_key = Key::new();
    // Keys are the owners' to register; a bad key says why.
    assert_problem(register(&app, &bob, "acme", &key).await, 403).await;
    let bad = app
        .client
        .post(app.url("/api/publishers/acme/keys"))
        .bearer_auth(&alice)
        .json(&json!({ "public_key": "AAAA" }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(bad, 422).await;
    assert_eq!(problem["errors"][0]["field"], "public_key");
    let keys: Value = app
        .get("/api/publishers/acme/keys")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(keys, json!([]));

    let added = register(&app, &alice, "acme", &key).await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added["id"], key.id());
    assert_problem(register(&app, &alice, "acme", &key).await, 409).await;
    assert_eq!(register(&app, &bob, "bobs", &bobs_key).await.status(), 201);

    // A signature of another package, by another namespace's key, or
    // half a signature: refused, nothing stored.
    let next = foxe(&manifest("acme", "plot", "1.1.0"));
    let other = foxe(&manifest("acme", "plot", "9.9.9"));
    let attempts = [
        (key.sign(&other), key.id()),
        (bobs_key.sign(&next), bobs_key.id()),
        ("bm90IGEgc2lnbmF0dXJl".to_owned(), key.id()),
        (key.sign(&next), "0000000000000000".to_owned()),
    ];
    for (signature, key_id) in attempts {
        let problem = assert_problem(
            signed_publish(&app, &alice, next.clone(), &signature, &key_id).await,
            422,
        )
        .await;
        assert!(
            problem["errors"][0]["field"]
                .as_str()
                .unwrap()
                .starts_with("x-sora-"),
            "{problem}"
        );
    }
    let half = app
        .client
        .post(app.url("/api/extensions"))
        .bearer_auth(&alice)
        .header("content-type", "application/zip")
        .header("x-sora-signature", key.sign(&next))
        .body(next.clone())
        .send()
        .await
        .unwrap();
    assert_problem(half, 422).await;
    assert_eq!(version_count(&app, "acme.plot").await, 1);

    // Signed right: accepted, and shown with its key.
    let signature = key.sign(&next);
    let published = signed_publish(&app, &alice, next.clone(), &signature, &key.id()).await;
    assert_eq!(published.status(), 201);
    let details: Value = app
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        details["versions"][0]["signature"],
        json!({"key_id": key.id(), "signature": signature})
    );
    assert_eq!(details["versions"][1]["signature"], Value::Null);
    let index: Value = app
        .get("/api/extensions/marketplace.json")
        .await
        .json()
        .await
        .unwrap();
    let entry = index
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "acme.plot")
        .unwrap();
    assert_eq!(entry["signature"], signature.as_str());
    assert_eq!(entry["signedBy"], key.id());

    // A revoked key signs nothing more; it stays listed, marked revoked.
    let revoke = |token: String, publisher: &str, id: String| {
        app.client
            .delete(app.url(&format!("/api/publishers/{publisher}/keys/{id}")))
            .bearer_auth(token)
            .send()
    };
    assert_problem(revoke(bob.clone(), "acme", key.id()).await.unwrap(), 403).await;
    assert_eq!(
        revoke(alice.clone(), "acme", key.id())
            .await
            .unwrap()
            .status(),
        204
    );
    let later = foxe(&manifest("acme", "plot", "1.2.0"));
    let problem = assert_problem(
        signed_publish(&app, &alice, later.clone(), &key.sign(&later), &key.id()).await,
        422,
    )
    .await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("revoked"),
        "{problem}"
    );
    let keys: Value = app
        .get("/api/publishers/acme/keys")
        .await
        .json()
        .await
        .unwrap();
    assert!(keys[0]["revoked_at"].is_string(), "{keys}");
    assert_eq!(version_count(&app, "acme.plot").await, 2);
}

#[tokio::test]
async fn a_namespace_that_requires_signatures_refuses_unsigned_packages() {
    let app = spawn_app().await;
    let alice = app.tokens.token_for("alice", Role::Editor);
    let bob = app.tokens.token_for("bob", Role::Editor);
    assert_eq!(
        publish_as(&app, &alice, foxe(&manifest("acme", "plot", "1.0.0")))
            .await
            .status(),
        201
    );
    let require = |token: String, body: Value| {
        app.client
            .patch(app.url("/api/publishers/acme"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    // Not a member, or a member asking for the verified mark: refused.
    assert_problem(
        require(bob.clone(), json!({"require_signatures": true}))
            .await
            .unwrap(),
        403,
    )
    .await;
    assert_problem(
        require(alice.clone(), json!({"verified": true}))
            .await
            .unwrap(),
        403,
    )
    .await;
    let answer = require(alice.clone(), json!({"require_signatures": true}))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(answer["require_signatures"], true);
    assert_eq!(answer["verified"], false);

    let unsigned = foxe(&manifest("acme", "plot", "1.1.0"));
    let problem = assert_problem(publish_as(&app, &alice, unsigned.clone()).await, 422).await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("signed packages only"),
        "{problem}"
    );
    assert_eq!(version_count(&app, "acme.plot").await, 1);

    let key = Key::new();
    assert_eq!(register(&app, &alice, "acme", &key).await.status(), 201);
    let signed = signed_publish(
        &app,
        &alice,
        unsigned.clone(),
        &key.sign(&unsigned),
        &key.id(),
    )
    .await;
    assert_eq!(signed.status(), 201);
    assert_eq!(version_count(&app, "acme.plot").await, 2);
}
