//! The use cases every front end calls. Each "who may do this" rule lives here, once.

pub mod accounts;
pub mod activity;
pub mod admin;
pub mod admin_accounts;
pub mod albums;
pub mod app_passwords;
pub mod auth;
pub mod batch;
pub mod events;
pub mod library;
pub mod marks;
pub mod media;
pub mod oauth;
pub mod playlists;
pub mod queues;
pub mod rooms;
pub mod sessions;
pub mod social;
pub mod tracks;
pub mod two_factor;
