//! Playlists and favourites. Only the owner changes a playlist; public ones are readable by
//! every signed-in user, private ones by the owner alone.

use crate::db::library as db_library;
use crate::db::playlists as db;
pub use crate::db::playlists::{ItemRow, PlaylistRow};
use crate::error::{AppError, AppResult};
use crate::services::accounts::{ImageUpload, remove_owned_image, with_image};
use crate::services::sessions::Caller;
use crate::state::SharedState;

#[derive(Default)]
pub struct PlaylistChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub public: Option<bool>,
    pub image: Option<ImageUpload>,
}

fn clean_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid("a playlist name has 1 to 200 characters"));
    }
    Ok(name.to_string())
}

fn clean_description(d: Option<String>) -> AppResult<Option<String>> {
    match d.map(|d| d.trim().to_string()) {
        Some(d) if d.chars().count() > 2000 => Err(AppError::invalid("a description has at most 2000 characters")),
        Some(d) if d.is_empty() => Ok(None),
        other => Ok(other),
    }
}

pub fn may_read(caller: &Caller, p: &PlaylistRow) -> bool {
    p.public || p.owner_id == caller.user_id
}

/// Loads a playlist the caller owns: others get NOT_FOUND for private ones and FORBIDDEN for
/// public ones, so private playlists stay invisible.
fn owned(conn: &rusqlite::Connection, caller: &Caller, id: &str) -> AppResult<PlaylistRow> {
    match db::by_id(conn, id)? {
        Some(p) if p.owner_id == caller.user_id => Ok(p),
        Some(p) if p.public => Err(AppError::forbidden("only the owner can change this playlist")),
        _ => Err(AppError::not_found("playlist")),
    }
}

pub async fn create(state: &SharedState, caller: &Caller, change: PlaylistChange) -> AppResult<PlaylistRow> {
    let name = clean_name(change.name.as_deref().unwrap_or(""))?;
    let description = clean_description(change.description)?;
    let owner = caller.user_id.clone();
    let public = change.public.unwrap_or(false);
    with_image(state, change.image, "playlist", async |image| {
        state
            .db
            .transaction(move |tx| {
                let id = db::insert(tx, &owner, &name, description.as_deref(), public)?;
                let mut p = db::by_id(tx, &id)?.expect("just inserted");
                if image.is_some() {
                    p.image_path = image;
                    db::update(tx, &p)?;
                }
                Ok((p, None))
            })
            .await
    })
    .await
}

pub async fn update(
    state: &SharedState,
    caller: &Caller,
    id: String,
    change: PlaylistChange,
) -> AppResult<PlaylistRow> {
    let name = change.name.as_deref().map(clean_name).transpose()?;
    let description = change.description.map(|d| clean_description(Some(d))).transpose()?;
    let caller = caller.clone();
    let public = change.public;
    with_image(state, change.image, "playlist", async |image| {
        state
            .db
            .transaction(move |tx| {
                let mut p = owned(tx, &caller, &id)?;
                let replaced = p.image_path.clone();
                if let Some(n) = name {
                    p.name = n;
                }
                if let Some(d) = description {
                    p.description = d;
                }
                if let Some(public) = public {
                    p.public = public;
                }
                if image.is_some() {
                    p.image_path = image;
                }
                db::update(tx, &p)?;
                Ok((db::by_id(tx, &id)?.expect("exists"), replaced))
            })
            .await
    })
    .await
}

pub async fn delete(state: &SharedState, caller: &Caller, id: String) -> AppResult<bool> {
    let caller = caller.clone();
    let image = state
        .db
        .transaction(move |tx| {
            let p = owned(tx, &caller, &id)?;
            db::delete(tx, &id)?;
            Ok(p.image_path)
        })
        .await?;
    remove_owned_image(state, image).await;
    Ok(true)
}

pub async fn get(state: &SharedState, caller: &Caller, id: String) -> AppResult<Option<PlaylistRow>> {
    let p = state.db.run(move |c| Ok(db::by_id(c, &id)?)).await?;
    Ok(p.filter(|p| may_read(caller, p)))
}

pub async fn mine(
    state: &SharedState,
    caller: &Caller,
    offset: usize,
    limit: usize,
) -> AppResult<(Vec<PlaylistRow>, i64)> {
    let owner = caller.user_id.clone();
    state.db.run(move |c| Ok(db::of_owner(c, &owner, offset, limit)?)).await
}

/// Other people's public playlists the caller may see (blocks hide them both ways).
pub async fn public_of_others(
    state: &SharedState,
    caller: &Caller,
    offset: usize,
    limit: usize,
) -> AppResult<(Vec<PlaylistRow>, i64)> {
    let viewer = caller.user_id.clone();
    state.db.run(move |c| Ok(db::public_of_others(c, &viewer, offset, limit)?)).await
}

