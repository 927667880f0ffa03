//! Pagination of list endpoints: `?page=1&per_page=20` → `{items, total,
//! page, per_page}`. `page` starts at 1; `per_page` is 1 to 100, and a larger
//! value is served as 100 (the answer's `per_page` says so).

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, FieldError};

/// The largest page a list returns.
pub const MAX_PER_PAGE: u32 = 100;
pub const DEFAULT_PER_PAGE: u32 = 20;

/// A requested page, checked: page ≥ 1, 1 ≤ per_page ≤ [`MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    /// `page` and `per_page` as the query gave them; 0 for either is 400.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        if page == Some(0) {
            errors.push(FieldError::new("page", "must be at least 1"));
        }
        if per_page == Some(0) {
            errors.push(FieldError::new("per_page", "must be at least 1"));
        }
        if !errors.is_empty() {
            return Err(ApiError::InvalidParameters(errors));
        }
        Ok(Self {
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).min(MAX_PER_PAGE),
        })
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    /// The part of `items` (all of the list, in order) this page shows.
    pub fn slice<T>(self, items: &[T]) -> &[T] {
        let start = usize::try_from(self.offset())
            .unwrap_or(usize::MAX)
            .min(items.len());
        let end = start
            .saturating_add(self.per_page as usize)
            .min(items.len());
        &items[start..end]
    }

    /// A page of `items` out of `total`.
    pub fn page<T>(self, items: Vec<T>, total: i64) -> Page<T> {
        Page {
            items,
            total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items in the whole list.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn pages_are_checked_and_capped() {
        assert_eq!(
            Paging::new(None, None).unwrap(),
            Paging {
                page: 1,
                per_page: 20
            }
        );
        assert!(Paging::new(Some(0), None).is_err());
        assert!(Paging::new(None, Some(0)).is_err());
        let p = Paging::new(Some(3), Some(500)).unwrap();
        assert_eq!((p.per_page, p.limit(), p.offset()), (100, 100, 200));
        let items: Vec<u32> = (0..5).collect();
        let p = Paging::new(Some(2), Some(2)).unwrap();
        assert_eq!(p.slice(&items), [2, 3]);
        let p = Paging::new(Some(9), Some(2)).unwrap();
        assert!(p.slice(&items).is_empty());
    }
}
