//! recommendation's background work: the served-recommendations writer,
//! the catalog backfill, and the sweep of what is kept only for a while.

pub mod backfill;
pub mod served;
pub mod sweep;
