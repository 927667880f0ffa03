//! The dashboard's calls to the other services, forwarded by admin-api:
//! `/api/admin/catalog/…` to file-server's `/api/…`, `/api/admin/workspaces…`
//! to file-server's `/api/workspaces…`, `/api/admin/feedback…` and
//! `/api/admin/stats/…` to feedback-api's `/api/feedback…` and
//! `/api/stats/…`. The page is served by admin-api and its CSP allows
//! `connect-src 'self'` only, and under `make run` every service has an
//! origin of its own; forwarding keeps the page on one origin without
//! opening CORS on the other services (docs/decisions.md).
//!
//! Only the routes in [`FORWARDED`] are forwarded, to the path built from
//! the route and its parameters, as the caller: with a one-minute token of
//! the general audience for the same user, role and session version (the
//! dashboard's own token is for admin-api alone). The service that owns the
//! resource decides what the caller may do (roles, ownership) and audits
//! it. Callers without a valid token are refused here. A service that does
//! not answer gives 503.

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use sora_common::ApiError;
use sora_common::auth::Viewer;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

use crate::state::AppState;

/// One forwarded path: where it goes, with which methods.
pub struct Forwarded {
    pub path: &'static str,
    pub methods: &'static [ForwardedMethod],
    pub peer: &'static str,
    /// What the peer's route does, for the OpenAPI document.
    pub summary: &'static str,
}

#[derive(Clone, Copy)]
pub enum ForwardedMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

use ForwardedMethod::{Delete, Get, Patch, Post, Put};

const FILES: &str = "file-server";
const FEEDBACK: &str = "feedback-api";

pub const FORWARDED: &[Forwarded] = &[
    Forwarded {
        path: "/api/admin/catalog/extensions",
        methods: &[Get],
        peer: FILES,
        summary: "Search the extensions (file-server's `GET /api/extensions`).",
    },
    Forwarded {
        path: "/api/admin/catalog/extensions/unlisted",
        methods: &[Get],
        peer: FILES,
        summary: "Hidden and fully yanked extensions the caller may manage (editor).",
    },
    Forwarded {
        path: "/api/admin/catalog/extensions/held",
        methods: &[Get],
        peer: FILES,
        summary: "Versions held for review, with what the scan found and any appeal (their publisher's members; admins: all).",
    },
    Forwarded {
        path: "/api/admin/catalog/extensions/{id}",
        methods: &[Get, Patch],
        peer: FILES,
        summary: "An extension with its versions; `PATCH` features (admin) or hides it (owner or admin).",
    },
    Forwarded {
        path: "/api/admin/catalog/extensions/{id}/versions/{version}",
        methods: &[Delete],
        peer: FILES,
        summary: "Yank a version (owner or admin).",
    },
    Forwarded {
        path: "/api/admin/catalog/extensions/{id}/versions/{version}/release",
        methods: &[Post],
        peer: FILES,
        summary: "Release a version held for review, with a reason (admin).",
    },
    Forwarded {
        path: "/api/admin/catalog/layouts",
        methods: &[Get],
        peer: FILES,
        summary: "Search the layouts (file-server's `GET /api/layouts`).",
    },
    Forwarded {
        path: "/api/admin/catalog/layouts/{id}",
        methods: &[Get, Delete],
        peer: FILES,
        summary: "A layout; `DELETE` removes it (owner or admin).",
    },
    Forwarded {
        path: "/api/admin/feedback",
        methods: &[Get],
        peer: FEEDBACK,
        summary: "Feedback events with filters (admin; feedback-api's `GET /api/feedback`).",
    },
    Forwarded {
        path: "/api/admin/feedback/{id}",
        methods: &[Get, Delete],
        peer: FEEDBACK,
        summary: "One feedback event with its comment decrypted, or deleted (admin; audited).",
    },
    Forwarded {
        path: "/api/admin/workspaces",
        methods: &[Get, Post],
        peer: FILES,
        summary: "Team workspaces (file-server's `/api/workspaces`): the caller's; `POST` creates one (admin).",
    },
    Forwarded {
        path: "/api/admin/workspaces/{name}",
        methods: &[Get, Patch, Delete],
        peer: FILES,
        summary: "A workspace and its members; `PATCH` anonymous reading or the default layout (owner or admin); `DELETE` (admin).",
    },
    Forwarded {
        path: "/api/admin/workspaces/{name}/members/{user}",
        methods: &[Put, Delete],
        peer: FILES,
        summary: "Add a member or change their role, or remove them (owner or admin).",
    },
    Forwarded {
        path: "/api/admin/stats/summary",
        methods: &[Get],
        peer: FEEDBACK,
        summary: "Downloads, feedback by type, unique installs, acceptance rate (viewer).",
    },
    Forwarded {
        path: "/api/admin/stats/timeseries",
        methods: &[Get],
        peer: FEEDBACK,
        summary: "Downloads, feedback or acceptance per hour or day (viewer).",
    },
    Forwarded {
        path: "/api/admin/stats/adoption",
        methods: &[Get],
        peer: FEEDBACK,
        summary: "Daily, weekly and monthly active installs, new and returning installs, and each extension's installs, uninstalls and net installs (viewer).",
    },
    Forwarded {
        path: "/api/admin/stats/export.csv",
        methods: &[Get],
        peer: FEEDBACK,
        summary: "The statistics as CSV (viewer).",
    },
];

