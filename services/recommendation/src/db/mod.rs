//! recommendation's own schema: the catalog index, the learned weights,
//! the bounds on each install's influence, and what was served.

pub mod items;
pub mod model;
