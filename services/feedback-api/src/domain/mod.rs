//! feedback-api's pure types and rules: what an event must be, what is
//! redacted, sealed and hashed before it is kept, and how unique installs
//! are counted.

pub mod event;
pub mod pseudonyms;
pub mod redact;
pub mod sealing;
pub mod sketch;
