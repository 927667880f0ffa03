//! What the extension and layout lists share: the query every list takes
//! (search words, sort, page), and picking one page of matching items, in
//! order, from the catalog.

use std::sync::Arc;

use sora_common::ApiError;
use sora_common::error::FieldError;
use sora_common::page::Paging;
use time::OffsetDateTime;

use super::search::{Query, SearchIndex, SearchWords};

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
    fn search_words(&self) -> &SearchWords;
    fn downloads(&self) -> i64;
    fn updated_at(&self) -> OffsetDateTime;
    /// The key `sort=name` orders by (lower-case).
    fn sort_name(&self) -> &str;
    /// The last tie-breaker of every order.
    fn key(&self) -> &str;
}

/// Listed items in every order, and their words indexed for search: built
/// once per catalog snapshot, read by every list request.
#[derive(Debug)]
pub struct Listing<T> {
    /// Most downloaded first (the order of relevance among equal scores).
    items: Vec<Arc<T>>,
    /// Positions in `items`, most recently changed first and by name.
    by_update: Vec<u32>,
    by_name: Vec<u32>,
    search: SearchIndex,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            by_update: Vec::new(),
            by_name: Vec::new(),
            search: SearchIndex::default(),
        }
    }
}

impl<T: Listed> Listing<T> {
    pub fn new(mut items: Vec<Arc<T>>) -> Self {
        items.sort_by(|a, b| {
            b.downloads()
                .cmp(&a.downloads())
                .then_with(|| a.key().cmp(b.key()))
        });
        let positions = |compare: &dyn Fn(&T, &T) -> std::cmp::Ordering| {
            let mut positions: Vec<u32> = (0..items.len())
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
                .collect();
            positions.sort_by(|&a, &b| {
                let (a, b) = (&items[a as usize], &items[b as usize]);
                compare(a, b).then_with(|| a.key().cmp(b.key()))
            });
            positions
        };
        let by_update = positions(&|a, b| b.updated_at().cmp(&a.updated_at()));
        let by_name = positions(&|a, b| a.sort_name().cmp(b.sort_name()));
        let search = SearchIndex::new(items.iter().map(|item| item.search_words()));
        Self {
            items,
            by_update,
            by_name,
            search,
        }
    }

    /// One page of the items that pass `filter` and match the query, in
    /// `params.sort`'s order, and how many match in all.
    pub fn select(&self, params: &ListParams, filter: impl Fn(&T) -> bool) -> (Vec<Arc<T>>, i64) {
        let scores = params
            .query
            .as_ref()
            .map(|query| self.search.scores(query, self.items.len()));
        let score = |n: usize| match &scores {
            Some(scores) => scores[n],
            None => Some(0.0),
        };
        let passes = |n: usize| score(n).is_some() && filter(&self.items[n]);
        let matching: Vec<usize> = match params.sort {
            Sort::Relevance => {
                let mut matching: Vec<(f32, usize)> = (0..self.items.len())
                    .filter(|&n| filter(&self.items[n]))
                    .filter_map(|n| score(n).map(|s| (s, n)))
                    .collect();
                // A stable sort keeps the downloads order among equal scores.
                matching.sort_by(|(a, _), (b, _)| b.total_cmp(a));
                matching.into_iter().map(|(_, n)| n).collect()
            }
            Sort::Downloads => (0..self.items.len()).filter(|&n| passes(n)).collect(),
            Sort::Updated | Sort::Name => {
                let positions = if params.sort == Sort::Updated {
                    &self.by_update
                } else {
                    &self.by_name
                };
                positions
                    .iter()
                    .map(|&n| n as usize)
                    .filter(|&n| passes(n))
                    .collect()
            }
        };
        let total = matching.len() as i64;
        let page = params
            .paging
            .slice(&matching)
            .iter()
            .map(|&n| Arc::clone(&self.items[n]))
            .collect();
        (page, total)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::domain::search::Weight;

    struct Item {
        id: String,
        downloads: i64,
        words: SearchWords,
    }

    impl Listed for Item {
        fn search_words(&self) -> &SearchWords {
            &self.words
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
        let mut search = SearchWords::default();
        search.add(words, Weight::Primary);
        Arc::new(Item {
            id: id.to_owned(),
            downloads,
            words: search,
        })
    }

    fn ids(items: &[Arc<Item>]) -> Vec<&str> {
        items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn pages_filters_and_orders() {
        let listing = Listing::new(vec![
            item("b", 5, "lidar"),
            item("a", 5, "camera"),
            item("c", 9, "lidar scans"),
        ]);
        let params = ListParams::new(None, None, Some(1), Some(2)).unwrap();
        let (page, total) = listing.select(&params, |_| true);
        assert_eq!((ids(&page), total), (vec!["c", "a"], 3));
        let params = ListParams::new(Some("lidar"), None, None, None).unwrap();
        assert_eq!(params.sort, Sort::Relevance);
        let (page, total) = listing.select(&params, |i| i.id != "c");
        assert_eq!((ids(&page), total), (vec!["b"], 1));
        let (page, _) = listing.select(&params, |_| true);
        assert_eq!(
            ids(&page),
            ["c", "b"],
            "equal scores keep the downloads order"
        );
        let params = ListParams::new(None, Some("name"), Some(2), Some(2)).unwrap();
        assert_eq!(ids(&listing.select(&params, |_| true).0), ["c"]);
        let params = ListParams::new(Some("lidar"), Some("name"), None, None).unwrap();
        assert_eq!(ids(&listing.select(&params, |_| true).0), ["b", "c"]);
        assert!(ListParams::new(None, Some("stars"), None, None).is_err());
        assert!(ListParams::new(None, None, Some(0), None).is_err());
    }
}