/// The query parameters each forwarded route passes on, as the peer reads
/// them (documented by the peer; listed here so clients see them).
fn query_parameters(path: &str) -> &'static [&'static str] {
    match path {
        "/api/admin/catalog/extensions" => &[
            "q",
            "keyword",
            "publisher",
            "featured",
            "sort",
            "page",
            "per_page",
        ],
        "/api/admin/catalog/layouts" => &["q", "tag", "panel", "sort", "page", "per_page"],
        "/api/admin/feedback" => &[
            "type",
            "item_kind",
            "item_id",
            "has_comment",
            "from",
            "to",
            "page",
            "per_page",
        ],
        "/api/admin/stats/summary"
        | "/api/admin/stats/adoption"
        | "/api/admin/stats/export.csv" => &["from", "to"],
        "/api/admin/stats/timeseries" => &["metric", "interval", "from", "to"],
        _ => &[],
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    for forwarded in FORWARDED {
        let mut resource = web::resource(forwarded.path);
        for method in forwarded.methods {
            let method = match method {
                Get => Method::GET,
                Post => Method::POST,
                Put => Method::PUT,
                Patch => Method::PATCH,
                Delete => Method::DELETE,
            };
            resource = resource.route(web::method(method).to(forward));
        }
        cfg.service(resource);
    }
}

/// The peer's path for the route `pattern` matched, built from the
/// pattern and the parameters it captured, never from the request's own
/// path: `/api/admin/catalog/x` → `/api/x`, `/api/admin/x` → `/api/x`.
/// `None` when a parameter is a dot segment or holds anything but letters,
/// digits and `.-_~@+` (a `\`, `/` or `%` the peer's URL parser could
/// read as another path).
fn upstream_path(pattern: &str, param: impl Fn(&str) -> Option<String>) -> Option<String> {
    let rest = pattern
        .strip_prefix("/api/admin/catalog/")
        .or_else(|| pattern.strip_prefix("/api/admin/"))?;
    let mut path = String::from("/api");
    for segment in rest.split('/') {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                let value = param(name)?;
                let plain = value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-_~@+".contains(c));
                if !plain || value.is_empty() || value == "." || value == ".." {
                    return None;
                }
                path.push_str(&value);
            }
            None => path.push_str(segment),
        }
    }
    Some(path)
}

async fn forward(
    Viewer(caller): Viewer,
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let pattern = req.match_pattern().unwrap_or_default();
    let peer = FORWARDED
        .iter()
        .find(|f| f.path == pattern)
        .and_then(|f| state.peers.peer(f.peer))
        .ok_or_else(|| ApiError::NotFound("no such route".to_owned()))?;
    let mut target = upstream_path(&pattern, |name| {
        req.match_info().get(name).map(str::to_owned)
    })
    .ok_or_else(|| ApiError::NotFound("no such route".to_owned()))?;
    if let Some(query) = req.uri().query() {
        target.push('?');
        target.push_str(query);
    }
    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
        .map_err(ApiError::internal)?;
    let token = state
        .identity
        .forwarding_token(&caller)
        .map_err(ApiError::Internal)?;
    let headers = req.headers();
    let response = state
        .peers
        .forward(peer, &target, |client, url| {
            let mut request = client.request(method, url).bearer_auth(token);
            for name in [header::CONTENT_TYPE, header::ACCEPT] {
                if let Some(value) = headers.get(&name) {
                    request = request.header(name.as_str(), value.as_bytes());
                }
            }
            if body.is_empty() {
                request
            } else {
                request.body(body)
            }
        })
        .await
        .map_err(|why| ApiError::Unavailable(format!("{} is unavailable: {why}", peer.name)))?;
    let status = StatusCode::from_u16(response.status().as_u16())
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
    let mut answer = HttpResponse::build(status);
    for name in [
        header::CONTENT_TYPE,
        header::CONTENT_DISPOSITION,
        header::RETRY_AFTER,
    ] {
        if let Some(value) = response.headers().get(name.as_str()) {
            answer.insert_header((name, value.as_bytes()));
        }
    }
    answer.insert_header((header::CACHE_CONTROL, "no-store"));
    if status == StatusCode::NO_CONTENT {
        return Ok(answer.finish());
    }
    Ok(answer.streaming(response.bytes_stream()))
}

