//! The Foxglove extension-marketplace index, and how lists and the index
//! follow a change.

use serde_json::{Value, json};

use sora_common::auth::Role;

use crate::catalog::ids;
use crate::helpers::*;

#[tokio::test]
async fn marketplace_json_is_the_foxglove_index_with_absolute_urls() {
    let app =
        spawn_app_with(|s| s.server.public_base_url = "https://sora.example.com/".to_owned()).await;
    publish(&app, "acme", "plot", "1.0.0").await;
    publish(&app, "acme", "plot", "1.1.0").await;
    let token = app.tokens.token_for("bare", Role::Editor);
    let bare = json!({"name": "bare", "publisher": "min", "version": "0.1.0", "main": "dist/extension.js"});
    assert_eq!(publish_as(&app, &token, foxe(&bare)).await.status(), 201);

    let response = app.get("/api/extensions/marketplace.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let index: Value = response.json().await.unwrap();
    let entries = index.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let details: Value = app
        .get("/api/extensions/acme.plot")
        .await
        .json()
        .await
        .unwrap();
    let plot = &entries[0];
    let mut keys: Vec<&str> = plot
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "changelog",
            "description",
            "foxe",
            "homepage",
            "id",
            "keywords",
            "license",
            "name",
            "publisher",
            // Sora's own; the Foxglove and Lichtblick loaders ignore it.
            "publisherVerified",
            "readme",
            "sha256sum",
            "version"
        ]
    );
    assert_eq!(plot["id"], "acme.plot");
    assert_eq!(plot["version"], "1.1.0");
    assert_eq!(plot["name"], "plot panel");
    assert_eq!(plot["sha256sum"], details["sha256"]);
    assert_eq!(
        plot["foxe"],
        "https://sora.example.com/api/extensions/acme.plot/versions/1.1.0/download"
    );
    assert_eq!(
        plot["readme"],
        "https://sora.example.com/api/extensions/acme.plot/readme?version=1.1.0"
    );
    // Every field of the Foxglove index is a string (or the keywords
    // array), even when the package left it out.
    let min = &entries[1];
    for (key, value) in min.as_object().unwrap() {
        if key == "keywords" {
            assert_eq!(value, &json!([]));
        } else if key == "publisherVerified" {
            assert_eq!(value, &json!(false));
        } else {
            assert!(value.is_string(), "{key} is {value}");
        }
    }
}

#[tokio::test]
async fn lists_and_the_index_show_a_change_at_once() {
    let app = spawn_app().await;
    assert!(ids(&app, "").await.is_empty());
    let empty_index: Value = app
        .get("/api/extensions/marketplace.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty_index, json!([]));
    publish(&app, "acme", "plot", "1.0.0").await;
    // The replica that wrote answers with the change at once.
    assert_eq!(ids(&app, "").await, ["acme.plot"]);
    let index: Value = app
        .get("/api/extensions/marketplace.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(index.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_index_is_signed_by_the_server_and_each_change_is_signed_anew() {
    let app = spawn_app().await;
    let keys: Value = app
        .get("/api/extensions/marketplace-keys.json")
        .await
        .json()
        .await
        .unwrap();
    let key = sora_package::signing::public_key(keys[0]["public_key"].as_str().unwrap()).unwrap();
    let key_id = keys[0]["id"].as_str().unwrap().to_owned();
    let key_id = &key_id;
    let signed = |response: reqwest::Response| async move {
        let headers = response.headers().clone();
        assert_eq!(headers["x-sora-signing-key"], key_id.as_str());
        let signature = headers["x-sora-signature"].to_str().unwrap().to_owned();
        (response.bytes().await.unwrap(), signature)
    };
    let (empty, first) = signed(app.get("/api/extensions/marketplace.json").await).await;
    let digest = sora_package::signing::digest;
    assert!(sora_package::signing::verifies(
        &key,
        &digest(&empty),
        &first
    ));

    publish(&app, "acme", "plot", "1.0.0").await;
    let (index, second) = signed(app.get("/api/extensions/marketplace.json").await).await;
    assert_ne!(index, empty);
    assert!(sora_package::signing::verifies(
        &key,
        &digest(&index),
        &second
    ));
    // A copy changed on its way (a mirror, a proxy) does not verify.
    assert!(!sora_package::signing::verifies(
        &key,
        &digest(&index),
        &first
    ));
    let mut tampered = index.to_vec();
    let at = tampered.len() / 2;
    tampered[at] ^= 1;
    assert!(!sora_package::signing::verifies(
        &key,
        &digest(&tampered),
        &second
    ));
}
