//! End-to-end tests across the Sora services live in `tests/`; this crate has
//! no code of its own.
