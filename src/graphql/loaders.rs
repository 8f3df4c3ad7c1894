//! Dataloaders: nested fields (a track's artist, album, favourite flag) are batched into one
//! query per kind per request instead of one per row.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};

use crate::db::library::{self, AlbumRow, ArtistRow, TrackRow};
use crate::db::playlists;
use crate::state::SharedState;

type LoadResult<V> = Result<HashMap<String, V>, async_graphql::Error>;

pub struct ArtistLoader(SharedState);
pub struct AlbumLoader(SharedState);
pub struct TrackLoader(SharedState);
pub struct AlbumDurationLoader(SharedState);
pub struct ArtistTrackCountLoader(SharedState);
/// Favourite flags of one user (the caller), keyed by track id.
pub struct FavoriteLoader(SharedState, Option<String>);
/// (track count, duration) per playlist.
pub struct PlaylistStatsLoader(SharedState);
/// Enabled accounts by id (owners of playlists, creators of invites).
pub struct UserLoader(SharedState);

impl Loader<String> for UserLoader {
    type Value = crate::db::users::UserRow;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<Self::Value> {
        let keys = keys.to_vec();
        let rows = self.0.db.run(move |c| Ok(crate::db::users::by_ids(c, &keys)?)).await?;
        Ok(rows.into_iter().filter(|u| !u.disabled).map(|u| (u.id.to_string(), u)).collect())
    }
}

async fn by_id<V: Send + 'static>(
    state: &SharedState,
    keys: &[String],
    fetch: fn(&rusqlite::Connection, &[String]) -> rusqlite::Result<Vec<V>>,
    id: fn(&V) -> String,
) -> LoadResult<V> {
    let keys = keys.to_vec();
    let rows = state.db.run(move |c| Ok(fetch(c, &keys)?)).await?;
    Ok(rows.into_iter().map(|r| (id(&r), r)).collect())
}

impl Loader<String> for ArtistLoader {
    type Value = ArtistRow;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<ArtistRow> {
        by_id(&self.0, keys, library::artists_by_ids, |r| r.id.to_string()).await
    }
}

impl Loader<String> for AlbumLoader {
    type Value = AlbumRow;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<AlbumRow> {
        by_id(&self.0, keys, library::albums_by_ids, |r| r.id.to_string()).await
    }
}

impl Loader<String> for TrackLoader {
    type Value = TrackRow;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<TrackRow> {
        by_id(&self.0, keys, library::tracks_by_ids, |r| r.id.to_string()).await
    }
}

impl Loader<String> for AlbumDurationLoader {
    type Value = f64;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<f64> {
        let keys = keys.to_vec();
        Ok(self.0.db.run(move |c| Ok(library::album_durations(c, &keys)?)).await?)
    }
}

impl Loader<String> for ArtistTrackCountLoader {
    type Value = i64;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<i64> {
        let keys = keys.to_vec();
        Ok(self.0.db.run(move |c| Ok(library::artist_track_counts(c, &keys)?)).await?)
    }
}

impl Loader<String> for FavoriteLoader {
    type Value = bool;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<bool> {
        let Some(user) = self.1.clone() else { return Ok(HashMap::new()) };
        let keys = keys.to_vec();
        let found = self.0.db.run(move |c| Ok(playlists::favorited_among(c, &user, &keys)?)).await?;
        Ok(found.into_iter().map(|id| (id, true)).collect())
    }
}

impl Loader<String> for PlaylistStatsLoader {
    type Value = (i64, f64);
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<(i64, f64)> {
        let keys = keys.to_vec();
        let rows = self.0.db.run(move |c| Ok(playlists::stats(c, &keys)?)).await?;
        Ok(rows.into_iter().map(|(id, n, d)| (id, (n, d))).collect())
    }
}

/// The caller's (plays, last played at) per track.
pub struct PlayStatsLoader(SharedState, Option<String>);

impl Loader<String> for PlayStatsLoader {
    type Value = (i64, String);
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<(i64, String)> {
        let Some(user) = self.1.clone() else { return Ok(HashMap::new()) };
        let keys = keys.to_vec();
        Ok(self.0.db.run(move |c| Ok(crate::db::plays::stats(c, &user, &keys)?)).await?)
    }
}

/// Fresh loaders for one request (their caches must not outlive it).
pub fn attach(request: async_graphql::Request, state: &SharedState, user_id: Option<String>) -> async_graphql::Request {
    request
        .data(DataLoader::new(ArtistLoader(state.clone()), tokio::spawn))
        .data(DataLoader::new(AlbumLoader(state.clone()), tokio::spawn))
        .data(DataLoader::new(TrackLoader(state.clone()), tokio::spawn))
        .data(DataLoader::new(AlbumDurationLoader(state.clone()), tokio::spawn))
        .data(DataLoader::new(ArtistTrackCountLoader(state.clone()), tokio::spawn))
        .data(DataLoader::new(FavoriteLoader(state.clone(), user_id.clone()), tokio::spawn))
        .data(DataLoader::new(PlayStatsLoader(state.clone(), user_id), tokio::spawn))
        .data(DataLoader::new(PlaylistStatsLoader(state.clone()), tokio::spawn))
        .data(DataLoader::new(UserLoader(state.clone()), tokio::spawn))
}
