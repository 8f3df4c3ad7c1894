//! Batched reads for GraphQL's dataloaders: one query per kind per request instead of one per
//! row (the N+1 test counts them). The parent field has already checked who asks; reads that
//! depend on the person (favourites, plays) take their id.

use std::collections::{HashMap, HashSet};

use crate::db::{library, playlists, plays, users};
use crate::error::AppResult;
use crate::state::SharedState;

pub use crate::db::library::{AlbumRow, ArtistRow, TrackRow};

pub async fn artists(state: &SharedState, ids: Vec<String>) -> AppResult<Vec<ArtistRow>> {
    state.db.run(move |c| Ok(library::artists_by_ids(c, &ids)?)).await
}

pub async fn albums(state: &SharedState, ids: Vec<String>) -> AppResult<Vec<AlbumRow>> {
    state.db.run(move |c| Ok(library::albums_by_ids(c, &ids)?)).await
}

pub async fn tracks(state: &SharedState, ids: Vec<String>) -> AppResult<Vec<TrackRow>> {
    state.db.run(move |c| Ok(library::tracks_by_ids(c, &ids)?)).await
}

/// Enabled accounts only.
pub async fn users(state: &SharedState, ids: Vec<String>) -> AppResult<Vec<users::UserRow>> {
    let rows = state.db.run(move |c| Ok(users::by_ids(c, &ids)?)).await?;
    Ok(rows.into_iter().filter(|u| !u.disabled).collect())
}

/// Album id → (track count, total duration, first added).
pub async fn album_stats(state: &SharedState, ids: Vec<String>) -> AppResult<HashMap<String, (i64, f64, String)>> {
    state.db.run(move |c| Ok(library::album_stats(c, &ids)?)).await
}

/// When `user` favourited each of `ids` that they did, by track id.
pub async fn favorite_times_among(
    state: &SharedState,
    user: String,
    ids: Vec<String>,
) -> AppResult<HashMap<String, String>> {
    state.db.run(move |c| Ok(playlists::favorite_times_among(c, &user, &ids)?)).await
}

pub async fn album_durations(state: &SharedState, ids: Vec<String>) -> AppResult<HashMap<String, f64>> {
    state.db.run(move |c| Ok(library::album_durations(c, &ids)?)).await
}

pub async fn artist_track_counts(state: &SharedState, ids: Vec<String>) -> AppResult<HashMap<String, i64>> {
    state.db.run(move |c| Ok(library::artist_track_counts(c, &ids)?)).await
}

/// Which of these tracks `user` favourited.
pub async fn favorites_among(state: &SharedState, user: String, ids: Vec<String>) -> AppResult<HashSet<String>> {
    state.db.run(move |c| Ok(playlists::favorited_among(c, &user, &ids)?)).await
}

/// (track count, total duration) per playlist.
pub async fn playlist_stats(state: &SharedState, ids: Vec<String>) -> AppResult<Vec<(String, i64, f64)>> {
    state.db.run(move |c| Ok(playlists::stats(c, &ids)?)).await
}

/// `user`'s (plays, last played at) per track.
pub async fn play_stats(
    state: &SharedState,
    user: String,
    ids: Vec<String>,
) -> AppResult<HashMap<String, (i64, String)>> {
    state.db.run(move |c| Ok(plays::stats(c, &user, &ids)?)).await
}
