//! What the public list routes share: the cached answer if there is one,
//! normalised search words, the sort order, pagination, and storing the
//! rendered page.

use actix_web::{HttpRequest, HttpResponse};
use bytes::Bytes;
use serde::Serialize;
use sora_common::ApiError;
use sora_common::error::FieldError;
use sora_common::page::Paging;

use crate::cache::ResponseCache;

/// Search words are cut to this many characters.
const MAX_QUERY_CHARS: usize = 200;

/// One list request, not answered from the cache.
pub struct ListRequest {
    key: String,
    generation: u64,
    pub paging: Paging,
    /// Lower-case search words, if any.
    pub q: Option<String>,
    /// The SQL `ORDER BY` for the requested sort.
    pub order: &'static str,
}

pub enum Listing {
    Cached(HttpResponse),
    Fresh(ListRequest),
}

/// The query parameters every list has.
pub struct ListQuery<'a> {
    pub q: Option<&'a str>,
    pub sort: Option<&'a str>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ListRequest {
    /// `kind` names the list in the cache; `by_name` is its `ORDER BY` for
    /// `sort=name`.
    pub fn start(
        cache: &ResponseCache,
        kind: &str,
        req: &HttpRequest,
        query: ListQuery<'_>,
        by_name: &'static str,
    ) -> Result<Listing, ApiError> {
        let key = format!("{kind}?{}", req.query_string());
        if let Some(body) = cache.get(&key) {
            return Ok(Listing::Cached(json_bytes(body)));
        }
        let generation = cache.generation();
        let q = query.q.map(str::trim).filter(|q| !q.is_empty()).map(|q| {
            q.chars()
                .take(MAX_QUERY_CHARS)
                .collect::<String>()
                .to_lowercase()
        });
        let order = match (query.sort, &q) {
            (Some("relevance") | None, Some(_)) => "rank DESC, downloads DESC, id",
            (Some("downloads") | None, _) => "downloads DESC, id",
            (Some("updated"), _) => "updated_at DESC, id",
            (Some("name"), _) => by_name,
            (Some(other), _) => {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "sort",
                    format!("`{other}` is not one of downloads, updated, name, relevance"),
                )]));
            }
        };
        Ok(Listing::Fresh(Self {
            key,
            generation,
            paging: Paging::new(query.page, query.per_page),
            q,
            order,
        }))
    }

    /// Renders `page`, keeps it in the cache (unless the catalog changed
    /// meanwhile) and answers it.
    pub fn finish<T: Serialize>(
        self,
        cache: &ResponseCache,
        page: &T,
    ) -> Result<HttpResponse, ApiError> {
        let body = Bytes::from(serde_json::to_vec(page).map_err(ApiError::internal)?);
        cache.put(self.key, self.generation, body.clone());
        Ok(json_bytes(body))
    }
}

pub fn json_bytes(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}
