//! Dataloaders: nested fields (a track's artist, album, favourite flag) are batched into one
//! query per kind per request instead of one per row.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use crate::graphql::batch_loader::BatchLoader;
use crate::services::accounts::UserRow;
use crate::services::batch::{self, AlbumRow, ArtistRow, TrackRow};
use crate::services::marks::{self, FavoriteKind, RatingKind};
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
    type Value = UserRow;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<Self::Value> {
        let rows = batch::users(&self.0, keys.to_vec()).await?;
        Ok(rows.into_iter().map(|u| (u.id.to_string(), u)).collect())
    }
}

impl Loader<String> for ArtistLoader {
    type Value = ArtistRow;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<ArtistRow> {
        Ok(batch::artists(&self.0, keys.to_vec()).await?.into_iter().map(|r| (r.id.to_string(), r)).collect())
    }
}

impl Loader<String> for AlbumLoader {
    type Value = AlbumRow;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<AlbumRow> {
        Ok(batch::albums(&self.0, keys.to_vec()).await?.into_iter().map(|r| (r.id.to_string(), r)).collect())
    }
}

impl Loader<String> for TrackLoader {
    type Value = TrackRow;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<TrackRow> {
        Ok(batch::tracks(&self.0, keys.to_vec()).await?.into_iter().map(|r| (r.id.to_string(), r)).collect())
    }
}

impl Loader<String> for AlbumDurationLoader {
    type Value = f64;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<f64> {
        Ok(batch::album_durations(&self.0, keys.to_vec()).await?)
    }
}

impl Loader<String> for ArtistTrackCountLoader {
    type Value = i64;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<i64> {
        Ok(batch::artist_track_counts(&self.0, keys.to_vec()).await?)
    }
}

impl Loader<String> for FavoriteLoader {
    type Value = bool;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<bool> {
        let Some(user) = self.1.clone() else { return Ok(HashMap::new()) };
        let found = batch::favorites_among(&self.0, user, keys.to_vec()).await?;
        Ok(found.into_iter().map(|id| (id, true)).collect())
    }
}

impl Loader<String> for PlaylistStatsLoader {
    type Value = (i64, f64);
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<(i64, f64)> {
        let rows = batch::playlist_stats(&self.0, keys.to_vec()).await?;
        Ok(rows.into_iter().map(|(id, n, d)| (id, (n, d))).collect())
    }
}

/// The caller's (plays, last played at) per track.
pub struct PlayStatsLoader(SharedState, Option<String>);
/// The caller's favourite albums and artists, and their track ratings, by id.
pub struct AlbumFavoriteLoader(SharedState, Option<String>);
pub struct ArtistFavoriteLoader(SharedState, Option<String>);
pub struct TrackRatingLoader(SharedState, Option<String>);
/// Parsed lyrics by track id (tracks without lyrics are absent).
pub struct LyricsLoader(SharedState);

impl Loader<String> for PlayStatsLoader {
    type Value = (i64, String);
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<(i64, String)> {
        let Some(user) = self.1.clone() else { return Ok(HashMap::new()) };
        Ok(batch::play_stats(&self.0, user, keys.to_vec()).await?)
    }
}

impl Loader<String> for AlbumFavoriteLoader {
    type Value = bool;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<bool> {
        favorite_flags(&self.0, FavoriteKind::Album, self.1.clone(), keys).await
    }
}

impl Loader<String> for ArtistFavoriteLoader {
    type Value = bool;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<bool> {
        favorite_flags(&self.0, FavoriteKind::Artist, self.1.clone(), keys).await
    }
}

async fn favorite_flags(
    state: &SharedState,
    kind: FavoriteKind,
    user: Option<String>,
    keys: &[String],
) -> LoadResult<bool> {
    let Some(user) = user else { return Ok(HashMap::new()) };
    let found = marks::favorites_among(state, kind, user, keys.to_vec()).await?;
    Ok(found.into_iter().map(|id| (id, true)).collect())
}

impl Loader<String> for TrackRatingLoader {
    type Value = u8;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<u8> {
        let Some(user) = self.1.clone() else { return Ok(HashMap::new()) };
        Ok(marks::ratings_among(&self.0, RatingKind::Track, user, keys.to_vec()).await?)
    }
}

impl Loader<String> for LyricsLoader {
    type Value = crate::domain::lyrics::Lyrics;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[String]) -> LoadResult<Self::Value> {
        Ok(marks::lyrics_among(&self.0, keys.to_vec()).await?)
    }
}

/// Fresh loaders for one request (their caches must not outlive it).
pub fn attach(request: async_graphql::Request, state: &SharedState, user_id: Option<String>) -> async_graphql::Request {
    request
        .data(BatchLoader::new(ArtistLoader(state.clone())))
        .data(BatchLoader::new(AlbumLoader(state.clone())))
        .data(BatchLoader::new(TrackLoader(state.clone())))
        .data(BatchLoader::new(AlbumDurationLoader(state.clone())))
        .data(BatchLoader::new(ArtistTrackCountLoader(state.clone())))
        .data(BatchLoader::new(FavoriteLoader(state.clone(), user_id.clone())))
        .data(BatchLoader::new(AlbumFavoriteLoader(state.clone(), user_id.clone())))
        .data(BatchLoader::new(ArtistFavoriteLoader(state.clone(), user_id.clone())))
        .data(BatchLoader::new(TrackRatingLoader(state.clone(), user_id.clone())))
        .data(BatchLoader::new(LyricsLoader(state.clone())))
        .data(BatchLoader::new(PlayStatsLoader(state.clone(), user_id)))
        .data(BatchLoader::new(PlaylistStatsLoader(state.clone())))
        .data(BatchLoader::new(UserLoader(state.clone())))
}
