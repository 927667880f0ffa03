//! Pure rules of the recommender: what a recording is made of.

pub mod recording;
