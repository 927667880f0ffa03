//! admin-api's queries, over `&mut PgConnection`, checked against the schema
//! at compile time.

pub mod audit;
pub mod personal_tokens;
pub mod revocations;
pub mod tokens;
pub mod users;
