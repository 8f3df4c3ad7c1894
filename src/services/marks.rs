//! Favourite albums and artists, star ratings and lyrics: what a person marks on the library
//! (track favourites live with playlists). Used by GraphQL and `/rest` alike.

use std::collections::{HashMap, HashSet};

use crate::db::library as db_library;
use crate::db::marks::{self, Marked, Rated};
use crate::domain::lyrics::{self, Lyrics};
use crate::error::{AppError, AppResult};
use crate::services::sessions::Caller;
use crate::state::SharedState;

pub use crate::db::marks::{Marked as FavoriteKind, Rated as RatingKind};

pub async fn favorite_album(
    state: &SharedState,
    caller: &Caller,
    id: String,
    on: bool,
) -> AppResult<db_library::AlbumRow> {
    let user = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let album = db_library::albums_by_ids(tx, std::slice::from_ref(&id))?
                .pop()
                .ok_or_else(|| AppError::not_found("album"))?;
            marks::set_favorite(tx, Marked::Album, &user, &id, on)?;
            Ok(album)
        })
        .await
}

pub async fn favorite_artist(
    state: &SharedState,
    caller: &Caller,
    id: String,
    on: bool,
) -> AppResult<db_library::ArtistRow> {
    let user = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let artist = db_library::artists_by_ids(tx, std::slice::from_ref(&id))?
                .pop()
                .ok_or_else(|| AppError::not_found("artist"))?;
            marks::set_favorite(tx, Marked::Artist, &user, &id, on)?;
            Ok(artist)
        })
        .await
}

/// Which of `ids` (albums or artists) `user` favourited; for dataloaders.
pub async fn favorites_among(
    state: &SharedState,
    kind: Marked,
    user: String,
    ids: Vec<String>,
) -> AppResult<HashSet<String>> {
    state.db.run(move |c| Ok(marks::favorited_among(c, kind, &user, &ids)?)).await
}

/// When the caller favourited each favourite album or artist (Subsonic's `starred`).
pub async fn favorite_times(state: &SharedState, caller: &Caller, kind: Marked) -> AppResult<HashMap<String, String>> {
    let user = caller.user_id.clone();
    state.db.run(move |c| Ok(marks::favorite_times(c, kind, &user)?)).await
}

/// Rates a track or album 1–5; 0 clears the rating.
pub async fn rate(state: &SharedState, caller: &Caller, kind: Rated, id: String, rating: i64) -> AppResult<()> {
    let rating = u8::try_from(rating)
        .ok()
        .filter(|r| *r <= 5)
        .ok_or_else(|| AppError::invalid("a rating is from 0 (none) to 5"))?;
    let user = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let exists = match kind {
                Rated::Track => !db_library::tracks_by_ids(tx, std::slice::from_ref(&id))?.is_empty(),
                Rated::Album => !db_library::albums_by_ids(tx, std::slice::from_ref(&id))?.is_empty(),
            };
            if !exists {
                return Err(AppError::not_found(if kind == Rated::Track { "track" } else { "album" }));
            }
            Ok(marks::set_rating(tx, kind, &user, &id, rating)?)
        })
        .await
}

pub async fn ratings_among(
    state: &SharedState,
    kind: Rated,
    user: String,
    ids: Vec<String>,
) -> AppResult<HashMap<String, u8>> {
    state.db.run(move |c| Ok(marks::ratings_among(c, kind, &user, &ids)?)).await
}

/// The track's lyrics, parsed; `None` when the scanner found none.
pub async fn lyrics(state: &SharedState, _listener: &Caller, track_id: String) -> AppResult<Option<Lyrics>> {
    let body = state.db.run(move |c| Ok(marks::lyrics(c, &track_id)?)).await?;
    Ok(body.map(|b| lyrics::parse(&b)))
}

/// Parsed lyrics of those of `track_ids` that have some; for the dataloader.
pub async fn lyrics_among(state: &SharedState, track_ids: Vec<String>) -> AppResult<HashMap<String, Lyrics>> {
    let bodies = state.db.run(move |c| Ok(marks::lyrics_among(c, &track_ids)?)).await?;
    Ok(bodies.into_iter().map(|(id, body)| (id, lyrics::parse(&body))).collect())
}
