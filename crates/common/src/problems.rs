//! The problem answers a route may give, declared once for every route's
//! OpenAPI document: `responses((status = 200, body = X), problems::NotFound,
//! problems::Validation)`. Each is an `application/problem+json` answer
//! (RFC 9457) with the [`crate::error::Problem`] schema and what the status
//! means to a client. A route whose answer needs more (a header, its own
//! words) still writes its tuple.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

use crate::error::PROBLEM_JSON;

fn problem(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, content)
        .build()
        .into()
}

macro_rules! problems {
    ($($(#[$doc:meta])* $name:ident = $status:literal, $description:literal;)*) => {
        $(
            $(#[$doc])*
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    BTreeMap::from([($status.to_owned(), problem($description))])
                }
            }
        )*
    };
}

problems! {
    /// 400: a malformed request (query, path or body that does not parse).
    BadRequest = "400", "the request is malformed";
    /// 401: no valid credential.
    Unauthorized = "401", "no valid credential (missing, expired, revoked or for another audience)";
    /// 403: a valid credential that may not do this.
    Forbidden = "403", "the caller may not do this";
    /// 404: nothing there (or nothing the caller may see).
    NotFound = "404", "no such resource";
    /// 409: the state does not allow it (a name taken, a quota, the last owner).
    Conflict = "409", "conflicts with the current state";
    /// 413: the body is larger than allowed.
    PayloadTooLarge = "413", "the body is too large";
    /// 415: the body is not of the media type expected.
    UnsupportedMediaType = "415", "the body's media type is not the one expected";
    /// 422: fields that break the rules, each named in `errors`.
    Validation = "422", "invalid fields, each named in `errors`";
    /// 429: too many requests; `Retry-After` says when to try again.
    RateLimited = "429", "too many requests: retry after `Retry-After` seconds";
    /// 503: a dependency does not answer; try again.
    Unavailable = "503", "a dependency is unavailable: retry";
}

macro_rules! problem_sets {
    ($($(#[$doc:meta])* $name:ident = [$($part:ident),*];)*) => {
        $(
            $(#[$doc])*
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    let mut all = BTreeMap::new();
                    $(all.extend(<$part as utoipa::IntoResponses>::responses());)*
                    all
                }
            }
        )*
    };
}

problem_sets! {
    /// What every route with a JSON body may answer: 400, 413, 415, 422.
    JsonBody = [BadRequest, PayloadTooLarge, UnsupportedMediaType, Validation];
    /// What every route that needs a role may answer: 401, 403.
    SignedIn = [Unauthorized, Forbidden];
}