/// The forwarded routes in admin-api's OpenAPI document: their parameters,
/// and the peer's answers passed on as they are (JSON, CSV or problem+json),
/// plus 503 when the peer does not answer.
pub fn document(doc: &mut OpenApi) {
    let problem = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build()
    };
    for forwarded in FORWARDED {
        for method in forwarded.methods {
            let (http_method, ok) = match method {
                Get => (HttpMethod::Get, "200"),
                Post => (HttpMethod::Post, "201"),
                Put => (HttpMethod::Put, "200"),
                Patch => (HttpMethod::Patch, "200"),
                Delete => (HttpMethod::Delete, "204"),
            };
            let mut ok_response = ResponseBuilder::new().description("the peer's answer");
            if ok != "204" {
                let media = if forwarded.path.ends_with(".csv") {
                    "text/csv"
                } else {
                    "application/json"
                };
                ok_response = ok_response.content(media, ContentBuilder::new().build());
            }
            let mut operation = OperationBuilder::new()
                .tag("forwarded")
                .summary(Some(forwarded.summary))
                .description(Some(format!(
                    "Forwarded to {} as the caller; its answer is passed on.",
                    forwarded.peer
                )))
                .security(SecurityRequirement::new("bearer", Vec::<String>::new()))
                .response(ok, ok_response.build());
            for (status, what) in [
                ("400", "invalid query parameters"),
                ("401", "no valid token"),
                ("403", "not allowed to the caller"),
                ("404", "no such item"),
                ("409", "a conflict (a name taken, the last owner)"),
                ("415", "not JSON"),
                ("422", "invalid fields"),
                ("429", "rate limited"),
                ("503", "the service did not answer"),
            ] {
                operation = operation.response(
                    status,
                    ResponseBuilder::new()
                        .description(what)
                        .content("application/problem+json", problem())
                        .build(),
                );
            }
            for name in forwarded
                .path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            {
                operation = operation.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(utoipa::openapi::Required::True)
                        .schema(Some(
                            utoipa::openapi::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::Type::String),
                        )),
                );
            }
            if matches!(method, Patch | Post | Put) {
                operation = operation.request_body(Some(
                    utoipa::openapi::request_body::RequestBodyBuilder::new()
                        .content("application/json", ContentBuilder::new().build())
                        .required(Some(utoipa::openapi::Required::True))
                        .build(),
                ));
            }
            if matches!(method, Get) {
                for name in query_parameters(forwarded.path) {
                    operation = operation.parameter(
                        ParameterBuilder::new()
                            .name(*name)
                            .parameter_in(ParameterIn::Query)
                            .schema(Some(
                                utoipa::openapi::ObjectBuilder::new()
                                    .schema_type(utoipa::openapi::Type::String),
                            )),
                    );
                }
            }
            doc.paths
                .add_path_operation(forwarded.path, vec![http_method], operation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::upstream_path;

    fn upstream(pattern: &str, params: &[(&str, &str)]) -> Option<String> {
        upstream_path(pattern, |name| {
            params
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn paths_are_built_from_the_pattern_and_plain_parameters_only() {
        assert_eq!(
            upstream("/api/admin/catalog/extensions/{id}", &[("id", "acme.plot")]).as_deref(),
            Some("/api/extensions/acme.plot")
        );
        assert_eq!(
            upstream(
                "/api/admin/catalog/extensions/{id}/versions/{version}",
                &[("id", "acme.plot"), ("version", "1.0.0-rc.1+b2")]
            )
            .as_deref(),
            Some("/api/extensions/acme.plot/versions/1.0.0-rc.1+b2")
        );
        assert_eq!(
            upstream("/api/admin/stats/export.csv", &[]).as_deref(),
            Some("/api/stats/export.csv")
        );
        for value in [
            "..",
            ".",
            "..\\..\\metrics",
            "a/b",
            "%2e%2e",
            "",
            "x?y",
            "x#y",
        ] {
            assert_eq!(
                upstream("/api/admin/catalog/layouts/{id}", &[("id", value)]),
                None,
                "{value}"
            );
        }
        assert_eq!(upstream("/api/admin/catalog/layouts/{id}", &[]), None);
    }
}
