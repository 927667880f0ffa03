//! Pagination of list endpoints: `?page=1&per_page=20`, at most 100 per page.

/// The largest page a list returns.
pub const MAX_PER_PAGE: u32 = 100;
const DEFAULT_PER_PAGE: u32 = 20;

/// A requested page, normalised: page ≥ 1, 1 ≤ per_page ≤ [`MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE),
        }
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn pages_are_normalised() {
        assert_eq!(
            Paging::new(None, None),
            Paging {
                page: 1,
                per_page: 20
            }
        );
        assert_eq!(
            Paging::new(Some(0), Some(0)),
            Paging {
                page: 1,
                per_page: 1
            }
        );
        let p = Paging::new(Some(3), Some(500));
        assert_eq!((p.per_page, p.limit(), p.offset()), (100, 100, 200));
    }
}
