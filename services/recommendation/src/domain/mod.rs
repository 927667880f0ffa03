//! Pure rules of the recommender: what a recording is made of, the
//! vocabulary topics and schemas are matched in, and the ranking. The
//! offline evaluation of it is a tool of its own (tools/recommendation-eval).

pub mod ask;
pub mod rank;
pub mod recording;
pub mod terms;
pub mod vocab;
