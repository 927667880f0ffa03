//! What the extension and layout lists share: the query every list takes
//! (search words, sort, page), and picking one page of matching items, in
//! order, from the catalog.

use std::sync::Arc;

use sora_common::ApiError;
use sora_common::error::FieldError;
use sora_common::page::Paging;
use time::OffsetDateTime;

use super::search::{Query, SearchIndex};

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Most downloaded first (the default without search words).
    Downloads,
    /// Most recently changed first.
    Updated,
    /// By name, A to Z.
    Name,
    /// Best match first (the default with search words).
    Relevance,
}

/// A list request: search words, order and page.
#[derive(Debug, Clone)]
pub struct ListParams {
    pub query: Option<Query>,
    pub sort: Sort,
    pub paging: Paging,
}

impl ListParams {
    pub fn new(
        q: Option<&str>,
        sort: Option<&str>,
        page: Option<u32>,
        per_page: Option<u32>,
    ) -> Result<Self, ApiError> {
        let query = q.and_then(Query::parse);
        let sort = match (sort, &query) {
            (Some("relevance") | None, Some(_)) => Sort::Relevance,
            (Some("relevance") | Some("downloads") | None, None) | (Some("downloads"), _) => {
                Sort::Downloads
            }
            (Some("updated"), _) => Sort::Updated,
            (Some("name"), _) => Sort::Name,
            (Some(other), _) => {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "sort",
                    format!("`{other}` is not one of downloads, updated, name, relevance"),
                )]));
            }
        };
        Ok(Self {
            query,
            sort,
            paging: Paging::new(page, per_page)?,
        })
    }
}

/// What a listed item offers the list machinery.
pub trait Listed {
    fn search_index(&self) -> &SearchIndex;
    fn downloads(&self) -> i64;
    fn updated_at(&self) -> OffsetDateTime;
    /// The key `sort=name` orders by (lower-case).
    fn sort_name(&self) -> &str;
    /// The last tie-breaker of every order.
    fn key(&self) -> &str;
}

/// Sorts `items` in `sort`'s order (relevance has no order of its own
/// without a query: most downloaded first).
pub fn order<T: Listed>(items: &mut [Arc<T>], sort: Sort) {
    match sort {
        Sort::Downloads | Sort::Relevance => items.sort_by(|a, b| {
            b.downloads()
                .cmp(&a.downloads())
                .then_with(|| a.key().cmp(b.key()))
        }),
        Sort::Updated => items.sort_by(|a, b| {
            b.updated_at()
                .cmp(&a.updated_at())
                .then_with(|| a.key().cmp(b.key()))
        }),
        Sort::Name => items.sort_by(|a, b| {
            a.sort_name()
                .cmp(b.sort_name())
                .then_with(|| a.key().cmp(b.key()))
        }),
    }
}

/// One page of the items of `ordered` (already in `params.sort`'s order, or
/// by downloads for relevance) that pass `filter` and match the query, and
/// how many match in all.
pub fn select<T: Listed>(
    ordered: &[Arc<T>],
    params: &ListParams,
    filter: impl Fn(&T) -> bool,
) -> (Vec<Arc<T>>, i64) {
    let score = |item: &T| match &params.query {
        Some(query) => item.search_index().score(query),
        None => Some(0.0),
    };
    if params.sort == Sort::Relevance {
        let mut matches: Vec<(f32, &Arc<T>)> = ordered
            .iter()
            .filter(|item| filter(item))
            .filter_map(|item| score(item).map(|s| (s, item)))
            .collect();
        // A stable sort keeps the downloads order among equal scores.
        matches.sort_by(|(a, _), (b, _)| b.total_cmp(a));
        let total = matches.len() as i64;
        let page = params.paging.slice(&matches);
        return (
            page.iter().map(|(_, item)| Arc::clone(item)).collect(),
            total,
        );
    }
    let matching: Vec<&Arc<T>> = ordered
        .iter()
        .filter(|item| filter(item) && score(item).is_some())
        .collect();
    let total = matching.len() as i64;
    let page = params
        .paging
        .slice(&matching)
        .iter()
        .map(|item| Arc::clone(item))
        .collect();
    (page, total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::domain::search::Weight;

    struct Item {
        id: String,
        downloads: i64,
        index: SearchIndex,
    }

    impl Listed for Item {
        fn search_index(&self) -> &SearchIndex {
            &self.index
        }
        fn downloads(&self) -> i64 {
            self.downloads
        }
        fn updated_at(&self) -> OffsetDateTime {
            OffsetDateTime::UNIX_EPOCH
        }
        fn sort_name(&self) -> &str {
            &self.id
        }
        fn key(&self) -> &str {
            &self.id
        }
    }

    fn item(id: &str, downloads: i64, words: &str) -> Arc<Item> {
        let mut index = SearchIndex::default();
        index.add(words, Weight::Primary);
        Arc::new(Item {
            id: id.to_owned(),
            downloads,
            index,
        })
    }

    fn ids(items: &[Arc<Item>]) -> Vec<&str> {
        items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn pages_filters_and_orders() {
        let mut items = vec![
            item("b", 5, "lidar"),
            item("a", 5, "camera"),
            item("c", 9, "lidar scans"),
        ];
        order(&mut items, Sort::Downloads);
        assert_eq!(ids(&items), ["c", "a", "b"]);
        let params = ListParams::new(None, None, Some(1), Some(2)).unwrap();
        let (page, total) = select(&items, &params, |_| true);
        assert_eq!((ids(&page), total), (vec!["c", "a"], 3));
        let params = ListParams::new(Some("lidar"), None, None, None).unwrap();
        assert_eq!(params.sort, Sort::Relevance);
        let (page, total) = select(&items, &params, |i| i.id != "c");
        assert_eq!((ids(&page), total), (vec!["b"], 1));
        order(&mut items, Sort::Name);
        let params = ListParams::new(None, Some("name"), Some(2), Some(2)).unwrap();
        assert_eq!(ids(&select(&items, &params, |_| true).0), ["c"]);
        assert!(ListParams::new(None, Some("stars"), None, None).is_err());
        assert!(ListParams::new(None, None, Some(0), None).is_err());
    }
}
