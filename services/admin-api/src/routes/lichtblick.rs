//! Signing in to Lichtblick's web app, on its own origin: the one admin-api
//! path that origin routes (docs/security.md, "Two origins"). A sign-in
//! sets only the `sora_access` cookie, for `/api/lichtblick` alone, holding
//! a token of Lichtblick's own audience that nothing else accepts; no token
//! is ever in an answer, so no script (an extension) can read one.
//!
//! Two ways in: JSON (`POST` with `X-Sora-CSRF: 1`, for a client that signs
//! in by script) and a plain HTML form (`GET` shows it; the browser posts it
//! and is sent to Lichtblick at `/`), for people. A form post is accepted
//! only when the browser says it comes from this origin (`Sec-Fetch-Site:
//! same-origin`), so another site cannot sign a visitor in to its account.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, guard, web};
use serde::Serialize;
use sora_common::ApiError;
use sora_common::auth::{BROWSER_COOKIE, Role};
use sora_common::extract::Json;
use sora_common::privacy::ClientIp;
use sora_common::problems;
use utoipa::ToSchema;

use super::auth::{LoginRequest, authenticate, check_same_site};
use crate::identity::Subject;
use crate::state::AppState;

/// Where Lichtblick's browser app signs in.
pub const LICHTBLICK_SESSION_PATH: &str = "/api/admin/lichtblick/session";

const FORM: &str = "application/x-www-form-urlencoded";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(LICHTBLICK_SESSION_PATH)
            .app_data(web::FormConfig::default().error_handler(|error, _| {
                ApiError::BadRequest(format!("the form could not be read: {error}")).into()
            }))
            .route(
                web::post()
                    .guard(guard::fn_guard(|ctx| {
                        ctx.head()
                            .headers()
                            .get(header::CONTENT_TYPE)
                            .and_then(|v| v.to_str().ok())
                            .is_some_and(|v| v.starts_with(FORM))
                    }))
                    .to(form_login),
            )
            .route(web::post().to(lichtblick_login))
            .route(web::get().to(form))
            .route(web::delete().to(lichtblick_logout)),
    );
}

/// Who signed in to Lichtblick; the token is only in the cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct LichtblickSession {
    pub email: String,
    #[schema(value_type = String)]
    pub role: Role,
    /// Seconds until the cookie expires: sign in again then.
    pub expires_in: i64,
}

/// The `Set-Cookie` of Lichtblick's cookie, for its API's path alone.
fn set_browser_cookie(state: &AppState, token: &str, max_age: i64) -> String {
    let path = &state.identity.browser_cookie_path;
    format!(
        "{BROWSER_COOKIE}={token}; Path={path}; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    )
}

/// The cookie for `user`, and how long it lives.
fn cookie_for(
    state: &AppState,
    user: &crate::db::users::Credentials,
) -> Result<(String, i64), ApiError> {
    let identity = &state.identity;
    let token = identity
        .lichtblick_token(&Subject::from(user))
        .map_err(ApiError::Internal)?;
    let max_age = identity.browser_ttl.whole_seconds();
    Ok((set_browser_cookie(state, &token, max_age), max_age))
}

/// Signs Lichtblick's browser app in: an `HttpOnly` cookie for
/// `/api/lichtblick` alone, holding a token nothing else accepts. No token
/// is in the answer, so no script can read one.
#[utoipa::path(post, path = "/api/admin/lichtblick/session", tag = "auth", request_body = LoginRequest,
    params(("x-sora-csrf" = String, Header, description = "must be `1`")),
    responses(
        (status = 200, body = LichtblickSession, headers(("set-cookie" = String))),
        problems::JsonBody, problems::SignedIn, problems::RateLimited,
    ))]
pub async fn lichtblick_login(
    req: HttpRequest,
    client: ClientIp,
    body: Json<LoginRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_same_site(&req)?;
    let user = authenticate(&client, &body, &state).await?;
    let (cookie, max_age) = cookie_for(&state, &user)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .append_header((header::SET_COOKIE, cookie))
        .json(LichtblickSession {
            email: user.email,
            role: user.role,
            expires_in: max_age,
        }))
}

/// Signs Lichtblick's browser app out: the cookie cleared. (Ending the
/// token itself everywhere is `POST /api/admin/auth/logout-all`.)
#[utoipa::path(delete, path = "/api/admin/lichtblick/session", tag = "auth",
    params(("x-sora-csrf" = String, Header, description = "must be `1`")),
    responses(
        (status = 204, description = "signed out", headers(("set-cookie" = String))),
        problems::Forbidden,
    ))]
pub async fn lichtblick_logout(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    check_same_site(&req)?;
    Ok(HttpResponse::NoContent()
        .append_header((header::SET_COOKIE, set_browser_cookie(&state, "", 0)))
        .finish())
}

/// The sign-in form, for people: no script, posting to itself.
async fn form() -> HttpResponse {
    page("")
}

/// The form, posted by a browser: on success the cookie is set and the
/// browser sent to Lichtblick (`/`); otherwise the form again, saying why.
async fn form_login(
    req: HttpRequest,
    client: ClientIp,
    body: web::Form<LoginRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    if site != Some("same-origin") {
        return Err(ApiError::Forbidden(
            "the sign-in form is accepted from its own page only".to_owned(),
        ));
    }
    match authenticate(&client, &body, &state).await {
        Ok(user) => {
            let (cookie, _) = cookie_for(&state, &user)?;
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/"))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .append_header((header::SET_COOKIE, cookie))
                .finish())
        }
        // The form again, for the person in front of it (an error status
        // would be answered as problem+json, which a browser shows raw).
        Err(ApiError::RateLimited { retry_after_secs }) => Ok(page(&format!(
            "Too many failed attempts: try again in {retry_after_secs} s."
        ))),
        Err(ApiError::Unauthenticated(_)) => Ok(page("Wrong e-mail or password.")),
        Err(other) => Err(other),
    }
}

fn page(message: &str) -> HttpResponse {
    let message = html_escape(message);
    let notice = if message.is_empty() {
        String::new()
    } else {
        format!("<p role=\"alert\">{message}</p>")
    };
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sign in to Lichtblick · Sora</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}}\
         label,input,button{{display:block;width:100%;box-sizing:border-box}}\
         input{{margin:.25rem 0 1rem;padding:.5rem}}button{{padding:.6rem}}\
         [role=alert]{{color:#b00020}}</style></head>\
         <body><h1>Sign in to Lichtblick</h1>{notice}\
         <form method=\"post\" action=\"{LICHTBLICK_SESSION_PATH}\">\
         <label>E-mail<input name=\"email\" type=\"email\" autocomplete=\"username\" required></label>\
         <label>Password<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
         <button>Sign in</button></form></body></html>\n"
    );
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