/// A private copy of a playlist the caller can read (theirs or a public one), with the same
/// tracks in the same order; named "<name> (copy)" unless a name is given.
pub async fn copy(state: &SharedState, caller: &Caller, id: String, name: Option<String>) -> AppResult<PlaylistRow> {
    let caller = caller.clone();
    state
        .db
        .transaction(move |tx| {
            let source = match db::by_id(tx, &id)? {
                Some(p) if may_read(&caller, &p) && !blocked(tx, &caller, &p)? => p,
                _ => return Err(AppError::not_found("playlist")),
            };
            let name = clean_name(name.as_deref().unwrap_or(&format!("{} (copy)", source.name)))?;
            let copy = db::insert(tx, &caller.user_id, &name, source.description.as_deref(), false)?;
            let tracks = db::track_ids(tx, &source.id)?;
            if !tracks.is_empty() {
                db::insert_items(tx, &copy, &tracks, None)?;
            }
            Ok(db::by_id(tx, &copy)?.expect("just inserted"))
        })
        .await
}

fn blocked(conn: &rusqlite::Connection, caller: &Caller, p: &PlaylistRow) -> AppResult<bool> {
    Ok(p.owner_id != caller.user_id && crate::db::social::blocked_either_way(conn, &caller.user_id, &p.owner_id)?)
}

pub async fn items(state: &SharedState, playlist_id: String, offset: usize, limit: usize) -> AppResult<Vec<ItemRow>> {
    state.db.run(move |c| Ok(db::items(c, &playlist_id, offset, limit)?)).await
}

pub async fn add_tracks(
    state: &SharedState,
    caller: &Caller,
    id: String,
    track_ids: Vec<String>,
    position: Option<i64>,
) -> AppResult<PlaylistRow> {
    if track_ids.is_empty() || track_ids.len() > 1000 {
        return Err(AppError::invalid("add between 1 and 1000 tracks at a time"));
    }
    let max_items = state.config.limits.max_playlist_items;
    let caller = caller.clone();
    state
        .db
        .transaction(move |tx| {
            owned(tx, &caller, &id)?;
            let mut unique = track_ids.clone();
            unique.sort();
            unique.dedup();
            if db_library::tracks_by_ids(tx, &unique)?.len() != unique.len() {
                return Err(AppError::not_found("track"));
            }
            if db::item_count(tx, &id)? as usize + track_ids.len() > max_items {
                return Err(AppError::invalid(format!("a playlist holds at most {max_items} tracks")));
            }
            db::insert_items(tx, &id, &track_ids, position)?;
            db::touch(tx, &id)?;
            Ok(db::by_id(tx, &id)?.expect("exists"))
        })
        .await
}

pub async fn remove_items(
    state: &SharedState,
    caller: &Caller,
    id: String,
    item_ids: Vec<String>,
) -> AppResult<PlaylistRow> {
    if item_ids.is_empty() || item_ids.len() > 1000 {
        return Err(AppError::invalid("remove between 1 and 1000 items at a time"));
    }
    let caller = caller.clone();
    state
        .db
        .transaction(move |tx| {
            owned(tx, &caller, &id)?;
            if db::remove_items(tx, &id, &item_ids)? == 0 {
                return Err(AppError::not_found("playlist item"));
            }
            db::touch(tx, &id)?;
            Ok(db::by_id(tx, &id)?.expect("exists"))
        })
        .await
}

pub async fn move_item(
    state: &SharedState,
    caller: &Caller,
    id: String,
    item_id: String,
    to: i64,
) -> AppResult<PlaylistRow> {
    let caller = caller.clone();
    state
        .db
        .transaction(move |tx| {
            owned(tx, &caller, &id)?;
            if !db::move_item(tx, &id, &item_id, to)? {
                return Err(AppError::not_found("playlist item"));
            }
            db::touch(tx, &id)?;
            Ok(db::by_id(tx, &id)?.expect("exists"))
        })
        .await
}

/// Favourites or unfavourites a track; returns the track.
pub async fn set_favorite(
    state: &SharedState,
    caller: &Caller,
    track_id: String,
    on: bool,
) -> AppResult<db_library::TrackRow> {
    let user = caller.user_id.clone();
    state
        .db
        .transaction(move |tx| {
            let track = crate::services::tracks::find_track(tx, &track_id)?;
            if on {
                db::favorite(tx, &user, &track_id)?;
            } else {
                db::unfavorite(tx, &user, &track_id)?;
            }
            Ok(track)
        })
        .await
}
