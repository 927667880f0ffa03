//! Pure rules of the recommender: what a recording is made of, the
//! vocabulary topics and schemas are matched in, the ranking, and the
//! offline evaluation of it.

pub mod eval;
pub mod rank;
pub mod recording;
pub mod terms;
pub mod vocab;
