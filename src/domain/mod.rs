//! Pure types and rules, no I/O.

pub mod ids;
pub mod library;
pub mod lyrics;
pub mod room;
pub mod social;
pub mod time;
pub mod user;
