//! Pure types and rules, no I/O.

pub mod library;
pub mod user;
