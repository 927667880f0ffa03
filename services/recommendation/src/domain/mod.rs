//! Pure rules of the recommender: what a recording is made of, and what the
//! index keeps of an item's text.

pub mod recording;
pub mod terms;
