//! The catalog backfill against a file-server whose listing lags behind its
//! events (a replica's catalog follows commits a moment late): an item whose
//! event was just handled is not marked removed because the listing does
//! not show it yet, while an item the listing dropped long after it was
//! indexed still is.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use sora_common::events::types::LayoutPublished;

use crate::helpers::{Api, spawn_app_with};

/// What the fake file-server lists as its public layouts.
type Listing = Arc<Mutex<Vec<Value>>>;

async fn listed(kind: web::Path<String>, listing: web::Data<Listing>) -> HttpResponse {
    let items = match kind.as_str() {
        "layouts" => listing.lock().unwrap().clone(),
        _ => Vec::new(),
    };
    HttpResponse::Ok().json(json!({"total": items.len(), "items": items}))
}

fn spawn_listing(listing: Listing) -> String {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(listing.clone()))
            .route("/api/{kind}", web::get().to(listed))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let address = format!("http://{}", server.addrs()[0]);
    tokio::spawn(server.run());
    address
}

fn layout(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "panels": ["3D"], "topics": ["/tf"]})
}

#[tokio::test]
async fn a_listing_that_lags_behind_an_event_does_not_remove_what_the_event_added() {
    let old = "0190a8e4-6000-7000-8000-0000000000b1";
    let fresh = "0190a8e4-6000-7000-8000-0000000000b2";
    let listing: Listing = Arc::new(Mutex::new(vec![layout(old, "Old layout")]));
    let address = spawn_listing(listing.clone());
    let app = spawn_app_with(|s| {
        s.service.catalog.file_server_url = address;
        s.service.catalog.check_interval_secs = 1;
    })
    .await;
    let pool = sora_common::db::pool(&app.settings.database, "test");
    let indexed = || async {
        sqlx::query_scalar::<_, String>(
            "SELECT item_id FROM items WHERE NOT removed ORDER BY item_id",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    sora_testing::eventually(Duration::from_secs(20), vec![old.to_owned()], indexed).await;

    // Published just now: its event arrives, the replica's listing does not
    // show it yet. Several checks see the totals differ and copy the listing.
    let published = LayoutPublished {
        id: fresh.to_owned(),
        name: "Fresh layout".to_owned(),
        description: None,
        tags: Vec::new(),
        panels: vec!["Image".to_owned()],
        topics: vec!["/camera".to_owned()],
        actor: "u1".to_owned(),
    };
    app.deliver(&[sora_testing::events::message("file-server", &published)])
        .await;
    let both = vec![old.to_owned(), fresh.to_owned()];
    sora_testing::eventually(Duration::from_secs(20), both.clone(), indexed).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        indexed().await,
        both,
        "a lagging listing removed a fresh item"
    );
    assert_eq!(app.model().await["layouts_indexed"], 2);

    // The old layout leaves the listing (deleted while no event reached the
    // recommender): the next check marks it removed, the fresh one stays.
    *listing.lock().unwrap() = vec![layout(fresh, "Fresh layout")];
    sora_testing::eventually(Duration::from_secs(20), vec![fresh.to_owned()], indexed).await;
    sora_testing::eventually(Duration::from_secs(20), 1, || async {
        app.model().await["layouts_indexed"].as_u64().unwrap()
    })
    .await;
}
