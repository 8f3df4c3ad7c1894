//! API tests: each boots the real server in-process on 127.0.0.1:0 with a temp data dir and
//! talks to it over real HTTP and WebSocket connections.

mod fixtures;
mod friends;
mod helpers;

mod accounts;
mod activity;
mod admin;
mod authorization;
mod cli;
mod health;
mod library;
mod marks;
mod media;
mod oauth;
mod playlists;
mod rooms;
mod security;
mod sessions;
mod subsonic;
mod transcode;
mod two_factor;
mod uploads;
