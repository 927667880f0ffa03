//! The dashboard administrators open in a browser, at `/admin/`: one HTML
//! page, one script and one stylesheet, compiled into the binary (no build
//! step, nothing loaded from elsewhere). The page signs in through the
//! browser session routes ([`super::auth`]) and reads the JSON API.
//!
//! Served with a strict Content-Security-Policy (scripts, styles and
//! connections to this origin only, no inline script or style, no framing,
//! forms posting nowhere else), `nosniff` and no referrer. The page uses
//! hash routes (`#/overview`), so `/admin/` is its only document.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

const INDEX: &str = include_str!("../../assets/index.html");
const SCRIPT: &str = include_str!("../../assets/app.js");
const STYLE: &str = include_str!("../../assets/app.css");

/// What every dashboard answer carries.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/admin").get(to_index))
        .service(web::resource("/admin/").get(index))
        .service(web::resource("/admin/{file}").get(asset));
}

fn page(content_type: &str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        // Small, and must change with the binary: revalidated every time.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

async fn to_index() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/admin/"))
        .finish()
}

async fn index() -> HttpResponse {
    page("text/html; charset=utf-8", INDEX)
}

async fn asset(file: web::Path<String>) -> HttpResponse {
    match file.as_str() {
        "app.js" => page("text/javascript; charset=utf-8", SCRIPT),
        "app.css" => page("text/css; charset=utf-8", STYLE),
        _ => sora_common::error::problem_response(&sora_common::error::problem_for_status(
            actix_web::http::StatusCode::NOT_FOUND,
            "no such dashboard file",
        )),
    }
}
