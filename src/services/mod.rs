//! The use cases every front end calls. Each "who may do this" rule lives here, once.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod notify;
pub mod oauth;
pub mod sessions;
pub mod two_factor;
